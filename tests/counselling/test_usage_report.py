"""The department's usage report (counselling/usage_report.py, usage_counts.py, usage_charts.py)
on a week of conversations recorded the way the bot records them: every turn through what the
action server's POST /turns runs (actions.counselling.record_turns, which reads the message
against the catalog), hand-off requests through counselling.handoff. On SQLite and PostgreSQL.

`seed_week` and `EXPECTED` are shared with tests/staff/web/test_report_page.py, which checks
that the page, its CSV and the command line show these same figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import func, select

from actions.counselling import record_turns
from catalog import db, importer
from catalog.migrate import migrate
from counselling import conversation_log, handoff, usage_charts, usage_report
from counselling.models import CounsellingRequest, CountedMessage, DailyMessageCount, UsageCount
from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR
from tests.counselling.test_cli import run

VN = dt.timezone(dt.timedelta(hours=7))
SINCE, UNTIL = dt.date(2026, 11, 16), dt.date(2026, 11, 22)


def vn(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of November 2026 in Vietnam time."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=VN)


# (Vietnam time, channel, message id, text, intent, confidence, entities)
TURNS = [
    (vn(15, 23, 50), "telegram", "m00", "xin chào", "greet", 0.99, None),  # the day before: 16:50 UTC
    (vn(16, 0, 30), "telegram", "m01", "trường nào dạy nấu ăn ở Quảng Ninh", "ask_schools", 0.95, None),  # UTC: the 15th
    (vn(16, 9), "zalo", "m02", "xin chào", "greet", 0.99, None),
    (
        vn(17, 10),
        "telegram",
        "m03",
        "học phí ngành điện công nghiệp trường Việt - Hàn Bình Minh",
        "ask_programme_info",
        0.9,
        None,
    ),
    (
        vn(17, 10, 1),
        "telegram",
        "m03",
        "học phí ngành điện công nghiệp trường Việt - Hàn Bình Minh",
        "ask_programme_info",
        0.9,
        None,
    ),
    (vn(17, 11), "telegram", "m04", "asd qwe", "nlu_fallback", 0.3, None),
    (vn(18, 14), "zalo", "m05", "thợ hàn lương bao nhiêu", "ask_labour_market", 0.9, None),
    (vn(18, 15), "zalo", "m06", "ở Hải Dương có trường nào dạy may không", "ask_schools", 0.4, None),
    (vn(20, 20), "telegram", "m07", "em muốn học điều dưỡng", "ask_schools", 0.9, None),
    (vn(20, 20, 5), "webchat", "m08", "trường nào dạy nấu ăn ở Quảng Ninh", "ask_schools", 0.95, None),  # a counsellor
    (vn(21, 8), "telegram", "m09", "/ask_schools", "ask_schools", 1.0, {"province": "Quảng Ninh"}),
    (vn(21, 9), "telegram", "m10", "lương thợ điện công nghiệp bao nhiêu", "ask_labour_market", 0.9, None),
    (vn(22, 23, 59), "zalo", "m11", "bạn có người yêu chưa", "out_of_scope", 0.9, None),  # UTC: 16:59 the 22nd
    (vn(23, 0, 10), "telegram", "m12", "xin chào", "greet", 0.99, None),  # UTC: still the 22nd, Vietnam: the 23rd
]
# (created, channel, minutes to claim, minutes to close); None = not done
REQUESTS = [
    (vn(17, 10, 5), "telegram", 30, 120),
    (vn(18, 15, 10), "zalo", 90, 1440),
    (vn(20, 20, 10), "telegram", None, 240),  # closed without being claimed first
    (vn(22, 23), "zalo", None, None),
    (vn(19, 9), "webchat", 5, 10),  # a counsellor's try-out
    (vn(23, 0, 5), "telegram", 10, 20),  # after the week
]

EXPECTED = {
    "messages": 10,
    "unanswered": 3,
    "unanswered_percent": 30.0,
    "days": {  # day → (messages, telegram, zalo, unanswered, requests)
        "2026-11-16": (2, 1, 1, 0, 0),
        "2026-11-17": (2, 2, 0, 1, 1),
        "2026-11-18": (2, 0, 2, 1, 1),
        "2026-11-19": (0, 0, 0, 0, 0),
        "2026-11-20": (1, 1, 0, 0, 1),
        "2026-11-21": (2, 2, 0, 0, 0),
        "2026-11-22": (1, 0, 1, 1, 1),
    },
    "channels": {"Telegram": (6, 1), "Zalo": (4, 2)},
    "topics": {
        "ask_schools": (4, 1),
        "ask_labour_market": (2, 0),
        "greet": (1, 0),
        "ask_programme_info": (1, 0),
        "nlu_fallback": (1, 1),
        "out_of_scope": (1, 1),
    },
    "provinces": {"Quảng Ninh": (3, 0), "Hải Phòng": (1, 1)},  # "Hải Dương" is now part of Hải Phòng
    "trades": {
        "Điện công nghiệp": (2, 0),
        "Hàn": (1, 0),
        "Kỹ thuật chế biến món ăn": (1, 0),
        "May thời trang": (1, 1),
        "Điều dưỡng": (1, 0),
    },
    "schools": {"Trường Cao đẳng Việt - Hàn Bình Minh": (1, 0)},
    "handoffs": {
        "requests": 4,
        "taken": 3,
        "closed": 3,
        "waiting": 1,
        "wait_taken_median": 90,
        "wait_taken_mean": 120,  # (30 + 90 + 240) / 3
        "wait_closed_median": 240,
        "wait_closed_mean": 600,  # (120 + 1440 + 240) / 3
    },
}


def _turn(moment: dt.datetime, channel: str, message_id: str, text: str, intent: str, confidence: float, entities) -> dict:
    """The message as Rasa's event broker sends it to POST /turns (bot/nlu/turn_broker.py)."""
    return {
        "event": "user",
        "sender_id": f"{channel}-hoc-sinh",
        "timestamp": moment.timestamp(),
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        },
        "input_channel": "rest",
        "message_id": message_id,
        "metadata": {"channel": channel},
    }


