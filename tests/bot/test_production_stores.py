"""Production set-up chosen by environment variables only: the catalog and Rasa's tracker
store in PostgreSQL, Rasa's lock store in Redis (the real servers on this machine)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from counselling import tracker_purge
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


def stored_events(tracker_db: str, sender: str) -> int:
    engine = create_engine(POSTGRES_URL.rsplit("/", 1)[0] + f"/{tracker_db}")
    with engine.connect() as connection:
        count = connection.execute(text("select count(*) from events where sender_id = :sender"), {"sender": sender}).scalar()
    engine.dispose()
    return count


def test_delete_my_data_leaves_no_message_of_that_sender_in_the_postgresql_tracker_store(production_bot):
    base, tracker_db = production_bot
    student, classmate = Chat(base), Chat(base)
    student.say("cho em gặp người tư vấn")
    student.press("Đồng ý")
    assert "đã gửi yêu cầu số" in student.say("0912345678")
    classmate.say("trường nào dạy hàn ở Quảng Ninh")
    assert stored_events(tracker_db, student.sender) > 0

    assert "đã xóa" in student.say("Xóa thông tin của em")

    assert stored_events(tracker_db, student.sender) == 0
    assert stored_events(tracker_db, classmate.sender) > 0
    assert "Quảng Ninh" in student.say("trường nào dạy hàn ở Quảng Ninh")  # and the student can start again


def test_the_retention_purge_reaches_rasas_tracker_store(production_bot):
    base, tracker_db = production_bot
    chat = Chat(base)
    chat.say("xin chào")
    tracker_url = f"postgresql://postgres@127.0.0.1:5432/{tracker_db}"
    assert tracker_purge.purge(180, url=tracker_url) == 0  # everything here is recent
    assert tracker_purge.purge(180, url=tracker_url, now=time.time() + 181 * 86400) >= 1
    assert stored_events(tracker_db, chat.sender) == 0
