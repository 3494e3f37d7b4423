"""TED, asked only what answers a user message.

Why: Rasa asks every policy for the next action twice per ordinary turn: once after the
user's message (which action answers it) and once after the answer (in this bot always
"listen", or the form the rules start). TED's model run was about a quarter of a
replica's time per turn on the production topology, half of it spent on that second
question, which the rules and the memoization policy already answer here: every answer
action ends a rule (so RulePolicy predicts action_listen after it) and forms continue by
their rules. Without a prediction from any policy Rasa listens (action_listen is the
first action of every domain), which is what this bot does after an answer anyway.

TED still answers user messages the rules and stories did not foresee. Named in
config.yml instead of TEDPolicy; trained exactly like it.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True)
class AnswerTEDPolicy(TEDPolicy):
    """TEDPolicy that abstains (all zeros) when the last event was a bot action, not a user message."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        precomputations: Any = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return self._prediction(self._default_predictions(domain))
        return super().predict_action_probabilities(tracker, domain, rule_only_data, precomputations, **kwargs)
