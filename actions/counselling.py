"""Recording what the bot could not answer, hand-off to a person, and deleting what a student left."""

from __future__ import annotations

import datetime as dt
import logging
import re

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import replies
from actions.conversation import MENU, counsellor_contact
from actions.occupations import occupation_asked
from actions.request import ANYWHERE, read
from actions.voice import Answer, Voice
from catalog import provinces, queries
from counselling import conversation_log, handoff, privacy, reminders
from vntext import folding

log = logging.getLogger(__name__)
HANDOFF_SLOTS = ("handoff_consent", "handoff_contact")
DECLINED = "-"
# What a student says that is not the question a counsellor should call back about: answers to
# the bot's own questions (a province, "có", a phone number), menu taps, greetings.
NOT_A_QUESTION = {
    "request_human",
    "affirm",
    "deny",
    "give_contact",
    "delete_my_data",
    "greet",
    "thank",
    "goodbye",
    "inform",
    "show_more",
    "quiz_answer",
}
YES_NO_WORDS = {"co", "khong", "u", "uh", "um", "vang", "da", "da vang", "ok", "oke", "dong y", "co a", "khong a", "vang a"}
YES_NO = [replies.button("Đồng ý", "/affirm"), replies.button("Không", "/deny")]
LEAVE_INTENTS = {"deny", "goodbye", "thank", "start_quiz"}  # plus every ask_* question: the student moved on


def _moved_on(tracker: Tracker) -> bool:
    """The student asked something else instead of answering the form: let them go."""
    intent = tracker.latest_message.get("intent") or {}
    name = intent.get("name") or ""
    return name in LEAVE_INTENTS or (name.startswith("ask_") and float(intent.get("confidence") or 0) >= 0.8)


