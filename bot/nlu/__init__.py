"""Rasa-side NLU plugins (run in .venv-rasa, Python 3.10).

Importing the package also installs bot.nlu.action_validation (a faster check of the
action server's responses, same strictness)."""

from bot.nlu import action_validation  # noqa: F401  (installs the patch when Rasa loads the plugins)
