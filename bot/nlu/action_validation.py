"""Rasa checks every action-server response against a JSON schema with
`jsonschema.validate`, which re-checks the schema itself and rebuilds a validator on
every call: measured with py-spy on a 2-core box, that was over half of Rasa's time per
turn (then several custom-action calls per turn; now an ordinary turn makes one, the
answer, and the turn records go through bot/nlu/turn_broker.py). Here the
validator is built and the schema checked once; every response is still validated
exactly as strictly, with Rasa's own error message.

Imported by bot/nlu/__init__.py, so it is in place whenever Rasa loads the pipeline's
plugins (training and serving)."""

from __future__ import annotations

from functools import lru_cache

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


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


RemoteAction._validate_action_result = validate_action_result
