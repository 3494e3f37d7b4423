"""Times on the staff pages are Vietnam times, with or without a time-zone database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfoNotFoundError

from catalog import vietnam_time

LATE_EVENING_UTC = dt.datetime(2026, 12, 4, 20, 30, tzinfo=dt.timezone.utc)


def test_utc_times_are_shown_as_vietnam_times():
    assert vietnam_time.vietnam_time(LATE_EVENING_UTC) == "03:30 05/12/2026"
    assert vietnam_time.vietnam_time(LATE_EVENING_UTC.isoformat()) == "03:30 05/12/2026"  # as catalog.history gives it
    assert vietnam_time.vietnam_time(LATE_EVENING_UTC.replace(tzinfo=None)) == "03:30 05/12/2026"  # SQLite: naive UTC
    assert vietnam_time.vietnam_time(None) == ""


def test_without_a_time_zone_database_a_fixed_utc_plus_7_gives_the_same_times(monkeypatch):
    def missing(_name):
        raise ZoneInfoNotFoundError("no tzdata")

    monkeypatch.setattr(vietnam_time, "ZoneInfo", missing)
    fixed = vietnam_time._vietnam_zone()
    for month in range(1, 13):  # no daylight saving in Vietnam: the same all year
        moment = dt.datetime(2026, month, 15, 18, 0, tzinfo=dt.timezone.utc)
        assert moment.astimezone(fixed) == moment.astimezone(vietnam_time.VIETNAM)
        assert moment.astimezone(fixed).utcoffset() == dt.timedelta(hours=7)
