"""How the staff pages write amounts of money and catalog cells."""

from __future__ import annotations

from staff.web.rendering import cell, money


def test_money_has_dots_between_thousands_and_the_dong_sign():
    assert money(10500000) == "10.500.000 đ"
    assert money("11200000") == "11.200.000 đ"
    assert money(0) == "0 đ"
    assert money(950) == "950 đ"


def test_text_that_is_not_a_whole_amount_is_shown_as_it_is():
    assert money("mười triệu") == "mười triệu"
    assert money("") == ""
    assert money(None) == ""


def test_cells_show_money_only_in_money_columns():
    assert cell("10500000", "tuition_vnd_per_year") == "10.500.000 đ"
    assert cell("9000000", "graduate_income_vnd_per_month") == "9.000.000 đ"
    assert cell("120", "quota") == "120"
    assert cell("", "quota") == "(trống)"
