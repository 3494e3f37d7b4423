"""The Rasa project itself: data validation and the conversation tests of
tests/test_stories.yml, run with Rasa's own tools against the trained model."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ops import launcher

ROOT = Path(__file__).resolve().parents[2]


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(launcher.RASA), *args], cwd=ROOT, env=launcher.rasa_env(), capture_output=True, text=True, timeout=timeout
    )


def test_rasa_data_validate_is_clean():
    result = rasa("data", "validate", "--fail-on-warnings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "UserWarning" not in output, [line for line in output.splitlines() if "UserWarning" in line]


def test_conversation_stories_pass(trained_model):
    out = ROOT / "test-artifacts" / "rasa-test"
    result = rasa(
        "test",
        "core",
        "--stories",
        "tests/test_stories.yml",
        "--model",
        str(trained_model),
        "--out",
        str(out),
        "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, (
        (out / "failed_test_stories.yml").read_text(encoding="utf-8")[-4000:]
        if (out / "failed_test_stories.yml").exists()
        else result.stderr[-4000:]
    )
    assert "None of the test stories failed" in (out / "failed_test_stories.yml").read_text(encoding="utf-8")


def test_at_least_40_conversation_tests():
    text = (ROOT / "tests" / "test_stories.yml").read_text(encoding="utf-8")
    assert text.count("- story:") >= 40
