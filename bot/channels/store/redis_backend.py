"""The channel store in Redis (REDIS_URL): shared by every gateway process, survives a
gateway restart, and a Redis restart too when Redis persists (as in deploy/compose).
All calls go through redis.asyncio, so none blocks the gateway's event loop."""

from __future__ import annotations

import json
import time

import redis.asyncio as redis

from bot.channels.store.interface import PAYLOAD_TTL_SECONDS, SEEN_TTL_SECONDS, OutboxItem

# not HSETNX alone: on an item removed since head() it would create a stray hash
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'sending_since', ARGV[1])
"""

# first_time and the inbox in one step: an event is never marked seen without being kept
_TAKE_IN = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
"""


class RedisChannelStore:
    def __init__(self, namespace: str, redis_url: str):
        self.ns = namespace
        self.redis = redis.from_url(redis_url, decode_responses=True)

    async def close(self) -> None:
        await self.redis.aclose()

    async def seen(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        return bool(await self.redis.exists(f"{self.ns}:seen:{key}"))

    async def first_time(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        return bool(await self.redis.set(f"{self.ns}:seen:{key}", "1", nx=True, ex=int(ttl)))

    async def remember(self, key: str, value: str, ttl: float = PAYLOAD_TTL_SECONDS) -> None:
        await self.redis.set(f"{self.ns}:payload:{key}", value, ex=int(ttl))

    async def recall(self, key: str) -> str | None:
        return await self.redis.get(f"{self.ns}:payload:{key}")

    async def hit(self, key: str, window: float) -> int:
        name = f"{self.ns}:rate:{key}:{int(time.time() // window)}"
        async with self.redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(name).expire(name, int(window) + 60).execute()
        return int(count)

    async def take_in(self, key: str, event: dict, ttl: float = SEEN_TTL_SECONDS) -> bool:
        kept = json.dumps({"at": time.time(), "event": event}, ensure_ascii=False)
        return bool(await self.redis.eval(_TAKE_IN, 2, f"{self.ns}:seen:{key}", self._inbox(), key, kept, int(ttl)))

    async def inbox(self) -> list[tuple[str, dict]]:
        kept = {key: json.loads(value) for key, value in (await self.redis.hgetall(self._inbox())).items()}
        return [(key, value["event"]) for key, value in sorted(kept.items(), key=lambda item: item[1]["at"])]

    async def enqueue(self, user: str, messages: list[dict], settles: str | None = None) -> None:
        if not messages and settles is None:
            return
        now = time.time()
        last = await self.redis.incrby(f"{self.ns}:outbox:seq", len(messages)) if messages else 0
        ids = [str(i) for i in range(last - len(messages) + 1, last + 1)]
        async with self.redis.pipeline(transaction=True) as pipe:
            for item_id, message in zip(ids, messages):
                fields = {"user": user, "message": json.dumps(message, ensure_ascii=False), "created": now}
                pipe.hset(self._item(item_id), mapping={**fields, "attempts": 0, "next_at": 0})
            if ids:
                pipe.rpush(self._queue(user), *ids)
            if settles is not None:
                pipe.hdel(self._inbox(), settles)
            await pipe.execute()

    async def pending_users(self) -> list[str]:
        prefix = self._queue("")
        return [key[len(prefix) :] async for key in self.redis.scan_iter(match=prefix + "*", count=500)]

    async def outbox_depth(self) -> int:
        keys = [key async for key in self.redis.scan_iter(match=self._queue("") + "*", count=500)]
        if not keys:
            return 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.llen(key)
            return sum(await pipe.execute())

    async def head(self, user: str) -> OutboxItem | None:
        while True:
            item_id = await self.redis.lindex(self._queue(user), 0)
            if item_id is None:
                return None
            fields = await self.redis.hgetall(self._item(item_id))
            if fields:
                return OutboxItem(
                    id=item_id,
                    user=user,
                    message=json.loads(fields["message"]),
                    created=float(fields["created"]),
                    attempts=int(fields["attempts"]),
                    next_at=float(fields["next_at"]),
                    sending_since=float(fields["sending_since"]) if "sending_since" in fields else None,
                )
            await self.redis.lrem(self._queue(user), 1, item_id)  # removed by another worker meanwhile

    async def claim(self, item: OutboxItem) -> bool:
        return bool(await self.redis.eval(_CLAIM, 1, self._item(item.id), time.time()))

    async def postpone(self, item: OutboxItem, next_at: float) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._item(item.id), mapping={"attempts": item.attempts + 1, "next_at": next_at})
            pipe.hdel(self._item(item.id), "sending_since")
            await pipe.execute()

    async def remove(self, item: OutboxItem) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrem(self._queue(item.user), 1, item.id)
            pipe.delete(self._item(item.id))
            await pipe.execute()

    def _inbox(self) -> str:
        return f"{self.ns}:inbox"

    def _queue(self, user: str) -> str:
        return f"{self.ns}:outbox:user:{user}"

    def _item(self, item_id: str) -> str:
        return f"{self.ns}:outbox:item:{item_id}"
