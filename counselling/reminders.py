"""Reminders a student asked for: when they are sent, subscribing, listing, cancelling and
deleting them, and the counts the department sees.

A reminder goes 7 days and 1 day before an event's start or a programme's application deadline,
at 08:00 Vietnam time that day, and may go until 21:00 the same day (nobody is woken at night);
later than that it is dropped, never sent late. The notifier (notifier/) reads the dates from the
catalog again every time it plans, so a moved date moves the reminders. A subscription needs no
identity: it is keyed by the chat it came from (channel + that channel's user id).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from catalog import db
from catalog.models import utcnow
from catalog.vietnam_time import VIETNAM
from counselling.reminder_models import ReminderCount, ReminderOutbox, ReminderSubscription

EVENT, PROGRAMME = "event", "programme"
CHANNELS = ("telegram", "zalo")  # the channels the notifier can write to
OFFSETS = (("before_7", 7), ("before_1", 1))
SEND_FROM, SEND_UNTIL = dt.time(8, 0), dt.time(21, 0)  # Vietnam time


@dataclass(frozen=True)
class Planned:
    kind: str  # before_7 | before_1 | cancelled
    target_date: dt.date | None
    due_at: dt.datetime  # UTC
    expires_at: dt.datetime  # UTC: not sent after this


@dataclass(frozen=True)
class Subscription:
    id: int
    channel: str
    target_kind: str
    target_code: str
    target_title: str


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, VIETNAM).astimezone(dt.timezone.utc)


def reminder_times(target: dt.date, since: dt.datetime) -> list[Planned]:
    """The reminders for a date, leaving out those whose time was before `since` (the moment the
    student subscribed: they have just read the facts)."""
    out = []
    for kind, days in OFFSETS:
        day = target - dt.timedelta(days=days)
        due = _at(day, SEND_FROM)
        if due >= since:
            out.append(Planned(kind, target, due, _at(day, SEND_UNTIL)))
    return out


def next_sending_time(now: dt.datetime) -> Planned:
    """A notice to send as soon as the hours allow: now when inside 08:00–21:00 Vietnam time,
    else at the next 08:00; it may go until 21:00 that day."""
    local = now.astimezone(VIETNAM)
    day = local.date()
    if local.time() >= SEND_UNTIL:
        day += dt.timedelta(days=1)
    due = max(now, _at(day, SEND_FROM))
    return Planned("cancelled", None, due, _at(day, SEND_UNTIL))


def channel_of(sender_id: str) -> tuple[str, str] | None:
    """("telegram", "42") for the conversation "telegram:42"; None for chats the notifier cannot
    write to (the web chat, the terminal)."""
    channel, _, recipient = sender_id.partition(":")
    return (channel, recipient) if channel in CHANNELS and recipient else None


def subscribe(sender_id: str, target_kind: str, target_code: str, title: str, *, now: dt.datetime | None = None) -> bool:
    """Subscribes the chat (again, when it had cancelled); False when it already was. Reminders
    already sent or skipped for it are not sent again (their keys stay in the outbox)."""
    where = channel_of(sender_id)
    if where is None:
        raise ValueError("this chat cannot receive reminders")
    now = now or utcnow()
    with db.session() as session, session.begin():
        row = session.scalar(
            select(ReminderSubscription).where(
                ReminderSubscription.sender_id == sender_id,
                ReminderSubscription.target_kind == target_kind,
                ReminderSubscription.target_code == target_code,
            )
        )
        if row is not None and row.active:
            row.last_message_at = now
            return False
        if row is None:
            session.add(
                ReminderSubscription(
                    channel=where[0],
                    recipient=where[1],
                    sender_id=sender_id,
                    target_kind=target_kind,
                    target_code=target_code,
                    target_title=title[:255],
                    created_at=now,
                    last_message_at=now,
                    active=True,
                )
            )
        else:
            row.active, row.ended_reason, row.created_at, row.last_message_at = True, None, now, now
            # what the cancellation stopped may be planned again; what was sent keeps its key (never twice)
            session.execute(
                delete(ReminderOutbox).where(ReminderOutbox.subscription_id == row.id, ReminderOutbox.state == "superseded")
            )
        _count(session, target_kind, target_code, title, subscribed=1)
    return True


def _count(session, target_kind: str, target_code: str, title: str, *, subscribed: int = 0, sent: int = 0) -> None:
    insert = db.insert_for(session)
    statement = insert(ReminderCount).values(
        target_kind=target_kind, target_code=target_code, target_title=title[:255], subscribed=subscribed, sent=sent
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["target_kind", "target_code"],
            set_={
                "subscribed": ReminderCount.subscribed + subscribed,
                "sent": ReminderCount.sent + sent,
            },
        )
    )


def count_sent(session, target_kind: str, target_code: str, title: str) -> None:
    """One more reminder sent for this event or programme (in the caller's transaction)."""
    _count(session, target_kind, target_code, title, sent=1)


def active_for_sender(sender_id: str) -> list[Subscription]:
    with db.session() as session:
        rows = session.scalars(
            select(ReminderSubscription)
            .where(ReminderSubscription.sender_id == sender_id, ReminderSubscription.active.is_(True))
            .order_by(ReminderSubscription.id)
        ).all()
    return [Subscription(r.id, r.channel, r.target_kind, r.target_code, r.target_title) for r in rows]


def cancel(sender_id: str, subscription_id: int | None = None) -> int:
    """Ends this chat's subscription `subscription_id`, or all of them (None); how many ended.
    A subscription of another chat is never touched (button payloads can be typed)."""
    with db.session() as session, session.begin():
        chosen = select(ReminderSubscription.id).where(
            ReminderSubscription.sender_id == sender_id, ReminderSubscription.active.is_(True)
        )
        if subscription_id is not None:
            chosen = chosen.where(ReminderSubscription.id == subscription_id)
        ids = list(session.scalars(chosen))
        if ids:
            end(session, ids, "cancelled")
    return len(ids)


def end(session, subscription_ids: list[int], reason: str) -> None:
    """Subscriptions end, and their reminders not yet sent will not be (in the caller's transaction)."""
    session.execute(
        update(ReminderSubscription)
        .where(ReminderSubscription.id.in_(subscription_ids))
        .values(active=False, ended_reason=reason)
    )
    session.execute(
        update(ReminderOutbox)
        .where(ReminderOutbox.subscription_id.in_(subscription_ids), ReminderOutbox.state == "pending")
        .values(state="superseded", reason=reason)
    )


def delete_for_sender(sender_id: str) -> int:
    """ "Xóa thông tin của em": every subscription of this chat and its outbox rows (counts stay)."""
    with db.session() as session, session.begin():
        ids = list(session.scalars(select(ReminderSubscription.id).where(ReminderSubscription.sender_id == sender_id)))
        if ids:
            session.execute(delete(ReminderOutbox).where(ReminderOutbox.subscription_id.in_(ids)))
            session.execute(delete(ReminderSubscription).where(ReminderSubscription.id.in_(ids)))
    return len(ids)


def touch(sender_id: str, at: dt.datetime) -> None:
    """The student wrote at `at`: Zalo's free-message window starts again from there."""
    with db.session() as session, session.begin():
        session.execute(
            update(ReminderSubscription)
            .where(ReminderSubscription.sender_id == sender_id, ReminderSubscription.last_message_at < at)
            .values(last_message_at=at)
        )


def purge(days: int, url: str | None = None, now: dt.datetime | None = None) -> int:
    """Ended subscriptions (cancelled, blocked, past, removed) of chats silent for more than
    `days` days, with their outbox rows; how many. Active ones stay: they are still to be sent."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    with db.session(url) as session, session.begin():
        ids = list(
            session.scalars(
                select(ReminderSubscription.id).where(
                    ReminderSubscription.active.is_(False), ReminderSubscription.last_message_at < cutoff
                )
            )
        )
        if ids:
            session.execute(delete(ReminderOutbox).where(ReminderOutbox.subscription_id.in_(ids)))
            session.execute(delete(ReminderSubscription).where(ReminderSubscription.id.in_(ids)))
    return len(ids)


# --- for the department: counts only ---------------------------------------------------------


@dataclass(frozen=True)
class TargetCounts:
    kind: str  # event | programme
    code: str
    title: str
    active: int  # subscriptions now
    subscribed: int  # subscriptions made, ever
    sent: int  # reminders sent, ever


def counts(url: str | None = None) -> list[TargetCounts]:
    """Per event and programme: subscriptions now, made, and reminders sent; most subscribed first."""
    with db.session(url) as session:
        active = dict(
            ((kind, code), n)
            for kind, code, n in session.execute(
                select(ReminderSubscription.target_kind, ReminderSubscription.target_code, func.count())
                .where(ReminderSubscription.active.is_(True))
                .group_by(ReminderSubscription.target_kind, ReminderSubscription.target_code)
            )
        )
        rows = session.scalars(select(ReminderCount)).all()
    out = [
        TargetCounts(
            r.target_kind, r.target_code, r.target_title, active.get((r.target_kind, r.target_code), 0), r.subscribed, r.sent
        )
        for r in rows
    ]
    return sorted(out, key=lambda c: (-c.subscribed, c.kind, c.code))
