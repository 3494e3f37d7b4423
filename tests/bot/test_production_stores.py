"""Production set-up chosen by environment variables only: the catalog and Rasa's tracker
store in PostgreSQL, Rasa's lock store in Redis (the real servers on this machine)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.bot_servers import Chat, environment, production_stores, running_bot
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 7


@pytest.fixture(scope="module")
def production_bot(trained_model, postgres_admin):
    with production_stores(postgres_admin, POSTGRES_URL, REDIS_DB) as (env, tracker_db):
        env["ACTION_ENDPOINT_URL"] = "http://127.0.0.1:5255/webhook"
        with environment(**env), running_bot(5205, 5255, "bot-production-logs") as url:
            yield url, tracker_db


def test_conversation_is_stored_in_postgresql_and_answers_from_the_postgresql_catalog(production_bot):
    base, tracker_db = production_bot
    chat = Chat(base)
    reply = chat.say("trường nào dạy điện công nghiệp ở Quảng Ninh")
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in reply
    follow_up = chat.say("còn ở Hải Phòng thì sao")  # context survives through the SQL tracker store
    assert "Sao Biển" in follow_up

    engine = create_engine(POSTGRES_URL.rsplit("/", 1)[0] + f"/{tracker_db}")
    with engine.connect() as connection:
        stored = connection.execute(
            text("select count(*) from events where sender_id = :sender and type_name = 'user'"),
            {"sender": chat.sender},
        ).scalar()
    engine.dispose()
    assert stored == 2


def test_lock_store_uses_redis(production_bot):
    base, _ = production_bot
    Chat(base).say("xin chào")
    clients = subprocess.run(["redis-cli", "-h", "127.0.0.1", "client", "list"], capture_output=True, text=True).stdout
    assert f"db={REDIS_DB}" in clients