def seed_week(url: str, monkeypatch) -> None:
    """The week's conversations, recorded by what the action server runs for the event broker
    (each message at its own time) and the hand-off functions, each at its moment (those read
    the clock: it is set for each call)."""
    migrate(url)
    assert record_turns([_turn(*turn) for turn in TURNS], url=url) == len(TURNS)
    with monkeypatch.context() as clock:
        for created, channel, to_claim, to_close in REQUESTS:
            request_id = handoff.create_request(
                sender_id=f"{channel}-hoc-sinh",
                channel=channel,
                contact="0912345678",
                question="cho em hỏi học phí",
                institution_code=None,
                province="Quảng Ninh",
                url=url,
            )
            with db.session(url) as session, session.begin():
                session.get(CounsellingRequest, request_id).created_at = created.astimezone(dt.timezone.utc)
            if to_claim is not None:
                clock.setattr(handoff, "utcnow", lambda m=created + dt.timedelta(minutes=to_claim): m.astimezone(dt.timezone.utc))
                handoff.claim(request_id, "co.lan", url=url)
            if to_close is not None:
                clock.setattr(handoff, "utcnow", lambda m=created + dt.timedelta(minutes=to_close): m.astimezone(dt.timezone.utc))
                handoff.close(request_id, "co.lan", url=url)


def load_catalog(url: str) -> None:
    importer.import_catalog(NATIONAL_DIR, url=url)
    importer.import_catalog(SAMPLE_DIR, url=url, demo=True)


def figures_of(report: usage_report.UsageReport) -> dict:
    """The report in the shape of EXPECTED."""
    channels = [c.code for c in report.channels]
    return {
        "messages": report.messages,
        "unanswered": report.unanswered,
        "unanswered_percent": report.unanswered_percent,
        "days": {
            d.day.isoformat(): (
                d.messages,
                d.by_channel.get("telegram", 0),
                d.by_channel.get("zalo", 0),
                d.unanswered,
                d.requests,
            )
            for d in report.days
        }
        if channels == ["telegram", "zalo"]
        else channels,
        "channels": {r.name: (r.messages, r.unanswered) for r in report.channels},
        "topics": {r.code: (r.messages, r.unanswered) for r in report.topics},
        "provinces": {r.name: (r.messages, r.unanswered) for r in report.provinces},
        "trades": {r.name: (r.messages, r.unanswered) for r in report.trades},
        "schools": {r.name: (r.messages, r.unanswered) for r in report.schools},
        "handoffs": {attribute: getattr(report.handoffs, attribute) for attribute, _ in usage_report.HANDOFF_MEASURES},
    }


