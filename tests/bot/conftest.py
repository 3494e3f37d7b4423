"""The real bot for end-to-end tests: trained once per run (Rasa fingerprints the
project, so an unchanged model is reused), action server and Rasa started once per
test session on their own ports, against a fresh SQLite catalog with the sample data."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from bot import launcher

ROOT = Path(__file__).resolve().parents[2]
RASA_PORT = 5105
ACTIONS_PORT = 5155


@pytest.fixture(scope="session")
def trained_model():
    launcher.train_if_needed()
    return launcher.MODEL


@pytest.fixture(scope="session")
def bot_url(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bot")
    with environment(CATALOG_DATABASE_URL=f"sqlite:///{folder / 'catalog.sqlite3'}",
                     ACTION_ENDPOINT_URL=f"http://127.0.0.1:{ACTIONS_PORT}/webhook"):
        with running_bot(RASA_PORT, ACTIONS_PORT, "bot-logs") as url:
            yield url


@contextlib.contextmanager
def environment(**variables: str):
    """Set environment variables for the servers started inside, then restore them."""
    saved = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def running_bot(rasa_port: int, actions_port: int, logs: str):
    """Sample catalog loaded into CATALOG_DATABASE_URL, then the action server and Rasa."""
    subprocess.run([sys.executable, "-m", "catalog", "load-sample"], cwd=ROOT, check=True, capture_output=True)
    processes = launcher.start_servers(rasa_port, actions_port, log_dir=ROOT / "test-artifacts" / logs)
    try:
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        launcher.stop(processes)


class Chat:
    """One user talking to the bot over the REST channel."""

    def __init__(self, base: str):
        self.url = f"{base}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:10]}"
        self.last: list[dict] = []

    def say(self, message: str) -> str:
        response = httpx.post(self.url, json={"sender": self.sender, "message": message}, timeout=60)
        assert response.status_code == 200, response.text
        self.last = response.json()
        return "\n".join(m.get("text", "") for m in self.last)

    @property
    def buttons(self) -> list[dict]:
        return [b for m in self.last for b in m.get("buttons", [])]

    def press(self, title_part: str) -> str:
        button = next(b for b in self.buttons if title_part in b["title"])
        return self.say(button["payload"])


@pytest.fixture
def chat(bot_url):
    return Chat(bot_url)
