"""Rasa-side NLU plugins (run in .venv-rasa, Python 3.10).

Rasa loads the classes named in config.yml (the pipeline's components) and in endpoints.yml
(bot/rasa_endpoints.py: the tracker stores in bot.nlu.tracker_store, the lock stores in
bot.nlu.lock_store, the event broker bot.nlu.turn_broker) from their class paths.

The three Rasa internals with no extension point that keeps their guarantee (a resent turn
answered once, the action server's responses checked by one validator, a conversation's
dialogue states replayed once per event) are replaced in one place, bot.nlu.rasa_patches, installed here, so whenever Rasa loads any of these plugins;
it refuses a Rasa version it was not written for."""

from bot.nlu import rasa_patches

rasa_patches.install()
