"""Rasa's tracker stores as endpoints.yml (bot/rasa_endpoints.py) names them: SQL (SQLite, the
embedded default, and PostgreSQL) keeping each conversation's last saved tracker, and memory
(TRACKER_STORE_URL=memory). Both mask a phone number typed without consent before a turn is
written and delete the conversation right after a turn that ran `action_delete_my_data`
(bot/nlu/forget.py): Rasa saves every turn through the store's `save`, so that is where it
is done, whichever Rasa code path saved.

Why keep trackers: Rasa's SQLTrackerStore rebuilds the whole tracker on every message (it
reads every event of the conversation's session and replays them). That was about a sixth of
a replica's time per turn on the production topology, and it grows with the conversation.
A conversation's turns run one at a time (the lock store), so the tracker this replica
saved at the end of the previous turn is still the conversation, unless something else
wrote or deleted it since: another replica, the retention purge, the student's deletion.
The newest event id in the database tells: one indexed `max(id)` query instead of reading
and replaying every event. A tracker changed after it was saved (a turn that failed
before saving) has more events than when it was kept, and is read again from the
database too. Saving a kept tracker writes the events after its kept length without Rasa's
count of the session's stored events (a query over the session's events on every turn). Kept trackers are dropped after KEEP_SECONDS and beyond KEEP_AT_MOST
conversations, and at once when the student asks to delete their data.

The in-memory store also forgets conversations idle for longer than
PRIVACY_RETENTION_DAYS, as the retention purge does for the SQL stores
(counselling/tracker_purge.py), for a server that runs for months.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker

import settings
from bot.nlu import dialogue_states
from bot.nlu.forget import asked_to_forget, redact_unconsented_phone

log = logging.getLogger(__name__)

KEEP_SECONDS = 600.0  # a conversation idle longer is read from the database again
KEEP_AT_MOST = 500  # conversations kept per replica (the least recently saved go first)
SWEEP_EVERY_SECONDS = 3600.0  # how often the in-memory store looks for expired conversations


def _sqlite_fewer_syncs(connection: Any, _record: Any) -> None:
    """The embedded default's conversations in SQLite: a turn's commit waits for the disk once
    instead of several times (synchronous=NORMAL), so keeping conversations across a restart
    costs about what Rasa's in-memory store does per turn (`make bench-bot`, (a) beside (m)).
    The rollback journal stays (not WAL): reading needs no new file, so a full `var/` still
    lets a conversation go on with its context (tests/bot/test_faults.py). The journal file is
    kept between commits (journal_mode=PERSIST) instead of being created and deleted on each:
    on this machine's disk (ext4 mounted with `discard`) that made the SQLite stack's p95 up
    to 1.7 × the in-memory one's (`make bench-bot`, (a) beside (m)). A crash of Rasa loses
    nothing; a power cut may lose the last turn."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA journal_mode=PERSIST")  # per connection; also takes a file out of WAL
    cursor.close()


class KeptTracker:
    """A saved tracker, the newest event id the database had for it then, and its length."""

    __slots__ = ("tracker", "newest_id", "length", "saved_at")

    def __init__(self, tracker: DialogueStateTracker, newest_id: int | None, saved_at: float) -> None:
        self.tracker = tracker
        self.newest_id = newest_id
        self.length = len(tracker.events)
        self.saved_at = saved_at


class KeepingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose retrieve returns the tracker this replica saved last, when the
    database shows nobody wrote the conversation since."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: OrderedDict[str, KeptTracker] = OrderedDict()
        # sender → (tracker, events already in the database): set when retrieve returns a kept
        # tracker, used by the save of that same tracker object
        self._stored: dict[str, tuple[DialogueStateTracker, int]] = {}
        if self.engine.dialect.name == "sqlite":
            self._keep_sqlite_connections()
        events = self.SQLEvent.__table__
        self._newest_query = sa.select([sa.func.max(events.c.id)]).where(events.c.sender_id == sa.bindparam("sender"))

    def _keep_sqlite_connections(self) -> None:
        """SQLAlchemy 1.4 (Rasa's) opens and closes an SQLite file's connection for every
        session (NullPool): three times per turn here, each with the pragmas above. A pool
        keeps them open, as SQLAlchemy 2 does by default; Rasa's SQL runs in its event loop's
        thread, one statement at a time."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
        sa.event.listen(self.engine, "connect", _sqlite_fewer_syncs)
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _newest_id(self, sender_id: str) -> int | None:
        with self.engine.connect() as connection:
            return connection.execute(self._newest_query, {"sender": sender_id}).scalar()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.get(sender_id)
        if kept is not None:
            fresh = time.monotonic() - kept.saved_at < KEEP_SECONDS and len(kept.tracker.events) == kept.length
            if fresh and self._newest_id(sender_id) == kept.newest_id:
                self._stored[sender_id] = (kept.tracker, kept.length)
                return kept.tracker
            self.drop(sender_id)
        return await super().retrieve(sender_id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Any:
        """The events to write: after the kept length when this is the kept tracker the database
        already holds up to there, else Rasa's count of what is stored."""
        stored = self._stored.pop(tracker.sender_id, None)
        if stored is not None and stored[0] is tracker and stored[1] <= len(tracker.events):
            return itertools.islice(tracker.events, stored[1], len(tracker.events))
        return super()._additional_events(session, tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        redact_unconsented_phone(tracker)
        self._kept.pop(tracker.sender_id, None)  # kept again only once the database has it
        try:
            await super().save(tracker)
        finally:
            self._stored.pop(tracker.sender_id, None)
        if asked_to_forget(tracker):
            self.forget(tracker.sender_id)
            return
        self._kept[tracker.sender_id] = KeptTracker(tracker, self._newest_id(tracker.sender_id), time.monotonic())
        while len(self._kept) > KEEP_AT_MOST:
            self._kept.popitem(last=False)

    def drop(self, sender_id: str) -> None:
        """Forget the kept tracker (the conversation is read from the database next time)."""
        self._kept.pop(sender_id, None)
        self._stored.pop(sender_id, None)

    def forget(self, sender_id: str) -> None:
        """Delete the conversation from the database and from this replica's memory."""
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()
        self.drop(sender_id)
        dialogue_states.forget(sender_id)
        log.info("Deleted a conversation from the tracker store at the student's request")


class ForgettingInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory tracker store that masks, forgets on request and expires idle
    conversations (swept hourly)."""

    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self._saved_at: dict[str, float] = {}
        self._last_sweep = 0.0

    async def save(self, tracker: DialogueStateTracker) -> None:
        redact_unconsented_phone(tracker)
        await super().save(tracker)
        if asked_to_forget(tracker):
            self.forget(tracker.sender_id)
        else:
            self.expire(tracker.sender_id, time.time())

    def forget(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)
        self._saved_at.pop(sender_id, None)
        dialogue_states.forget(sender_id)
        log.info("Deleted a conversation from the tracker store at the student's request")

    def expire(self, sender_id: str, now: float) -> None:
        """Note the conversation's save; once an hour, drop those idle beyond the retention period."""
        self._saved_at[sender_id] = now
        if now - self._last_sweep < SWEEP_EVERY_SECONDS:
            return
        self._last_sweep = now
        cutoff = now - settings.get().privacy_retention_days * 86400
        for sender, saved_at in list(self._saved_at.items()):
            if saved_at < cutoff:
                self.store.pop(sender, None)
                self._saved_at.pop(sender, None)
