"""bot.nlu.rasa_patches (the action-server response check), in the Rasa environment
(.venv-rasa): once Rasa has loaded the plugins, action-server responses are validated by the
cached validator, exactly as strictly."""

from __future__ import annotations

from tests.bot_servers import run_in_rasa_env

SCRIPT = """
import jsonschema
import bot.nlu.vietnamese_tokenizer  # what Rasa imports when it loads the pipeline
from bot.nlu import rasa_patches
from rasa.core.actions.action import RemoteAction

action = RemoteAction("action_x", None)
assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"text": "hi"}]})
for bad in ({"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": "not a list"}):
    try:
        action._validate_action_result(bad)
    except jsonschema.ValidationError as error:
        assert "Failed to validate Action server response" in error.message
    else:
        raise AssertionError(bad)
print("ok")
"""


def test_responses_are_validated_as_strictly_with_a_cached_validator():
    result = run_in_rasa_env(SCRIPT)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]
