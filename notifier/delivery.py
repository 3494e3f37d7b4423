"""What became of one send: the notifier's decisions hang on these outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    DELIVERED = "delivered"
    NOT_DELIVERED = "not_delivered"  # certainly not: pending again, tried on a later round
    BLOCKED = "blocked"  # the student blocked the bot / left the OA: their subscriptions end
    REFUSED = "refused"  # refused for good (bad chat id, outside Zalo's window): dropped
    UNKNOWN = "unknown"  # sent whole, no answer: may have arrived, never resent


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    reason: str = ""
    retry_after: float = 0.0  # Telegram's 429
