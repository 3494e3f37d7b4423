"""Each turn is processed once, even when it reaches Rasa twice.

A client (bot.rasa_client) puts a `turn_id` in the REST message's metadata and keeps it when
the turn is sent again; the load balancer also resends a turn whose replica died before
answering. Rasa handles a conversation's messages one at a time (the lock store), so when
the same `turn_id` arrives again, the first attempt either never reached the tracker store
(the turn is processed now) or was saved completely: then the answers saved with it are
sent back and nothing runs again. Without this, a replica killed between saving the
tracker and sending its reply would make a resent turn run twice.

Imported by bot/nlu/__init__.py, so it is in place whenever Rasa loads the pipeline's plugins.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered

TURN_ID = "turn_id"
LOOK_BACK = 200  # events searched for an earlier attempt (a resent turn is one of the last)
_REPLY_KEYS = ("text", "image", "buttons", "attachment", "custom")


def answers_of(events: list, turn_id: str, recipient: str) -> list[dict[str, Any]] | None:
    """The bot messages saved after the user message carrying `turn_id`, or None when no such
    message was saved."""
    recent = events[-LOOK_BACK:]
    for index in range(len(recent) - 1, -1, -1):
        event = recent[index]
        if isinstance(event, UserUttered) and (event.metadata or {}).get(TURN_ID) == turn_id:
            replies = []
            for later in recent[index + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    message = later.message()
                    reply = {key: message.get(key) for key in _REPLY_KEYS if message.get(key) is not None}
                    replies.append({"recipient_id": recipient, **reply})
            return replies
    return None


_handle_message = MessageProcessor.handle_message


async def handle_message(self: MessageProcessor, message: UserMessage):
    turn_id = (message.metadata or {}).get(TURN_ID)
    if turn_id and isinstance(message.output_channel, CollectingOutputChannel):
        tracker = await self.tracker_store.retrieve(message.sender_id)
        replies = answers_of(list(tracker.events), str(turn_id), message.sender_id) if tracker else None
        if replies is not None:
            message.output_channel.messages.extend(replies)
            return message.output_channel.messages
    return await _handle_message(self, message)


MessageProcessor.handle_message = handle_message
