"""The notifier: sends the reminders students asked for in the chat (issue 23).

A process of its own (`python -m notifier`, started by `make run`/`make serve`), because it
must run on a clock, not on a message: every NOTIFIER_INTERVAL_SECONDS it plans (reads each
subscription's event or deadline from the catalog and writes the reminders due into the
durable outbox, counselling.reminder_models) and sends what is due, 08:00–21:00 Vietnam time,
with the catalog's facts as they are at send time. It listens on no port.

Modules: `planning` (subscriptions + catalog → outbox rows), `outbox` (the outbox's queries),
`wording` (the messages), `pacing` (Telegram's rate limits), `telegram_sender` and
`zalo_sender` (one send each, with its outcome), `service` (the loop, with an injected clock).
"""
