"""Hand-off validation and submission, recording turns (what POST /turns runs) and deleting
(actions/counselling.py), called directly."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.counselling import ActionDeleteMyData, ActionSubmitHandoff, ValidateHandoffForm, asked_about, record_turns
from catalog import db
from counselling.models import CounsellingRequest, UnansweredMessage
from tests.actions.conftest import run, tracker


def validate(slot: str, text: str, intent: str) -> dict:
    form = ValidateHandoffForm()
    dispatcher = CollectingDispatcher()
    method = getattr(form, f"validate_{slot}")
    return method(text, dispatcher, tracker(text, intent), {}), " ".join(m.get("text") or "" for m in dispatcher.messages)


def test_consent_needs_a_clear_yes():
    assert validate("handoff_consent", "/affirm", "affirm")[0] == {"handoff_consent": "yes"}
    assert validate("handoff_consent", "không", "deny")[0] == {"handoff_consent": "no", "handoff_contact": "-"}
    result, said = validate("handoff_consent", "0912345678", "give_contact")
    assert result == {"handoff_consent": None} and "đồng ý trước" in said
    result, said = validate("handoff_consent", "hmm", "greet")
    assert result == {"handoff_consent": None} and "Đồng ý" in said


def test_contact_must_be_a_vietnamese_mobile_number():
    assert validate("handoff_contact", "số em là 0912 345 678 nhé", "give_contact")[0] == {"handoff_contact": "0912345678"}
    assert validate("handoff_contact", "+84 977.123.456", "give_contact")[0] == {"handoff_contact": "0977123456"}
    result, said = validate("handoff_contact", "0212 345 678", "give_contact")
    assert result == {"handoff_contact": None} and "10 chữ số" in said
    assert validate("handoff_contact", "thôi", "deny")[0] == {"handoff_consent": "no", "handoff_contact": "-"}


def test_submission_records_the_request_routed_to_the_school(catalog):
    text, _, slots = run(
        ActionSubmitHandoff(),
        "0912345678",
        "give_contact",
        slots={"handoff_consent": "yes", "handoff_contact": "0912345678", "last_school": "QN-VHBM"},
    )
    assert "Việt - Hàn Bình Minh" in text and "0912 345 678" in text and "ngày làm việc" in text
    assert slots["handoff_contact"] is None and slots["handoff_consent"] is None
    with db.session(catalog) as session:
        request = session.scalars(select(CounsellingRequest).order_by(CounsellingRequest.id.desc())).first()
    assert request.institution_code == "QN-VHBM" and request.province == "Quảng Ninh" and request.contact == "0912345678"

    refused, _, _ = run(ActionSubmitHandoff(), "không", "deny", slots={"handoff_consent": "no", "handoff_contact": "-"})
    assert "không lưu gì" in refused


def turn(text: str, intent: str, message_id: str, sender: str = "unit", **extra) -> dict:
    """A user message as Rasa's event broker sends it to POST /turns (bot/nlu/turn_broker.py)."""
    return {
        "event": "user",
        "sender_id": sender,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 0.95}, "intent_ranking": [], "entities": []},
        "input_channel": "rest",
        "message_id": message_id,
        "metadata": {"channel": "telegram"},
        **extra,
    }


def unanswered(catalog, sender: str = "unit") -> list[UnansweredMessage]:
    from counselling import privacy

    with db.session(catalog) as session:
        return session.scalars(select(UnansweredMessage).where(UnansweredMessage.sender_key == privacy.sender_key(sender))).all()


def test_turns_are_recorded_and_deleted_on_request(catalog):
    assert record_turns([turn("qwe rty uio", "nlu_fallback", "rec-1")]) == 1
    with db.session(catalog) as session:
        assert session.scalars(select(UnansweredMessage.text)).all()[-1] == "qwe rty uio"
    text, _, _ = run(ActionDeleteMyData(), "xóa thông tin của em", "delete_my_data")
    assert "đã xóa" in text
    again, _, _ = run(ActionDeleteMyData(), "xóa thông tin của em", "delete_my_data")
    assert "không lưu thông tin nào" in again


def test_a_new_question_in_the_middle_ends_the_hand_off():
    form = ValidateHandoffForm()
    question = tracker("học phí ngành điện bao nhiêu", "ask_programme_info")
    assert form.validate_handoff_contact("học phí ngành điện bao nhiêu", CollectingDispatcher(), question, {}) == {
        "handoff_consent": "no",
        "handoff_contact": "-",
    }
    assert form.validate_handoff_consent("cho em hỏi học phí", CollectingDispatcher(), question, {}) == {
        "handoff_consent": "no",
        "handoff_contact": "-",
    }


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def bot(text: str, *titles: str) -> dict:
    return {"event": "bot", "text": text, "data": {"buttons": [{"title": t, "payload": f"/x{i}"} for i, t in enumerate(titles)]}}


