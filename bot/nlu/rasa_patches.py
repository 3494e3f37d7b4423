"""The only Rasa internals this project replaces, for Rasa 3.6.21 exactly.

1. `rasa.core.processor.MessageProcessor.handle_message`: a turn that reaches Rasa twice with
   the same `turn_id` (bot.rasa_client puts one in the REST message's metadata and keeps it
   when it sends the turn again; the load balancer resends a turn whose replica died before
   answering) is answered from the tracker instead of running again. Without it, a replica
   killed between saving the tracker and sending its reply would make a resent turn run twice.
   No extension point keeps this guarantee: the check must run inside the conversation's lock,
   which Rasa takes in `Agent.handle_message` just before calling this method; an input
   channel runs before the lock, so two attempts of one turn could both pass its check.
2. `rasa.core.actions.action.RemoteAction._validate_action_result`: Rasa checks every
   action-server response with `jsonschema.validate`, which re-checks the schema and rebuilds
   a validator on every call (measured with py-spy on a 2-core box: over half of Rasa's time
   per turn). Here the validator is built once; every response is still validated exactly as
   strictly, with Rasa's own error message. Rasa offers no hook around this check.
3. `rasa.shared.core.domain.Domain.states_for_tracker_history`: every policy asks it for the
   states of the whole conversation before every prediction, and Rasa replays the whole
   conversation each time (22 % of Rasa's time per turn in a 40-turn conversation). The
   replacement (bot/nlu/dialogue_states.py) keeps a replay per conversation and replays only
   the new events; the states are exactly Rasa's. Policies have no hook for their states.

Everything else goes through Rasa's extension points, named in endpoints.yml
(bot/rasa_endpoints.py): the lock stores (bot/nlu/lock_store.py), the tracker stores
(bot/nlu/tracker_store.py, bot/nlu/forget.py) and the event broker (bot/nlu/turn_broker.py).

`install()` runs when bot.nlu is imported, i.e. whenever Rasa loads the pipeline's plugins
(training and serving). It refuses any other Rasa version than RASA_VERSION: a replaced
method written for one version silently drops what another version added to it.
tests/bot/test_rasa_patches.py fails when requirements-rasa.txt pins another version.
"""

from __future__ import annotations

import asyncio
import gc
from functools import lru_cache
from typing import Any

import jsonschema
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from bot.nlu import dialogue_states

RASA_VERSION = "3.6.21"  # the version these replacements were written for and checked against

# --- exactly once: a resent turn is answered from the tracker ----------------------------------

TURN_ID = "turn_id"
LOOK_BACK = 200  # events searched for an earlier attempt (a resent turn is one of the last)
_REPLY_KEYS = ("text", "image", "buttons", "attachment", "custom")


def answers_of(events: list, turn_id: str, recipient: str) -> list[dict[str, Any]] | None:
    """The bot messages saved after the user message carrying `turn_id`, or None when no such
    message was saved (the first attempt never reached the tracker store: the turn runs now)."""
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


_rasa_handle_message = MessageProcessor.handle_message


async def handle_message(self: MessageProcessor, message: UserMessage):
    _freeze_soon()
    turn_id = (message.metadata or {}).get(TURN_ID)
    if turn_id and isinstance(message.output_channel, CollectingOutputChannel):
        tracker = await self.tracker_store.retrieve(message.sender_id)
        replies = answers_of(list(tracker.events), str(turn_id), message.sender_id) if tracker else None
        if replies is not None:
            message.output_channel.messages.extend(replies)
            return message.output_channel.messages
    return await _rasa_handle_message(self, message)


# --- garbage collection: the model's objects are left out of it, once loaded ------------------

FREEZE_AFTER_SECONDS = 1.0  # after the first turn has answered
_freezing: list[bool] = []


def _freeze_soon() -> None:
    """Once, a second after the first turn: collect, then move every object alive (the loaded
    model, TensorFlow's traced functions from the first inference) out of the collector's view
    (`gc.freeze`). Why: Python's full collections walk all of them; measured in a Rasa server
    they took 270 to 660 ms each, a turn stalled that long now and then. Afterwards a full
    collection walks only what turns created since. Not at import: the model loads later."""
    if _freezing:
        return
    _freezing.append(True)
    asyncio.get_running_loop().call_later(FREEZE_AFTER_SECONDS, _freeze)


def _freeze() -> None:
    gc.collect()
    gc.freeze()


# --- action-server responses: one validator, as strict -----------------------------------------


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict) -> bool:
    error = jsonschema.exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


# --- installation ------------------------------------------------------------------------------

REPLACED = (
    (MessageProcessor, "handle_message", handle_message),
    (RemoteAction, "_validate_action_result", validate_action_result),
    (Domain, "states_for_tracker_history", dialogue_states.states_for_tracker_history),
)


def install(version: str | None = None) -> None:
    """Put the replacements in place (again: a no-op); refuse a Rasa they were not written for."""
    version = rasa.__version__ if version is None else version
    if version != RASA_VERSION:
        raise RuntimeError(
            f"bot/nlu/rasa_patches.py replaces Rasa internals written for Rasa {RASA_VERSION}, "
            f"but Rasa {version} is installed. Compare MessageProcessor.handle_message, "
            "RemoteAction._validate_action_result and Domain.states_for_tracker_history of the new "
            "version with the replacements, then update RASA_VERSION (and requirements-rasa.txt), or install rasa=="
            f"{RASA_VERSION}."
        )
    for owner, name, replacement in REPLACED:
        setattr(owner, name, replacement)
