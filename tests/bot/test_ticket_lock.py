"""bot.nlu.lock_store, in the Rasa environment: the lock stores endpoints.yml names, built by
Rasa from their configuration, hand out locks with which a turn waits for earlier live tickets
only, and is not stuck once its own ticket expired while it waited (in memory and through
Redis's serialisation)."""

from __future__ import annotations

from tests.bot_servers import run_in_rasa_env

SCRIPT = """
import asyncio, time
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig
from bot.nlu.lock_store import AliveTicketLock, InMemoryAliveLockStore, RedisAliveLockStore

lock = AliveTicketLock("c1")
first = lock.issue_ticket(30)
second = lock.issue_ticket(30)
assert not lock.is_locked(first) and lock.is_locked(second)  # Rasa's own rule for live tickets

stale = AliveTicketLock("c2")
dead = stale.issue_ticket(0.05)  # held by a replica that died
waiting = stale.issue_ticket(0.1)  # the resent turn, polled too late
time.sleep(0.2)
assert not stale.is_locked(waiting)  # stock Rasa: locked for ever (nothing left to serve)


class FakeRedis:  # what RedisLockStore calls on its client; keeps the serialised locks
    def __init__(self):
        self.data = {}
    def get(self, key):
        return self.data.get(key)
    def set(self, key, value):
        self.data[key] = value
    def delete(self, key):
        return self.data.pop(key, None) is not None


memory = LockStore.create(EndpointConfig(type="bot.nlu.lock_store.InMemoryAliveLockStore"))
redis = LockStore.create(EndpointConfig(url="cache.internal", type="bot.nlu.lock_store.RedisAliveLockStore", port=6380, db=2))
assert type(memory) is InMemoryAliveLockStore and type(redis) is RedisAliveLockStore
assert redis.red.connection_pool.connection_kwargs["host"] == "cache.internal"
redis.red = FakeRedis()


async def expired_while_waiting(store, conversation):
    store.issue_ticket(conversation, 0.05)  # a replica that died holding the lock
    start = time.monotonic()
    async with store.lock(conversation, lock_lifetime=0.1, wait_time_in_seconds=0.3) as held:
        assert isinstance(held, AliveTicketLock)
    return time.monotonic() - start


for store in (memory, redis):
    assert type(store.get_or_create_lock("new")) is AliveTicketLock
    assert asyncio.run(expired_while_waiting(store, "c3")) < 2
    store.save_lock(store.create_lock("c4"))
    assert type(store.get_lock("c4")) is AliveTicketLock  # Redis: deserialised as the same class
print("ok")
"""


def test_a_turn_waits_only_for_earlier_live_tickets():
    result = run_in_rasa_env(SCRIPT)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]
