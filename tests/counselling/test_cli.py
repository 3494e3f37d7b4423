"""`python -m counselling report gaps | requests | privacy purge` (counselling/cli.py)."""

from __future__ import annotations

import datetime as dt

from catalog.migrate import migrate
from catalog.vietnam_time import vietnam_time
from counselling import conversation_log, handoff
from tests.catalog.test_cli import run as run_cli
from tests.counselling.unanswered import record_unanswered


def run(url: str, *args: str, stdin: str | None = None):
    return run_cli(url, *args, stdin=stdin, module="counselling")


def test_gaps_report_groups_questions_and_writes_a_chart(catalog_url, tmp_path):
    migrate(catalog_url)
    today = dt.datetime.now(dt.timezone.utc)
    for text in ("trường có xe đưa đón không", "truong co xe dua don ko", "em gọi 0912345678 hỏi học bổng"):
        record_unanswered(catalog_url, text, sender="s", at=today)
    conversation_log.record_turn(
        text="thử",
        intent="nlu_fallback",
        confidence=0.2,
        ranking=[],
        channel="webchat",
        sender_id="tv",
        message_id=None,
        at=today,
        url=catalog_url,
    )
    chart = tmp_path / "bieu-do.png"
    result = run(
        catalog_url, "report", "gaps", "--since", (today.date() - dt.timedelta(days=3)).isoformat(), "--chart", str(chart)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "3 tin nhắn, 3 chưa trả lời được" in lines[0]  # the counsellor's try-out is not counted
    assert lines[1].startswith("  1. [2 lần] ")
    assert "[số điện thoại]" in result.stdout and "0912345678" not in result.stdout
    assert chart.read_bytes()[:4] == b"\x89PNG"
    assert run(catalog_url, "report", "gaps", "--since", "hôm qua").returncode != 0


def test_requests_are_worked_from_the_command_line(catalog_url):
    migrate(catalog_url)
    request_id = handoff.create_request(
        sender_id="s",
        channel="telegram",
        contact="0912345678",
        question="học phí?",
        institution_code="QN-VHBM",
        province="Quảng Ninh",
        url=catalog_url,
    )
    listing = run(catalog_url, "requests", "list").stdout
    assert f"#{request_id}" in listing and "mới" in listing and "0912345678" in listing
    created = handoff.list_requests(url=catalog_url)[0]["created_at"]
    assert vietnam_time(created) in listing and "Telegram" in listing  # Vietnam time, the channel by name
    assert "gọi 0912345678" in run(catalog_url, "requests", "claim", str(request_id), "--by", "cô Lan").stdout
    assert "cô Lan" in run(catalog_url, "requests", "list", "--status", "claimed").stdout
    assert run(catalog_url, "requests", "close", str(request_id), "--by", "cô Lan", "--note", "đã gọi").returncode == 0
    assert "đã xong" in run(catalog_url, "requests", "list").stdout
    missing = run(catalog_url, "requests", "claim", "999", "--by", "x")
    assert missing.returncode == 2 and "không có yêu cầu số 999" in missing.stderr


def test_purge_uses_the_configured_retention(catalog_url):
    migrate(catalog_url)
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)
    conversation_log.record_turn(
        text="cũ",
        intent="nlu_fallback",
        confidence=0.1,
        ranking=[],
        channel="zalo",
        sender_id="s",
        message_id=None,
        at=old,
        url=catalog_url,
    )
    assert "unanswered_messages: 0" in run(catalog_url, "privacy", "purge").stdout  # 180 days by default
    assert "unanswered_messages: 1" in run(catalog_url, "privacy", "purge", "--days", "30").stdout
