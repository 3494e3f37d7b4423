"""Gateways under test run as real processes, configured by environment variables, between
fake platform servers (loopback HTTP) and the real Rasa + action servers (behind a switchable
proxy so a test can take Rasa away and bring it back; the Zalo OA API sits behind one too).
Their state is in a local SQLite file, or in Redis database 11 (flushed) for the `*_redis`
fixtures."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.bot.channels.fake_telegram import FakeTelegram
from tests.bot.channels.fake_zalo import APP_SECRET, FakeZalo
from tests.bot.channels.switchable_proxy import SwitchableProxy

ROOT = Path(__file__).resolve().parents[3]
TELEGRAM_TOKEN = "123456:TEST-telegram-token-abcdef"
ZALO_APP_ID = "1234567890123456789"
ZALO_OA_SECRET = "oa-secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(module: str, env: dict, log_name: str) -> subprocess.Popen:
    logs = ROOT / "test-artifacts" / "channel-logs"
    logs.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        stdout=open(logs / f"{log_name}.log", "ab"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def rasa_proxy(bot_url):
    return SwitchableProxy(int(bot_url.rsplit(":", 1)[1]))


CHANNEL_REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of its own: fixtures flush it
RATE_LIMIT = 5  # messages per sender per minute in the gateways under test


def flush_channel_redis() -> str:
    import redis

    client = redis.Redis.from_url(CHANNEL_REDIS_URL)
    client.flushdb()
    client.close()
    return CHANNEL_REDIS_URL


@pytest.fixture
def channel_redis_url() -> str:
    return flush_channel_redis()


class TelegramHarness:
    """A polling Telegram gateway process in front of a FakeTelegram; restartable with its state."""

    def __init__(self, fake: FakeTelegram, state_dir: Path, rasa: SwitchableProxy, redis_url: str = ""):
        self.fake, self.state_dir, self.rasa, self.redis_url = fake, state_dir, rasa, redis_url
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        return {
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_URL": self.fake.url,
            "RASA_URL": self.rasa.url,
            "TELEGRAM_POLL_TIMEOUT": "1",
            "RASA_TIMEOUT": "30",
            "TELEGRAM_TYPING_DELAY_SECONDS": "0",
            "TELEGRAM_STATE_DIR": str(self.state_dir),
            "TELEGRAM_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
            "REDIS_URL": self.redis_url,
        }

    def start(self) -> None:
        polls = self.fake.calls.count("getUpdates")
        self.process = start("bot.channels.telegram_gateway", self.env(), "telegram")
        self.fake.wait_for(lambda: self.fake.calls.count("getUpdates") > polls, timeout=60)

    def stop(self) -> None:
        if self.process:
            stop(self.process)


@pytest.fixture(scope="session")
def telegram_harness(rasa_proxy, tmp_path_factory):
    harness = TelegramHarness(FakeTelegram(TELEGRAM_TOKEN), tmp_path_factory.mktemp("telegram-state"), rasa_proxy)
    harness.start()
    yield harness
    harness.stop()
    harness.fake.close()


@pytest.fixture(scope="session")
def telegram(telegram_harness):
    """The fake Bot API of the session's gateway (its process as `.process`)."""
    telegram_harness.fake.process = telegram_harness.process
    return telegram_harness.fake


class ZaloHarness:
    def __init__(self, fake: FakeZalo, port: int, state_dir: Path, proxy: SwitchableProxy, redis_url: str = ""):
        self.fake, self.port, self.state_dir, self.proxy, self.redis_url = fake, port, state_dir, proxy, redis_url
        self.oa_api = SwitchableProxy(int(fake.url.rsplit(":", 1)[1]))  # `.down()`: the OA API is unreachable
        self.url = f"http://127.0.0.1:{port}/zalo/webhook"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        return {
            "ZALO_APP_ID": ZALO_APP_ID,
            "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
            "ZALO_APP_SECRET_KEY": APP_SECRET,
            "ZALO_ACCESS_TOKEN": "token-1",
            "ZALO_REFRESH_TOKEN": "refresh-1",
            "ZALO_OA_API_URL": self.oa_api.url,
            "ZALO_OAUTH_URL": self.fake.url,
            "RASA_URL": self.proxy.url,
            "ZALO_PORT": str(self.port),
            "ZALO_LISTEN": "127.0.0.1",
            "ZALO_STATE_DIR": str(self.state_dir),
            "ZALO_SEND_BACKOFF_SECONDS": "0.05",
            "ZALO_SEND_BACKOFF_MAX_SECONDS": "1",
            "ZALO_SEND_TIMEOUT_SECONDS": "5",
            "ZALO_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
            "REDIS_URL": self.redis_url,
        }

    def start(self) -> None:
        self.process = start("bot.channels.zalo_gateway", self.env(), "zalo")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("Zalo gateway did not start")

    def stop(self) -> None:
        if self.process:
            stop(self.process)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _zalo(rasa_proxy, state_dir: Path, redis_url: str = ""):
    fake = FakeZalo()
    harness = ZaloHarness(fake, free_port(), state_dir, rasa_proxy, redis_url)
    harness.start()
    yield harness
    harness.stop()
    harness.oa_api.down()
    fake.close()


@pytest.fixture(scope="session")
def zalo(rasa_proxy, tmp_path_factory):
    """The Zalo gateway with its state in a local SQLite file."""
    yield from _zalo(rasa_proxy, tmp_path_factory.mktemp("zalo-state"))


@pytest.fixture(scope="session")
def zalo_redis(rasa_proxy, tmp_path_factory):
    """The Zalo gateway with its state in Redis (tokens stay in the state directory)."""
    yield from _zalo(rasa_proxy, tmp_path_factory.mktemp("zalo-redis-state"), flush_channel_redis())
