"""bot.nlu.turn_broker, in the Rasa environment against a real HTTP server standing in for the
action server's /turns: batching, the flush interval, retries with backoff, the bounded queue,
what is sent and what is logged, and Rasa 3.6 loading the broker from the endpoints file that
bot/rasa_endpoints.py writes."""

from __future__ import annotations

import json

import pytest

import settings
from bot import rasa_endpoints
from tests.bot_servers import run_in_rasa_env

HELPERS = """
import asyncio, io, json, logging, socket, time
from aiohttp import web
from bot.nlu.turn_broker import TurnBroker

log = io.StringIO()
handler = logging.StreamHandler(log)
logging.getLogger("bot.nlu.turn_broker").addHandler(handler)
logging.getLogger("bot.nlu.turn_broker").setLevel(logging.DEBUG)

SECRET = "s3cret-value"
TEXT = "em tên Lan, số 0912345678"

def user(i, sender="s1"):
    return {
        "sender_id": sender, "event": "user", "timestamp": 1000.0 + i, "text": f"{TEXT} #{i}",
        "parse_data": {"intent": {"name": "greet", "confidence": 0.9},
                       "intent_ranking": [{"name": "greet", "confidence": 0.9}],
                       "entities": [{"entity": "province", "value": "Quảng Ninh", "start": 3, "extractor": "x"}],
                       "text": f"{TEXT} #{i}"},
        "input_channel": "rest", "message_id": f"m{i}",
        "metadata": {"channel": "telegram", "turn_id": "t"},
    }

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

class Server:
    '''/turns as the action server answers it; `answers` are the statuses of the first calls.'''
    def __init__(self, port, answers=()):
        self.port, self.answers, self.batches, self.headers, self.runner = port, list(answers), [], [], None
    async def turns(self, request):
        self.headers.append(request.headers.get("Authorization"))
        body = await request.json()
        if self.answers:
            answer = self.answers.pop(0)
            if answer != "late":
                return web.json_response({}, status=answer)
            await asyncio.sleep(1.5)  # recorded, but the answer comes after the broker gave up waiting
        self.batches.append([(t["event"], t.get("message_id")) for t in body["turns"]])
        self.last = body["turns"]
        return web.json_response({"recorded": len(body["turns"])})
    async def start(self):
        app = web.Application()
        app.router.add_post("/turns", self.turns)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
    async def stop(self):
        await self.runner.cleanup()
    @property
    def ids(self):
        return [i for batch in self.batches for _, i in batch]

async def until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
"""

BATCHING = """
async def main():
    port = free_port()
    server = Server(port)
    await server.start()
    broker = TurnBroker(f"http://127.0.0.1:{port}/turns", SECRET, batch_size=50, flush_interval=0.3)

    # a few messages wait for the flush interval, then go in one batch
    started = time.monotonic()
    for i in range(3):
        broker.publish(user(i))
    broker.publish({"sender_id": "s1", "event": "bot", "text": TEXT})  # not a user message: not sent
    broker.publish({"sender_id": "s1", "event": "action", "name": "action_search"})
    assert time.monotonic() - started < 0.05  # publish never waits for the network
    await asyncio.sleep(0.15)
    assert server.batches == []  # still inside the interval
    await until(lambda: server.batches)
    assert server.batches == [[("user", "m0"), ("user", "m1"), ("user", "m2")]]
    assert 0.25 < time.monotonic() - started < 1.5

    # what one record holds: the parse without Rasa's extras, the channel of the metadata only
    assert server.last[0] == {
        "event": "user", "sender_id": "s1", "timestamp": 1000.0, "text": f"{TEXT} #0",
        "parse_data": {"intent": {"name": "greet", "confidence": 0.9},
                       "intent_ranking": [{"name": "greet", "confidence": 0.9}],
                       "entities": [{"entity": "province", "value": "Quảng Ninh"}]},
        "input_channel": "rest", "message_id": "m0", "metadata": {"channel": "telegram"},
    }, server.last[0]
    assert server.headers == [f"Bearer {SECRET}"]

    # 120 at once: full batches go without waiting for the interval, in order
    server.batches.clear()
    started = time.monotonic()
    for i in range(100, 220):
        broker.publish(user(i))
    await until(lambda: len(server.ids) == 120)
    assert [len(b) for b in server.batches] == [50, 50, 20], [len(b) for b in server.batches]
    assert server.ids == [f"m{i}" for i in range(100, 220)]

    # the deletion action's turn sends a `forget` record after that turn's message
    server.batches.clear()
    broker.publish(user(300, sender="s2"))
    broker.publish({"sender_id": "s2", "event": "action", "name": "action_delete_my_data", "timestamp": 1301.0})
    await until(lambda: server.batches)
    assert server.batches == [[("user", "m300"), ("forget", None)]]
    assert server.last[1] == {"event": "forget", "sender_id": "s2", "timestamp": 1301.0}

    # close() sends what is still queued
    server.batches.clear()
    broker.publish(user(400))
    await broker.close()
    assert server.ids == ["m400"] and broker.pending == 0
    broker.publish(user(401))  # after close: ignored
    assert broker.pending == 0
    await server.stop()
    assert TEXT not in log.getvalue() and SECRET not in log.getvalue() and "0912" not in log.getvalue()
    print("ok")

asyncio.run(main())
"""

