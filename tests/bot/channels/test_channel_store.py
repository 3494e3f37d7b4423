"""bot/channels/store/ (both backends) against real Redis (db 11, flushed) and the local SQLite file:
what a gateway must still know after a restart."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid

import pytest

from bot.channels.rate_limit import RateLimit, Verdict
from bot.channels.store import open_channel_store


@pytest.fixture(params=["redis", "sqlite"])
def open_store(request, tmp_path):
    """A factory: each call is the same store as seen by a new gateway process."""
    redis_url = request.getfixturevalue("channel_redis_url") if request.param == "redis" else None
    return lambda namespace="zalo": open_channel_store(namespace, tmp_path, redis_url)


def run(scenario):
    return asyncio.run(scenario())


def test_each_key_is_new_only_once_across_restarts(open_store):
    async def scenario():
        key = f"msg:{uuid.uuid4().hex}"
        first = open_store()
        results = [await first.first_time(key), await first.first_time(key)]
        await first.close()
        again = open_store()  # a restarted gateway
        results += [await again.first_time(key), await again.first_time(f"msg:{uuid.uuid4().hex}")]
        other_bot = open_store("telegram:999")
        results.append(await other_bot.first_time(key))  # namespaces do not collide
        await again.close()
        await other_bot.close()
        return results

    assert run(scenario) == [True, False, False, True, True]


def test_seen_only_looks(open_store):
    async def scenario():
        key, store = f"update:{uuid.uuid4().hex}", open_store()
        results = [await store.seen(key), await store.seen(key), await store.first_time(key), await store.seen(key)]
        await store.close()
        return results

    assert run(scenario) == [False, False, True, True]


def test_payloads_survive_a_restart(open_store):
    async def scenario():
        first = open_store()
        await first.remember("#abc", '/ask_programme_info{"programme_ref":"HCM-TCVT/5210217"}')
        await first.close()
        again = open_store()
        found = await again.recall("#abc"), await again.recall("#unknown")
        await again.close()
        return found

    assert run(scenario) == ('/ask_programme_info{"programme_ref":"HCM-TCVT/5210217"}', None)


def test_expired_payloads_are_gone_from_the_file_not_only_hidden(tmp_path):
    async def scenario():
        store = open_channel_store("telegram:1", tmp_path, None)
        await store.remember("#old", "/greet", ttl=-1)  # already past its 90 days
        await store.remember("#new", "/greet")
        await store.close()
        with sqlite3.connect(tmp_path / "state.sqlite3") as db:  # the file itself, as a new process reads it
            return [key for (key,) in db.execute("SELECT key FROM payloads")]

    assert run(scenario) == ["telegram:1:#new"]


def test_outbox_keeps_each_users_order_across_restarts(open_store):
    async def scenario():
        first = open_store()
        await first.enqueue("u1", [{"text": "1a"}, {"text": "1b"}])
        await first.enqueue("u2", [{"text": "2a"}])
        await first.enqueue("u1", [{"text": "1c"}])
        item = await first.head("u1")
        assert await first.claim(item)
        assert not await first.claim(item)  # one attempt at a time
        await first.postpone(item, next_at=time.time() + 5)
        await first.close()

        again = open_store()
        assert sorted(await again.pending_users()) == ["u1", "u2"]
        head = await again.head("u1")
        assert (head.message, head.attempts, head.sending_since) == ({"text": "1a"}, 1, None)
        assert head.next_at > time.time()
        sent = []
        for user in ("u1", "u2"):
            while (item := await again.head(user)) is not None:
                sent.append(item.message["text"])
                await again.remove(item)
        assert await again.pending_users() == []
        await again.close()
        return sent

    assert run(scenario) == ["1a", "1b", "1c", "2a"]


def test_an_attempt_cut_by_a_stop_is_visible_to_the_next_process(open_store):
    async def scenario():
        first = open_store()
        await first.enqueue("u1", [{"text": "x"}])
        assert await first.claim(await first.head("u1"))
        await first.close()  # the process dies before knowing the outcome
        again = open_store()
        item = await again.head("u1")
        await again.close()
        return item.sending_since

    assert run(scenario) is not None


def test_rate_limit_answers_then_warns_once_then_ignores(open_store):
    async def scenario():
        store = open_store()
        limit = RateLimit(store, per_minute=3)
        sender = uuid.uuid4().hex
        verdicts = [await limit.check(sender) for _ in range(6)]
        other = await limit.check(uuid.uuid4().hex)
        await store.close()
        return verdicts, other

    verdicts, other = run(scenario)
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.SLOW_DOWN, Verdict.IGNORE, Verdict.IGNORE]
    assert other is Verdict.ANSWER


def test_outbox_depth_counts_every_users_unsent_messages(open_store):
    async def scenario():
        store = open_store(f"zalo-depth-{uuid.uuid4().hex}")
        depths = [await store.outbox_depth()]
        await store.enqueue("u1", [{"text": "a"}, {"text": "b"}])
        await store.enqueue("u2", [{"text": "c"}])
        depths.append(await store.outbox_depth())
        await store.remove(await store.head("u1"))
        depths.append(await store.outbox_depth())
        await store.close()
        return depths

    assert run(scenario) == [0, 3, 2]


def test_a_sqlite_write_waiting_on_a_lock_leaves_the_event_loop_free(tmp_path):
    """Another process holds the file's write lock: the store's write waits for it in its
    worker thread while the gateway's loop keeps serving; once the lock goes, the write lands.
    (Run on the loop, the write would freeze the loop until SQLite gave up: the lock holder
    below, which needs the loop, could never let go.)"""
    store = open_channel_store("zalo", tmp_path, None)
    other = sqlite3.connect(tmp_path / "state.sqlite3", isolation_level=None, check_same_thread=False)

    async def scenario():
        other.execute("BEGIN IMMEDIATE")  # another gateway process in the middle of a write
        write = asyncio.create_task(store.first_time("msg:1"))
        ticks = 0
        while ticks < 20:  # the loop keeps turning while the write waits
            await asyncio.sleep(0.01)
            ticks += 1
        assert not write.done()
        other.execute("COMMIT")
        first = await write
        return ticks, first, await store.first_time("msg:1")

    ticks, first, again = run(scenario)
    other.close()
    asyncio.run(store.close())
    assert (ticks, first, again) == (20, True, False)


def test_an_event_taken_in_stays_in_the_inbox_until_its_reply_is_queued(open_store):
    async def scenario():
        first = open_store()
        taken = [await first.take_in("msg:a", {"text": "một"}), await first.take_in("msg:b", {"text": "hai"})]
        taken.append(await first.take_in("msg:a", {"text": "một"}))  # a redelivery: not kept twice
        await first.close()
        again = open_store()  # a gateway killed before answering, started again
        kept = await again.inbox()
        await again.enqueue("u1", [{"text": "trả lời một"}], settles="msg:a")
        await again.enqueue("u1", [], settles="msg:b")  # an event that needs no reply
        left = await again.inbox()
        head = await again.head("u1")
        telegram = open_store("telegram:1")
        other = await telegram.inbox()  # namespaces do not mix
        await telegram.close()
        await again.close()
        return taken, kept, left, head.message, other

    taken, kept, left, reply, other = run(scenario)
    assert taken == [True, True, False]
    assert kept == [("msg:a", {"text": "một"}), ("msg:b", {"text": "hai"})]  # oldest first
    assert left == [] and reply == {"text": "trả lời một"} and other == []