def figures_of_csv(content: bytes) -> dict:
    """The CSV (as Excel reads it: UTF-8 with a byte-order mark) in the shape of EXPECTED."""
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Phần", "Mã", "Mục", "Chỉ số", "Giá trị"]
    values: dict[tuple[str, str, str], str] = {}
    codes: dict[tuple[str, str], str] = {}
    for section, code, item, measure, value in rows[1:]:
        values[(section, item, measure)] = value
        codes[(section, item)] = code

    def ranking(section: str, key: str = "name") -> dict:
        items = [item for (s, item, measure) in values if s == section and measure == "Câu hỏi"]
        return {
            (codes[(section, item)] if key == "code" else item): (
                int(values[(section, item, "Câu hỏi")]),
                int(values[(section, item, "Chưa trả lời được")]),
            )
            for item in items
        }

    days = sorted({item for (s, item, _) in values if s == "Theo ngày"})
    return {
        "messages": int(values[("Tổng", "Tất cả kênh", "Câu hỏi")]),
        "unanswered": int(values[("Tổng", "Tất cả kênh", "Chưa trả lời được")]),
        "unanswered_percent": float(values[("Tổng", "Tất cả kênh", "Tỷ lệ chưa trả lời được (%)")]),
        "days": {
            day: (
                int(values[("Theo ngày", day, "Câu hỏi")]),
                int(values[("Theo ngày", day, "Câu hỏi qua Telegram")]),
                int(values[("Theo ngày", day, "Câu hỏi qua Zalo")]),
                int(values[("Theo ngày", day, "Chưa trả lời được")]),
                int(values[("Theo ngày", day, "Yêu cầu gọi lại")]),
            )
            for day in days
        },
        "channels": ranking("Theo kênh"),
        "topics": ranking("Theo chủ đề", key="code"),
        "provinces": ranking("Theo tỉnh, thành được hỏi"),
        "trades": ranking("Nghề được hỏi nhiều nhất"),
        "schools": ranking("Trường được hỏi nhiều nhất"),
        "handoffs": {
            attribute: int(values[("Yêu cầu gọi lại", "Tất cả kênh", measure)])
            for attribute, measure in usage_report.HANDOFF_MEASURES
        },
    }


def test_a_seeded_week_gives_the_expected_figures(catalog_url, monkeypatch):
    load_catalog(catalog_url)
    seed_week(catalog_url, monkeypatch)
    report = usage_report.usage(SINCE, UNTIL, catalog_url)
    assert figures_of(report) == EXPECTED
    assert figures_of_csv(usage_report.to_csv(report)) == EXPECTED
    # Rows are ranked, most asked first; topics and trades are named as people read them.
    assert [r.name for r in report.trades][:1] == ["Điện công nghiệp"]
    assert report.topics[0].name == "Tìm trường"
    assert report.about_province == 4


def test_the_counts_hold_nothing_that_identifies_a_student(catalog_url, monkeypatch):
    load_catalog(catalog_url)
    seed_week(catalog_url, monkeypatch)
    columns = {c.name for c in UsageCount.__table__.columns}
    assert columns == {
        "id",
        "day",
        "channel",
        "intent",
        "province",
        "occupation_code",
        "institution_code",
        "messages",
        "unanswered",
    }
    content = usage_report.to_csv(usage_report.usage(SINCE, UNTIL, catalog_url)).decode("utf-8-sig")
    assert "0912345678" not in content and "hoc-sinh" not in content and "asd qwe" not in content


def test_a_retried_action_counts_the_message_once_and_old_ids_are_purged(catalog_url):
    migrate(catalog_url)
    at = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.timezone.utc)
    for _ in range(2):  # Rasa ran the action twice for one answered message
        conversation_log.record_turn(
            text="trường nào dạy hàn",
            intent="ask_schools",
            confidence=0.95,
            ranking=[],
            channel="zalo",
            sender_id="s",
            message_id="rasa-1",
            at=at,
            url=catalog_url,
            occupation_code="520123",
        )
    with db.session(catalog_url) as session:
        assert session.scalar(select(func.sum(UsageCount.messages))) == 1
        assert session.scalar(select(func.sum(DailyMessageCount.answered))) == 1
    removed = conversation_log.purge(180, url=catalog_url, now=at + dt.timedelta(days=3))
    assert removed["counted_message_ids"] == 1
    with db.session(catalog_url) as session:
        assert session.scalar(select(func.count()).select_from(CountedMessage)) == 0
        assert session.scalar(select(func.sum(UsageCount.messages))) == 1  # the counts themselves stay


