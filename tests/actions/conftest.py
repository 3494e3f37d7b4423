"""Actions called directly (no Rasa server) on a real SQLite catalog with the sample data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import settings
from catalog import db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_catalog(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('actions') / 'catalog.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "catalog", "load-sample"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={"CATALOG_DATABASE_URL": url, "PATH": ""},
    )
    yield url
    db.get_engine(url).dispose()


@pytest.fixture
def catalog(sample_catalog, monkeypatch):
    monkeypatch.setenv("CATALOG_DATABASE_URL", sample_catalog)
    settings.reload()
    return sample_catalog


def tracker(
    message: str = "", intent: str = "", slots: dict | None = None, entities: dict | None = None, active_loop: str | None = None
) -> Tracker:
    return Tracker(
        sender_id="unit",
        slots=dict(slots or {}),
        latest_message={
            "text": message,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, message: str = "", intent: str = "", **kwargs):
    """(reply texts joined, buttons, events) of one action run."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker(message, intent, **kwargs), {})
    text = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    buttons = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    return text, buttons, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
