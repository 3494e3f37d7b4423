"""The school catalog: models, interchange format (read, validate, import, export), history
of changes, queries and name matching for the bot.

Imports: vntext, settings only. Never counselling, staff, bot, actions or ops.
"""
