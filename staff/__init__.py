"""The staff's back office: accounts, school updates (scope, merge, audit) and the web service.

Imports: catalog, counselling, bot.rasa_client, vntext, settings."""
