"""What every channel-store backend promises, so a gateway never knows which one it has.

The outbox keeps each user's replies in order. An item being sent is marked first
(`claim`), so a second worker, in this process or another, never sends it at the same
time, and a gateway that dies mid-send leaves the mark behind: the next worker then
knows that attempt's outcome is unknown (see the Zalo gateway's rule for those).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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


class ChannelStore(Protocol):
    """One namespace of gateway state; every method is safe to await on the event loop."""

    async def close(self) -> None: ...

    # seen: platform redeliveries
    async def seen(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        """Was `key` marked already (by `first_time`)? Marks nothing."""
        ...

    async def first_time(self, key: str, ttl: float = SEEN_TTL_SECONDS) -> bool:
        """True once per key, across redeliveries, processes and restarts."""
        ...

    # payloads: values too long for the platform, kept behind a short id
    async def remember(self, key: str, value: str, ttl: float = PAYLOAD_TTL_SECONDS) -> None: ...

    async def recall(self, key: str) -> str | None: ...

    # hits: messages per sender in the current window
    async def hit(self, key: str, window: float) -> int:
        """Count one more message for `key` in the current fixed window; the count so far."""
        ...

    # inbox: events the platform was told were received (Zalo's webhook answered 200) and that
    # have no reply in the outbox yet; the platform never sends them again, so they must
    # outlive a gateway that dies before the turn ran
    async def take_in(self, key: str, event: dict, ttl: float = SEEN_TTL_SECONDS) -> bool:
        """`first_time(key)` that also keeps `event` in the inbox, both or neither."""
        ...

    async def inbox(self) -> list[tuple[str, dict]]:
        """The kept events (key, event) whose replies were not queued yet, oldest first."""
        ...

    # outbox: replies still to send, in order per user
    async def enqueue(self, user: str, messages: list[dict], settles: str | None = None) -> None:
        """Queue one reply's messages for `user`, all or none, after what is already queued; in the
        same step the inbox event `settles` (the event answered) leaves the inbox."""
        ...

    async def pending_users(self) -> list[str]: ...

    async def outbox_depth(self) -> int:
        """Messages still to send, all users together (the operator's gauge)."""
        ...

    async def head(self, user: str) -> OutboxItem | None:
        """The user's oldest unsent message."""
        ...

    async def claim(self, item: OutboxItem) -> bool:
        """Mark an attempt as started; False when another worker already did."""
        ...

    async def postpone(self, item: OutboxItem, next_at: float) -> None:
        """The attempt certainly failed: count it and try again at `next_at`."""
        ...

    async def remove(self, item: OutboxItem) -> None: ...
