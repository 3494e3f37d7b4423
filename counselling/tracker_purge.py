"""Rasa's tracker store keeps every raw message; conversations idle past the retention period go.

Why: the counselling records are masked and purged after PRIVACY_RETENTION_DAYS, but
Rasa's SQL tracker store (TRACKER_STORE_URL: PostgreSQL in production, or an SQLite
file) keeps what students typed, phone numbers included, for ever. The retention purge
(`python -m counselling privacy purge`, at every `make serve` and from cron) therefore
deletes every conversation whose latest event is older than the period. A student's own
"Xóa thông tin của em" is handled inside Rasa (its tracker store, bot/nlu/tracker_store.py);
the in-memory store forgets on its own.

The table is Rasa's (`events`: one row per event, `sender_id`, `timestamp` in Unix
seconds); only those two columns are read.
"""

from __future__ import annotations

import time
from urllib.parse import quote, urlsplit, urlunsplit

from sqlalchemy import Column, Float, MetaData, String, Table, create_engine, delete, func, inspect, select

import settings

EVENTS = Table("events", MetaData(), Column("sender_id", String), Column("timestamp", Float))


def engine_url(tracker_store_url: str, password: str = "") -> str:
    """The SQLAlchemy URL of Rasa's store: `postgresql://` through psycopg 3, with the password
    of TRACKER_STORE_PASSWORD when the URL has none (as Rasa is given it)."""
    parts = urlsplit(tracker_store_url)
    if not parts.scheme.startswith("postgresql"):
        return tracker_store_url
    netloc = parts.netloc
    if password and parts.username and parts.password is None:
        user, host = netloc.split("@", 1)
        netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit(("postgresql+psycopg", netloc, parts.path, parts.query, parts.fragment))


def purge(days: int, url: str | None = None, now: float | None = None) -> int:
    """Deletes the conversations idle for more than `days` days; returns how many. 0 when the
    tracker store is in memory (no TRACKER_STORE_URL) or Rasa has not created its table yet."""
    config = settings.get()
    url = url if url is not None else config.rasa_tracker_store_url
    if not url:
        return 0
    engine = create_engine(engine_url(url, config.tracker_store_password))
    try:
        if not inspect(engine).has_table("events"):
            return 0
        cutoff = (now if now is not None else time.time()) - days * 86400
        idle = (select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(func.max(EVENTS.c.timestamp) < cutoff)).subquery()
        with engine.begin() as connection:
            senders = connection.execute(select(func.count()).select_from(idle)).scalar_one()
            connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(select(idle.c.sender_id))))
        return senders
    finally:
        engine.dispose()
