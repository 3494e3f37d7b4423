"""Times as people in Vietnam read them: the database keeps UTC, every page and message shows
Vietnam time (Asia/Ho_Chi_Minh, UTC+7 all year).

A fixed UTC+7 stands in when the system has no time-zone database (a slim container
without tzdata): Vietnam has had no daylight saving since 1975, so both give the same times.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _vietnam_zone() -> dt.tzinfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone(dt.timedelta(hours=7), "ICT")


VIETNAM = _vietnam_zone()


def in_vietnam(value: dt.datetime | str) -> dt.datetime:
    """The moment in Vietnam time; a naive value (SQLite gives those) is UTC, as stored."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(VIETNAM)


def vietnam_time(value: dt.datetime | str | None) -> str:
    """Like "14:05 04/12/2026" (hour:minute day/month/year, Vietnam time); "" for no time."""
    if value is None or value == "":
        return ""
    return in_vietnam(value).strftime("%H:%M %d/%m/%Y")
