"""Reminders a student asked for in the chat: the subscription (where to send, about what) and
the durable outbox (one row per reminder and send time, so each is sent once), plus counts per
event or programme for the department (no identity).

Kept apart from counselling.models because these rows hold a channel's user id in clear: the
notifier must be able to write to that chat. They are deleted with "Xóa thông tin của em"
(counselling.reminders.delete_for_sender) and end when the student blocks the bot.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models import Base, utcnow


class ReminderSubscription(Base):
    __tablename__ = "reminder_subscriptions"
    __table_args__ = (UniqueConstraint("sender_id", "target_kind", "target_code", name="uq_reminder_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # telegram | zalo
    recipient: Mapped[str] = mapped_column(String(64), index=True)  # Telegram chat id, Zalo user id
    sender_id: Mapped[str] = mapped_column(String(128), index=True)  # Rasa's conversation id ("telegram:42")
    target_kind: Mapped[str] = mapped_column(String(16))  # event | programme
    target_code: Mapped[str] = mapped_column(String(80))  # event code, or "SCHOOL/PROGRAMME"
    # The catalog's name when subscribing: for the list and the "đã hủy/đổi" notice once the
    # item is gone from the catalog (every other fact is read from the catalog at send time).
    target_title: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The student's latest message on this channel: Zalo lets an OA write only within a window after it.
    last_message_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    ended_reason: Mapped[str | None] = mapped_column(String(32))  # cancelled | blocked | past | removed | no_date


class ReminderOutbox(Base):
    """One reminder at one send time. `key` is its idempotency key: planning the same reminder
    again inserts nothing, and a row is claimed (pending → sending) before the message leaves."""

    __tablename__ = "reminder_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("reminder_subscriptions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # before_7 | before_1 | cancelled
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # pending | sending | sent | dropped | superseded | unknown (the notifier stopped mid-send)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(String(64))  # why not sent (yet): late, zalo_window, blocked…
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReminderCount(Base):
    """Subscriptions made and reminders sent per event or programme, for the department's
    report: counts only, kept when a student deletes their data."""

    __tablename__ = "reminder_counts"
    __table_args__ = (UniqueConstraint("target_kind", "target_code", name="uq_reminder_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_code: Mapped[str] = mapped_column(String(80))
    target_title: Mapped[str] = mapped_column(String(255))
    subscribed: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
