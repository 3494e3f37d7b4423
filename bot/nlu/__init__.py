"""Rasa-side NLU plugins (run in .venv-rasa, Python 3.10).

Importing the package also installs bot.nlu.action_validation (a faster check of the
action server's responses, same strictness) and bot.nlu.exactly_once (a turn resent after a
replica died is answered from the tracker instead of running twice) and bot.nlu.ticket_lock
(a turn whose lock ticket expired while waiting is not stuck for good)."""

from bot.nlu import action_validation, exactly_once, ticket_lock  # noqa: F401  (patches installed when Rasa loads the plugins)
