"""Decides "after grade 9" vs "after grade 12" by the grade the student names.

DIET sometimes ranks the two pathway intents the wrong way round when a
sentence is worded unlike the training examples ("học xong lớp 9 thì em học gì
được" came out as grade 12), or splits its confidence between them so that the
FallbackClassifier calls them ambiguous: the two classes differ by one number.
When the message names exactly one of "lớp 9" / "lớp 12", that settles it.

A grade in a message that also names a trade and asks where to learn it ("con tôi
hết lớp 9, muốn học nghề may thì học trường nào?") is a school search: the
grade is context, the parent wants schools, not the general pathway text.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from vntext import folding, lexicon

BY_GRADE = {"9": "ask_after_grade9", "12": "ask_after_grade12"}
SEARCH = "ask_schools"


def is_school_search(message_text: str) -> bool:
    return bool(lexicon.fields_in(message_text)) and lexicon.asks_where(message_text)


def _promote(message: Message, wanted: str, confidence: float) -> None:
    """Makes `wanted` the predicted intent with the given confidence, first in the ranking."""
    message.set(INTENT, {INTENT_NAME_KEY: wanted, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
    ranking = message.get(INTENT_RANKING_KEY) or []
    for entry in ranking:
        if entry.get(INTENT_NAME_KEY) == wanted:
            entry[PREDICTED_CONFIDENCE_KEY] = confidence
    ranking.sort(key=lambda entry: (entry.get(INTENT_NAME_KEY) != wanted, -(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)))


def named_grade(message_text: str) -> str | None:
    words = folding.expand_teencode(message_text).split()
    named = {words[i + 1] for i, w in enumerate(words[:-1]) if w == "lop" and words[i + 1] in BY_GRADE}
    return named.pop() if len(named) == 1 else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class GradeCorrector(GraphComponent, IntentClassifier):
    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> GradeCorrector:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) not in BY_GRADE.values() or not message.get(TEXT):
                continue
            if is_school_search(message.get(TEXT)):
                _promote(message, SEARCH, intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                continue
            grade = named_grade(message.get(TEXT))
            if grade is None:
                continue
            wanted = BY_GRADE[grade]
            ranking = message.get(INTENT_RANKING_KEY) or []
            # The two pathway intents share the confidence DIET gave them; the named grade takes
            # all of it, so the FallbackClassifier does not call the pair ambiguous.
            both = sum(e.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for e in ranking if e.get(INTENT_NAME_KEY) in BY_GRADE.values())
            both = max(both, intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            message.set(INTENT, {INTENT_NAME_KEY: wanted, PREDICTED_CONFIDENCE_KEY: both}, add_to_output=True)
            for entry in ranking:
                if entry.get(INTENT_NAME_KEY) == wanted:
                    entry[PREDICTED_CONFIDENCE_KEY] = both
                elif entry.get(INTENT_NAME_KEY) in BY_GRADE.values():
                    entry[PREDICTED_CONFIDENCE_KEY] = 0.0
            ranking.sort(key=lambda entry: -(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
        return messages
