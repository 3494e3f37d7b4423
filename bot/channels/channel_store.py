"""Durable state of a chat gateway: what was already handled, button payloads, message
counts per sender, and the outbox of replies still to send.

Why durable: a gateway restart must not answer a platform's redelivery a second time
(Telegram re-sends an update whose batch was not confirmed, Zalo re-POSTs a webhook),
must not forget the payload behind a button a student taps tomorrow, and must not drop
a reply the platform API refused while it was down. Why two backends: in Redis when
REDIS_URL is set (shared by every gateway process, like Rasa's lock store), otherwise
in a SQLite file in the gateway's state directory, so a single-machine install needs
no Redis. Each gateway passes its own namespace ("telegram:<bot id>", "zalo"), so both
channels can share one Redis database.

The outbox keeps each user's replies in order. An item being sent is marked first
(`claim`), so a second worker, in this process or another, never sends it at the same
time, and a gateway that dies mid-send leaves the mark behind: the next worker then
knows that attempt's outcome is unknown (see the Zalo gateway's rule for those).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SEEN_TTL_SECONDS = 24 * 3600  # longer than Zalo's retry window (reported up to 12 h) and Telegram's (24 h)
PAYLOAD_TTL_SECONDS = 90 * 24 * 3600  # buttons stay on screen; after this they answer "Nút này đã cũ"


@dataclass
class OutboxItem:
    id: str
    user: str
    message: dict
    created: float
    attempts: int
    next_at: float  # not before this time (back-off after a failed attempt)
    sending_since: float | None  # an attempt started at this time and has not finished


class ChannelStore:
    def __init__(self, namespace: str, state_dir: Path, redis_url: str | None = None):
        self.ns = namespace
        self.redis = None
        self.db: sqlite3.Connection | None = None
        if redis_url:
            import redis.asyncio as redis

            self.redis = redis.from_url(redis_url, decode_responses=True)
        else:
            try:
                state_dir.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(state_dir / "state.sqlite3", isolation_level=None, check_same_thread=False)
                self.db.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: a commit survives the process crashing (what a restart is about),
                # without an fsync per message
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(_SCHEMA)
            except (OSError, sqlite3.Error) as error:
                raise SystemExit(
                    f"Không ghi được kho trạng thái của kênh ở {state_dir} ({type(error).__name__}): "
                    "đặt REDIS_URL, hoặc đặt TELEGRAM_STATE_DIR / ZALO_STATE_DIR là một thư mục ghi được."
                ) from None

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        elif self.db is not None:
            self.db.close()

    # --- seen: platform redeliveries ----------------------------------------------------

    async def seen(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        """Was `key` marked already (by `first_time`)? Marks nothing."""
        if self.redis is not None:
            return bool(await self.redis.exists(f"{self.ns}:seen:{key}"))
        row = self.db.execute("SELECT 1 FROM seen WHERE key = ? AND at >= ?", (f"{self.ns}:{key}", time.time() - ttl)).fetchone()
        return row is not None

    async def first_time(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        """True once per key, across redeliveries, processes and restarts."""
        if self.redis is not None:
            return bool(await self.redis.set(f"{self.ns}:seen:{key}", "1", nx=True, ex=int(ttl)))
        now = time.time()
        self.db.execute("DELETE FROM seen WHERE at < ?", (now - ttl,))
        cursor = self.db.execute("INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (f"{self.ns}:{key}", now))
        return cursor.rowcount == 1

    # --- payloads: values too long for the platform, kept behind a short id -------------

    async def remember(self, key: str, value: str, ttl: float = PAYLOAD_TTL_SECONDS) -> None:
        if self.redis is not None:
            await self.redis.set(f"{self.ns}:payload:{key}", value, ex=int(ttl))
            return
        now = time.time()
        self.db.execute("DELETE FROM payloads WHERE expires < ?", (now,))  # kept as long as promised, no longer
        self.db.execute(
            "INSERT OR REPLACE INTO payloads (key, value, expires) VALUES (?, ?, ?)",
            (f"{self.ns}:{key}", value, now + ttl),
        )

    async def recall(self, key: str) -> str | None:
        if self.redis is not None:
            return await self.redis.get(f"{self.ns}:payload:{key}")
        row = self.db.execute(
            "SELECT value FROM payloads WHERE key = ? AND expires > ?", (f"{self.ns}:{key}", time.time())
        ).fetchone()
        return row[0] if row else None

    # --- hits: messages per sender in the current window --------------------------------

    async def hit(self, key: str, window: float) -> int:
        """Count one more message for `key` in the current fixed window; the count so far."""
        bucket = int(time.time() // window)
        name = f"{self.ns}:rate:{key}:{bucket}"
        if self.redis is not None:
            async with self.redis.pipeline(transaction=True) as pipe:
                count, _ = await pipe.incr(name).expire(name, int(window) + 60).execute()
            return int(count)
        now = time.time()
        self.db.execute("DELETE FROM hits WHERE expires < ?", (now,))
        row = self.db.execute(
            "INSERT INTO hits (key, count, expires) VALUES (?, 1, ?)"
            " ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count",
            (name, now + window + 60),
        ).fetchone()
        return int(row[0])

    # --- outbox: replies still to send, in order per user --------------------------------

    async def enqueue(self, user: str, messages: list[dict]) -> None:
        """Queue one reply's messages for `user`, all or none, after what is already queued."""
        if not messages:
            return
        now = time.time()
        if self.redis is not None:
            last = await self.redis.incrby(f"{self.ns}:outbox:seq", len(messages))
            ids = [str(i) for i in range(last - len(messages) + 1, last + 1)]
            async with self.redis.pipeline(transaction=True) as pipe:
                for item_id, message in zip(ids, messages):
                    fields = {"user": user, "message": json.dumps(message, ensure_ascii=False), "created": now}
                    pipe.hset(self._item(item_id), mapping={**fields, "attempts": 0, "next_at": 0})
                pipe.rpush(self._queue(user), *ids)
                await pipe.execute()
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(
                "INSERT INTO outbox (user, message, created) VALUES (?, ?, ?)",
                [(user, json.dumps(message, ensure_ascii=False), now) for message in messages],
            )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    async def pending_users(self) -> list[str]:
        if self.redis is not None:
            prefix = self._queue("")
            return [key[len(prefix) :] async for key in self.redis.scan_iter(match=prefix + "*", count=500)]
        return [row[0] for row in self.db.execute("SELECT DISTINCT user FROM outbox")]

    async def head(self, user: str) -> OutboxItem | None:
        """The user's oldest unsent message."""
        if self.redis is not None:
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
        row = self.db.execute(
            "SELECT id, message, created, attempts, next_at, sending_since FROM outbox WHERE user = ? ORDER BY id LIMIT 1",
            (user,),
        ).fetchone()
        if row is None:
            return None
        return OutboxItem(str(row[0]), user, json.loads(row[1]), row[2], row[3], row[4], row[5])

    async def claim(self, item: OutboxItem) -> bool:
        """Mark an attempt as started; False when another worker already did."""
        now = time.time()
        if self.redis is not None:
            # not HSETNX alone: on an item removed since head() it would create a stray hash
            return bool(await self.redis.eval(_CLAIM, 1, self._item(item.id), now))
        cursor = self.db.execute(
            "UPDATE outbox SET sending_since = ? WHERE id = ? AND sending_since IS NULL", (now, int(item.id))
        )
        return cursor.rowcount == 1

    async def postpone(self, item: OutboxItem, next_at: float) -> None:
        """The attempt certainly failed: count it and try again at `next_at`."""
        if self.redis is not None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(self._item(item.id), mapping={"attempts": item.attempts + 1, "next_at": next_at})
                pipe.hdel(self._item(item.id), "sending_since")
                await pipe.execute()
            return
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_at = ?, sending_since = NULL WHERE id = ?",
            (next_at, int(item.id)),
        )

    async def remove(self, item: OutboxItem) -> None:
        if self.redis is not None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.lrem(self._queue(item.user), 1, item.id)
                pipe.delete(self._item(item.id))
                await pipe.execute()
            return
        self.db.execute("DELETE FROM outbox WHERE id = ?", (int(item.id),))

    def _queue(self, user: str) -> str:
        return f"{self.ns}:outbox:user:{user}"

    def _item(self, item_id: str) -> str:
        return f"{self.ns}:outbox:item:{item_id}"


_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'sending_since', ARGV[1])
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS seen_at ON seen (at);
CREATE TABLE IF NOT EXISTS payloads (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user TEXT NOT NULL,
    message TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0,
    sending_since REAL
);
CREATE INDEX IF NOT EXISTS outbox_user ON outbox (user, id);
"""
