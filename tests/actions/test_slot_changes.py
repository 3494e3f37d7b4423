"""actions/slot_changes.py: an action's answer carries only the slot events that change a slot,
except for a form's validation action, whose slot events are the values Rasa accepts."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action
from rasa_sdk.events import FollowupAction, Restarted, SlotSet

from actions.slot_changes import ChangedSlotsExecutor, changed_only


def slot(name, value):
    return SlotSet(name, value)


def test_a_slot_set_to_the_value_it_has_is_dropped_and_a_change_kept():
    slots = {"province": "Hải Phòng", "miss_count": 0.0, "learner_groups": ["ho_ngheo"], "more": None}
    events = [
        slot("miss_count", 0.0),
        slot("province", "Quảng Ninh"),
        slot("learner_groups", ["ho_ngheo"]),
        slot("more", None),
        FollowupAction("action_listen"),
    ]
    assert changed_only(events, slots) == [slot("province", "Quảng Ninh"), FollowupAction("action_listen")]


def test_the_value_compared_is_the_one_at_that_point_of_the_answer():
    """Reset then set back: both stay, or the slot would end up empty."""
    events = [slot("focus", None), slot("focus", {"kind": "schools"}), slot("focus", {"kind": "schools"})]
    assert changed_only(events, {"focus": {"kind": "schools"}}) == events[:2]


def test_another_type_is_a_change_and_an_unknown_slot_is_kept():
    assert changed_only([slot("flag", 1)], {"flag": True}) == [slot("flag", 1)]
    assert changed_only([slot("miss_count", 1.0)], {"miss_count": 1}) == [slot("miss_count", 1.0)]
    assert changed_only([slot("new", None)], {}) == [slot("new", None)]


def test_after_a_restart_everything_is_kept():
    events = [slot("province", "Hà Nội"), Restarted(), slot("province", "Hà Nội")]
    assert changed_only(events, {"province": "Hà Nội"}) == events[1:]


class ActionSetsAgain(Action):
    def name(self) -> str:
        return "action_sets_again"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Mình gửi bạn danh sách nhé.")
        return [SlotSet("province", tracker.get_slot("province")), SlotSet("last_topic", "schools")]


class ValidateTestForm(ActionSetsAgain):
    def name(self) -> str:
        return "validate_test_form"


def call(action: str, slots: dict) -> dict:
    tracker = {
        "sender_id": "slot-changes",
        "slots": slots,
        "latest_message": {"text": "trường nào dạy hàn", "intent": {"name": "search_school"}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {"next_action": action, "sender_id": "slot-changes", "tracker": tracker, "domain": {}, "version": "3.6.21"}


def test_the_action_server_answers_with_the_changed_slots_only():
    executor = ChangedSlotsExecutor()
    executor.register_action(ActionSetsAgain())
    executor.register_action(ValidateTestForm())
    slots = {"province": "Quảng Ninh", "last_topic": None}

    result = asyncio.run(executor.run(call("action_sets_again", slots)))
    assert result.events == [{"event": "slot", "timestamp": None, "name": "last_topic", "value": "schools"}]
    assert [r["text"] for r in result.responses] == ["Mình gửi bạn danh sách nhé."]

    # a form's validation: Rasa keeps only what it returns, the same value included
    result = asyncio.run(executor.run(call("validate_test_form", slots)))
    assert [e["name"] for e in result.events] == ["province", "last_topic"]
