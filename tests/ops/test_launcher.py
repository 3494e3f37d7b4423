"""ops.launcher: the endpoints file Rasa reads names passwords, never holds them, and Rasa's
own reader (in .venv-rasa) gets them from the environment the launcher gives it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


def test_tracker_store_memory_and_no_redis_keep_conversations_and_locks_in_rasas_memory():
    with environment(TRACKER_STORE_URL="memory", REDIS_URL=""):
        text = launcher.endpoints_yaml("http://127.0.0.1:5055/webhook")
    assert text.endswith(
        "tracker_store:\n  type: bot.nlu.tracker_store.ForgettingInMemoryTrackerStore\n"
        "lock_store:\n  type: bot.nlu.lock_store.InMemoryAliveLockStore\n"
    )


def test_an_sqlite_tracker_store_is_a_file(tmp_path):
    with environment(TRACKER_STORE_URL=f"sqlite:///{tmp_path}/rasa.db", REDIS_URL=""):
        text = launcher.endpoints_yaml("http://127.0.0.1:5055/webhook")
    expected = (
        f'tracker_store:\n  type: bot.nlu.tracker_store.KeepingSQLTrackerStore\n  dialect: "sqlite"\n  db: "{tmp_path}/rasa.db"'
    )
    assert expected in text


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


def _project(root: Path) -> None:
    for name in ("config.yml", "domain.yml", "data/nlu/a.yml", "bot/nlu/plugin.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")


def test_a_model_newer_than_every_training_input_is_current(tmp_path, monkeypatch):
    _project(tmp_path)
    model = tmp_path / "models" / "gdnn.tar.gz"
    monkeypatch.setattr(launcher, "ROOT", tmp_path)
    monkeypatch.setattr(launcher, "MODEL", model)
    assert not launcher.model_is_current()  # no model yet
    model.parent.mkdir()
    model.write_bytes(b"m")
    os.utime(model, (time.time() + 10, time.time() + 10))
    assert launcher.model_is_current()
    edited = tmp_path / "data" / "nlu" / "a.yml"
    os.utime(edited, (time.time() + 20, time.time() + 20))  # training data changed after the model
    assert not launcher.model_is_current()


def test_the_launcher_waits_for_the_training_setup_started_and_does_not_train_again(tmp_path, monkeypatch):
    _project(tmp_path)
    model, lock = tmp_path / "models" / "gdnn.tar.gz", tmp_path / "var" / "train.lock"
    lock.parent.mkdir()
    model.parent.mkdir()
    monkeypatch.setattr(launcher, "ROOT", tmp_path)
    monkeypatch.setattr(launcher, "VAR", tmp_path / "var")
    monkeypatch.setattr(launcher, "MODEL", model)
    monkeypatch.setattr(launcher, "TRAIN_LOCK", lock)
    monkeypatch.setattr(launcher, "RASA", tmp_path / "no-rasa-here")  # training here would fail
    # the early training of scripts/setup.sh: holds the lock, writes the model at its end
    early = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"lock = open({str(lock)!r}, 'a'); fcntl.flock(lock, fcntl.LOCK_EX); print('held', flush=True)\n"
            f"time.sleep(1); open({str(model)!r}, 'wb').write(b'model')\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert early.stdout.readline().strip() == "held"
    launcher.train_if_needed()  # returns only once the lock is free, and then finds the model current
    assert model.read_bytes() == b"model" and early.wait(timeout=10) == 0
