"""actions.replies: Vietnamese formats and "chưa có thông tin"."""

import datetime as dt
from dataclasses import fields

from actions import replies
from catalog.queries import InstitutionInfo, ProgrammeInfo


def test_money_uses_dots():
    assert replies.money(9800000) == "9.800.000 đ"
    assert replies.money(None) == "chưa có thông tin"


def _programme(tuition, level="trung_cap", months=24):
    school = InstitutionInfo(*[None] * len(fields(InstitutionInfo)))
    values = {f.name: None for f in fields(ProgrammeInfo)}
    values.update(tuition_vnd_per_year=tuition, level=level, duration_months=months, institution=school)
    return ProgrammeInfo(**values)


def test_tuition_says_free_per_course_and_unknown_without_per_year():
    assert replies.tuition(_programme(9800000)) == "9.800.000 đ/năm"
    assert replies.tuition(_programme(0)) == "miễn học phí"
    assert replies.tuition(_programme(3500000, level="so_cap", months=3)) == "3.500.000 đ/khóa"
    assert replies.tuition(_programme(None)) == "chưa có thông tin"
    assert replies.programme_line(_programme(None)).endswith("học phí chưa có thông tin")


def test_button_titles_are_cut_between_words():
    title = replies.short("Trường Cao đẳng Kỹ thuật Công nghiệp Việt - Hàn Bình Minh")
    assert len(title) <= 40 and title.endswith("…")
    assert "Trường Cao đẳng Kỹ thuật Công nghiệp Việt - Hàn Bình Minh".startswith(title[:-1])
    assert title[:-1].split()[-1] in "Trường Cao đẳng Kỹ thuật Công nghiệp Việt - Hàn Bình Minh".split()
    assert replies.short("Hàn (trung cấp)") == "Hàn (trung cấp)"


def test_dates_are_day_month_year():
    assert replies.date(dt.date(2026, 12, 15)) == "15/12/2026"
    assert replies.date(None) == "chưa có thông tin"


def test_months_read_naturally():
    assert [replies.months(m) for m in (3, 18, 24, 30, None)] == ["3 tháng", "1,5 năm", "2 năm", "2,5 năm", "chưa có thông tin"]


def test_paging_keeps_five():
    first, rest = replies.paged([str(i) for i in range(12)])
    assert first == ["0", "1", "2", "3", "4"] and len(rest) == 7


def test_pages_keep_to_a_character_budget_but_never_empty():
    first, rest = replies.paged(["x" * 300] * 4, 800)
    assert len(first) == 2 and len(rest) == 2
    first, rest = replies.paged(["x" * 2000], 800)
    assert len(first) == 1 and rest == []
