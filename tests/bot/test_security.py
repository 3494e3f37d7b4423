"""With the default set-up only the chat channel answers without credentials (issue: Rasa ran
its whole HTTP API open on 0.0.0.0, and the action server ran any action for anybody).

Against the real servers started by the launcher, as `make serve` starts them."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess

import httpx
import pytest

import settings
from settings import generated
from tests.bot_servers import ACTIONS_PORT, RASA_PORT, Chat, tracker_events, user_texts
from tests.socket_table import listening_addresses, only_on_loopback


@pytest.mark.parametrize("port", [RASA_PORT, ACTIONS_PORT], ids=["rasa", "actions"])
def test_neither_rasa_nor_the_action_server_listens_beyond_loopback(bot_url, port):
    """Read from the socket table (tests/socket_table.py), never by connecting to the machine's
    network address."""
    addresses = listening_addresses(port)
    assert only_on_loopback(addresses), addresses


def test_rasas_api_refuses_requests_without_the_token(bot_url):
    sender = Chat(bot_url).sender
    for method, path in (
        ("GET", f"/conversations/{sender}/tracker"),
        ("POST", f"/conversations/{sender}/trigger_intent"),
        ("PUT", f"/conversations/{sender}/tracker/events"),
        ("GET", "/status"),
        ("PUT", "/model"),
    ):
        for params in ({}, {"token": "wrong"}):
            response = httpx.request(method, f"{bot_url}{path}", params=params, json={}, timeout=30)
            assert response.status_code == 401, (method, path, params, response.status_code)
    good = httpx.get(f"{bot_url}/status", params={"token": settings.get().rasa_api_token}, timeout=30)
    assert good.status_code == 200


def test_the_chat_channel_still_answers_without_credentials(bot_url):
    assert "Quảng Ninh" in Chat(bot_url).say("trường nào dạy hàn ở Quảng Ninh")


def test_no_browser_origin_is_allowed_by_default(bot_url):
    response = httpx.get(f"{bot_url}/", headers={"Origin": "https://evil.example"}, timeout=30)
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


def test_the_action_server_refuses_calls_without_the_shared_secret(bot_url):
    base = f"http://127.0.0.1:{ACTIONS_PORT}"
    call = {
        "next_action": "action_delete_my_data",
        "sender_id": "telegram:someone-else",
        "tracker": {"sender_id": "telegram:someone-else", "slots": {}, "latest_message": {}, "events": []},
        "domain": {},
        "version": "3.6.21",
    }
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": settings.get().actions_api_secret}):
        assert httpx.post(f"{base}/webhook", json=call, headers=headers, timeout=30).status_code == 401
        # the turn records Rasa's event broker sends: nobody else may write the counsellors' figures
        assert httpx.post(f"{base}/turns", json={"turns": []}, headers=headers, timeout=30).status_code == 401
        assert httpx.get(f"{base}/actions", headers=headers, timeout=30).status_code == 401
    listed = httpx.get(f"{base}/actions", headers={"Authorization": f"Bearer {settings.get().actions_api_secret}"}, timeout=30)
    assert listed.status_code == 200 and {"name": "action_delete_my_data"} in listed.json()
    good = {"Authorization": f"Bearer {settings.get().actions_api_secret}"}
    assert httpx.post(f"{base}/turns", json={"turns": []}, headers=good, timeout=30).json() == {"recorded": 0}
    assert httpx.get(f"{base}/health", timeout=30).status_code == 200  # for probes; says nothing


def test_generated_secrets_are_private_and_never_on_a_command_line(bot_url):
    if settings.get().rasa_auth_token or settings.get().actions_secret:
        pytest.skip("the operator set the secrets; nothing was generated")
    for name in ("rasa-auth-token", "actions-secret"):
        path = generated.DIRECTORY / name
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert len(generated.read(name)) >= 32
    command_lines = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert "bot.rasa_run" in command_lines  # Rasa is running, started through the wrapper
    assert settings.get().rasa_api_token not in command_lines
    assert settings.get().actions_api_secret not in command_lines


def test_delete_my_data_removes_the_conversation_from_the_default_sqlite_tracker_store(bot_url, bot_tracker_path):
    chat, other = Chat(bot_url), Chat(bot_url)
    chat.say("trường nào dạy hàn ở Quảng Ninh")
    other.say("trường nào dạy hàn ở Quảng Ninh")
    assert _stored_rows(bot_tracker_path, chat.sender) > 0
    assert "đã xóa cuộc trò chuyện" in chat.say("Xóa thông tin của em")
    assert _stored_rows(bot_tracker_path, chat.sender) == 0  # in the file
    events = tracker_events(bot_url, chat.sender)  # and in the replica's memory
    assert [e for e in events if e["event"] in ("user", "bot")] == []
    assert user_texts(bot_url, other.sender) == ["trường nào dạy hàn ở Quảng Ninh"]  # nobody else's


def _stored_rows(path, sender: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
