"""Recording turns, the gaps report, the chart and purging (catalog/conversation_log.py),
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from catalog import db, importer
from catalog.migrate import migrate
from counselling import conversation_log, handoff
from counselling.models import CounsellingRequest, DailyMessageCount, UnansweredMessage
from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)


def record(url, text, intent="nlu_fallback", confidence=0.2, at=NOW, sender="s1", message_id=None):
    return conversation_log.record_turn(
        text=text,
        intent=intent,
        confidence=confidence,
        ranking=[(intent, confidence), ("greet", 0.1)],
        channel="telegram",
        sender_id=sender,
        message_id=message_id,
        at=at,
        url=url,
    )


def count(url, model) -> int:
    with db.session(url) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_turns_are_counted_and_gaps_kept(catalog_url):
    migrate(catalog_url)
    assert record(catalog_url, "xin chào", intent="greet", confidence=0.95) is None
    assert record(catalog_url, "hoc phi nganh y bao nhieu", intent="ask_programme_info", confidence=0.5) == "low_confidence"
    assert record(catalog_url, "bạn có người yêu chưa", intent="out_of_scope", confidence=0.9) == "out_of_scope"
    assert record(catalog_url, "asd qwe", message_id="m1") == "fallback"
    assert record(catalog_url, "asd qwe", message_id="m1") == "fallback"  # Rasa retried: kept once
    assert record(catalog_url, "/ask_schools", intent="ask_schools", confidence=1.0) is None
    assert count(catalog_url, UnansweredMessage) == 3
    assert conversation_log.daily_counts(NOW.date(), url=catalog_url)[0][1:] == (2, 3)


def test_messages_are_counted_on_the_day_people_in_vietnam_sent_them(catalog_url):
    migrate(catalog_url)
    late_evening_utc = dt.datetime(2026, 11, 22, 18, 30, tzinfo=dt.timezone.utc)  # 01:30 on 23/11 in Vietnam
    record(catalog_url, "xin chào", intent="greet", confidence=0.95, at=late_evening_utc)
    days = {
        day: (answered, unanswered) for day, answered, unanswered in conversation_log.daily_counts(NOW.date(), url=catalog_url)
    }
    assert days[dt.date(2026, 11, 23)] == (1, 0) and days[dt.date(2026, 11, 22)] == (0, 0)


def test_gaps_are_grouped_by_similar_wording(catalog_url):
    migrate(catalog_url)
    for text in (
        "học phí ngành y bao nhiêu",
        "hoc phi nganh y bao nhieu vay",
        "học phí ngành y là bao nhiêu ạ",
        "trường có xe đưa đón không",
        "truong co xe dua don ko",
    ):
        record(catalog_url, text)
    record(catalog_url, "câu hỏi cũ", at=NOW - dt.timedelta(days=30))
    groups = conversation_log.gaps(NOW.date() - dt.timedelta(days=7), url=catalog_url)
    assert [g.count for g in groups] == [3, 2]
    assert groups[0].kinds == {"fallback": 3} and len(groups[0].variants) == 3
    assert all("câu hỏi cũ" not in g.example for g in groups)


def test_gaps_are_grouped_by_what_they_ask_about(catalog_url):
    """Wordings of one question land in one group named for its subject; a short welding
    question is not swallowed by a long nursing one that happens to contain its words
    ("hạn" folds to "han", like "hàn")."""
    importer.import_catalog(NATIONAL_DIR, url=catalog_url)
    importer.import_catalog(SAMPLE_DIR, url=catalog_url, demo=True)
    nursing = "Em muốn học điều dưỡng ở Hà Nội nhưng không biết hạn nộp hồ sơ là khi nào và học ở đâu thì tốt ạ"
    documents = ("hồ sơ gồm những gì", "nộp giấy tờ gì ạ", "can mang gi khi nhap hoc", "hồ sơ nhập học cần những gì ạ")
    welding = ("học hàn ở đâu", "nghề hàn là gì", "em muốn học nghề hàn")
    for text in (*documents, *welding, nursing, "zxqv plmo wrtk", "zxqv plmo wrtk ạ", "zxqv"):
        record(catalog_url, text)
    groups = conversation_log.gaps(NOW.date() - dt.timedelta(days=7), url=catalog_url)
    found = {(g.count, g.subject): set(g.variants) for g in groups}
    assert found == {
        (4, "hồ sơ nhập học"): set(documents),
        (3, "nghề Hàn"): set(welding),
        (1, "hạn nộp hồ sơ"): {nursing},
        (2, None): {"zxqv plmo wrtk", "zxqv plmo wrtk ạ"},  # no subject: close wordings only
        (1, None): {"zxqv"},  # contained in the wording above, but much shorter
    }


def test_chart_is_a_png(tmp_path, catalog_url):
    migrate(catalog_url)
    record(catalog_url, "a b c")
    path = conversation_log.write_chart(tmp_path / "c.png", conversation_log.daily_counts(NOW.date(), url=catalog_url))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_purge_deletes_exactly_what_is_older_than_the_limit(catalog_url):
    migrate(catalog_url)
    limit = 180
    cutoff = NOW - dt.timedelta(days=limit)
    for offset, label in ((-1, "older"), (1, "newer")):
        at = cutoff + dt.timedelta(seconds=offset)
        record(catalog_url, f"asd {label}", at=at, sender=label)
        request_id = handoff.create_request(
            sender_id=label,
            channel="zalo",
            contact="0912345678",
            question=label,
            institution_code=None,
            province="Quảng Ninh",
            url=catalog_url,
        )
        with db.session(catalog_url) as session, session.begin():
            session.get(CounsellingRequest, request_id).created_at = at
    record(catalog_url, "asd day-old", at=cutoff - dt.timedelta(days=1))
    removed = conversation_log.purge(limit, url=catalog_url, now=NOW)
    assert removed["unanswered_messages"] == 2 and removed["counselling_requests"] == 1
    with db.session(catalog_url) as session:
        assert session.scalars(select(UnansweredMessage.text)).all() == ["asd newer"]
        assert session.scalars(select(CounsellingRequest.question)).all() == ["newer"]
        assert min(session.scalars(select(DailyMessageCount.day)).all()) >= cutoff.date()
