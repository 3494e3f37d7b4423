"""catalog.schema's cell parsers: what officers type is read, what is ambiguous is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog import schema
from vntext import folding


def parse(sheet: str, column: str, text: str):
    return schema.FILES[sheet].column(column).parse(schema.clean_cell(text))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("31/08/2027", dt.date(2027, 8, 31)),
        ("6/9/2027", dt.date(2027, 9, 6)),
        ("31-08-2027", dt.date(2027, 8, 31)),
        ("31.08.2027", dt.date(2027, 8, 31)),
        ("2027-08-31", dt.date(2027, 8, 31)),
        (" 2027-8-5 ", dt.date(2027, 8, 5)),
    ],
)
def test_dates_day_first_or_as_the_format_writes_them(text, expected):
    assert parse("programmes", "application_deadline", text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("31/02/2027", 'ngày "31/02/2027" không tồn tại'),
        ("08/31/2027", "ghi ngày trước, tháng sau"),
        ("31/08/27", "ghi năm đủ 4 chữ số"),
        ("2027-02-30", "không tồn tại"),
        ("cuối tháng 8", "ghi NGÀY/THÁNG/NĂM (31/08/2027) hoặc NĂM-THÁNG-NGÀY (2027-08-31)"),
    ],
)
def test_dates_that_cannot_be_read_say_why(text, reason):
    with pytest.raises(schema.CellError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse("programmes", "application_deadline", text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10500000", 10500000),
        ("10.500.000 đ", 10500000),
        ("10,500,000đ", 10500000),
        ("10 500 000", 10500000),
        ("10\u00a0500\u00a0000 ₫", 10500000),  # Excel's non-breaking spaces
        ("10.500.000 VNĐ", 10500000),
        ("10.500.000 vnd", 10500000),
        ("10.500.000 đồng", 10500000),
        ("10.500.000,00", 10500000),
        ("10,500,000.00", 10500000),
        ("0", 0),
    ],
)
def test_money_as_offices_write_it(text, expected):
    for sheet, column in (
        ("programmes", "tuition_vnd_per_year"),
        ("programmes", "graduate_income_vnd_per_month"),
        ("labour_market", "income_min_vnd_per_month"),
        ("labour_market", "income_max_vnd_per_month"),
    ):
        assert parse(sheet, column, text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("10,5", "thập phân"),
        ("10.5 triệu", "không phải số nguyên"),
        ("10500000.5", "thập phân"),
        ("10,500.000", "thập phân"),  # ten thousand five hundred, or ten and a half million?
        ("10.500.000.00", "thập phân"),
        ("-500.000", "không được âm"),
        ("chín triệu", "không phải số nguyên"),
        ("99.999.999.999.999", "quá lớn"),
    ],
)
def test_money_that_is_ambiguous_is_refused(text, reason):
    with pytest.raises(schema.CellError, match=reason):
        parse("programmes", "tuition_vnd_per_year", text)


@pytest.mark.parametrize(
    "sheet, column, text, expected",
    [
        ("programmes", "level", "cao đẳng", "cao_dang"),
        ("programmes", "level", "Cao Đẳng", "cao_dang"),
        ("programmes", "level", "cao dang", "cao_dang"),
        ("programmes", "level", "CAO_DANG", "cao_dang"),
        ("programmes", "level", "Sơ cấp", "so_cap"),
        ("programmes", "entry_requirement", "THPT", "thpt"),
        ("programmes", "entry_requirement", "trung học cơ sở", "thcs"),
        ("programmes", "entry_requirement", "Không", "khong"),
        ("programmes", "field", "Điện - điện tử", "dien_dien_tu"),
        ("programmes", "field", "sức khoẻ", "suc_khoe"),
        ("institutions", "kind", "Trung tâm GDNN-GDTX", "trung_tam_gdnn_gdtx"),
        ("institutions", "ownership", "Tư thục", "tu_thuc"),
        ("institutions", "dormitory", "có", True),
        ("institutions", "dormitory", "co", True),
        ("institutions", "dormitory", "KHÔNG", False),
        ("institutions", "dormitory", "khong", False),
        ("labour_market", "demand", "Trung bình", "trung_binh"),
        ("labour_market", "scope", "Toàn quốc", "toan_quoc"),
        ("policies", "scope", "toan quoc", "toan_quoc"),
        ("policies", "levels", "Cao đẳng; trung cap", ("trung_cap", "cao_dang")),
        ("policies", "learner_groups", "hộ nghèo;Người khuyết tật", ("ho_ngheo", "khuyet_tat")),
    ],
)
def test_enum_labels_with_or_without_diacritics(sheet, column, text, expected):
    assert parse(sheet, column, text) == expected


def test_every_code_of_every_enum_is_read_from_its_labels():
    for codes in (
        schema.INSTITUTION_KINDS,
        schema.OWNERSHIPS,
        schema.LEVELS,
        schema.ENTRY_REQUIREMENTS,
        schema.FIELDS,
        schema.LEARNER_GROUPS,
        schema.DEMANDS,
        schema.YES_NO,
        (schema.NATIONAL_SCOPE,),
    ):
        for code in codes:
            assert code in schema.LABELS, code
            for label in schema.LABELS[code]:
                assert schema.enum(*codes)(label) == code
                assert schema.enum(*codes)(folding.fold(label).upper()) == code


def test_a_label_that_would_name_two_codes_is_a_programming_error():
    with pytest.raises(ValueError, match="both"):
        schema.enum("cao_dang", "cao dang")


def test_a_wrong_enum_value_lists_codes_and_labels():
    with pytest.raises(schema.CellError) as caught:
        parse("programmes", "level", "đại học")
    assert str(caught.value) == (
        'giá trị "đại học" không hợp lệ; dùng một trong: so_cap (sơ cấp), trung_cap (trung cấp), cao_dang (cao đẳng)'
    )


def test_a_quota_too_large_for_a_school_is_a_typing_slip_not_a_database_error():
    assert parse("programmes", "quota", "1.200") == 1200
    with pytest.raises(schema.CellError, match="ngoài khoảng"):
        parse("programmes", "quota", "99999999999")
