"""What the bot keeps about conversations: unanswered questions (masked), daily counts,
and students' requests to talk to a counsellor. See counselling.privacy for the rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models import Base, utcnow


class UnansweredMessage(Base):
    __tablename__ = "unanswered_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # fallback | out_of_scope | low_confidence
    text: Mapped[str] = mapped_column(Text)  # masked
    intents: Mapped[str] = mapped_column(Text)  # JSON: [[intent, confidence], …] top 3
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What a counsellor says the message was (an intent of domain.yml, out_of_scope included), so
    # `python -m counselling export-labelled` can turn it into training data. The staff account is
    # kept by name only: counselling does not depend on the staff tables.
    label: Mapped[str | None] = mapped_column(String(64))
    labelled_by: Mapped[str | None] = mapped_column(String(64))
    labelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class DailyMessageCount(Base):
    """Answered / unanswered user messages per day and channel (no content, no sender)."""

    __tablename__ = "daily_message_counts"
    __table_args__ = (UniqueConstraint("day", "channel", name="uq_daily_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    answered: Mapped[int] = mapped_column(Integer, default=0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0)


class CounsellingRequest(Base):
    """A student asked for a person; routed to a school or a province."""

    __tablename__ = "counselling_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    contact: Mapped[str] = mapped_column(String(20))  # validated phone / Zalo number, the only identifier kept
    question: Mapped[str] = mapped_column(Text, default="")  # masked
    institution_code: Mapped[str | None] = mapped_column(String(32), index=True)
    province: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)  # new | claimed | closed
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    # The staff account that handled it, by id only: counselling does not depend on the staff tables.
    account_id: Mapped[int | None] = mapped_column(Integer)


class UsageCount(Base):
    """User messages per Vietnam day, channel, topic (intent) and what they asked about (the
    province, the trade as an occupation code, the school as an institution code; "" = not said):
    the department's usage report. No sender, no text: nothing here identifies a student, so
    these counts are kept after the privacy retention (counselling.usage_report)."""

    __tablename__ = "usage_counts"
    __table_args__ = (
        UniqueConstraint("day", "channel", "intent", "province", "occupation_code", "institution_code", name="uq_usage_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)  # in Vietnam time
    channel: Mapped[str] = mapped_column(String(32))
    intent: Mapped[str] = mapped_column(String(64), default="")
    province: Mapped[str] = mapped_column(String(64), default="")
    occupation_code: Mapped[str] = mapped_column(String(32), default="")
    institution_code: Mapped[str] = mapped_column(String(32), default="")
    messages: Mapped[int] = mapped_column(Integer, default=0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0)


class CountedMessage(Base):
    """Rasa's ids of the messages already counted, so an action Rasa runs again for the same
    message is not counted twice; kept two days (a retry comes within seconds), see purge."""

    __tablename__ = "counted_messages"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
