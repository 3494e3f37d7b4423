"""Gateways under test run as real processes, configured by environment variables, between
fake platform servers (loopback HTTP) and the real Rasa + action servers (behind a switchable
proxy so a test can take Rasa away and bring it back)."""

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


@pytest.fixture(scope="session")
def telegram(rasa_proxy):
    fake = FakeTelegram(TELEGRAM_TOKEN)
    process = start(
        "bot.channels.telegram_gateway",
        {
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "RASA_URL": rasa_proxy.url,
            "TELEGRAM_POLL_TIMEOUT": "1",
            "RASA_TIMEOUT": "30",
            "TELEGRAM_TYPING_DELAY_SECONDS": "0",
        },
        "telegram",
    )
    fake.wait_for(lambda: fake.calls.count("getUpdates") >= 1, timeout=60)
    fake.process = process
    yield fake
    stop(process)
    fake.close()


class ZaloHarness:
    def __init__(self, fake: FakeZalo, port: int, state_dir: Path, proxy: SwitchableProxy):
        self.fake, self.port, self.state_dir, self.proxy = fake, port, state_dir, proxy
        self.url = f"http://127.0.0.1:{port}/zalo/webhook"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        return {
            "ZALO_APP_ID": ZALO_APP_ID,
            "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
            "ZALO_APP_SECRET_KEY": APP_SECRET,
            "ZALO_ACCESS_TOKEN": "token-1",
            "ZALO_REFRESH_TOKEN": "refresh-1",
            "ZALO_OA_API_URL": self.fake.url,
            "ZALO_OAUTH_URL": self.fake.url,
            "RASA_URL": self.proxy.url,
            "ZALO_PORT": str(self.port),
            "ZALO_LISTEN": "127.0.0.1",
            "ZALO_STATE_DIR": str(self.state_dir),
            "ZALO_SEND_BACKOFF_SECONDS": "0.05",
            "REDIS_URL": "",
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


@pytest.fixture(scope="session")
def zalo(rasa_proxy, tmp_path_factory):
    fake = FakeZalo()
    harness = ZaloHarness(fake, free_port(), tmp_path_factory.mktemp("zalo-state"), rasa_proxy)
    harness.start()
    yield harness
    harness.stop()
    fake.close()
