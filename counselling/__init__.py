"""What students leave with the bot: unanswered questions (masked), hand-off requests, privacy rules.

Imports: catalog (database, models base), vntext, settings. Never staff or bot."""
