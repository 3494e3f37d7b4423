"""Rasa-side NLU plugins (run in .venv-rasa, Python 3.10).

Importing the package also installs bot.nlu.action_validation (a faster check of the
action server's responses, same strictness) and bot.nlu.exactly_once (a turn resent after a
replica died is answered from the tracker instead of running twice), bot.nlu.ticket_lock
(a turn whose lock ticket expired while waiting is not stuck for good) and bot.nlu.forget
("Xóa thông tin của em" also deletes the conversation from Rasa's tracker store).

bot.nlu.turn_broker (the event broker that sends every user message to the action server's
/turns after the reply) is loaded by Rasa from its class path in endpoints.yml."""

# patches installed when Rasa loads the plugins
from bot.nlu import action_validation, exactly_once, forget, ticket_lock  # noqa: F401
