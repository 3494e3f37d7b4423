"""bot/channels/zalo_store.py: redelivered Zalo events are recognised, in Redis and in the local file."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.channels.zalo_store import SeenEvents, TokenFile


@pytest.mark.parametrize("backend", ["redis", "sqlite"])
def test_each_event_key_is_new_only_once(backend, tmp_path):
    async def scenario():
        redis_url = "redis://127.0.0.1:6379/8" if backend == "redis" else None
        key = f"msg:{uuid.uuid4().hex}"
        first = SeenEvents(tmp_path, redis_url)
        results = [await first.first_time(key), await first.first_time(key)]
        await first.close()
        again = SeenEvents(tmp_path, redis_url)  # a restarted gateway
        results.append(await again.first_time(key))
        results.append(await again.first_time(f"msg:{uuid.uuid4().hex}"))
        await again.close()
        return results

    assert asyncio.run(scenario()) == [True, False, False, True]


def test_token_file_is_replaced_atomically_and_private(tmp_path):
    store = TokenFile(tmp_path / "tokens.json")
    assert store.load() is None
    store.save({"access_token": "a", "refresh_token": "r", "expires_at": 1.0})
    assert store.load() == {"access_token": "a", "refresh_token": "r", "expires_at": 1.0}
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0
    assert not (tmp_path / "tokens.tmp").exists()