def _channel(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    return str(metadata.get("channel") or tracker.get_latest_input_channel() or "rest")


class _NoSlots(dict):
    """The slots of a message read on its own: every one is empty (and none is "missing")."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> None:
        return None


def asked_about(message: dict) -> dict:
    """The province, trade (occupation code) and school a message itself names (the
    department's usage report counts them; the conversation's earlier context is not counted
    again). A school named without a province counts for the school's province. `message`
    is a Rasa parse: text, intent, entities."""
    alone = Tracker(
        sender_id="",
        slots=_NoSlots(),
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )
    request = read(alone)
    school = request.school if request.school_from_message else None
    province = request.province.name if request.province_from_message and request.province else None
    occupation = occupation_asked(request)
    return {
        "province": province or (school.province if school else None),
        "occupation_code": occupation.code if occupation else None,
        "institution_code": school.code if school else None,
    }


def record_user_event(event: dict, url: str | None = None) -> str | None:
    """Counts one user message and keeps it (masked) when it was not answered
    (counselling.conversation_log.record_turn); returns the gap kind. `event` is a Rasa "user"
    event as the event broker sends it to POST /turns (bot/nlu/turn_broker.py): sender_id,
    text, parse_data (intent, intent_ranking, entities), input_channel, message_id,
    metadata.channel, timestamp (the message's time, so a record sent late counts on its day)."""
    sender_id = event.get("sender_id")
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("a turn record without a sender")
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    text = str(event.get("text") or "")
    try:
        about = asked_about({"text": text, "intent": intent, "entities": parse.get("entities") or []})
    except Exception as error:  # the message is still counted, without what it asked about
        log.error("could not read what the turn asked about: %s", type(error).__name__)
        about = {}
    message_id = event.get("message_id")
    if sender_id.startswith("zalo:"):
        # Zalo lets the OA write only for a while after the student's last message (notifier/)
        reminders.touch(sender_id, _moment(event.get("timestamp")) or dt.datetime.now(dt.timezone.utc))
    return conversation_log.record_turn(
        text=text,
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        ranking=[(r.get("name"), float(r.get("confidence") or 0.0)) for r in parse.get("intent_ranking") or []],
        channel=str((event.get("metadata") or {}).get("channel") or event.get("input_channel") or "rest"),
        sender_id=sender_id,
        message_id=str(message_id) if message_id else None,
        at=_moment(event.get("timestamp")),
        url=url,
        **about,
    )


def _moment(timestamp) -> dt.datetime | None:
    """The message's time from Rasa's timestamp (seconds); None (now) when absent or in the future."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)):
        return None
    try:
        at = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return at if at <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1) else None


def record_turns(items: list, url: str | None = None) -> int:
    """POST /turns: records every item in order and returns how many were recorded. A "user"
    item is a message (record_user_event); a "forget" item follows a turn that ran
    action_delete_my_data and deletes what was recorded of that student until then, so a
    question queued behind the deletion does not outlive it. A bad item is skipped with a
    log line (never its text): the records are statistics, the chat does not wait for them."""
    recorded = 0
    for item in items:
        try:
            if not isinstance(item, dict):
                raise ValueError("not an object")
            if item.get("event") == "forget":
                conversation_log.forget_sender(str(item["sender_id"]), until=_moment(item.get("timestamp")), url=url)
            elif item.get("event") == "user":
                record_user_event(item, url=url)
            else:
                raise ValueError("unknown record")
            recorded += 1
        except (SQLAlchemyError, OSError) as error:
            _storage.failed(error)
        except Exception as error:
            log.error("skipped a turn record: %s", type(error).__name__)
        else:
            _storage.written()
    return recorded


class _StorageAlarm:
    """A database that cannot take the records (var/ full or read-only, the catalog database
    away) is logged once, clearly, and again only after a record was written in between: one
    line per message would bury the log, which may sit on the very disk that is full. The
    chat does not depend on the records, so nothing else changes."""

    def __init__(self) -> None:
        self.failing = False

    def failed(self, error: Exception) -> None:
        if self.failing:
            return
        self.failing = True
        cause = getattr(error, "orig", None) or error  # the driver's message, never the statement or its values
        reason = (str(cause).splitlines() or [""])[0][:200]
        log.error(
            "Turn records cannot be written to the catalog database (%s: %s): is var/ full or read-only, or "
            "CATALOG_DATABASE_URL unreachable? The chat goes on; this is logged again only after records were written.",
            type(cause).__name__,
            reason,
        )

    def written(self) -> None:
        if self.failing:
            self.failing = False
            log.warning("Turn records are written to the catalog database again")


_storage = _StorageAlarm()


def _route(tracker: Tracker) -> tuple[str | None, str | None, str]:
    """(institution code, province, how to name who will call)."""
    code = tracker.get_slot("last_school")
    school = queries.get_institution(code) if code else None
    province = tracker.get_slot("province")
    province = None if province in (None, ANYWHERE) else province
    if school is not None:
        return school.code, school.province, f"của {school.name}"
    if province:
        return None, province, f"của {province}"
    return None, None, "hướng nghiệp"


def _is_question(text: str, intent: str | None, offered: set[str]) -> bool:
    """A message the student wrote to ask something, not a tap on a button (its payload, or
    its title where a channel sends that), a phone number, a yes/no or a province named alone."""
    folded = folding.key(text)
    return bool(
        folded
        and not text.startswith("/")
        and intent not in NOT_A_QUESTION
        and folded not in offered
        and folded not in YES_NO_WORDS
        and privacy.normalise_phone(_digits_part(text)) is None
        and provinces.resolve(text) is None
    )


def _last_question(tracker: Tracker) -> str:
    """The student's latest real question, the one the counsellor should call back about."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if _is_question(text, intent, _offered_titles(events[:index])):
            return text
    return ""


def _offered_titles(before: list[dict]) -> set[str]:
    """The (folded) titles of the buttons the bot showed since the student's previous message."""
    titles: set[str] = set()
    for event in reversed(before):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            for button in (event.get("data") or {}).get("buttons") or []:
                titles.add(folding.key(str(button.get("title") or "")))
    return titles


class ActionAskHandoffConsent(Answer):
    def name(self) -> str:
        return "action_ask_handoff_consent"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        _, _, who = _route(tracker)
        dispatcher.utter_message(
            text=f"Mình sẽ nhờ thầy cô tư vấn {who} gọi lại cho bạn. Để làm vậy, mình cần lưu số điện thoại "
            f"(hoặc Zalo) của bạn và câu hỏi gần nhất của bạn. Chỉ người tư vấn xem được; thông tin tự xóa sau "
            f'{privacy.retention_days()} ngày, và bạn nhắn "Xóa thông tin của em" để xóa bất cứ lúc nào. '
            "Bạn đồng ý không?",
            buttons=YES_NO,
        )
        return []


class ActionAskHandoffContact(Answer):
    def name(self) -> str:
        return "action_ask_handoff_contact"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(
            text='Bạn cho mình số điện thoại hoặc số Zalo để thầy cô liên hệ nhé (ví dụ 0912 345 678). Gõ "thôi" nếu bạn đổi ý.'
        )
        return []


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    def validate_handoff_consent(self, value, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "delete_my_data":
            return {"handoff_consent": None}  # the deletion rule ends the form and answers
        if intent == "affirm":
            return {"handoff_consent": "yes"}
        if _moved_on(tracker):
            return {"handoff_consent": "no", "handoff_contact": DECLINED}
        if intent == "give_contact" and privacy.normalise_phone(_digits_part(str(value))):
            dispatcher.utter_message(text="Mình chưa lưu số này: bạn cần đồng ý trước đã.")
        else:
            dispatcher.utter_message(text='Bạn bấm "Đồng ý" hoặc "Không" giúp mình nhé.')
        return {"handoff_consent": None}

    def validate_handoff_contact(self, value, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        if (tracker.latest_message.get("intent") or {}).get("name") == "delete_my_data":
            return {"handoff_contact": None}  # the deletion rule ends the form and answers
        phone = privacy.normalise_phone(_digits_part(str(value or "")))
        if phone:
            return {"handoff_contact": phone}
        if _moved_on(tracker) or str(value).strip().lower() in ("thôi", "thoi", "hủy", "huy"):
            return {"handoff_consent": "no", "handoff_contact": DECLINED}
        dispatcher.utter_message(
            text="Số này chưa đúng. Số di động Việt Nam có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09, ví dụ 0912 345 678."
        )
        return {"handoff_contact": None}


def _digits_part(text: str) -> str:
    """ "số em là 0912 345 678 nhé" → "0912 345 678"."""
    match = re.search(r"\+?\d[\d .\-]{7,}\d", text)
    return match.group(0) if match else text


class ActionSubmitHandoff(Answer):
    def name(self) -> str:
        return "action_submit_handoff"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        reset = [SlotSet(slot, None) for slot in HANDOFF_SLOTS] + [SlotSet("miss_count", 0.0)]
        contact = tracker.get_slot("handoff_contact")
        if tracker.get_slot("handoff_consent") != "yes" or not contact or contact == DECLINED:
            dispatcher.utter_message(
                text="Không sao, mình không lưu gì cả. Bạn cứ hỏi tiếp (nếu vừa hỏi điều gì, bạn gửi lại giúp mình), "
                "hoặc liên hệ trực tiếp: " + _contact_hint(tracker),
                buttons=MENU,
            )
            return reset
        code, province, who = _route(tracker)
        request_id = handoff.create_request(
            sender_id=tracker.sender_id,
            channel=_channel(tracker),
            contact=contact,
            question=_last_question(tracker),
            institution_code=code,
            province=province,
        )
        dispatcher.utter_message(
            text=f"Cảm ơn bạn! Mình đã gửi yêu cầu số {request_id} tới thầy cô tư vấn {who}. "
            f"Thầy cô sẽ gọi hoặc nhắn Zalo số {_pretty(contact)} {handoff.callback_promise()}. "
            'Muốn xóa thông tin đã để lại, bạn nhắn "Xóa thông tin của em".'
        )
        return reset


def _pretty(phone: str) -> str:
    return f"{phone[:4]} {phone[4:7]} {phone[7:]}" if len(phone) == 10 else phone


def _contact_hint(tracker: Tracker) -> str:
    return counsellor_contact(tracker)


class ActionDeleteMyData(Answer):
    def name(self) -> str:
        return "action_delete_my_data"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        removed = handoff.delete_for_sender(tracker.sender_id)
        requests, messages = removed["counselling_requests"], removed["unanswered_messages"]
        subscriptions = reminders.delete_for_sender(tracker.sender_id)
        # Rasa deletes the conversation itself right after this turn (its tracker store, bot/nlu/tracker_store.py).
        if requests or messages:
            text = (
                f"Mình đã xóa thông tin bạn để lại: {requests} yêu cầu gọi lại và {messages} câu hỏi đã lưu, "
                "cùng toàn bộ cuộc trò chuyện này. Thầy cô sẽ không gọi lại nữa."
            )
            if subscriptions:
                text += f" Mình cũng đã xóa {subscriptions} nhắc lịch của bạn."
        elif subscriptions:
            text = f"Mình đã xóa {subscriptions} nhắc lịch của bạn và cuộc trò chuyện này; mình sẽ không nhắc gì nữa."
        else:
            text = "Mình đã xóa cuộc trò chuyện này; ngoài nó mình không lưu thông tin nào của bạn cả."
        dispatcher.utter_message(text=text)
        return [SlotSet(slot, None) for slot in HANDOFF_SLOTS]
