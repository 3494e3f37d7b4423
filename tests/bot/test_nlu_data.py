"""The held-out NLU set stays independent of the training data (make eval relies on it)."""

from __future__ import annotations

from pathlib import Path

import yaml

from vntext import folding

ROOT = Path(__file__).resolve().parents[2]


def examples(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in data.get("nlu", []):
        if "intent" in item:
            out += [(line[2:].strip(), item["intent"]) for line in item["examples"].splitlines() if line.startswith("- ")]
    return out


def test_holdout_is_large_half_without_diacritics_and_not_in_training():
    holdout = examples(ROOT / "tests" / "nlu_holdout.yml")
    training = {t.lower() for p in (ROOT / "data" / "nlu").glob("*.yml") for t, _ in examples(p)}
    assert len(holdout) >= 300
    plain = sum(1 for t, _ in holdout if not folding.has_diacritics(t))
    assert 0.45 <= plain / len(holdout) <= 0.55
    assert [t for t, _ in holdout if t.lower() in training] == []


def test_every_typed_intent_is_in_the_holdout():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    covered = {intent for _, intent in examples(ROOT / "tests" / "nlu_holdout.yml")}
    assert set(domain["intents"]) - covered == {"quiz_answer"}  # quiz answers only come from buttons


def test_frozen_holdout_covers_four_registers_and_stays_out_of_training():
    """tests/nlu_holdout_v2.yml was written before any tuning against it and is frozen."""
    data = yaml.safe_load((ROOT / "tests" / "nlu_holdout_v2.yml").read_text(encoding="utf-8"))
    rows = [
        (line[2:].strip(), block["intent"], block["metadata"]["register"])
        for block in data["nlu"]
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]
    training = {t.lower() for p in (ROOT / "data" / "nlu").glob("*.yml") for t, _ in examples(p)}
    assert len(rows) >= 400
    per_register = {
        r: sum(1 for _, _, reg in rows if reg == r) for r in ("student_accented", "student_plain", "teencode", "parent")
    }
    assert min(per_register.values()) >= 100, per_register
    assert [t for t, _, _ in rows if t.lower() in training] == []
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {intent for _, intent, _ in rows} <= set(domain["intents"])
