"""bot.rasa_client: a turn that reached no Rasa is sent once more; one that may have been
processed never is (against a real HTTP server on loopback)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from bot import rasa_client
from bot.rasa_client import RasaClient, RasaUnavailable
from tests.bot.channels.loopback_server import LoopbackJsonServer


class FlakyRasa(LoopbackJsonServer):
    """Answers the REST channel with the given statuses in turn, then 200."""

    def __init__(self, *statuses: int):
        super().__init__()
        self.statuses = list(statuses)
        self.received = 0

    def route(self, method, path, headers, raw):
        self.received += 1
        status = self.statuses.pop(0) if self.statuses else 200
        return status, ([{"text": "chào bạn"}] if status == 200 else {"error": "x"})


@pytest.fixture(autouse=True)
def no_wait(monkeypatch):
    monkeypatch.setattr(rasa_client, "RETRY_DELAY_SECONDS", 0.01)


def send(url: str):
    async def go():
        async with RasaClient(url, timeout=5) as client:
            return await client.send("u1", "xin chào", "test")

    return asyncio.run(go())


def test_no_replica_available_is_sent_once_more():
    server = FlakyRasa(503)
    try:
        assert send(server.url) == [{"text": "chào bạn"}]
        assert server.received == 2
    finally:
        server.close()


@pytest.mark.parametrize("status", [500, 502])
def test_an_error_after_the_turn_may_have_run_is_not_repeated(status):
    server = FlakyRasa(status)
    try:
        with pytest.raises(RasaUnavailable):
            send(server.url)
        assert server.received == 1
    finally:
        server.close()


def test_a_refused_connection_is_tried_twice_then_reported(caplog):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RasaUnavailable):
        send(f"http://127.0.0.1:{port}")
    assert [r.message for r in caplog.records].count("Rasa not reached for test, trying once more") == 1


class SilentRasa(LoopbackJsonServer):
    """Answers 200 with no message, as Rasa's REST channel does when the turn failed inside it."""

    def route(self, method, path, headers, raw):
        return 200, []


def test_no_answer_at_all_is_a_failed_turn_unless_none_was_expected():
    server = SilentRasa()
    try:
        with pytest.raises(RasaUnavailable):
            send(server.url)

        async def restart():
            async with RasaClient(server.url, timeout=5) as client:
                return await client.send("u1", "/restart", "test", expect_answer=False)

        assert asyncio.run(restart()) == []
    finally:
        server.close()
