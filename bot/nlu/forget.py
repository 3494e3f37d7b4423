"""A student's "Xóa thông tin của em" also deletes their conversation from Rasa's tracker store,
and a phone number typed before consent is masked before it is stored.

Why in the tracker store: the action server deletes what the counselling records keep, but
Rasa's tracker store keeps every raw message (phone numbers typed into the hand-off form
included), and Rasa writes the tracker only after the action has run, so the action cannot
delete it itself. The tracker store classes named in endpoints.yml (bot/nlu/tracker_store.py:
SQLite, PostgreSQL, memory) call these in their `save`: the turn is masked before it is
written, and the whole conversation goes right after a turn that ran `action_delete_my_data`
was written (its events have reached the event broker, bot/nlu/turn_broker.py, by then).
"""

from __future__ import annotations

import logging
import re

from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)

FORGET_ACTION = "action_delete_my_data"


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    """Did the latest turn (events since the last user message) run the deletion action?"""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


# A phone number as people type it: "0912 345 678", "+84 912.345.678", "0912345678".
PHONE = re.compile(r"(?<!\d)\+?\d[\d .\-]{7,14}\d(?!\d)")
REDACTED = "[số điện thoại đã xóa]"
CONTACT_SLOT = "handoff_contact"
DECLINED = "-"


def _kept_contact(turn: list) -> bool:
    """Did this turn store a contact with the student's consent (the hand-off form's contact slot)?"""
    return any(isinstance(e, SlotSet) and e.key == CONTACT_SLOT and e.value not in (None, DECLINED) for e in turn)


def redact_unconsented_phone(tracker: DialogueStateTracker) -> bool:
    """A phone number typed in this turn without consent ("Mình chưa lưu số này: bạn cần đồng ý
    trước đã") is masked in the stored message, so what the bot said is true in the tracker
    store too. Runs before the turn is written, so the store keeps only the masked text. True
    when something was masked."""
    turn: list = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        turn.append(event)
    else:
        return False
    if not event.text or not PHONE.search(event.text) or _kept_contact(turn):
        return False
    event.text = PHONE.sub(REDACTED, event.text)
    if isinstance(event.parse_data, dict) and event.parse_data.get("text"):
        event.parse_data["text"] = PHONE.sub(REDACTED, event.parse_data["text"])
    latest = tracker.latest_message
    if latest is not None and latest is not event and latest.text:
        latest.text = PHONE.sub(REDACTED, latest.text)
    log.info("Masked a phone number typed without consent before saving the turn")
    return True