def test_the_request_keeps_the_students_question_not_the_buttons_tapped_after_it(catalog):
    """The counsellor reads what the student asked, not "Quảng Ninh" (a button's title, as a channel
    may send it), a payload, "có" or the phone number typed after it."""
    events = [
        user("em muốn học hàn thì học trường nào", "ask_schools"),
        bot("Bạn muốn học ở tỉnh nào?", "Quảng Ninh", "Hải Phòng", "Tỉnh nào cũng được"),
        user("Quảng Ninh", "ask_schools"),  # the button's title, read by the NLU as another search
        bot("Ở Quảng Ninh có các trường sau…", "Xem thêm"),
        user('/inform{"province":"Quảng Ninh"}', "inform"),
        user("cho em gặp người tư vấn", "request_human"),
        bot("Bạn đồng ý không?", "Đồng ý", "Không"),
        user("Đồng ý", "affirm"),
        user("có", "ask_schools"),
        user("số em là 0977 123 456", "give_contact"),
    ]
    latest = events[-1]
    dispatcher = CollectingDispatcher()
    ActionSubmitHandoff().run(
        dispatcher,
        Tracker(
            sender_id="hs-han",
            slots={"handoff_consent": "yes", "handoff_contact": "0977123456", "province": "Quảng Ninh"},
            latest_message={"text": latest["text"], "intent": latest["parse_data"]["intent"], "entities": []},
            events=events,
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        ),
        {},
    )
    with db.session(catalog) as session:
        request = session.scalars(select(CounsellingRequest).order_by(CounsellingRequest.id.desc())).first()
    assert request.question == "em muốn học hàn thì học trường nào"
    assert request.province == "Quảng Ninh" and request.contact == "0977123456"


def test_a_turn_is_counted_once_per_message_id_at_its_own_time(catalog):
    """The broker sends a batch again when its answer was lost: each message counts once."""
    from counselling.models import DailyMessageCount

    def counted() -> int:
        with db.session(catalog) as session:
            return sum(a + u for a, u in session.execute(select(DailyMessageCount.answered, DailyMessageCount.unanswered)))

    before = counted()
    sent_at = dt.datetime(2026, 3, 1, 16, 59, 50, tzinfo=dt.timezone.utc)  # 23:59:50 in Vietnam
    batch = [turn("asdf qwer zxcv", "nlu_fallback", "rec-twice", sender="twice", timestamp=sent_at.timestamp())]
    assert record_turns(batch) == 1 and record_turns(batch) == 1
    assert counted() == before + 1
    rows = unanswered(catalog, "twice")
    assert len(rows) == 1 and rows[0].channel == "telegram"
    assert rows[0].at.replace(tzinfo=dt.timezone.utc) == sent_at  # the message's time, not the arrival's


def test_a_bad_record_is_skipped_and_the_others_are_recorded(catalog, caplog):
    items = [
        "not an object",
        {"event": "user", "text": "bí mật 0912345678"},  # no sender
        {"event": "something else", "sender_id": "x"},
        turn("zzqq xxww", "nlu_fallback", "rec-ok", sender="good"),
    ]
    assert record_turns(items) == 1
    assert [r.text for r in unanswered(catalog, "good")] == ["zzqq xxww"]
    assert caplog.text.count("skipped a turn record") == 3 and "0912" not in caplog.text and "bí mật" not in caplog.text


def test_a_question_recorded_after_the_deletion_answered_is_deleted_too(catalog):
    """The deletion action ran while the previous message's record was still queued: the
    `forget` record that follows the deletion turn removes it."""
    run(ActionDeleteMyData(), "xóa thông tin của em", "delete_my_data")  # nothing recorded yet
    now = dt.datetime.now(dt.timezone.utc)
    record_turns(
        [
            turn("asdf ghjk", "nlu_fallback", "late-1", sender="unit", timestamp=(now - dt.timedelta(seconds=3)).timestamp()),
            {"event": "forget", "sender_id": "unit", "timestamp": (now - dt.timedelta(seconds=1)).timestamp()},
        ]
    )
    assert unanswered(catalog) == []
    record_turns([turn("lkjh poiu", "nlu_fallback", "after-1", sender="unit", timestamp=now.timestamp())])
    assert [r.text for r in unanswered(catalog)] == ["lkjh poiu"]  # what came after the deletion stays


def test_what_a_message_asks_about_is_read_from_its_text_and_entities(catalog):
    about = asked_about({"text": "trường nào dạy hàn ở Quảng Ninh", "intent": {"name": "ask_schools"}, "entities": []})
    assert about["province"] == "Quảng Ninh" and about["occupation_code"]
    button = asked_about(
        {"text": "/ask_schools", "intent": {"name": "ask_schools"}, "entities": [{"entity": "school_code", "value": "QN-VHBM"}]}
    )
    assert button == {"province": "Quảng Ninh", "occupation_code": None, "institution_code": "QN-VHBM"}
    assert asked_about({"text": "xin chào", "intent": {"name": "greet"}, "entities": []}) == {
        "province": None,
        "occupation_code": None,
        "institution_code": None,
    }
