"""A student's "Xóa thông tin của em" also deletes their conversation from Rasa's tracker store,
and a phone number typed before consent is masked before it is stored.

Why here: the action server deletes what the counselling records keep, but Rasa's tracker
store keeps every raw message (phone numbers typed into the hand-off form included), and
Rasa writes the tracker only after the action has run, so the action cannot delete it
itself. This patch runs right after Rasa saved the turn: when that turn ran
`action_delete_my_data`, the whole conversation goes, whatever the store is (in memory,
an SQLite file or PostgreSQL through Rasa's SQL store, Redis).

The in-memory store also forgets conversations idle for longer than
PRIVACY_RETENTION_DAYS, as the retention purge does for the SQL stores
(counselling/tracker_purge.py), for a server that runs for months.

Imported by bot/nlu/__init__.py, so it is in place whenever Rasa loads the pipeline's plugins.
"""

from __future__ import annotations

import logging
import re
import time

from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import settings
from bot.nlu.tracker_store import KeepingSQLTrackerStore

log = logging.getLogger(__name__)

FORGET_ACTION = "action_delete_my_data"
SWEEP_EVERY_SECONDS = 3600.0


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    """Did the latest turn (events since the last user message) run the deletion action?"""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


def innermost(store: TrackerStore) -> TrackerStore:
    """The store that holds the data, inside Rasa's wrappers (AwaitableTrackerStore, FailSafeTrackerStore)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def forget(store: TrackerStore, sender_id: str) -> None:
    store = innermost(store)
    if isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
        _memory_saved_at.pop(sender_id, None)
    elif isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()
        if isinstance(store, KeepingSQLTrackerStore):
            store.drop(sender_id)  # nor kept in this replica's memory
    elif isinstance(store, RedisTrackerStore):
        store.red.delete(store.key_prefix + sender_id)
    else:  # not a store this project configures; say so rather than pretend
        log.error("Cannot delete a conversation from a %s tracker store", type(store).__name__)
        return
    log.info("Deleted a conversation from the tracker store at the student's request")


_memory_saved_at: dict[str, float] = {}
_last_sweep = [0.0]


def expire_memory(store: TrackerStore, sender_id: str, now: float) -> None:
    """In-memory trackers idle longer than the retention period are dropped (swept hourly)."""
    store = innermost(store)
    if not isinstance(store, InMemoryTrackerStore):
        return
    _memory_saved_at[sender_id] = now
    if now - _last_sweep[0] < SWEEP_EVERY_SECONDS:
        return
    _last_sweep[0] = now
    cutoff = now - settings.get().privacy_retention_days * 86400
    for sender, saved_at in list(_memory_saved_at.items()):
        if saved_at < cutoff:
            store.store.pop(sender, None)
            _memory_saved_at.pop(sender, None)


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
    store too. Runs before the turn is saved, so every store (memory, SQL, Redis) keeps only
    the masked text. True when something was masked."""
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
    return True


_save_tracker = MessageProcessor.save_tracker


async def save_tracker(self: MessageProcessor, tracker: DialogueStateTracker) -> None:
    if redact_unconsented_phone(tracker):
        log.info("Masked a phone number typed without consent before saving the turn")
    await _save_tracker(self, tracker)
    if asked_to_forget(tracker):
        forget(self.tracker_store, tracker.sender_id)
    else:
        expire_memory(self.tracker_store, tracker.sender_id, time.time())


MessageProcessor.save_tracker = save_tracker
