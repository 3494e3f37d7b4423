"""Telegram's flood limits for proactive messages (shared/research/handbook-and-reminders.md §2:
about 1 message a second per chat, about 30 a second in all; a 429 carries `retry_after`).

Sends are spaced evenly at NOTIFIER_TELEGRAM_PER_SECOND (25: below 30, so a burst of network
jitter does not cross it), a chat gets its next message only NOTIFIER_TELEGRAM_CHAT_SECONDS
after its last, and a 429 pauses every send for its `retry_after`. Real time, not the
notifier's clock: these limits are about seconds as Telegram counts them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class TelegramPace:
    def __init__(
        self,
        per_second: float,
        chat_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.chat_seconds = chat_seconds
        self.monotonic, self.sleep = monotonic, sleep
        self.next_slot = 0.0
        self.paused_until = 0.0
        self.last_sent: dict[str, float] = {}

    def chat_ready(self, chat: str) -> bool:
        last = self.last_sent.get(chat)
        return last is None or self.monotonic() - last >= self.chat_seconds

    async def slot(self, chat: str) -> None:
        """Waits for the next send allowed overall, and books it for `chat`."""
        while True:
            now = self.monotonic()
            wait = max(self.next_slot, self.paused_until) - now
            if wait <= 0:
                break
            await self.sleep(wait)
        # keep the cadence when a little late (the average stays at the rate), restart it after idling
        base = self.next_slot if now - self.next_slot < self.interval else now
        self.next_slot = base + self.interval
        self.last_sent[chat] = now
        if len(self.last_sent) > 10_000:  # forget chats whose second has long passed
            self.last_sent = {c: t for c, t in self.last_sent.items() if now - t < self.chat_seconds}

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.monotonic() + seconds)
