"""actions.replies: Vietnamese formats and "chưa có thông tin"."""

import datetime as dt

from actions import replies


def test_money_uses_dots_and_says_free():
    assert replies.money(9800000) == "9.800.000 đ"
    assert replies.money(0) == "miễn phí (0 đ)"
    assert replies.money(None) == "chưa có thông tin"


def test_dates_are_day_month_year():
    assert replies.date(dt.date(2026, 12, 15)) == "15/12/2026"
    assert replies.date(None) == "chưa có thông tin"


def test_months_read_naturally():
    assert [replies.months(m) for m in (3, 18, 24, 30, None)] == ["3 tháng", "1,5 năm", "2 năm", "2,5 năm", "chưa có thông tin"]


def test_paging_keeps_five():
    first, rest = replies.paged([str(i) for i in range(12)])
    assert first == ["0", "1", "2", "3", "4"] and len(rest) == 7
