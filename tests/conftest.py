"""Real databases for the tests: a SQLite file and the PostgreSQL at 127.0.0.1:5432.

Every test that takes `catalog_url` runs once per backend, each time on a
brand-new database (SQLite: a new file; PostgreSQL: a new schema, migrated
from scratch and dropped afterwards). `CATALOG_DATABASE_URL` is pointed at
it, so code under test uses it exactly as in production.

Set CATALOG_TEST_POSTGRES_URL=skip to run without PostgreSQL on a laptop;
CI never does.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

import settings
from catalog import db
from ops import launcher
from tests.bot_servers import ACTIONS_PORT, RASA_PORT, environment, running_bot

POSTGRES_URL = os.environ.get("CATALOG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_admin():
    if POSTGRES_URL == "skip":
        pytest.skip("PostgreSQL tests disabled by CATALOG_TEST_POSTGRES_URL=skip")
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # pragma: no cover - environment problem, reported loudly
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}. "
            "Start it, or set CATALOG_TEST_POSTGRES_URL=skip to run SQLite only."
        )
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def catalog_url(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
        schema = None
    else:
        admin = request.getfixturevalue("postgres_admin")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("CATALOG_DATABASE_URL", url)
    settings.reload()
    yield url
    db.get_engine(url).dispose()
    if schema:
        with request.getfixturevalue("postgres_admin").connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch):
    """Settings are read once per process: each test starts from the environment as it is,
    and `set_env` changes a variable for one test (restored by monkeypatch, then re-read)."""
    settings.reload()
    yield
    monkeypatch.undo()
    settings.reload()


@pytest.fixture
def set_env(monkeypatch):
    def set_variables(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        settings.reload()

    return set_variables


# --- the real bot (Rasa + action server), shared by tests/bot and tests/channels -------------


@pytest.fixture(scope="session")
def trained_model():
    launcher.train_if_needed()
    return launcher.MODEL


@pytest.fixture(scope="session")
def bot_catalog_url(tmp_path_factory):
    """The catalog the session's bot answers from (and records conversations in)."""
    return f"sqlite:///{tmp_path_factory.mktemp('bot') / 'catalog.sqlite3'}"


@pytest.fixture(scope="session")
def bot_tracker_path(tmp_path_factory):
    """The SQLite file the session's Rasa keeps conversations in (the embedded default's store)."""
    return tmp_path_factory.mktemp("bot-tracker") / "conversations.sqlite3"


@pytest.fixture(scope="session")
def bot_url(trained_model, bot_catalog_url, bot_tracker_path):
    with environment(
        CATALOG_DATABASE_URL=bot_catalog_url,
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{ACTIONS_PORT}/webhook",
        TRACKER_STORE_URL=f"sqlite:///{bot_tracker_path}",
    ):
        with running_bot(RASA_PORT, ACTIONS_PORT, "bot-logs") as url:
            yield url
