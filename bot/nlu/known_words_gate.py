"""Lowers intent confidence for messages made mostly of words the bot has never seen.

DIET is confidently wrong on gibberish ("asdkjh qwpoe"), other languages and
emoji-only messages: character n-grams always resemble something. This gate
scales the confidence by the share of the message's (folded) words that occur
in the training data or the catalog lookup tables, so the FallbackClassifier
after it turns such messages into `nlu_fallback` and the bot asks to rephrase.
A new school name in an otherwise ordinary question keeps most of its words
known, so it is not affected.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from vntext import folding

FILE = "known_words.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class KnownWordsGate(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_known_ratio": 0.5}

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, known: set | None = None
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.known = known or set()

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> KnownWordsGate:
        return cls(config, model_storage, resource)

    @staticmethod
    def words(message_text: str) -> List[str]:
        return folding.expand_teencode(message_text).split()

    def train(self, training_data: TrainingData) -> Resource:
        known: set = set()
        for example in training_data.training_examples:
            if example.get(TEXT):
                known.update(self.words(example.get(TEXT)))
        for table in training_data.lookup_tables:
            for element in table.get("elements", []):
                known.update(self.words(str(element)))
        self.known = known
        with self._model_storage.write_to(self._resource) as path:
            (path / FILE).write_text(json.dumps(sorted(known), ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> KnownWordsGate:
        try:
            with model_storage.read_from(resource) as path:
                known = set(json.loads((path / FILE).read_text(encoding="utf-8")))
        except ValueError:
            known = set()
        return cls(config, model_storage, resource, known)

    def known_ratio(self, message_text: str) -> float:
        """Words with digits (phone numbers, years, fees) are neither known nor unknown:
        a student typing only a phone number must not be sent to the fallback."""
        words = self.words(message_text)
        if not words:
            return 0.0
        judged = [w for w in words if not any(ch.isdigit() for ch in w)]
        if not judged:
            return 1.0
        return sum(1 for w in judged if w in self.known) / len(judged)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT)
            if not intent or not message.get(TEXT) or not self.known:
                continue
            ratio = self.known_ratio(message.get(TEXT))
            if ratio >= self._config["min_known_ratio"]:
                continue
            intent[PREDICTED_CONFIDENCE_KEY] = (intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) * ratio
            for entry in message.get(INTENT_RANKING_KEY) or []:
                entry[PREDICTED_CONFIDENCE_KEY] = (entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0) * ratio
        return messages
