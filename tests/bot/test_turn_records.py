"""A turn costs Rasa one action-server call; the turn records reach the action server's
POST /turns afterwards, through Rasa's event broker (bot/nlu/turn_broker.py).

Real Rasa and action server, as `make serve` starts them, with a counting proxy between them:
ACTION_ENDPOINT_URL points Rasa at the proxy, so both its /webhook calls and its broker's
/turns batches (the URL beside the webhook's) pass through it and are counted per sender."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import yaml
from sqlalchemy import func, select

import settings
from catalog import db
from counselling import privacy
from counselling.models import CountedMessage, DailyMessageCount, UnansweredMessage
from tests.bot_servers import ROOT, Chat, environment, running_bot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CountingProxy(ThreadingHTTPServer):
    """Forwards every request to the action server and notes (path, sender, action or records)."""

    daemon_threads = True

    def __init__(self, port: int, target: str):
        self.target, self.calls, self.user_ids, self.lock = target, [], set(), threading.Lock()
        super().__init__(("127.0.0.1", port), Handler)

    def webhook_calls(self, sender: str) -> list[str]:
        with self.lock:
            return [what for path, who, what in self.calls if path == "/webhook" and who == sender]

    def records(self, sender: str) -> list[str]:
        with self.lock:
            return [what for path, who, what in self.calls if path == "/turns" and who == sender]

    def user_records(self) -> int:
        """Distinct user messages (by message id) the broker has sent so far, whoever sent them."""
        with self.lock:
            return len(self.user_ids)


class Handler(BaseHTTPRequestHandler):
    server: CountingProxy

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        with self.server.lock:
            if self.path == "/webhook":
                self.server.calls.append((self.path, parsed.get("sender_id"), parsed.get("next_action")))
            elif self.path == "/turns":
                for item in parsed.get("turns") or []:
                    self.server.calls.append((self.path, item.get("sender_id"), item.get("event")))
                    if item.get("event") == "user":
                        self.server.user_ids.add(item.get("message_id"))
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
        try:
            answer = httpx.post(f"{self.server.target}{self.path}", content=body, headers=headers, timeout=60)
            status, content = answer.status_code, answer.content
        except httpx.HTTPError:  # the action server stopped first (end of the tests)
            status, content = 502, b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def counted(trained_model, tmp_path_factory):
    """(Rasa's URL, the proxy, the catalog URL): a bot of its own whose action calls are counted."""
    actions_port, proxy_port, rasa_port = free_port(), free_port(), free_port()
    catalog = f"sqlite:///{tmp_path_factory.mktemp('turns') / 'catalog.sqlite3'}"
    proxy = CountingProxy(proxy_port, f"http://127.0.0.1:{actions_port}")
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        with environment(CATALOG_DATABASE_URL=catalog, ACTION_ENDPOINT_URL=f"http://127.0.0.1:{proxy_port}/webhook"):
            with running_bot(rasa_port, actions_port, "bot-turn-records-logs") as url:
                yield url, proxy, catalog, actions_port
    finally:
        proxy.shutdown()
        proxy.server_close()


def eventually(check, seconds: float = 10.0):
    """The records are written after the reply: wait for them a little."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def counted_messages(catalog: str, sender: str | None = None) -> int:
    with db.session(catalog) as session:
        if sender is None:
            return session.scalar(select(func.coalesce(func.sum(DailyMessageCount.answered + DailyMessageCount.unanswered), 0)))
        return session.scalar(select(func.count()).where(UnansweredMessage.sender_key == privacy.sender_key(sender)))


# Questions each answered by one custom action (a search with its province, a school's details,
# a follow-up over the list shown, a message the NLU does not understand).
ORDINARY = ["trường nào dạy hàn ở Quảng Ninh", "học phí bao nhiêu", "trường đó ở đâu", "qwzx plokm vbnmq"]


def test_an_ordinary_turn_costs_one_action_server_call(counted):
    url, proxy, catalog, _ = counted
    chat = Chat(url)
    before = counted_messages(catalog)
    for number, message in enumerate(ORDINARY, start=1):
        calls_before = len(proxy.webhook_calls(chat.sender))
        assert chat.say(message)
        calls = proxy.webhook_calls(chat.sender)[calls_before:]
        # before the event broker: [action_record_turn, <the answer>] (and validate_search_form on every message)
        assert len(calls) == 1, (message, calls)
        assert calls[0] not in ("action_record_turn", "validate_search_form"), (message, calls)
        # the message is recorded afterwards, through /turns
        assert eventually(lambda number=number: len(proxy.records(chat.sender)) == number), proxy.records(chat.sender)
    assert proxy.records(chat.sender) == ["user"] * len(ORDINARY)
    assert eventually(lambda: counted_messages(catalog) == before + len(ORDINARY))
    assert eventually(lambda: counted_messages(catalog, chat.sender) == 1)  # the gibberish, kept for counsellors


def test_the_search_form_reads_the_province_in_its_own_validation_call(counted):
    """The province slot's mapping no longer calls validate_search_form on every message: in the
    form, Rasa's call of the form's validation extracts the province typed."""
    url, proxy, _, _ = counted
    chat = Chat(url)
    assert "tỉnh, thành phố nào" in chat.say("trường nào dạy nghề điện")  # taught in more than five places
    calls_before = len(proxy.webhook_calls(chat.sender))
    reply = chat.say("quang ninh")
    assert "ở Quảng Ninh" in reply and "Việt - Hàn Bình Minh" in reply
    assert proxy.webhook_calls(chat.sender)[calls_before:] == ["validate_search_form", "action_search"]
    assert eventually(lambda: proxy.records(chat.sender) == ["user", "user"])  # both messages reach /turns


def test_a_record_sent_twice_counts_once_and_turns_needs_the_secret(counted):
    _, proxy, catalog, actions_port = counted
    turns = f"http://127.0.0.1:{actions_port}/turns"
    secret = settings.get().actions_api_secret
    record = {
        "event": "user",
        "sender_id": "test-retry",
        "timestamp": time.time(),
        "text": "zxqw plmk trrv",
        "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}, "intent_ranking": [], "entities": []},
        "input_channel": "rest",
        "message_id": f"retry-{time.time_ns()}",
        "metadata": {},
    }
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": secret}):
        refused = httpx.post(turns, json={"turns": [record]}, headers=headers, timeout=30)
        assert refused.status_code == 401
    assert counted_messages(catalog, "test-retry") == 0

    # the earlier tests' messages reach /turns after their replies: wait until all are counted,
    # so that only this test's record moves the total below
    before = proxy.user_records()
    assert eventually(lambda: counted_messages(catalog) == before), (counted_messages(catalog), before)
    good = {"Authorization": f"Bearer {secret}"}
    for _ in range(2):  # the broker sends a batch again when the first answer was lost
        answer = httpx.post(turns, json={"turns": [record]}, headers=good, timeout=30)
        assert answer.status_code == 200 and answer.json() == {"recorded": 1}
    assert counted_messages(catalog) == before + 1 and counted_messages(catalog, "test-retry") == 1
    with db.session(catalog) as session:
        assert session.get(CountedMessage, record["message_id"]) is not None

    bad = httpx.post(turns, content=b"not json", headers=good, timeout=30)
    assert bad.status_code == 400
    mixed = httpx.post(turns, json={"turns": [{"event": "user"}, 7, record]}, headers=good, timeout=30)
    assert mixed.status_code == 200 and mixed.json() == {"recorded": 1}  # bad items skipped, quietly


def test_no_slot_mapping_calls_the_action_server_on_every_message():
    """A custom slot mapping with an `action` makes Rasa's action_extract_slots call that action
    on every user message (action_record_turn and validate_search_form did): a second call."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    calling = [name for name, slot in domain["slots"].items() for mapping in slot.get("mappings") or [] if mapping.get("action")]
    assert calling == []
