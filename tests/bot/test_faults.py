"""Faults on the production topology (issue 24), each under a load of 20 conversations: the
tracker's PostgreSQL stopping for 20 s, Redis restarting, an action server killed. Two Rasa
replicas, each with its own action server, behind HAProxy (ops.launcher, RASA_REPLICAS=2);
tracker and catalog in a PostgreSQL cluster, lock store and channel state in a Redis server,
both owned by this module (tests/bot/owned_servers.py), so stopping them touches nothing else.

The conversations talk through bot.rasa_client as the gateways do: a failed turn is the
gateways' apology ("hệ thống đang bận"), never silence. What every fault must leave: each
message answered (its answer or the apology), every conversation continuing with its context
afterwards, no turn run twice and no turn half-written in the tracker store.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from bot.channels.store import open_channel_store
from bot.rasa_client import APOLOGY, RasaClient, RasaUnavailable
from ops import launcher
from ops.supervisor import Supervisor
from tests.bot.owned_servers import OwnedPostgres, OwnedRedis, answers
from tests.bot_servers import environment, tracker_events

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_PORT, REDIS_PORT = 6105, 6106
RASA_PORT, REPLICA_PORT, ACTIONS_PORT = 6110, 6111, 6115  # replica i on 6111+i, its action server on 6115+i
SINGLE_RASA_PORT, SINGLE_ACTIONS_PORT = 6120, 6125  # the embedded default, for var/
CONVERSATIONS = 20
BUSY = "hệ thống đang bận"
OUTAGE_SECONDS = 20
FIRST = ("Trường nào dạy logistics ở Hải Phòng ạ", "Sao Biển")
# follow-ups that only make sense with the first turn's school and province
FOLLOW_UPS = [("trường đó có ký túc xá không", "ký túc xá"), ("hoc phi nganh logistics truong do bn", "học phí")]


class Stack:
    def __init__(self, postgres: OwnedPostgres, redis: OwnedRedis, processes: list[subprocess.Popen], log_dir: Path):
        self.postgres, self.redis, self.processes, self.log_dir = postgres, redis, processes, log_dir
        self.url = f"http://127.0.0.1:{RASA_PORT}"

    def actions(self, index: int) -> subprocess.Popen:
        return self.processes[2 * index]


@pytest.fixture(scope="module")
def stack(trained_model):
    postgres, redis = OwnedPostgres(POSTGRES_PORT), OwnedRedis(REDIS_PORT)
    log_dir = ROOT / "test-artifacts" / "bot-fault-logs"
    holder = Stack(postgres, redis, [], log_dir)
    try:
        postgres.psql("CREATE DATABASE tracker")
        postgres.psql("CREATE DATABASE catalog")
        env = {
            "CATALOG_DATABASE_URL": postgres.url("catalog", "postgresql+psycopg"),
            "TRACKER_STORE_URL": postgres.url("tracker"),
            "REDIS_URL": redis.url,
            "ACTION_ENDPOINT_URL": "",
            "RASA_REPLICAS": "2",
        }
        with environment(**env):
            subprocess.run([sys.executable, "-m", "catalog", "load-sample"], cwd=ROOT, check=True, capture_output=True)
            holder.processes = launcher.start_servers(RASA_PORT, ACTIONS_PORT, log_dir, replicas=2, replica_port=REPLICA_PORT)
            yield holder
    finally:
        launcher.stop(holder.processes)
        redis.close()
        postgres.close()


# --- the load -----------------------------------------------------------------------------------


async def say(client: RasaClient, sender: str, message: str) -> str:
    """One turn as a gateway makes it: the answer's text, or the apology when the turn failed."""
    try:
        replies = await client.send(sender, message, "test")
    except RasaUnavailable:
        return APOLOGY
    return "\n".join(r.get("text") or "" for r in replies)


async def everyone_says(url: str, senders: list[str], message: str) -> dict[str, str]:
    async with RasaClient(url, timeout=60) as client:
        texts = await asyncio.gather(*(say(client, s, message) for s in senders))
    return dict(zip(senders, texts))


