"""The retention purge reaches Rasa's SQL tracker store (counselling/tracker_purge.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import time

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, select

from counselling import tracker_purge

DAY = 86400.0


def rasa_events_table(url: str) -> Table:
    """The table as Rasa 3.6's SQLTrackerStore creates it."""
    table = Table(
        "events",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255), nullable=False, index=True),
        Column("type_name", String(255), nullable=False),
        Column("timestamp", Float),
        Column("intent_name", String(255)),
        Column("action_name", String(255)),
        Column("data", Text),
    )
    engine = create_engine(tracker_purge.engine_url(url))
    table.metadata.create_all(engine)
    engine.dispose()
    return table


def test_conversations_idle_past_the_retention_are_deleted_whole_and_recent_ones_stay(catalog_url):
    events = rasa_events_table(catalog_url)
    now = time.time()
    rows = [
        ("telegram:old", now - 200 * DAY, "user"),
        ("telegram:old", now - 199 * DAY, "bot"),
        ("zalo:active", now - 300 * DAY, "user"),  # started long ago, still talking: kept whole
        ("zalo:active", now - 2 * DAY, "user"),
        ("telegram:new", now - 1 * DAY, "user"),
    ]
    engine = create_engine(tracker_purge.engine_url(catalog_url))
    with engine.begin() as connection:
        connection.execute(
            events.insert(),
            [{"sender_id": s, "timestamp": t, "type_name": kind, "data": '{"text": "0912345678"}'} for s, t, kind in rows],
        )

    assert tracker_purge.purge(180, url=catalog_url, now=now) == 1

    with engine.connect() as connection:
        left = sorted(connection.execute(select(events.c.sender_id)).scalars())
    engine.dispose()
    assert left == ["telegram:new", "zalo:active", "zalo:active"]


def test_nothing_to_do_without_a_tracker_store_or_before_rasa_made_its_table(catalog_url):
    assert tracker_purge.purge(180, url="") == 0
    assert tracker_purge.purge(180, url=catalog_url) == 0


def test_the_password_of_tracker_store_password_is_used_when_the_url_has_none():
    url = tracker_purge.engine_url("postgresql://rasa@db.internal:5432/rasa?sslmode=require", "p@ss/word")
    assert url == "postgresql+psycopg://rasa:p%40ss%2Fword@db.internal:5432/rasa?sslmode=require"
    assert tracker_purge.engine_url("postgresql://rasa:inline@db/rasa", "other").endswith("rasa:inline@db/rasa")
    assert tracker_purge.engine_url("sqlite:////srv/rasa.db", "x") == "sqlite:////srv/rasa.db"
