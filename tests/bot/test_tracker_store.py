"""bot.nlu.tracker_store, in the Rasa environment against real SQLite and PostgreSQL: a
replica answers from the tracker it saved only while nobody else wrote or deleted the
conversation, and never returns a tracker that differs from the database; the store's own
save masks a phone number typed without consent and deletes the conversation after a turn
that ran action_delete_my_data (SQL and memory)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.bot_servers import run_in_rasa_env

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

SCRIPT = """
import asyncio, sys
import sqlalchemy
from bot.nlu.forget import REDACTED
from bot.nlu.tracker_store import KeepingSQLTrackerStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

kwargs = dict(dialect=sys.argv[1], db=sys.argv[2])
if sys.argv[1] == "postgresql":
    kwargs.update(host="127.0.0.1", port=5432, username="postgres")
domain = Domain.empty()
one, two = KeepingSQLTrackerStore(domain=domain, **kwargs), KeepingSQLTrackerStore(domain=domain, **kwargs)
plain = SQLTrackerStore(domain=domain, **kwargs)
connects = []  # SQLite: the store keeps its connection instead of opening one per session
sqlalchemy.event.listen(one.engine, "connect", lambda *args: connects.append(1))


def texts(tracker):
    return [e.text for e in tracker.events if isinstance(e, (UserUttered, BotUttered))]


async def main():
    tracker = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen"), UserUttered("chào"), BotUttered("chào bạn")])
    await one.save(tracker)
    assert await one.retrieve("s1") is tracker  # kept: nothing was read back
    assert texts(await plain.retrieve("s1")) == ["chào", "chào bạn"]

    # the next turn lands on the other replica
    other = await two.retrieve("s1")
    assert other is not tracker and texts(other) == ["chào", "chào bạn"]
    other.update(UserUttered("học phí"))
    await two.save(other)
    back = await one.retrieve("s1")
    assert back is not tracker and texts(back) == ["chào", "chào bạn", "học phí"]

    # a turn that changed the kept tracker and failed before saving: read again
    await one.save(back)
    back.update(UserUttered("không lưu"))
    again = await one.retrieve("s1")
    assert again is not back and texts(again) == ["chào", "chào bạn", "học phí"]

    # deleted by the student on the other replica, then a new conversation with as many events
    await one.save(again)
    two.forget("s1")
    assert await one.retrieve("s1") is None
    fresh = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen"), UserUttered("mới"), BotUttered("a"), UserUttered("b")])
    await two.save(fresh)
    assert texts(await one.retrieve("s1")) == ["mới", "a", "b"]

    # deleted on this replica: nothing stays in its memory
    await one.save(fresh)
    one.forget("s1")
    assert "s1" not in one._kept and await one.retrieve("s1") is None

    # a turn that ran the deletion action: gone from the database and this replica once saved
    await one.save(DialogueStateTracker.from_events("s2", [UserUttered("chào"), BotUttered("chào bạn")]))
    asked = await one.retrieve("s2")
    asked.update(UserUttered("Xóa thông tin của em"))
    asked.update(ActionExecuted("action_delete_my_data"))
    await one.save(asked)
    assert "s2" not in one._kept and await one.retrieve("s2") is None and await plain.retrieve("s2") is None

    # turns answered from the kept tracker write each new event once, without counting the stored ones
    t5 = DialogueStateTracker.from_events("s5", [ActionExecuted("action_listen"), UserUttered("một")])
    await one.save(t5)
    counting = SQLTrackerStore._additional_events
    SQLTrackerStore._additional_events = lambda *args: (_ for _ in ()).throw(AssertionError("counted"))
    try:
        for word in ("hai", "ba"):
            kept = await one.retrieve("s5")
            assert kept is t5
            kept.update(UserUttered(word))
            kept.update(BotUttered(word + "!"))
            await one.save(kept)
    finally:
        SQLTrackerStore._additional_events = counting
    assert texts(await plain.retrieve("s5")) == ["một", "hai", "hai!", "ba", "ba!"]

    # a phone number typed without consent is stored masked; one given to the hand-off form is kept
    typed = DialogueStateTracker.from_events("s3", [UserUttered("số em 0912 345 678"), BotUttered("chưa lưu")])
    await one.save(typed)
    assert texts(await plain.retrieve("s3")) == [f"số em {REDACTED}", "chưa lưu"]
    given = DialogueStateTracker.from_events("s4", [UserUttered("0912345678"), SlotSet("handoff_contact", "0912345678")])
    await one.save(given)
    assert texts(await plain.retrieve("s4")) == ["0912345678"]
    if sys.argv[1] == "sqlite":
        assert len(connects) == 1, len(connects)

asyncio.run(main())
print("ok")
"""


def test_the_sqlite_store_keeps_only_what_the_database_still_says(tmp_path):
    result = _run("sqlite", str(tmp_path / "conversations.sqlite3"))
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
    # the rollback journal is kept between commits, not created and deleted on every turn
    assert (tmp_path / "conversations.sqlite3-journal").exists()
    assert not (tmp_path / "conversations.sqlite3-wal").exists()


@pytest.fixture
def tracker_db():
    name = f"tracker_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_postgresql_store_keeps_only_what_the_database_still_says(tracker_db):
    result = _run("postgresql", tracker_db)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]


def _run(dialect: str, db: str):
    script = f"import sys\nsys.argv = ['-', {dialect!r}, {db!r}]\n" + SCRIPT
    return run_in_rasa_env(script)


MEMORY_SCRIPT = """
import asyncio, time
from bot.nlu.forget import REDACTED
from bot.nlu.tracker_store import ForgettingInMemoryTrackerStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig


async def main():
    store = TrackerStore.create(EndpointConfig(type="bot.nlu.tracker_store.ForgettingInMemoryTrackerStore"))
    assert type(store) is ForgettingInMemoryTrackerStore  # built by Rasa from endpoints.yml's class path

    await store.save(DialogueStateTracker.from_events("typed", [UserUttered("gọi em +84 912.345.678 nhé")]))
    assert (await store.retrieve("typed")).latest_message.text == f"gọi em {REDACTED} nhé"

    tracker = DialogueStateTracker.from_events("asked", [UserUttered("chào"), BotUttered("chào bạn")])
    await store.save(tracker)
    tracker.update(UserUttered("Xóa thông tin của em"))
    tracker.update(ActionExecuted("action_delete_my_data"))
    await store.save(tracker)
    assert await store.retrieve("asked") is None and "asked" not in store._saved_at

    store._saved_at["typed"] = time.time() - 10 * 365 * 86400  # idle beyond the retention period
    store._last_sweep = 0.0
    await store.save(DialogueStateTracker.from_events("new", [UserUttered("chào")]))
    assert await store.retrieve("typed") is None and await store.retrieve("new") is not None

asyncio.run(main())
print("ok")
"""


def test_the_in_memory_store_masks_forgets_and_expires():
    result = run_in_rasa_env(MEMORY_SCRIPT)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
