"""What the reminder notifier counts: reminders sent and those that failed per channel, and
the reminder outbox's depth (pending rows: reminders planned and not yet sent, due or not)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

SENT = Counter("gdnn_reminders_sent", "Reminders delivered", ["channel"])
SEND_FAILURES = Counter("gdnn_reminder_send_failures", "Reminder sends not delivered", ["channel", "outcome"])
OUTBOX_DEPTH = Gauge("gdnn_reminder_outbox_depth", "Reminders waiting in the outbox (state pending)")
