"""Hand-off validation and submission, recording turns and deleting (actions/counselling.py), called directly."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.counselling import ActionDeleteMyData, ActionRecordTurn, ActionSubmitHandoff, ValidateHandoffForm
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


def test_turns_are_recorded_and_deleted_on_request(catalog):
    run(ActionRecordTurn(), "qwe rty uio", "nlu_fallback")
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
