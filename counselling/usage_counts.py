"""Counting student messages for the department's usage report (counselling.usage_report).

Called by counselling.conversation_log.record_turn inside its transaction, so a message is
counted in the daily figures and here, or in neither. One row per Vietnam day, channel,
topic (intent) and what the message asked about: the province, the trade (occupation code)
and the school (institution code), "" when it named none. No sender, no text: nothing here
identifies a student. Rasa's message ids are kept two days so an action run again for the
same message counts it once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from catalog import db
from catalog.models import as_utc, utcnow
from catalog.vietnam_time import VIETNAM
from counselling.models import CountedMessage, UsageCount

KEEP_MESSAGE_IDS = dt.timedelta(days=2)


def vietnam_day(at: dt.datetime) -> dt.date:
    return as_utc(at).astimezone(VIETNAM).date()


def today() -> dt.date:
    return vietnam_day(utcnow())


def first_count(session: Session, message_id: str | None, at: dt.datetime) -> bool:
    """False when this Rasa message was counted already (the action ran again for it)."""
    if not message_id:
        return True
    statement = db.insert_for(session)(CountedMessage).values(message_id=message_id[:64], at=at)
    inserted = session.execute(statement.on_conflict_do_nothing().returning(CountedMessage.message_id))
    return inserted.scalar() is not None


def count(
    session: Session,
    *,
    at: dt.datetime,
    channel: str,
    intent: str | None,
    answered: bool,
    province: str | None = None,
    occupation_code: str | None = None,
    institution_code: str | None = None,
) -> None:
    values = dict(
        day=vietnam_day(at),
        channel=channel[:32],
        intent=(intent or "")[:64],
        province=(province or "")[:64],
        occupation_code=(occupation_code or "")[:32],
        institution_code=(institution_code or "")[:32],
        messages=1,
        unanswered=int(not answered),
    )
    statement = db.insert_for(session)(UsageCount).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "channel", "intent", "province", "occupation_code", "institution_code"],
            set_={"messages": UsageCount.messages + 1, "unanswered": UsageCount.unanswered + int(not answered)},
        )
    )


def forget_message_ids(session: Session, now: dt.datetime) -> int:
    """Drops the ids of messages counted more than two days ago (called by the nightly purge)."""
    return session.execute(delete(CountedMessage).where(CountedMessage.at < now - KEEP_MESSAGE_IDS)).rowcount
