"""The channel store in a SQLite file (no REDIS_URL): a single-machine install needs no Redis.

Why a worker thread: a SQLite call can wait on the disk or on another process's write
lock (up to the 5 s busy timeout), and on the gateway's event loop that wait would stall
every other conversation and the webhook itself. So the connection is opened in, and only
ever used by, one dedicated thread (a single-thread executor): calls run one at a time in
order, as they did on one connection before, and the loop only awaits them. The
connection keeps sqlite3's same-thread check on, so a call from any other thread fails
loudly instead of silently blocking the loop.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from bot.channels.store.interface import PAYLOAD_TTL_SECONDS, SEEN_TTL_SECONDS, OutboxItem

T = TypeVar("T")

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
CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL, event TEXT NOT NULL);
"""


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a commit survives the process crashing (what a restart is about),
    # without an fsync per message
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db


class SqliteChannelStore:
    def __init__(self, namespace: str, state_dir: Path):
        self.ns = namespace
        self.path = state_dir / "state.sqlite3"
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"channel-store-{namespace}")
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
            # opened in the worker thread, at start-up: a state directory that cannot be
            # written stops the gateway with a clear message before it takes any message
            self._db = self._thread.submit(_connect, self.path).result()
        except (OSError, sqlite3.Error) as error:
            self._thread.shutdown()
            raise SystemExit(
                f"Không ghi được kho trạng thái của kênh ở {state_dir} ({type(error).__name__}): "
                "đặt REDIS_URL, hoặc đặt TELEGRAM_STATE_DIR / ZALO_STATE_DIR là một thư mục ghi được."
            ) from None

    async def _run(self, call: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, call, self._db)

    async def close(self) -> None:
        await self._run(lambda db: db.close())
        self._thread.shutdown()

    async def seen(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        name, since = f"{self.ns}:{key}", time.time() - ttl
        return await self._run(
            lambda db: db.execute("SELECT 1 FROM seen WHERE key = ? AND at >= ?", (name, since)).fetchone() is not None
        )

    async def first_time(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        name, now = f"{self.ns}:{key}", time.time()

        def mark(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM seen WHERE at < ?", (now - ttl,))
            return db.execute("INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (name, now)).rowcount == 1

        return await self._run(mark)

    async def remember(self, key: str, value: str, ttl: float = PAYLOAD_TTL_SECONDS) -> None:
        name, now = f"{self.ns}:{key}", time.time()

        def keep(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM payloads WHERE expires < ?", (now,))  # kept as long as promised, no longer
            db.execute("INSERT OR REPLACE INTO payloads (key, value, expires) VALUES (?, ?, ?)", (name, value, now + ttl))

        await self._run(keep)

    async def recall(self, key: str) -> str | None:
        name, now = f"{self.ns}:{key}", time.time()
        row = await self._run(
            lambda db: db.execute("SELECT value FROM payloads WHERE key = ? AND expires > ?", (name, now)).fetchone()
        )
        return row[0] if row else None

    async def hit(self, key: str, window: float) -> int:
        now = time.time()
        name = f"{self.ns}:rate:{key}:{int(now // window)}"

        def count(db: sqlite3.Connection) -> int:
            db.execute("DELETE FROM hits WHERE expires < ?", (now,))
            row = db.execute(
                "INSERT INTO hits (key, count, expires) VALUES (?, 1, ?)"
                " ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count",
                (name, now + window + 60),
            ).fetchone()
            return int(row[0])

        return await self._run(count)

    async def take_in(self, key: str, event: dict, ttl: float = SEEN_TTL_SECONDS) -> bool:
        name, now, kept = f"{self.ns}:{key}", time.time(), json.dumps(event, ensure_ascii=False)

        def mark_and_keep(db: sqlite3.Connection) -> bool:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM seen WHERE at < ?", (now - ttl,))
                fresh = db.execute("INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (name, now)).rowcount == 1
                if fresh:
                    db.execute("INSERT OR REPLACE INTO inbox (key, event) VALUES (?, ?)", (name, kept))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return fresh

        return await self._run(mark_and_keep)

    async def inbox(self) -> list[tuple[str, dict]]:
        prefix = f"{self.ns}:"
        rows = await self._run(
            lambda db: db.execute(
                "SELECT key, event FROM inbox WHERE substr(key, 1, ?) = ? ORDER BY id", (len(prefix), prefix)
            ).fetchall()
        )
        return [(key[len(prefix) :], json.loads(event)) for key, event in rows]

    async def enqueue(self, user: str, messages: list[dict], settles: str | None = None) -> None:
        if not messages and settles is None:
            return
        now = time.time()
        rows = [(user, json.dumps(message, ensure_ascii=False), now) for message in messages]
        settled = f"{self.ns}:{settles}" if settles is not None else None

        def insert(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT INTO outbox (user, message, created) VALUES (?, ?, ?)", rows)
                if settled is not None:
                    db.execute("DELETE FROM inbox WHERE key = ?", (settled,))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        await self._run(insert)

    async def pending_users(self) -> list[str]:
        return await self._run(lambda db: [row[0] for row in db.execute("SELECT DISTINCT user FROM outbox")])

    async def outbox_depth(self) -> int:
        return await self._run(lambda db: db.execute("SELECT count(*) FROM outbox").fetchone()[0])

    async def head(self, user: str) -> OutboxItem | None:
        row = await self._run(
            lambda db: db.execute(
                "SELECT id, message, created, attempts, next_at, sending_since FROM outbox WHERE user = ? ORDER BY id LIMIT 1",
                (user,),
            ).fetchone()
        )
        if row is None:
            return None
        return OutboxItem(str(row[0]), user, json.loads(row[1]), row[2], row[3], row[4], row[5])

    async def claim(self, item: OutboxItem) -> bool:
        now, item_id = time.time(), int(item.id)
        return await self._run(
            lambda db: (
                db.execute("UPDATE outbox SET sending_since = ? WHERE id = ? AND sending_since IS NULL", (now, item_id)).rowcount
                == 1
            )
        )

    async def postpone(self, item: OutboxItem, next_at: float) -> None:
        item_id = int(item.id)
        await self._run(
            lambda db: db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_at = ?, sending_since = NULL WHERE id = ?", (next_at, item_id)
            )
        )

    async def remove(self, item: OutboxItem) -> None:
        item_id = int(item.id)
        await self._run(lambda db: db.execute("DELETE FROM outbox WHERE id = ?", (item_id,)))
