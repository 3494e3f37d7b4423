"""bot/nlu/dialogue_states.py gives exactly Rasa's dialogue states, however the conversation
grows: compared with Rasa's own `states_for_tracker_history` on every training story and rule
of this bot (each replayed event by event, as a conversation grows turn by turn), for every
kind of question the policies ask, on the tracker object Rasa keeps and on one read again from
the store, after a rewind and a restart, and after the callers edited the states they got.
Runs in .venv-rasa, with the real domain and training data."""

from __future__ import annotations

from tests.bot_servers import run_in_rasa_env

SCRIPT = r"""
import random

from rasa.shared.core.constants import PREVIOUS_ACTION, USER
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Restarted, UserUttered, UserUtteranceReverted
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

import bot.nlu  # installs the replacement
from bot.nlu import dialogue_states

assert Domain.states_for_tracker_history is dialogue_states.states_for_tracker_history
original = dialogue_states._rasa_states_for_tracker_history
patched = dialogue_states.states_for_tracker_history

importer = TrainingDataImporter.load_from_config("config.yml", "domain.yml", ["data"])
domain = importer.get_domain()
graph = importer.get_stories()
generated = TrainingDataGenerator(graph, domain, remove_duplicates=False, augmentation_factor=0).generate()
stories = [list(t.events) for t in generated if not t.is_rule_tracker]
rules = [list(t.events) for t in generated if t.is_rule_tracker]
assert len(stories) >= 3 and len(rules) > 50, (len(stories), len(rules))

slots = [slot.name for slot in domain.slots]
rule_only = {"rule_only_slots": slots[:2], "rule_only_loops": list(domain.form_names)[:1]}
QUESTIONS = [  # (omit_unset_slots, ignore_rule_only_turns, rule_only_data): what the policies ask
    (False, False, None),
    (False, True, None),
    (False, True, rule_only),
    (True, False, None),
]


def sharing(states):
    # which parts of a state are the very object of the previous state's part (Rasa shares them)
    return [
        [part for part in (USER, PREVIOUS_ACTION) if part in b and part in a and a[part] is b[part]]
        for a, b in zip(states, states[1:])
    ]


def compare(tracker, where):
    for question in QUESTIONS:
        expected = original(domain, tracker, *question)
        got = patched(domain, tracker, *question)
        assert got == expected, (where, question, got[-3:], expected[-3:])
        assert sharing(got) == sharing(expected), (where, question)
        for state in got:  # what the featurizers do to the last states: must not reach the replay
            state.get(USER, {}).pop("intent", None)
            state.pop(PREVIOUS_ACTION, None)
    return 1


compared = 0
for number, events in enumerate(stories + rules):
    is_rule = number >= len(stories)
    sender = f"story-{number % 7}"  # conversations share senders: a replay must not leak into another
    tracker = DialogueStateTracker(sender, domain.slots, is_rule_tracker=is_rule)
    for index, event in enumerate(events):
        tracker.update(event)
        compared += compare(tracker, (number, index))
    # read again from the store: new event objects, same conversation
    again = DialogueStateTracker.from_dict(sender, [e.as_dict() for e in tracker.events], domain.slots)
    again.is_rule_tracker = is_rule
    compared += compare(again, (number, "read again"))

# a conversation that is rewound and restarted, where the rules answered some turns (Rasa
# marks those actions hide_rule_turn at run time; training stories have none)
random.seed(7)
tracker = DialogueStateTracker("rewound", domain.slots)
for events in random.sample(stories + rules, 12):
    for event in events:
        if isinstance(event, ActionExecuted) and event.action_name != "action_listen" and random.random() < 0.4:
            event = ActionExecuted(event.action_name, policy="RulePolicy", confidence=1.0, hide_rule_turn=True)
        tracker.update(event)
        compared += compare(tracker, "growing")
    tracker.update(UserUtteranceReverted())
    compared += compare(tracker, "rewound")
    if random.random() < 0.3:
        tracker.update(Restarted())
        compared += compare(tracker, "restarted")

# the point of it: a growing conversation's states are worked out once per event, not per call.
# (While a form runs, Rasa drops the form's earlier turns from the applied events, so the
# replay starts again; outside forms the events only grow.)
counted = []
rasa_active_state = Domain.get_active_state
Domain.get_active_state = lambda self, *a, **k: counted.append(1) or rasa_active_state(self, *a, **k)
tracker, calls = DialogueStateTracker("counted", domain.slots), 0
without_forms = [events for events in stories if not any(isinstance(e, ActiveLoop) for e in events)]
assert len(without_forms) >= 2
for events in without_forms * 4:
    for event in events:
        tracker.update(event)
        patched(domain, tracker)
        calls += 1
actions = sum(isinstance(event, ActionExecuted) for event in tracker.applied_events())
assert len(counted) == actions + calls, (len(counted), actions, calls)
Domain.get_active_state = rasa_active_state

# forgetting drops the replays of that conversation only
assert any(key[0] == "rewound" for key in dialogue_states._replays)
dialogue_states.forget("rewound")
assert not any(key[0] == "rewound" for key in dialogue_states._replays)
assert any(key[0].startswith("story-") for key in dialogue_states._replays)
print(compared)
"""


def test_the_states_are_rasas_however_the_conversation_grows():
    result = run_in_rasa_env(SCRIPT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.strip().splitlines()[-1]) > 500
