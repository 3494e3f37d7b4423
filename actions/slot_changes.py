"""Only the slot events that change a slot go back to Rasa.

Why: an answer sets every slot its plan touches (province, groups, topic, focus, …), most of
them to the value they already have. Each event returned costs Rasa a schema check of the
response (one `oneOf` over every event type), a row in the tracker store and a step in every
later replay of the conversation: about a tenth of Rasa's time per turn went on events that
changed nothing. Setting a slot to its value changes no prediction (the policies see slot
values, not events), so those are dropped here, once, for every action.

Not for a form's validation action (`validate_<form>`): Rasa calls it on a copy of the
tracker with the candidate values already set and keeps only the slot events it returns, so
there "the same value" is the value being accepted.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult

# after one of these the slots are no longer what the tracker sent: keep everything from there
RESETTING = frozenset({"restart", "reset_slots", "session_started", "rewind", "undo"})


def changed_only(events: list[dict[str, Any]], slots: dict[str, Any]) -> list[dict[str, Any]]:
    """`events` without the slot events that set a slot to the value it has at that point."""
    values = dict(slots)
    kept: list[dict[str, Any]] = []
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind in RESETTING:
            kept.extend(events[index:])
            break
        if kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name in values and type(values[name]) is type(value) and values[name] == value:
                continue
            values[name] = value
        kept.append(event)
    return kept


class ChangedSlotsExecutor(ActionExecutor):
    """rasa-sdk's executor, answering with `changed_only` events (validation actions excepted)."""

    async def run(self, action_call: dict[str, Any]) -> ActionExecutorRunResult | None:
        result = await super().run(action_call)
        name = str(action_call.get("next_action") or "")
        if result is None or name.startswith("validate_"):
            return result
        slots = (action_call.get("tracker") or {}).get("slots") or {}
        return self._create_api_response(changed_only(result.events, slots), result.responses)
