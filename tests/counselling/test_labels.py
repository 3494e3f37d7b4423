"""Counsellors' labels on unanswered questions and the NLU file exported from them
(counselling/labels.py, `python -m counselling export-labelled`), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete, select, update

from catalog import db
from catalog.migrate import migrate
from counselling import conversation_log, labels
from counselling.models import UnansweredMessage
from tests.counselling.test_cli import run
from tests.counselling.unanswered import record_unanswered

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime.now(dt.timezone.utc)


def record(url, text: str) -> int:
    """One question the bot did not understand; returns its id."""
    record_unanswered(url, text, at=NOW)
    with db.session(url) as session:
        return session.scalar(select(UnansweredMessage.id).order_by(UnansweredMessage.id.desc()).limit(1))


def nlu_blocks(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    return {
        block["intent"]: [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")] for block in data["nlu"]
    }


@pytest.fixture
def nlu_dir(tmp_path) -> Path:
    """A small stand-in for data/nlu, so what counts as already known is fixed by the test."""
    folder = tmp_path / "nlu"
    folder.mkdir()
    (folder / "policies.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_policies\n  examples: |\n    - có được học bổng không\n'
        "    - học ở [Quảng Ninh](province) có được miễn học phí không\n",
        encoding="utf-8",
    )
    return folder


def test_every_intent_is_described_as_in_the_docs():
    """The select on the page describes every intent of domain.yml, and the table follows docs/intents.md."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    expected = [name for name in domain["intents"] if name not in labels.NOT_LABELS]
    assert list(labels.intents()) == expected
    assert [name for name in expected if name not in labels.DESCRIPTIONS] == []
    documented = set(re.findall(r"`([a-z0-9_]+)`", (ROOT / "docs" / "intents.md").read_text(encoding="utf-8")))
    assert set(labels.DESCRIPTIONS) <= documented
    choices = labels.choices()
    assert choices[0][0] == "out_of_scope" and "ngoài phạm vi" in choices[0][1]
    assert {name for name, _ in choices} == set(expected)


def test_labels_are_set_changed_and_cleared(catalog_url):
    migrate(catalog_url)
    first, second = record(catalog_url, "nhà nước có đỡ đần tiền học nghề không"), record(catalog_url, "zxqv")
    assert labels.set_label([first, second], "ask_policies", "tuvan.qn", url=catalog_url) == 2
    with pytest.raises(labels.LabelError):
        labels.set_label([first], "quiz_answer", "tuvan.qn", url=catalog_url)  # only the quiz's buttons give it
    with pytest.raises(labels.LabelError):
        labels.set_label([first], "ask_tuition", "tuvan.qn", url=catalog_url)
    labels.set_label([second], "out_of_scope", "tuvan.hp", url=catalog_url)
    with db.session(catalog_url) as session:
        rows = {m.id: m for m in session.scalars(select(UnansweredMessage))}
    assert (rows[first].label, rows[first].labelled_by) == ("ask_policies", "tuvan.qn")
    assert (rows[second].label, rows[second].labelled_by) == ("out_of_scope", "tuvan.hp")
    assert rows[first].labelled_at is not None
    groups = conversation_log.gaps(NOW.date(), url=catalog_url)
    assert {g.example: (g.label, g.labelled_by, g.ids) for g in groups} == {
        "nhà nước có đỡ đần tiền học nghề không": ("ask_policies", "tuvan.qn", [first]),
        "zxqv": ("out_of_scope", "tuvan.hp", [second]),
    }
    labels.set_label([second], "", "tuvan.hp", url=catalog_url)
    with db.session(catalog_url) as session:
        cleared = session.get(UnansweredMessage, second)
        assert (cleared.label, cleared.labelled_by, cleared.labelled_at) == (None, None, None)