BACKOFF = """
async def main():
    port = free_port()
    broker = TurnBroker(f"http://127.0.0.1:{port}/turns", SECRET, batch_size=2, flush_interval=0.05,
                        queue_size=6, backoff=0.1, max_backoff=0.4, timeout=1)

    # the action server is not there yet: publishing still returns at once
    started = time.monotonic()
    for i in range(4):
        broker.publish(user(i))
    assert time.monotonic() - started < 0.05
    await until(lambda: broker.retries >= 3)
    # waits double: 0.1, 0.2, 0.4, 0.4 … (bounded by max_backoff)
    retries_at = broker.retries
    await asyncio.sleep(0.5)
    assert broker.retries - retries_at <= 2, broker.retries - retries_at

    # the queue holds 6: 2 are in flight, the oldest queued ones are dropped with one log line
    for i in range(4, 12):
        broker.publish(user(i))
    assert broker.dropped == 4 and broker.pending == 6, (broker.dropped, broker.pending)
    assert log.getvalue().count("queue full") == 1

    server = Server(port, answers=[503, 502])  # back, but failing twice more before it records
    await server.start()
    await until(lambda: broker.pending == 0 and len(server.ids) == 8, seconds=10)
    # in order: the batch in flight first, then the newest six (m2..m5 were dropped)
    assert server.ids == ["m0", "m1", "m6", "m7", "m8", "m9", "m10", "m11"], server.ids
    assert broker.delivered == 8
    assert "again" in log.getvalue()  # one line when the records get through again

    # refused for good (wrong secret, bad request): dropped at once, not retried
    server.answers = [401]
    retries = broker.retries
    broker.publish(user(20))
    broker.publish(user(21))
    await until(lambda: "HTTP 401" in log.getvalue())
    await asyncio.sleep(0.3)
    assert broker.retries == retries and "m20" not in server.ids

    # an answer that comes too late (timeout): the batch is sent again, and the action server,
    # which had recorded it, counts each message once (its message id)
    server.answers = ["late"]
    server.batches.clear()
    broker.publish(user(30))
    broker.publish(user(31))
    await until(lambda: len(server.batches) == 2, seconds=10)
    assert server.batches == [[("user", "m30"), ("user", "m31")]] * 2
    await broker.close()
    await server.stop()
    text = log.getvalue()
    assert TEXT not in text and SECRET not in text and "0912" not in text, text
    print("ok")

asyncio.run(main())
"""

CLOSE_WITHOUT_SERVER = """
async def main():
    broker = TurnBroker(f"http://127.0.0.1:{free_port()}/turns", SECRET, flush_interval=0.05, backoff=0.05,
                        close_timeout=0.5)
    broker.publish(user(1))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await broker.close()  # Rasa stops while the action server is away: it does not hang
    assert time.monotonic() - started < 2
    assert "not delivered" in log.getvalue()
    print("ok")

asyncio.run(main())
"""


@pytest.mark.parametrize("scenario", [BATCHING, BACKOFF, CLOSE_WITHOUT_SERVER], ids=["batching", "backoff", "close"])
def test_the_broker_sends_user_messages_in_batches_off_the_reply_path(scenario):
    result = run_in_rasa_env(HELPERS + scenario)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), (result.stdout[-2000:], result.stderr[-3000:])


LOADED_BY_RASA = """
import asyncio, json, sys
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

async def main():
    config = read_endpoint_config(sys.argv[1], "event_broker")
    broker = await EventBroker.create(config)
    from bot.nlu.turn_broker import TurnBroker
    assert type(broker) is TurnBroker, type(broker)
    published = []
    broker.publish = published.append  # what the tracker store hands over

    # Rasa's tracker store publishes the turn just saved, without reading the tracker back
    store = InMemoryTrackerStore(Domain.empty(), event_broker=broker)
    async def no_retrieve(sender_id):
        raise AssertionError("the stored tracker was read back to compute the new events")
    tracker = DialogueStateTracker("s1", [])
    for turn in range(2):
        tracker.update(UserUttered(f"câu {turn}", {"name": "greet", "confidence": 1.0}, message_id=f"m{turn}"))
        tracker.update(ActionExecuted("action_greet"))
        tracker.update(BotUttered("chào"))
        tracker.update(ActionExecuted("action_listen"))
        store.retrieve = no_retrieve
        await store.save(tracker)
    print(json.dumps({
        "url": broker.url,
        "authorization": broker._headers["Authorization"],
        "published": [[e["event"], e.get("message_id"), e["sender_id"]] for e in published],
    }))

asyncio.run(main())
"""


def test_rasa_loads_the_broker_from_the_endpoints_the_launcher_writes(tmp_path, set_env):
    set_env(ACTIONS_SECRET="act-789", TRACKER_STORE_URL="", REDIS_URL="")
    config = settings.get()
    text = rasa_endpoints.endpoints_yaml(config, "http://127.0.0.1:5077/webhook")
    assert "act-789" not in text  # Rasa expands ${ACTIONS_SECRET} from its environment
    path = tmp_path / "endpoints.yml"
    path.write_text(text, encoding="utf-8")
    env = rasa_endpoints.rasa_environment(config, {"PATH": "/usr/bin:/bin"})
    result = run_in_rasa_env(LOADED_BY_RASA.replace("sys.argv[1]", repr(str(path))), env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["url"] == "http://127.0.0.1:5077/turns"
    assert seen["authorization"] == "Bearer act-789"
    assert [e for e in seen["published"] if e[0] == "user"] == [["user", "m0", "s1"], ["user", "m1", "s1"]]
    second_turn = seen["published"][4:]
    assert second_turn[0] == ["user", "m1", "s1"] and len(seen["published"]) == 8  # each turn once
