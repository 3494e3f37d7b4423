"""bot.nlu.rasa_patches: written for one Rasa version, the one requirements-rasa.txt pins and
.venv-rasa has; in place once Rasa has loaded the plugins (`import bot.nlu`); refused for any
other version. Fails when the pinned Rasa changes, so the replaced internals get compared
with the new version's before it is used."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bot_servers import run_in_rasa_env

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
import bot.nlu  # what Rasa imports when it loads the pipeline or a store named in endpoints.yml
from bot.nlu import dialogue_states, rasa_patches

assert rasa.__version__ == rasa_patches.RASA_VERSION, rasa.__version__
assert MessageProcessor.handle_message is rasa_patches.handle_message
assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
assert Domain.states_for_tracker_history is dialogue_states.states_for_tracker_history
assert [(owner.__name__, name) for owner, name, _ in rasa_patches.REPLACED] == [
    ("MessageProcessor", "handle_message"),
    ("RemoteAction", "_validate_action_result"),
    ("Domain", "states_for_tracker_history"),
]
rasa_patches.install()  # again: still Rasa's own method underneath, not a replacement calling itself
assert rasa_patches._rasa_handle_message.__module__ == "rasa.core.processor"
try:
    rasa_patches.install("3.6.22")
except RuntimeError as error:
    assert "3.6.21" in str(error) and "3.6.22" in str(error)
else:
    raise AssertionError("installed for another Rasa version")
print(rasa_patches.RASA_VERSION)
"""


def pinned_rasa() -> str:
    text = (ROOT / "requirements-rasa.txt").read_text(encoding="utf-8")
    return re.search(r"^rasa==(\S+)", text, re.MULTILINE).group(1)


def test_the_patches_are_written_for_the_pinned_rasa_and_in_place_once_the_plugins_load():
    result = run_in_rasa_env(SCRIPT)
    assert result.returncode == 0, result.stderr[-3000:]
    written_for = result.stdout.strip().splitlines()[-1]
    assert pinned_rasa() == written_for, (
        f"requirements-rasa.txt pins rasa=={pinned_rasa()}, bot/nlu/rasa_patches.py was written for {written_for}: "
        "compare the replaced Rasa internals with the new version, then update RASA_VERSION"
    )