def test_export_writes_one_block_per_intent_without_duplicates_known_or_unknown(catalog_url, nlu_dir, tmp_path):
    migrate(catalog_url)
    wanted = {
        "ask_policies": ["nhà nước có đỡ đần tiền học nghề không", "nhà em khó, có khoản nào giúp đi học nghề không"],
        "out_of_scope": ["tối nay đội tuyển đá mấy giờ"],
        "ask_events": ["bao giờ các trường mở cửa cho đi xem"],
    }
    for intent, texts in wanted.items():
        labels.set_label([record(catalog_url, t) for t in texts], intent, "tuvan.qn", url=catalog_url)
    # The same wording twice (once with other spacing and case), and a correction: the latest label wins.
    labels.set_label([record(catalog_url, "Nhà nước  có đỡ đần tiền học nghề KHÔNG")], "ask_policies", "b", url=catalog_url)
    corrected = record(catalog_url, "trường mở cửa cho xem ngày nào")
    labels.set_label([corrected], "ask_school_info", "a", url=catalog_url)
    labels.set_label([record(catalog_url, "trường mở cửa cho xem ngày nào")], "ask_events", "b", url=catalog_url)
    wanted["ask_events"].append("trường mở cửa cho xem ngày nào")
    # Already training data (entity annotations do not hide it), not labelled, masked, intent gone from the domain.
    labels.set_label([record(catalog_url, "Có được học bổng không")], "ask_policies", "a", url=catalog_url)
    labels.set_label([record(catalog_url, "học ở Quảng Ninh có được miễn học phí không")], "ask_policies", "a", url=catalog_url)
    record(catalog_url, "câu chưa ai gán nhãn")
    labels.set_label([record(catalog_url, "em gọi 0912 345 678 hỏi hồ sơ nhập học")], "ask_programme_info", "a", url=catalog_url)
    old = record(catalog_url, "học phí kỳ này bao nhiêu")
    with db.session(catalog_url) as session, session.begin():
        session.execute(update(UnansweredMessage).where(UnansweredMessage.id == old).values(label="ask_tuition_old"))

    out = tmp_path / "data" / "tu-van-gan-nhan.yml"
    at = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.timezone.utc)
    result = labels.export(out, url=catalog_url, nlu_dir=nlu_dir, now=at)

    text = out.read_text(encoding="utf-8")
    assert text.startswith('version: "3.1"\n# Generated by `python -m counselling export-labelled`')
    assert "counsellors' labels" in text and "2026-11-23 08:30 UTC" in text
    blocks = nlu_blocks(out)
    assert list(blocks) == ["ask_programme_info", "ask_policies", "ask_events", "out_of_scope"]  # domain.yml's order
    for intent, texts in wanted.items():
        assert sorted(blocks[intent]) == sorted(texts), intent
    assert blocks["ask_programme_info"] == ["em gọi [số điện thoại] hỏi hồ sơ nhập học"]
    assert "0912" not in text and "chưa ai" not in text and "học bổng" not in text and "ask_tuition_old" not in text
    assert (result.written, result.duplicates, result.already_known, result.unknown) == (6, 2, 2, {"ask_tuition_old": 1})

    # Exporting again replaces the file: its own examples do not count as already known. A label
    # taken back removes its example; a question purged after the retention period keeps its
    # example, so the bot does not unlearn it.
    labels.set_label([corrected], "", "a", url=catalog_url)
    assert labels.export(out, url=catalog_url, nlu_dir=nlu_dir, now=at).written == 6
    assert nlu_blocks(out) == blocks
    with db.session(catalog_url) as session:
        ids = dict(session.execute(select(UnansweredMessage.text, UnansweredMessage.id)).all())
    labels.set_label([ids["bao giờ các trường mở cửa cho đi xem"]], None, "a", url=catalog_url)
    with db.session(catalog_url) as session, session.begin():
        session.execute(delete(UnansweredMessage).where(UnansweredMessage.text == "tối nay đội tuyển đá mấy giờ"))
    again = labels.export(out, url=catalog_url, nlu_dir=nlu_dir, now=at)
    assert (again.written, again.kept) == (5, 1)
    assert nlu_blocks(out) == {**blocks, "ask_events": ["trường mở cửa cho xem ngày nào"]}


def test_export_with_no_labels_is_valid_empty_training_data(catalog_url, nlu_dir, tmp_path):
    migrate(catalog_url)
    record(catalog_url, "zxqv")
    out = nlu_dir / "tu-van-gan-nhan.yml"
    result = labels.export(out, url=catalog_url, nlu_dir=nlu_dir)
    assert result.written == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["nlu"] == []


def test_example_text_keeps_masks_and_breaks_entity_syntax():
    assert labels.example_text("gọi  0912345678\nnhé") == "gọi [số điện thoại] nhé"
    assert labels.example_text("[email](a) hỏi") == "[email] (a) hỏi"


def test_export_from_the_command_line_skips_the_project_training_data(catalog_url, tmp_path):
    migrate(catalog_url)
    known = next(t for t in nlu_blocks(ROOT / "data" / "nlu" / "policies.yml")["ask_policies"] if not re.search(r"[\[\d]", t))
    labels.set_label([record(catalog_url, known)], "ask_policies", "a", url=catalog_url)
    labels.set_label([record(catalog_url, "nhà nước có đỡ đần tiền học nghề không")], "ask_policies", "a", url=catalog_url)
    out = tmp_path / "gan-nhan.yml"
    result = run(catalog_url, "export-labelled", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Đã ghi 1 câu (1 ý định) vào {out}" in result.stdout
    assert "1 câu đã có trong data/nlu" in result.stdout and "make train" in result.stdout
    assert nlu_blocks(out) == {"ask_policies": ["nhà nước có đỡ đần tiền học nghề không"]}

    handwritten = tmp_path / "policies.yml"
    handwritten.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    refused = run(catalog_url, "export-labelled", "--out", str(handwritten))
    assert refused.returncode == 2 and "không ghi đè" in refused.stderr
    assert handwritten.read_text(encoding="utf-8") == 'version: "3.1"\nnlu: []\n'
