"""A turn waits only for earlier turns of its conversation that are still alive.

Rasa's TicketLock lets ticket N in when N is the first unexpired ticket. A turn whose own
ticket expired while it waited (a replica that died holding an earlier ticket, and a busy
event loop that polled late) then waits for good: seen as turns hanging until the client
gave up when one of two replicas was killed under load. Here a ticket is locked exactly
while an earlier unexpired ticket exists; for a live ticket that is Rasa's own rule.

Imported by bot/nlu/__init__.py, so it is in place whenever Rasa loads the pipeline's plugins.
"""

from __future__ import annotations

from rasa.core.lock import TicketLock


def is_locked(self: TicketLock, ticket_number: int) -> bool:
    self.remove_expired_tickets()
    return any(ticket.number < ticket_number for ticket in self.tickets)


TicketLock.is_locked = is_locked
