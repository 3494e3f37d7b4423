"""The outbox's queries: what is due, claiming a reminder before it leaves, settling it after,
and ending a recipient's subscriptions. One short session per call.

Exactly once: a row goes pending → sending (claimed with a conditional UPDATE, so two
notifiers never both send it) → sent | pending again (certainly not delivered) | dropped.
A row still "sending" when the notifier starts was in flight when the last one stopped: it
may have arrived, so it is never sent again ("unknown", logged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update

from catalog import db
from counselling import reminders
from counselling.reminder_models import ReminderOutbox, ReminderSubscription


@dataclass(frozen=True)
class Due:
    id: int
    key: str
    kind: str  # before_7 | before_1 | cancelled
    target_date: dt.date | None
    expires_at: dt.datetime
    subscription_id: int
    channel: str
    recipient: str
    target_kind: str
    target_code: str
    target_title: str
    last_message_at: dt.datetime


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)  # SQLite gives naive UTC


def due(now: dt.datetime, limit: int = 1000) -> list[Due]:
    """Pending reminders whose time has come, oldest first."""
    with db.session() as session:
        rows = session.execute(
            select(ReminderOutbox, ReminderSubscription)
            .join(ReminderSubscription, ReminderOutbox.subscription_id == ReminderSubscription.id)
            .where(ReminderOutbox.state == "pending", ReminderOutbox.due_at <= now)
            .order_by(ReminderOutbox.due_at, ReminderOutbox.id)
            .limit(limit)
        ).all()
    return [
        Due(
            o.id,
            o.key,
            o.kind,
            o.target_date,
            _aware(o.expires_at),
            s.id,
            s.channel,
            s.recipient,
            s.target_kind,
            s.target_code,
            s.target_title,
            _aware(s.last_message_at),
        )
        for o, s in rows
    ]


def claim(row_id: int) -> bool:
    """pending → sending; False when another notifier (or a cancellation) got there first."""
    with db.session() as session, session.begin():
        result = session.execute(
            update(ReminderOutbox)
            .where(ReminderOutbox.id == row_id, ReminderOutbox.state == "pending")
            .values(state="sending", attempts=ReminderOutbox.attempts + 1)
        )
    return result.rowcount == 1


def sent(row: Due, now: dt.datetime) -> None:
    with db.session() as session, session.begin():
        session.execute(update(ReminderOutbox).where(ReminderOutbox.id == row.id).values(state="sent", sent_at=now, reason=None))
        if row.kind != "cancelled":
            reminders.count_sent(session, row.target_kind, row.target_code, row.target_title)


def release(row_id: int, reason: str) -> None:
    """Certainly not delivered: pending again, tried on a later round (while its window lasts)."""
    _set(row_id, "pending", reason, only_if=None)


def note(row_id: int, reason: str) -> None:
    """Still pending, with why it was not sent this round (e.g. outside Zalo's window)."""
    _set(row_id, "pending", reason, only_if="pending")


def drop(row_id: int, reason: str, state: str = "dropped") -> None:
    _set(row_id, state, reason, only_if=None)


def _set(row_id: int, state: str, reason: str, only_if: str | None) -> None:
    with db.session() as session, session.begin():
        statement = update(ReminderOutbox).where(ReminderOutbox.id == row_id)
        if only_if:
            statement = statement.where(ReminderOutbox.state == only_if)
        session.execute(statement.values(state=state, reason=reason[:64]))


def end_recipient(channel: str, recipient: str, reason: str) -> int:
    """Every subscription of this chat ends (the student blocked the bot); how many."""
    with db.session() as session, session.begin():
        ids = list(
            session.scalars(
                select(ReminderSubscription.id).where(
                    ReminderSubscription.channel == channel,
                    ReminderSubscription.recipient == recipient,
                    ReminderSubscription.active.is_(True),
                )
            )
        )
        if ids:
            reminders.end(session, ids, reason)
    return len(ids)


def pending_count() -> int:
    """Rows still to send (the operator's outbox-depth gauge)."""
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ReminderOutbox).where(ReminderOutbox.state == "pending")) or 0


def recover_in_flight() -> list[str]:
    """At start: rows a stopped notifier left "sending" become "unknown" (never resent); their keys."""
    with db.session() as session, session.begin():
        keys = list(session.scalars(select(ReminderOutbox.key).where(ReminderOutbox.state == "sending")))
        if keys:
            session.execute(
                update(ReminderOutbox)
                .where(ReminderOutbox.state == "sending")
                .values(state="unknown", reason="stopped while sending")
            )
    return keys
