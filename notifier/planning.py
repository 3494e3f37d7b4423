"""Planning: every active subscription against the catalog as it is now, written into the
outbox. Run every round, so the catalog's changes reach the reminders:

- a date (event start, application deadline) gives the 7-day and 1-day reminders
  (counselling.reminders.reminder_times), each inserted once under its key
  "<subscription>:<kind>:<date>";
- a moved date: the pending reminders of the old date are superseded and the new date's are
  planned (a reminder already sent for the old date is not taken back);
- an event or programme gone from the catalog (cancelled, removed): one notice
  "<subscription>:cancelled", the subscription ends;
- a date already past, or a deadline no longer given: the subscription ends, nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select, update

from catalog import db, queries
from catalog.vietnam_time import VIETNAM
from counselling import reminders
from counselling.reminder_models import ReminderOutbox, ReminderSubscription
from counselling.reminders import EVENT, Planned

log = logging.getLogger("notifier")
CHUNK = 500


@dataclass
class PlanResult:
    planned: int = 0  # outbox rows inserted
    moved: int = 0  # pending rows superseded by a new date
    ended: int = 0  # subscriptions ended (past, gone, no date)


def target_dates(subs: list[tuple[str, str]]) -> dict[tuple[str, str], dt.date | None]:
    """(kind, code) → the date the reminders count down to; absent when gone from the catalog,
    None when the programme no longer has a deadline."""
    events = queries.get_events([code for kind, code in subs if kind == EVENT])
    refs = sorted({tuple(code.split("/", 1)) for kind, code in subs if kind != EVENT and "/" in code})
    programmes = {f"{p.institution.code}/{p.code}": p for p in queries.get_programmes(refs)}
    out: dict[tuple[str, str], dt.date | None] = {}
    for code, e in events.items():
        out[(EVENT, code)] = e.start_date
    for code, p in programmes.items():
        out[(reminders.PROGRAMME, code)] = p.application_deadline
    return out


def plan(now: dt.datetime) -> PlanResult:
    result = PlanResult()
    today = now.astimezone(VIETNAM).date()
    with db.session() as session:
        subs = session.execute(
            select(
                ReminderSubscription.id,
                ReminderSubscription.target_kind,
                ReminderSubscription.target_code,
                ReminderSubscription.created_at,
            ).where(ReminderSubscription.active.is_(True))
        ).all()
        keys = {
            (sid, key, state, day)
            for sid, key, state, day in session.execute(
                select(ReminderOutbox.subscription_id, ReminderOutbox.key, ReminderOutbox.state, ReminderOutbox.target_date)
                .join(ReminderSubscription, ReminderOutbox.subscription_id == ReminderSubscription.id)
                .where(ReminderSubscription.active.is_(True))
            )
        }
    if not subs:
        return result
    dates = target_dates([(kind, code) for _, kind, code, _ in subs])
    existing = {key for _, key, _, _ in keys}
    pending_by_sub: dict[int, list[tuple[str, dt.date | None]]] = {}
    for sid, key, state, day in keys:
        if state == "pending":
            pending_by_sub.setdefault(sid, []).append((key, day))

    rows: list[dict] = []
    superseded: list[str] = []
    ended: dict[str, list[int]] = {}
    for sid, kind, code, created in subs:
        created = created if created.tzinfo else created.replace(tzinfo=dt.timezone.utc)
        if (kind, code) not in dates:
            notice = reminders.next_sending_time(now)
            rows.append(_row(sid, f"{sid}:cancelled", notice))
            ended.setdefault("removed", []).append(sid)
            log.info("reminder %s: %s %s is gone from the catalog, one notice planned", sid, kind, code)
            continue
        day = dates[(kind, code)]
        if day is None or day < today:
            ended.setdefault("no_date" if day is None else "past", []).append(sid)
            continue
        for key, old_day in pending_by_sub.get(sid, []):
            if old_day != day:
                superseded.append(key)
        for planned in reminders.reminder_times(day, created):
            key = f"{sid}:{planned.kind}:{day.isoformat()}"
            if key not in existing:
                rows.append(_row(sid, key, planned))
    with db.session() as session, session.begin():
        if superseded:
            session.execute(
                update(ReminderOutbox)
                .where(ReminderOutbox.key.in_(superseded), ReminderOutbox.state == "pending")
                .values(state="superseded", reason="date moved")
            )
        for reason, ids in ended.items():
            reminders.end(session, ids, reason)
        insert = db.insert_for(session)
        for start in range(0, len(rows), CHUNK):  # SQLite takes a bounded number of parameters per statement
            chunk = rows[start : start + CHUNK]
            session.execute(insert(ReminderOutbox).values(chunk).on_conflict_do_nothing(index_elements=["key"]))
    result.planned, result.moved, result.ended = len(rows), len(superseded), sum(len(v) for v in ended.values())
    if result.moved:
        log.info("%s reminders moved to a new date", result.moved)
    return result


def _row(subscription_id: int, key: str, planned: Planned) -> dict:
    return {
        "key": key,
        "subscription_id": subscription_id,
        "kind": planned.kind,
        "target_date": planned.target_date,
        "due_at": planned.due_at,
        "expires_at": planned.expires_at,
        "state": "pending",
        "attempts": 0,
    }
