"""bot.nlu.tracker_store, in the Rasa environment against real SQLite and PostgreSQL: a
replica answers from the tracker it saved only while nobody else wrote or deleted the
conversation, and never returns a tracker that differs from the database."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.bot_servers import run_in_rasa_env

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

SCRIPT = """
import asyncio, sys
import bot.nlu  # the patches Rasa loads with the pipeline (forget uses the store's drop)
from bot.nlu.forget import forget
from bot.nlu.tracker_store import KeepingSQLTrackerStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

kwargs = dict(dialect=sys.argv[1], db=sys.argv[2])
if sys.argv[1] == "postgresql":
    kwargs.update(host="127.0.0.1", port=5432, username="postgres")
domain = Domain.empty()
one, two = KeepingSQLTrackerStore(domain=domain, **kwargs), KeepingSQLTrackerStore(domain=domain, **kwargs)
plain = SQLTrackerStore(domain=domain, **kwargs)


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
    forget(two, "s1")
    assert await one.retrieve("s1") is None
    fresh = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen"), UserUttered("mới"), BotUttered("a"), UserUttered("b")])
    await two.save(fresh)
    assert texts(await one.retrieve("s1")) == ["mới", "a", "b"]

    # deleted on this replica: nothing stays in its memory
    await one.save(fresh)
    forget(one, "s1")
    assert "s1" not in one._kept and await one.retrieve("s1") is None

asyncio.run(main())
print("ok")
"""


def test_the_sqlite_store_keeps_only_what_the_database_still_says(tmp_path):
    result = _run("sqlite", str(tmp_path / "conversations.sqlite3"))
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]


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
