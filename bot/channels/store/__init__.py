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

The modules: `interface` (what every backend promises, `ChannelStore`, and `OutboxItem`),
`redis_backend` (redis.asyncio) and `sqlite_backend` (every SQLite call in one worker
thread, never on the gateway's event loop). `open_channel_store` picks the backend.
"""

from __future__ import annotations

from pathlib import Path

from bot.channels.store.interface import PAYLOAD_TTL_SECONDS, SEEN_TTL_SECONDS, ChannelStore, OutboxItem

__all__ = ["PAYLOAD_TTL_SECONDS", "SEEN_TTL_SECONDS", "ChannelStore", "OutboxItem", "open_channel_store"]


def open_channel_store(namespace: str, state_dir: Path, redis_url: str | None = None) -> ChannelStore:
    """Redis when `redis_url` is set, else `state_dir`/state.sqlite3 (created if missing)."""
    if redis_url:
        from bot.channels.store.redis_backend import RedisChannelStore

        return RedisChannelStore(namespace, redis_url)
    from bot.channels.store.sqlite_backend import SqliteChannelStore

    return SqliteChannelStore(namespace, state_dir)
