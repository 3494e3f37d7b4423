"""A conversation's dialogue states, worked out once per event instead of once per event, per
policy, per prediction. Replaces `Domain.states_for_tracker_history` (bot/nlu/rasa_patches.py
installs it, for Rasa 3.6.21 only).

Why: before every prediction each policy (memoization, rules twice, TED) asks Rasa for the
states of the whole conversation, and Rasa replays every event since the session started to
build them: a cost that grows with the conversation. In a 40-turn conversation it was 22 % of
Rasa's time per turn (py-spy, `make bench-bot`'s one-conversation level). The states of the
events already seen do not change when events are added, so a replay is kept per conversation
and per kind of question (the arguments) and only the new events are replayed. It is replayed
from the start when the events seen no longer begin the conversation (a rewind, a restart, a
new session, another replica's turn).

The result is exactly Rasa's: the loop below is Rasa's `states_for_tracker_history` over
`generate_all_prior_trackers`, cut where the events end; the states are copied for each
caller (the featurizers edit the last ones), keeping the sharing of user sub-states between
states that Rasa's code creates. tests/bot/test_dialogue_states.py compares both on the
training stories and on a growing conversation.

The replays hold conversation text, so they go with the student's data: `forget(sender)` is
called by the tracker stores' deletion, and a replay idle for KEEP_SECONDS is dropped.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from rasa.shared.core import constants
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

_rasa_states_for_tracker_history = Domain.states_for_tracker_history  # Rasa's own, for the tests

KEEP_AT_MOST = 512  # replays kept (a conversation has one per kind of question: three here)
KEEP_SECONDS = 600.0  # the tracker stores keep a conversation as long (bot/nlu/tracker_store.py)


def _same(kept: Event, new: Event) -> bool:
    """The same event, or one read again from the tracker store: every attribute equal. (Rasa's
    own `==` ignores timestamps and is slower.) A false "different" only costs a replay."""
    return kept is new or (type(kept) is type(new) and vars(kept) == vars(new))


class _Replay:
    """The states of a conversation's events seen so far, and Rasa's loop variables after them."""

    __slots__ = ("events", "tracker", "states", "last_ml_action", "hidden", "used_at")

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.events: list[Event] = []
        self.tracker = tracker.init_copy()  # replayed: the conversation after `events`
        self.states: list[State] = []
        self.last_ml_action: dict[str, Any] | None = None
        self.hidden = False
        self.used_at = time.monotonic()

    def begins(self, events: list[Event]) -> bool:
        seen = self.events
        if len(seen) > len(events):
            return False
        for index, event in enumerate(seen):
            if not _same(event, events[index]):
                return False
        return True


class _Question:
    """The arguments of one call, and Rasa's loop body for one prior tracker."""

    def __init__(self, domain: Domain, omit_unset_slots: bool, ignore_rule_only_turns: bool, rule_only_data: Any) -> None:
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.ignore_rule_only_turns = ignore_rule_only_turns
        self.rule_only_data = rule_only_data

    def step(self, replay: _Replay, hide_rule_turn: bool, states: list[State]) -> None:
        """Rasa's body of `states_for_tracker_history` for the tracker `replay.tracker` is now."""
        domain, tracker = self.domain, replay.tracker
        if self.ignore_rule_only_turns:
            if not replay.hidden:
                replay.last_ml_action = domain._get_prev_action_sub_state(tracker)
            if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
                replay.hidden = hide_rule_turn
            if replay.hidden:
                return
        state = domain.get_active_state(tracker, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if replay.last_ml_action:
                state[constants.PREVIOUS_ACTION] = replay.last_ml_action
        states.append(domain._clean_state(state))


_replays: OrderedDict[tuple, _Replay] = OrderedDict()
_applied: list = [None, None]  # [(tracker, its number of events, its last event), its applied events]


def _applied_events(tracker: DialogueStateTracker) -> list[Event]:
    """`tracker.applied_events()` (itself a pass over the whole conversation), worked out once
    for the several questions the policies ask about the same tracker in one prediction."""
    seen = (tracker, len(tracker.events), tracker.events[-1] if tracker.events else None)
    kept = _applied[0]
    if kept is None or kept[0] is not seen[0] or kept[1] != seen[1] or kept[2] is not seen[2]:
        _applied[0], _applied[1] = seen, tracker.applied_events()
    return _applied[1]


def _key(tracker: DialogueStateTracker, question: _Question) -> tuple:
    rule_only = question.rule_only_data
    frozen = tuple(sorted((name, tuple(values)) for name, values in rule_only.items())) if rule_only else None
    return (
        tracker.sender_id,
        tracker.is_rule_tracker,
        id(question.domain),
        question.omit_unset_slots,
        question.ignore_rule_only_turns,
        frozen,
    )


def _copied(states: list[State]) -> list[State]:
    """Each state and sub-state copied (sub-state values are strings and tuples); a sub-state
    shared by two states stays shared, as in Rasa's result."""
    copies: dict[int, dict] = {}
    result = []
    for state in states:
        copy = {}
        for part, sub_state in state.items():
            shared = copies.get(id(sub_state))
            if shared is None:
                shared = copies[id(sub_state)] = dict(sub_state)
            copy[part] = shared
        result.append(copy)
    return result


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    question = _Question(self, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    key = _key(tracker, question)
    events = _applied_events(tracker)
    replay = _replays.pop(key, None)
    if replay is None or not replay.begins(events):
        replay = _Replay(tracker)
    for event in events[len(replay.events) :]:
        if isinstance(event, ActionExecuted):
            question.step(replay, event.hide_rule_turn, replay.states)
        replay.tracker.update(event)
    replay.events = events
    _keep(key, replay)

    # the conversation as it is now: Rasa's last step, on copies of the loop variables
    states = _copied(replay.states)
    hidden, last_ml_action = replay.hidden, replay.last_ml_action
    question.step(replay, False, states)
    replay.hidden, replay.last_ml_action = hidden, last_ml_action
    return states


def _keep(key: tuple, replay: _Replay) -> None:
    now = time.monotonic()
    replay.used_at = now
    _replays[key] = replay
    while _replays:
        oldest = next(iter(_replays.values()))
        if len(_replays) <= KEEP_AT_MOST and now - oldest.used_at < KEEP_SECONDS:
            break
        _replays.popitem(last=False)


def forget(sender_id: str) -> None:
    """Drop the replays of a conversation (the student asked to delete their data)."""
    for key in [key for key in _replays if key[0] == sender_id]:
        del _replays[key]
    if _applied[0] is not None and _applied[0][0].sender_id == sender_id:
        _applied[0] = _applied[1] = None
