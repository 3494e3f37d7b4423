"""Where the catalog lives and how to open it.

The database is chosen by `CATALOG_DATABASE_URL` (e.g.
`postgresql+psycopg://user@host/db`); without it, a SQLite file under var/.
Engines are cached per URL so that every request opens only a session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "catalog.sqlite3"


def database_url() -> str:
    url = settings.get().catalog_database_url
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@lru_cache(maxsize=8)
def _session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def session(url: str | None = None) -> Session:
    """A new session; use as `with db.session() as s:`."""
    return _session_factory(url or database_url())()


_shared: ContextVar[tuple[str, Session] | None] = ContextVar("catalog_shared_session", default=None)


def reading(url: str | None = None) -> Session | AbstractContextManager[Session]:
    """A session for the named queries of catalog/queries.py (reads only): the one
    `one_session()` opened around this call, else a new one; use as `with db.reading() as s:`."""
    url = url or database_url()
    shared = _shared.get()
    if shared is not None and shared[0] == url:
        return nullcontext(shared[1])  # one_session closes it
    return _session_factory(url)()


@contextmanager
def one_session(url: str | None = None) -> Iterator[Session]:
    """Every `reading()` inside (same database, same thread or task) is this one session.

    Why: an answer runs several named queries (the reading of the message, the focus, the
    answer's own lookups), each opening a session and checking the catalog's version; one
    per request is enough and reads one consistent state of the catalog. Writers (hand-off,
    imports) keep opening their own sessions with `session()`."""
    url = url or database_url()
    with _session_factory(url)() as opened:
        token = _shared.set((url, opened))
        try:
            yield opened
        finally:
            _shared.reset(token)


def insert_for(session: Session):
    """`insert` with ON CONFLICT for the session's dialect (SQLite and PostgreSQL both have it)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert
