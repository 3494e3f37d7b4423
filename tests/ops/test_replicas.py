"""RASA_REPLICAS=2 behind HAProxy (ops.launcher): conversations spread over the replicas with
the tracker in PostgreSQL and the lock in Redis; a replica killed during a 20-conversation
load loses no turn, answers none twice, keeps every conversation's context, and the load
balancer takes it out and back in."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import settings
from bot.rasa_client import RasaClient
from ops import launcher
from tests.bot_servers import environment, production_stores, tracker_events
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
RASA_PORT, REPLICA_PORT, ACTIONS_PORT = 5305, 5310, 5355
REDIS_DB = 8
CONVERSATIONS = 20
TURNS = [
    ("Trường nào dạy logistics ở Hải Phòng ạ", "Sao Biển"),
    ("trường đó có ký túc xá không", "ký túc xá"),
    ("hoc phi nganh logistics truong do bn", "học phí"),
    ("cam on ad", "Không có gì"),
]


class Stack:
    def __init__(self, url: str, processes: list[subprocess.Popen], log_dir: Path, tracker_db: str):
        self.url, self.processes, self.log_dir, self.tracker_db = url, processes, log_dir, tracker_db

    def rasa(self, index: int) -> subprocess.Popen:
        return self.processes[2 * index + 1]

    def _stats(self) -> list[list[str]]:
        """The replicas' rows of HAProxy's "show stat" (CSV), read from its stats socket."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(self.log_dir / "haproxy.sock"))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        rows = [line.split(",") for line in data.decode().splitlines() if line and not line.startswith("#")]
        return [row for row in rows if row[0] == "rasa_replicas" and row[1].startswith("rasa")]

    def status(self) -> dict[str, str]:
        """Server name → UP / DOWN."""
        return {row[1]: row[17].split(" ")[0] for row in self._stats()}

    def served(self) -> dict[str, int]:
        """Server name → requests it has been given (stot)."""
        return {row[1]: int(row[7]) for row in self._stats()}

    def wait_status(self, server: str, wanted: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status().get(server) == wanted:
                return
            time.sleep(0.5)
        raise AssertionError(f"{server} not {wanted}: {self.status()}")


@pytest.fixture(scope="module")
def replicated(trained_model, postgres_admin):
    log_dir = ROOT / "test-artifacts" / "bot-replicas-logs"
    processes: list[subprocess.Popen] = []
    with production_stores(postgres_admin, POSTGRES_URL, REDIS_DB) as (env, tracker_db):
        try:
            with environment(**env):
                subprocess.run([sys.executable, "-m", "catalog", "load-sample"], cwd=ROOT, check=True, capture_output=True)
                processes = launcher.start_servers(RASA_PORT, ACTIONS_PORT, log_dir, replicas=2, replica_port=REPLICA_PORT)
                stack = Stack(f"http://127.0.0.1:{RASA_PORT}", processes, log_dir, tracker_db)
                yield stack
                processes = stack.processes
        finally:
            launcher.stop(processes)


def test_more_than_one_replica_needs_the_shared_stores(tmp_path):
    with environment(TRACKER_STORE_URL="", REDIS_URL=""):
        with pytest.raises(SystemExit, match="TRACKER_STORE_URL"):
            launcher.start_servers(RASA_PORT, ACTIONS_PORT, tmp_path, replicas=2, replica_port=REPLICA_PORT)


def test_the_generated_balancer_checks_every_replica(tmp_path):
    config = launcher.write_haproxy_config(tmp_path, "127.0.0.1:5005", 5010, 3).read_text(encoding="utf-8")
    for i in range(3):
        assert f"server rasa{i} 127.0.0.1:{5010 + i} check" in config
    assert "bind 127.0.0.1:5005" in config and "option httpchk GET /" in config
    assert subprocess.run(["/usr/sbin/haproxy", "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True).returncode == 0


async def _converse(url: str, sender: str, replies: dict, done: list) -> None:
    async with RasaClient(url, timeout=60) as client:
        for message, _ in TURNS:
            answer = await client.send(sender, message, "test")
            replies.setdefault(sender, []).append("\n".join(m.get("text", "") for m in answer))
            done.append(sender)


async def _load_while_killing(stack: Stack, senders: list[str]) -> dict:
    replies: dict[str, list[str]] = {}
    done: list[str] = []
    tasks = [asyncio.create_task(_converse(stack.url, s, replies, done)) for s in senders]
    while len(done) < len(senders):  # every conversation has had its first turn
        await asyncio.sleep(0.05)
    os.kill(stack.rasa(1).pid, signal.SIGKILL)
    await asyncio.gather(*tasks)
    return replies


def test_each_conversation_stays_on_one_replica_and_conversations_spread(replicated):
    """The balancer sticks each sender to a replica: a conversation's turns all reach the replica
    that kept its tracker, and new conversations go to the replicas in turn."""
    sender = f"stay-{uuid.uuid4().hex[:8]}"
    replies: dict = {}
    before = replicated.served()
    asyncio.run(_converse(replicated.url, sender, replies, []))
    after = replicated.served()
    gained = sorted(after[name] - before.get(name, 0) for name in ("rasa0", "rasa1"))
    assert gained == [0, len(TURNS)], (before, after)
    for reply, (_, expected) in zip(replies[sender], TURNS):
        assert expected.lower() in reply.lower(), replies[sender]

    before = replicated.served()
    asyncio.run(_first_turns(replicated.url, [f"spread-{i}-{uuid.uuid4().hex[:6]}" for i in range(16)]))
    after = replicated.served()
    assert all(after[name] > before.get(name, 0) for name in ("rasa0", "rasa1")), (before, after)


async def _first_turns(url: str, senders: list[str]) -> None:
    async with RasaClient(url, timeout=60) as client:
        for sender in senders:
            await client.send(sender, TURNS[0][0], "test")


def test_losing_a_replica_under_load_loses_no_turn_and_duplicates_none(replicated):
    senders = [f"load-{i}-{uuid.uuid4().hex[:6]}" for i in range(CONVERSATIONS)]
    replies = asyncio.run(_load_while_killing(replicated, senders))

    for sender in senders:  # every turn answered, with its context
        assert len(replies[sender]) == len(TURNS), (sender, replies[sender])
        for reply, (_, expected) in zip(replies[sender], TURNS):
            assert expected.lower() in reply.lower(), (sender, replies[sender])
    for sender in senders:  # each turn once, in order, each followed by the bot's answer
        events = tracker_events(replicated.url, sender)
        said = [e["text"] for e in events if e["event"] == "user"]
        assert said == [message for message, _ in TURNS], (sender, said)
        kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
        assert all(a != b or a == "bot" for a, b in zip(kinds, kinds[1:])) and kinds[-1] == "bot", kinds

    replicated.wait_status("rasa1", "DOWN")
    log_dir = replicated.log_dir
    replacement = launcher.start_rasa(
        settings.get().rasa_replica_host, REPLICA_PORT + 1, launcher.replica_endpoints(log_dir, 1), log_dir / "rasa-1.log"
    )
    replicated.processes[3] = replacement
    launcher.wait_ready(f"http://127.0.0.1:{REPLICA_PORT + 1}/status", replacement, "Rasa 1", params=launcher.api_token())
    replicated.wait_status("rasa1", "UP")
    before = replicated.served()["rasa1"]
    asyncio.run(_first_turns(replicated.url, [f"back-{i}-{uuid.uuid4().hex[:6]}" for i in range(16)]))
    assert replicated.served()["rasa1"] > before  # back in the rotation
