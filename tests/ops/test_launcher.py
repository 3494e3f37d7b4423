"""ops.launcher: the endpoints file Rasa reads names passwords, never holds them, and Rasa's
own reader (in .venv-rasa) gets them from the environment the launcher gives it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ops import launcher
from tests.bot_servers import environment

ROOT = Path(__file__).resolve().parents[2]

READ = """
import json, sys
from rasa.utils.endpoints import read_endpoint_config
tracker = read_endpoint_config(sys.argv[1], "tracker_store")
lock = read_endpoint_config(sys.argv[1], "lock_store")
action = read_endpoint_config(sys.argv[1], "action_endpoint")
broker = read_endpoint_config(sys.argv[1], "event_broker")
print(json.dumps({
    "tracker": tracker.kwargs.get("password"), "lock": lock.kwargs.get("password"), "action": action.headers,
    "broker": [broker.type, broker.url, broker.token],
}))
"""


def test_passwords_reach_rasa_but_not_the_endpoints_file(tmp_path):
    with environment(
        TRACKER_STORE_URL="postgresql://bot:s%C3%AAcret@db.example:5432/tracker",
        TRACKER_STORE_PASSWORD="",
        REDIS_URL="redis://127.0.0.1:6379/2",
        REDIS_PASSWORD="redis-secret",
        ACTIONS_SECRET="actions-secret-123",
    ):
        text = launcher.endpoints_yaml("http://127.0.0.1:5055/webhook")
        env = launcher.rasa_env()
    assert "sêcret" not in text and "s%C3%AAcret" not in text and "redis-secret" not in text
    assert "actions-secret-123" not in text
    path = tmp_path / "endpoints.yml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", READ, str(path)],
        cwd=ROOT,
        env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "tracker": "sêcret",
        "lock": "redis-secret",
        "action": {"Authorization": "Bearer actions-secret-123"},  # what the action server checks
        # the turn records (bot/nlu/turn_broker.py): the same action server's /turns, the same secret
        "broker": ["bot.nlu.turn_broker.TurnBroker", "http://127.0.0.1:5055/turns", "actions-secret-123"],
    }


def test_each_replica_records_turns_through_its_own_action_server():
    for i in range(3):  # ops.launcher._start_replicas: replica i calls the action server on ACTIONS_PORT + i
        text = launcher.endpoints_yaml(f"http://127.0.0.1:{5055 + i}/webhook")
        assert f'event_broker:\n  type: bot.nlu.turn_broker.TurnBroker\n  url: "http://127.0.0.1:{5055 + i}/turns"\n' in text
    behind_a_proxy = launcher.endpoints_yaml("https://actions.internal/bot/webhook")
    assert 'url: "https://actions.internal/bot/turns"' in behind_a_proxy


def test_without_stores_rasa_keeps_conversations_in_memory():
    with environment(TRACKER_STORE_URL="", REDIS_URL=""):
        text = launcher.endpoints_yaml("http://127.0.0.1:5055/webhook")
    assert "tracker_store" not in text and "lock_store" not in text


def test_an_sqlite_tracker_store_is_a_file(tmp_path):
    with environment(TRACKER_STORE_URL=f"sqlite:///{tmp_path}/rasa.db", REDIS_URL=""):
        text = launcher.endpoints_yaml("http://127.0.0.1:5055/webhook")
    assert f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path}/rasa.db"' in text


def test_rasa_refuses_to_open_its_api_without_a_token():
    script = "import sys; from bot.rasa_run import arguments_with_token as a; a(['run', '--enable-api'], '')"
    result = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0 and "RASA_AUTH_TOKEN" in result.stderr


def test_the_action_server_refuses_to_start_without_a_secret():
    from actions.__main__ import create_app

    try:
        create_app("")
    except SystemExit as refused:
        assert "ACTIONS_SECRET" in str(refused)
    else:
        raise AssertionError("the action server started without a secret")
