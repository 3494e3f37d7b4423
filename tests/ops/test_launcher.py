"""ops.launcher: the endpoints file Rasa reads names passwords, never holds them, and Rasa's
own reader (in .venv-rasa) gets them from the environment the launcher gives it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ops import launcher
from tests.bot_servers import environment

ROOT = Path(__file__).resolve().parents[2]

READ = """
import json, sys
from rasa.utils.endpoints import read_endpoint_config
tracker = read_endpoint_config(sys.argv[1], "tracker_store")
lock = read_endpoint_config(sys.argv[1], "lock_store")
print(json.dumps({"tracker": tracker.kwargs.get("password"), "lock": lock.kwargs.get("password")}))
"""


def test_passwords_reach_rasa_but_not_the_endpoints_file(tmp_path):
    with environment(
        TRACKER_STORE_URL="postgresql://bot:s%C3%AAcret@db.example:5432/tracker",
        TRACKER_STORE_PASSWORD="",
        REDIS_URL="redis://127.0.0.1:6379/2",
        REDIS_PASSWORD="redis-secret",
    ):
        text = launcher.endpoints_yaml("http://127.0.0.1:5055/webhook")
        env = launcher.rasa_env()
    assert "sêcret" not in text and "s%C3%AAcret" not in text and "redis-secret" not in text
    path = tmp_path / "endpoints.yml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", READ, str(path)],
        cwd=ROOT,
        env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"tracker": "sêcret", "lock": "redis-secret"}


def test_without_stores_rasa_keeps_conversations_in_memory():
    with environment(TRACKER_STORE_URL="", REDIS_URL=""):
        text = launcher.endpoints_yaml("http://127.0.0.1:5055/webhook")
    assert text == 'action_endpoint:\n  url: "http://127.0.0.1:5055/webhook"\n'
