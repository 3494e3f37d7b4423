"""A question the bot did not understand, recorded the way the action server records it:
shared by the counselling and staff-page tests that need some."""

from __future__ import annotations

import datetime as dt

from counselling import conversation_log


def record_unanswered(url: str, text: str, *, channel: str = "zalo", sender: str = "hs", at: dt.datetime | None = None) -> None:
    conversation_log.record_turn(
        text=text,
        intent="nlu_fallback",
        confidence=0.2,
        ranking=[],
        channel=channel,
        sender_id=sender,
        message_id=None,
        at=at or dt.datetime.now(dt.timezone.utc),
        url=url,
    )
