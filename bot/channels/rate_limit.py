"""At most N messages per sender per minute, on every channel.

Why: one student (or a script) pasting a hundred messages would hold Rasa and the
catalog for everyone else, and each message costs a platform send. Over the limit the
sender gets one polite message for the whole minute, not silence (they would think the
bot is broken) and not one notice per extra message (that would be its own flood).
The counts live in the channel store, so every gateway process sees the same ones.
"""

from __future__ import annotations

from enum import Enum

from bot.channels.store import ChannelStore

SLOW_DOWN = "Bạn nhắn nhanh quá, mình chưa kịp trả lời hết. Bạn đợi khoảng một phút rồi nhắn tiếp giúp mình nhé."
WINDOW_SECONDS = 60


class Verdict(Enum):
    ANSWER = "answer"  # within the limit
    SLOW_DOWN = "slow_down"  # the first message over it: say so once
    IGNORE = "ignore"  # later messages in the same minute


class RateLimit:
    def __init__(self, store: ChannelStore, per_minute: int):
        self.store = store
        self.per_minute = per_minute  # 0 or less: no limit

    async def check(self, sender: str) -> Verdict:
        if self.per_minute <= 0:
            return Verdict.ANSWER
        count = await self.store.hit(sender, WINDOW_SECONDS)
        if count <= self.per_minute:
            return Verdict.ANSWER
        return Verdict.SLOW_DOWN if count == self.per_minute + 1 else Verdict.IGNORE
