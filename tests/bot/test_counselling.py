"""Unanswered questions are recorded masked, and the hand-off to a person works end to end
over REST (real Rasa, real action server); stored rows are read from the bot's catalog.
Messages are recorded after the reply (Rasa's event broker, bot/nlu/turn_broker.py, sends
them to the action server every half second): the checks on records wait for them."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from catalog import db
from counselling import privacy
from counselling.models import CounsellingRequest, DailyMessageCount, UnansweredMessage


def stored(url, model, sender):
    with db.session(url) as session:
        return session.scalars(select(model).where(model.sender_key == privacy.sender_key(sender))).all()


def answered_today(url) -> int:
    with db.session(url) as session:
        return sum(session.scalars(select(DailyMessageCount.answered)).all())


def eventually(check, seconds: float = 10.0):
    """The value of `check()` once it is truthy, or its last value after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def test_unanswered_messages_are_recorded_with_personal_data_masked(chat, bot_catalog_url):
    before = answered_today(bot_catalog_url)
    chat.say("xin chào")
    assert eventually(lambda: answered_today(bot_catalog_url) >= before + 1)
    assert stored(bot_catalog_url, UnansweredMessage, chat.sender) == []

    # mostly unreadable (a phone number and an e-mail alone would read as contact details)
    chat.say("qwzx plokm vbnmq trrkz xdfqw 0912 345 678 em.hoc@gmail.com cccd 001203004567")
    chat.say("thời tiết hôm nay thế nào")
    assert eventually(lambda: len(stored(bot_catalog_url, UnansweredMessage, chat.sender)) == 2)
    rows = stored(bot_catalog_url, UnansweredMessage, chat.sender)
    assert [r.kind for r in rows][1:] == ["out_of_scope"] and rows[0].kind in ("fallback", "low_confidence")
    masked = rows[0].text
    assert "0912" not in masked and "gmail" not in masked and "001203004567" not in masked
    # the record is made from the turn as Rasa saved it: numbers typed without consent are masked
    # already (bot/nlu/forget.py; the 12-digit ID number too), privacy.mask covers the rest
    assert "[số điện thoại" in masked and "[email]" in masked
    assert rows[0].channel == "rest"
    intents = json.loads(rows[1].intents)
    assert intents[0][0] == "out_of_scope" and 0 < intents[0][1] <= 1
    for row in rows:  # nothing of the chat id is stored in the clear
        assert chat.sender not in row.sender_key


def test_hand_off_with_refusal_invalid_number_and_deletion(chat, bot_catalog_url):
    assert "Hạ Long Xanh" in chat.say("trường nào dạy khai thác mỏ ở Quảng Ninh")
    consent = chat.say("cho em gặp người tư vấn")
    assert "Hạ Long Xanh" in consent and "đồng ý" in consent.lower()
    assert [b["title"] for b in chat.buttons] == ["Đồng ý", "Không"]
    assert "không lưu gì" in chat.press("Không")
    assert stored(bot_catalog_url, CounsellingRequest, chat.sender) == []

    chat.say("cho em gặp người tư vấn")
    assert "số điện thoại" in chat.press("Đồng ý")
    assert "chưa đúng" in chat.say("0123")
    assert "chưa đúng" in chat.say("số em là 091234")
    done = chat.say("số em là 0912 345 678 nhé")
    assert "đã gửi yêu cầu số" in done and "0912 345 678" in done and "Hạ Long Xanh" in done
    requests = stored(bot_catalog_url, CounsellingRequest, chat.sender)
    assert len(requests) == 1
    request = requests[0]
    assert request.contact == "0912345678" and request.status == "new"
    assert request.institution_code == "QN-MOHL" and request.province == "Quảng Ninh"
    assert request.question == "trường nào dạy khai thác mỏ ở Quảng Ninh"
    assert f"số {request.id}" in done

    chat.say("asdfgh qwerty zxcvb")  # leaves an unanswered question too
    assert eventually(lambda: stored(bot_catalog_url, UnansweredMessage, chat.sender))
    deleted = chat.say("xóa thông tin của em")
    assert "đã xóa" in deleted and "1 yêu cầu gọi lại" in deleted
    assert stored(bot_catalog_url, CounsellingRequest, chat.sender) == []
    assert stored(bot_catalog_url, UnansweredMessage, chat.sender) == []


def test_two_misses_lead_to_the_hand_off(chat, bot_catalog_url):
    chat.say("asdkjh qwpoe zmxnc")
    chat.say("lkjqwe poiu mnbv")
    consent = chat.press("Nhờ thầy cô gọi lại")
    assert "Bạn đồng ý không?" in consent
    chat.press("Đồng ý")
    assert "đã gửi yêu cầu số" in chat.say("+84 987 654 321")
    assert stored(bot_catalog_url, CounsellingRequest, chat.sender)[0].contact == "0987654321"


def test_a_number_typed_before_consent_is_not_kept_and_deletion_works_at_the_consent_step(chat, bot_url):
    from tests.bot_servers import tracker_events

    chat.say("cho em gặp người tư vấn")
    reply = chat.say("0912 345 678")
    assert "chưa lưu số này" in reply
    texts = [e.get("text") or "" for e in tracker_events(bot_url, chat.sender) if e["event"] == "user"]
    assert not any("0912" in t or "345 678" in t for t in texts)  # what the bot said is true in the tracker store
    assert any("[số điện thoại đã xóa]" in t for t in texts)

    deleted = chat.say("xóa thông tin của em")
    assert "đã xóa" in deleted and "Đồng ý" not in deleted and "bấm" not in deleted
