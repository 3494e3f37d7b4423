"""Durable state of the Zalo gateway: which events were already handled, and the OA tokens.

Redelivered webhook events are dropped by key (message.msg_id): in Redis when
REDIS_URL is set (shared by every gateway process), otherwise in a SQLite file
under var/ that survives a restart. OA tokens live in a JSON file replaced
atomically, because Zalo's refresh token is single-use: losing the new one
means re-authorising the OA by hand.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

SEEN_TTL_SECONDS = 24 * 3600  # longer than Zalo's retry window (reported up to 12 h)


class SeenEvents:
    """first_time(key) is True once per key, across retries and restarts."""

    def __init__(self, state_dir: Path, redis_url: str | None = None):
        self.redis = None
        if redis_url:
            import redis.asyncio as redis

            self.redis = redis.from_url(redis_url)
        else:
            state_dir.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(state_dir / "seen_events.sqlite3", isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at REAL NOT NULL)")

    async def first_time(self, key: str) -> bool:
        if self.redis is not None:
            return bool(await self.redis.set(f"zalo:seen:{key}", "1", nx=True, ex=SEEN_TTL_SECONDS))
        now = time.time()
        self.db.execute("DELETE FROM seen WHERE at < ?", (now - SEEN_TTL_SECONDS,))
        cursor = self.db.execute("INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (key, now))
        return cursor.rowcount == 1

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        else:
            self.db.close()


class TokenFile:
    """{"access_token", "refresh_token", "expires_at"} in one JSON file, written atomically."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, tokens: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(tokens, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)