async def keep_asking(url: str, senders: list[str], message: str, seconds: float) -> dict[str, list[str]]:
    """Each conversation sends `message` again and again (a student who gets no answer retries)
    for `seconds`; every answer is kept."""
    deadline = time.monotonic() + seconds
    got: dict[str, list[str]] = {s: [] for s in senders}

    async def one(client: RasaClient, sender: str) -> None:
        while time.monotonic() < deadline:
            got[sender].append(await say(client, sender, message))
            await asyncio.sleep(1)

    async with RasaClient(url, timeout=60) as client:
        await asyncio.gather(*(one(client, s) for s in senders))
    return got


def start_conversations(stack, name: str) -> list[str]:
    senders = [f"{name}-{i}-{uuid.uuid4().hex[:6]}" for i in range(CONVERSATIONS)]
    first = asyncio.run(everyone_says(stack.url, senders, FIRST[0]))
    assert all(FIRST[1] in text for text in first.values()), first
    return senders


def assert_answered_or_busy(replies: dict[str, list[str]], expected: str) -> None:
    for sender, texts in replies.items():
        assert texts, sender
        for text in texts:
            assert BUSY in text or expected.lower() in text.lower(), (sender, text)


def assert_conversations_continue(stack, senders: list[str]) -> None:
    """After the fault: the follow-ups of every conversation are answered from its context."""
    for message, expected in FOLLOW_UPS:
        texts = asyncio.run(everyone_says(stack.url, senders, message))
        for sender, text in texts.items():
            assert expected.lower() in text.lower(), (sender, message, text)


def assert_each_turn_once_and_whole(stack: Stack, senders: list[str]) -> None:
    """In the tracker store: every user message once (by its turn id) and followed by the bot's
    answer; the conversation ends listening."""
    for sender in senders:
        events = tracker_events(stack.url, sender)
        turn_ids = [(e.get("metadata") or {}).get("turn_id") for e in events if e["event"] == "user"]
        assert len(turn_ids) == len(set(turn_ids)), (sender, turn_ids)
        kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
        assert kinds and kinds[0] == "user" and kinds[-1] == "bot", (sender, kinds)
        assert all(not (a == b == "user") for a, b in zip(kinds, kinds[1:])), (sender, kinds)
        actions = [e.get("name") for e in events if e["event"] == "action"]
        assert actions[-1] == "action_listen", (sender, actions[-3:])


# --- the faults ---------------------------------------------------------------------------------


def test_postgresql_stopping_for_20_seconds_loses_no_conversation(stack):
    senders = start_conversations(stack, "pg")
    stack.postgres.stop()
    try:
        during = asyncio.run(keep_asking(stack.url, senders, FOLLOW_UPS[0][0], OUTAGE_SECONDS))
    finally:
        stack.postgres.start()
    assert_answered_or_busy(during, FOLLOW_UPS[0][1])
    assert any(BUSY in text for texts in during.values() for text in texts)  # the outage was seen
    assert_conversations_continue(stack, senders)
    assert_each_turn_once_and_whole(stack, senders)


def test_redis_restarting_loses_no_conversation_and_no_channel_state(stack, tmp_path):
    async def write_channel_state() -> None:
        zalo, telegram = (
            open_channel_store("zalo", tmp_path, stack.redis.url),
            open_channel_store("telegram:1", tmp_path, stack.redis.url),
        )
        await zalo.enqueue("zalo-user", [{"text": "Câu trả lời chưa gửi được"}])
        assert await telegram.first_time("update:4242")
        await zalo.close()
        await telegram.close()

    async def read_channel_state() -> tuple[dict | None, bool]:
        zalo, telegram = (
            open_channel_store("zalo", tmp_path, stack.redis.url),
            open_channel_store("telegram:1", tmp_path, stack.redis.url),
        )
        head = await zalo.head("zalo-user")
        again = await telegram.first_time("update:4242")
        await zalo.close()
        await telegram.close()
        return (head.message if head else None), again

    senders = start_conversations(stack, "redis")
    asyncio.run(write_channel_state())

    async def restart_while_asking() -> dict[str, list[str]]:
        asking = asyncio.create_task(keep_asking(stack.url, senders, FOLLOW_UPS[0][0], 10))
        await asyncio.sleep(2)
        await asyncio.to_thread(stack.redis.stop)
        await asyncio.sleep(3)
        await asyncio.to_thread(stack.redis.start)
        return await asking

    during = asyncio.run(restart_while_asking())
    assert_answered_or_busy(during, FOLLOW_UPS[0][1])
    assert_conversations_continue(stack, senders)
    assert_each_turn_once_and_whole(stack, senders)
    message, handled_again = asyncio.run(read_channel_state())
    assert message == {"text": "Câu trả lời chưa gửi được"}  # the Zalo outbox survived
    assert handled_again is False  # and so did the Telegram update id


