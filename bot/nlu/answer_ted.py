"""TED, asked only what answers a user message.

Why: Rasa asks every policy for the next action twice per ordinary turn: once after the
user's message (which action answers it) and once after the answer (in this bot always
"listen", or the form the rules start). TED's model run was about a quarter of a
replica's time per turn on the production topology, half of it spent on that second
question, which the rules and the memoization policy already answer here: every answer
action ends a rule (so RulePolicy predicts action_listen after it) and forms continue by
their rules. Where no rule speaks (after the core fallback action, which no rule names),
RulePolicy's default is that fallback at core_fallback_threshold, so abstaining would loop
on it: this policy then says "listen" at LISTEN_CONFIDENCE, above that threshold and below
any rule or memorized story (1.0), which is what this bot does after an answer.

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

LISTEN_CONFIDENCE = 0.9  # above RulePolicy's core_fallback_threshold (config.yml), below rules (1.0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True)
class AnswerTEDPolicy(TEDPolicy):
    """TEDPolicy that, after a bot action (not a user message), only says "listen", without its model."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        precomputations: Any = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            listen = self._default_predictions(domain)
            listen[domain.index_for_action(ACTION_LISTEN_NAME)] = LISTEN_CONFIDENCE
            return self._prediction(listen)
        return super().predict_action_probabilities(tracker, domain, rule_only_data, precomputations, **kwargs)