def test_a_period_is_whole_vietnam_days_and_checked():
    assert usage_report.period(dt.date(2026, 11, 16), dt.date(2026, 11, 16)) == (dt.date(2026, 11, 16),) * 2
    since, until = usage_report.period(None, dt.date(2026, 11, 22))
    assert since == dt.date(2026, 11, 16)
    for since, until in ((dt.date(2026, 11, 17), dt.date(2026, 11, 16)), (dt.date(2025, 1, 1), dt.date(2026, 11, 16))):
        try:
            usage_report.period(since, until)
        except usage_report.BadPeriod:
            continue
        raise AssertionError(f"{since}..{until} accepted")
    assert usage_report.duration(0) == "0 phút" and usage_report.duration(125) == "2 giờ 5 phút"
    assert usage_report.duration(1500) == "1 ngày 1 giờ" and usage_report.duration(None) == "—"


def test_the_charts_are_png_images(catalog_url, monkeypatch):
    load_catalog(catalog_url)
    seed_week(catalog_url, monkeypatch)
    report = usage_report.usage(SINCE, UNTIL, catalog_url)
    for draw in usage_charts.CHARTS.values():
        assert draw(report)[:8] == b"\x89PNG\r\n\x1a\n"
    empty = usage_report.usage(dt.date(2026, 1, 1), dt.date(2026, 1, 7), catalog_url)
    assert all(draw(empty)[:4] == b"\x89PNG" for draw in usage_charts.CHARTS.values())


def test_the_command_line_prints_the_same_figures_and_writes_the_csv(catalog_url, monkeypatch, tmp_path):
    load_catalog(catalog_url)
    seed_week(catalog_url, monkeypatch)
    out = tmp_path / "bao-cao.csv"
    result = run(catalog_url, "report", "usage", "--since", SINCE.isoformat(), "--until", UNTIL.isoformat(), "--csv", str(out))
    assert result.returncode == 0, result.stderr
    assert figures_of_text(result.stdout) == EXPECTED
    assert out.read_bytes() == usage_report.to_csv(usage_report.usage(SINCE, UNTIL, catalog_url))
    wrong = run(catalog_url, "report", "usage", "--since", UNTIL.isoformat(), "--until", SINCE.isoformat())
    assert wrong.returncode == 2 and "trước hoặc bằng" in wrong.stderr and "Traceback" not in wrong.stderr


def figures_of_text(text: str) -> dict:
    """`python -m counselling report usage` output in the shape of EXPECTED."""
    lines = text.splitlines()
    total = re.search(r"Câu hỏi của học sinh: (\d+); chưa trả lời được: (\d+) \((\d+),(\d)%\)", text)
    start = lines.index("Theo ngày:")
    head = lines[start + 1].split()
    assert head[:2] == ["Ngày", "Câu"] and "Telegram" in head and "Zalo" in head
    days = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        day, *numbers = line.split()
        days[dt.datetime.strptime(day, "%d/%m/%Y").date().isoformat()] = tuple(int(n) for n in numbers)

    def ranking(title: str, names_to_codes: dict | None = None) -> dict:
        index = lines.index(f"{title}:")
        found = {}
        for line in lines[index + 1 :]:
            match = re.fullmatch(r"  (.+): (\d+) câu hỏi, (\d+) chưa trả lời được", line)
            if not match:
                break
            name = match.group(1)
            found[names_to_codes[name] if names_to_codes else name] = (int(match.group(2)), int(match.group(3)))
        return found

    topic_codes = {usage_report.topic_name(code): code for code in EXPECTED["topics"]}
    handoff_line = re.search(
        r"Yêu cầu gọi lại: (\d+); đã có người nhận: (\d+); đã xong: (\d+); chưa có người nhận: (\d+)\.", text
    )
    waits = re.findall(r"trung vị (.+?), trung bình (.+?)\.", text)
    # a wait is printed as "1 giờ 30 phút": read back through the expected values' wording
    minutes = {usage_report.duration(m): m for m in EXPECTED["handoffs"].values()}
    return {
        "messages": int(total.group(1)),
        "unanswered": int(total.group(2)),
        "unanswered_percent": float(f"{total.group(3)}.{total.group(4)}"),
        "days": days,
        "channels": ranking("Theo kênh"),
        "topics": ranking("Theo chủ đề", topic_codes),
        "provinces": ranking("Theo tỉnh, thành được hỏi"),
        "trades": ranking("Nghề được hỏi nhiều nhất"),
        "schools": ranking("Trường được hỏi nhiều nhất"),
        "handoffs": {
            "requests": int(handoff_line.group(1)),
            "taken": int(handoff_line.group(2)),
            "closed": int(handoff_line.group(3)),
            "waiting": int(handoff_line.group(4)),
            "wait_taken_median": minutes[waits[0][0]],
            "wait_taken_mean": minutes[waits[0][1]],
            "wait_closed_median": minutes[waits[1][0]],
            "wait_closed_mean": minutes[waits[1][1]],
        },
    }