def test_a_killed_action_server_costs_an_apology_and_the_launcher_starts_it_again(stack):
    senders = start_conversations(stack, "actions")
    supervisor = Supervisor(stack.processes, say=lambda message: None)  # what `make serve` runs
    watcher = threading.Thread(target=supervisor.watch, daemon=True)
    watcher.start()
    killed = stack.actions(1)

    async def kill_while_asking() -> dict[str, list[str]]:
        asking = asyncio.create_task(keep_asking(stack.url, senders, FOLLOW_UPS[0][0], 8))
        await asyncio.sleep(1)
        os.kill(killed.pid, signal.SIGKILL)
        return await asking

    try:
        during = asyncio.run(kill_while_asking())
        assert_answered_or_busy(during, FOLLOW_UPS[0][1])
        assert any(BUSY in text for texts in during.values() for text in texts)  # turns reached the dead one

        deadline = time.monotonic() + 120
        while supervisor.children[2] is killed or not answers(f"http://127.0.0.1:{ACTIONS_PORT + 1}/health"):
            assert time.monotonic() < deadline and watcher.is_alive(), "the action server was not started again"
            time.sleep(0.5)
    finally:
        supervisor.stopping.set()
        watcher.join(timeout=10)
        stack.processes = supervisor.children
    assert_conversations_continue(stack, senders)  # the next turns work on both replicas


# --- var/ full: the embedded default, whose data lives there ------------------------------------


class Single:
    def __init__(self, url: str):
        self.url = url


@pytest.fixture
def small_var(trained_model):
    """A 64 MB file system of its own as var/ (tmpfs), so filling it fills nothing else."""
    if os.geteuid() != 0:
        pytest.skip("a file system of the test's own (mount -t tmpfs) needs root")
    var = Path(tempfile.mkdtemp(prefix="fault-var-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(var)], check=True)
    try:
        yield var
    finally:
        subprocess.run(["umount", "-l", str(var)], check=False)
        var.rmdir()


def fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 1024 * 1024)
                filler.flush()
        except OSError:
            pass


@pytest.mark.parametrize("tracker", ["memory", "var"])  # Rasa's in-memory store, or the default SQLite file in var/
def test_a_full_var_keeps_the_bot_answering_and_is_logged_once(small_var, tracker):
    """The embedded default keeps its catalog (with the turn records) and its conversations in
    var/, which fills up while the bot runs. Logs go elsewhere here, as in a container (stdout);
    on the full disk itself they could not say anything anyway."""
    log_dir = ROOT / "test-artifacts" / "bot-fault-var-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / "actions.log").write_bytes(b"")
    env = {
        "CATALOG_DATABASE_URL": f"sqlite:///{small_var / 'catalog.sqlite3'}",
        "TRACKER_STORE_URL": "memory" if tracker == "memory" else f"sqlite:///{small_var / 'conversations.sqlite3'}",
        "REDIS_URL": "",
        "ACTION_ENDPOINT_URL": "",
        "RASA_REPLICAS": "1",
    }
    with environment(**env):
        subprocess.run([sys.executable, "-m", "catalog", "load-sample"], cwd=ROOT, check=True, capture_output=True)
        processes = launcher.start_servers(SINGLE_RASA_PORT, SINGLE_ACTIONS_PORT, log_dir, replicas=1)
        try:
            single = Single(f"http://127.0.0.1:{SINGLE_RASA_PORT}")
            senders = start_conversations(single, "full")
            fill(small_var)
            assert_conversations_continue(single, senders)  # every answer, none the apology

            log = log_dir / "actions.log"
            alarm = "Turn records cannot be written to the catalog database"
            deadline = time.monotonic() + 30
            while alarm not in log.read_text(encoding="utf-8", errors="replace"):
                assert time.monotonic() < deadline, "the full disk was never reported"
                time.sleep(0.5)
            time.sleep(2)  # the last batches of turn records arrive (sent every 0.5 s)
            text = log.read_text(encoding="utf-8", errors="replace")
            assert text.count(alarm) == 1 and "database or disk is full" in text, text[-2000:]
            assert "skipped a turn record" not in text
        finally:
            launcher.stop(processes)
