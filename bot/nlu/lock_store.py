"""Rasa's lock stores, with a ticket lock that lets a turn wait only for earlier turns of its
conversation that are still alive.

Why: Rasa's TicketLock lets ticket N in when N is the first unexpired ticket. A turn whose own
ticket expired while it waited (a replica that died holding an earlier ticket, and a busy
event loop that polled late) then waits for good: seen as turns hanging until the client
gave up when one of two replicas was killed under load. Here a ticket is locked exactly
while an earlier unexpired ticket exists; for a live ticket that is Rasa's own rule.

Named in endpoints.yml (bot/rasa_endpoints.py) as the lock store's class: the in-memory one
for a single Rasa, the Redis one (REDIS_URL) for replicas. Rasa builds a custom lock store
with the endpoint's configuration as its only argument (`LockStore.create`). Rasa runs one
Sanic worker here (SANIC_WORKERS is not set): with a custom class name its check that an
in-memory lock store gets one worker no longer applies, so the in-memory store is one
process's lock only, as Rasa's own.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class AliveTicketLock(TicketLock):
    """A ticket is locked while an earlier unexpired ticket exists, even once it expired itself."""

    def is_locked(self, ticket_number: int) -> bool:
        self.remove_expired_tickets()
        return any(ticket.number < ticket_number for ticket in self.tickets)


class InMemoryAliveLockStore(InMemoryLockStore):
    """Rasa's in-memory lock store (one Rasa process), with AliveTicketLock."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        super().__init__()

    @staticmethod
    def create_lock(conversation_id: str) -> TicketLock:
        return AliveTicketLock(conversation_id)


class RedisAliveLockStore(RedisLockStore):
    """Rasa's Redis lock store (replicas share each conversation's lock), with AliveTicketLock.
    The endpoint's url is the Redis host, its other keys (port, db, password, use_ssl) are
    RedisLockStore's own arguments, as for Rasa's `type: redis`."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @staticmethod
    def create_lock(conversation_id: str) -> TicketLock:
        return AliveTicketLock(conversation_id)

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        serialised = self.red.get(self.key_prefix + conversation_id)
        return AliveTicketLock.from_dict(json.loads(serialised)) if serialised else None
