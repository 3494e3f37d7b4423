"""Helpers to run the real bot in tests: trained once per run (Rasa fingerprints the
project, so an unchanged model is reused), action server and Rasa started once per
test session on their own ports, against a fresh SQLite catalog with the sample data.
The fixtures themselves live in tests/conftest.py so channel tests can use them."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

import settings
from ops import launcher

ROOT = Path(__file__).resolve().parents[1]
# Overridable so that two test runs on one machine (e.g. two developers' checkouts) do not collide.
RASA_PORT = int(os.environ.get("TEST_BOT_RASA_PORT", "5105"))
ACTIONS_PORT = int(os.environ.get("TEST_BOT_ACTIONS_PORT", "5155"))


def run_in_rasa_env(script: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A Python script in .venv-rasa (Python 3.10, Rasa installed) with the project on its path
    (and `env`, e.g. the secrets an endpoints file names)."""
    return subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script],
        cwd=ROOT,
        env={**(env or {}), "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextlib.contextmanager
def environment(**variables: str):
    """Set environment variables for the servers started inside, then restore them."""
    saved = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    settings.reload()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        settings.reload()


@contextlib.contextmanager
def production_stores(postgres_admin, postgres_url: str, redis_db: int):
    """A fresh PostgreSQL database for Rasa's tracker, a fresh catalog schema and a Redis
    database for the lock store, as environment variables (dropped afterwards)."""
    from sqlalchemy import text

    suffix = uuid.uuid4().hex[:10]
    tracker_db, catalog_schema = f"rasa_tracker_{suffix}", f"catalog_{suffix}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{tracker_db}"'))
        connection.execute(text(f'CREATE SCHEMA "{catalog_schema}"'))
    env = {
        "CATALOG_DATABASE_URL": f"{postgres_url}?options=-csearch_path%3D{catalog_schema}",
        "TRACKER_STORE_URL": f"postgresql://postgres@127.0.0.1:5432/{tracker_db}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
    }
    try:
        yield env, tracker_db
    finally:
        with postgres_admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{tracker_db}" WITH (FORCE)'))
            connection.execute(text(f'DROP SCHEMA "{catalog_schema}" CASCADE'))


@contextlib.contextmanager
def running_bot(rasa_port: int, actions_port: int, logs: str):
    """Sample catalog loaded into CATALOG_DATABASE_URL, then the action server and Rasa."""
    subprocess.run([sys.executable, "-m", "catalog", "load-sample"], cwd=ROOT, check=True, capture_output=True)
    processes = launcher.start_servers(rasa_port, actions_port, log_dir=ROOT / "test-artifacts" / logs)
    try:
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        launcher.stop(processes)


def tracker_events(base: str, sender: str) -> list[dict]:
    """A conversation's events through Rasa's HTTP API, with the API token (bot/rasa_run.py)."""
    response = httpx.get(f"{base}/conversations/{sender}/tracker", params={"token": settings.get().rasa_api_token}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def user_texts(base: str, sender: str) -> list[str]:
    return [e["text"] for e in tracker_events(base, sender) if e["event"] == "user"]


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
