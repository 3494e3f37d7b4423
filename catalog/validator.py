"""Check every row of a read catalog against the format and turn cells into typed values.

All problems are collected (not just the first) so an admissions officer can
fix a spreadsheet in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from catalog import schema
from catalog.problems import Problem
from catalog.reader import RawSheet


@dataclass
class Record:
    row: int
    values: dict  # column name → typed value (None for empty)

    def key(self, spec: schema.FileSpec) -> tuple:
        return tuple(self.values[c] for c in spec.key)


@dataclass
class ValidatedCatalog:
    records: dict[str, list[Record]] = field(default_factory=dict)  # file name → rows
    labels: dict[str, str] = field(default_factory=dict)  # file name → label for problems
    columns: dict[str, frozenset[str]] = field(default_factory=dict)  # file name → columns the file has
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.records


def validate(
    sheets: list[RawSheet], known_institution_codes: set[str], known_occupation_codes: set[str] = frozenset()
) -> ValidatedCatalog:
    """`known_*`: codes already in the catalog, which the file may refer to without listing them."""
    result = ValidatedCatalog()
    for sheet in sheets:
        if sheet.spec.name in result.records:
            result.errors.append(Problem(sheet.label, 0, "", "trang tính bị lặp lại"))
            continue
        result.labels[sheet.spec.name] = sheet.label
        result.columns[sheet.spec.name] = frozenset(sheet.header)
        result.records[sheet.spec.name] = _validate_sheet(sheet, result)
    institution_codes = known_institution_codes | {
        r.values["code"] for r in result.records.get("institutions", []) if r.values.get("code")
    }
    occupation_codes = set(known_occupation_codes) | {
        r.values["code"] for r in result.records.get("occupations", []) if r.values.get("code")
    }
    _check_references(result, institution_codes, occupation_codes)
    return result


def _validate_header(sheet: RawSheet, result: ValidatedCatalog) -> bool:
    ok = True
    allowed = set(sheet.spec.column_names)
    seen: set[str] = set()
    for name in sheet.header:
        if name == "":
            result.errors.append(Problem(sheet.label, 1, "", "có cột không có tên"))
            ok = False
        elif name not in allowed:
            result.errors.append(
                Problem(
                    sheet.label, 1, name, "cột không có trong định dạng; các cột hợp lệ: " + ", ".join(sheet.spec.column_names)
                )
            )
            ok = False
        elif name in seen:
            result.errors.append(Problem(sheet.label, 1, name, "cột bị lặp lại"))
            ok = False
        seen.add(name)
    for column in sheet.spec.columns:
        if column.required and column.name not in seen:
            result.errors.append(Problem(sheet.label, 1, column.name, "thiếu cột bắt buộc"))
            ok = False
    return ok


def _validate_sheet(sheet: RawSheet, result: ValidatedCatalog) -> list[Record]:
    if not _validate_header(sheet, result):
        return []
    spec = sheet.spec
    width = len(sheet.header)
    records: list[Record] = []
    first_row_of_key: dict[tuple, int] = {}
    for row_number, cells in sheet.rows:
        if len(cells) > width and any(cells[width:]):
            result.errors.append(Problem(sheet.label, row_number, "", "dòng có nhiều ô hơn số cột tiêu đề"))
            continue
        values: dict = {name: None for name in spec.column_names}
        failed: set[str] = set()
        for name, cell in zip(sheet.header, cells):
            column = spec.column(name)
            if cell == "":
                continue
            try:
                value = column.parse(cell)
            except schema.CellError as error:
                result.errors.append(Problem(sheet.label, row_number, name, str(error)))
                failed.add(name)
                continue
            if isinstance(value, schema.Warned):
                result.warnings.append(Problem(sheet.label, row_number, name, value.warning, warning=True))
                value = value.value
            values[name] = value
        for column in spec.columns:
            if column.required and values[column.name] is None and column.name not in failed:
                result.errors.append(Problem(sheet.label, row_number, column.name, "ô bắt buộc đang trống"))
                failed.add(column.name)
        if failed:
            continue
        record = Record(row_number, values)
        key = record.key(spec)
        if key in first_row_of_key:
            result.errors.append(
                Problem(
                    sheet.label,
                    row_number,
                    spec.key[-1],
                    f'mã "{"/".join(key)}" bị trùng với dòng {first_row_of_key[key]}',
                )
            )
            continue
        first_row_of_key[key] = row_number
        _check_row(spec, record, sheet.label, result)
        records.append(record)
    return records


_NATIONAL_CODE = re.compile(r"^\d{7}$")


def _check_row(spec: schema.FileSpec, record: Record, label: str, result: ValidatedCatalog) -> None:
    v = record.values
    if spec is schema.EVENTS and v["end_date"] and v["end_date"] < v["start_date"]:
        result.errors.append(Problem(label, record.row, "end_date", "ngày kết thúc trước ngày bắt đầu"))
    if spec is schema.POLICIES and v["effective_from"] and v["effective_to"] and v["effective_to"] < v["effective_from"]:
        result.errors.append(Problem(label, record.row, "effective_to", "ngày hết hiệu lực trước ngày có hiệu lực"))
    if spec is schema.PROGRAMMES and v["employment_rate_percent"] is not None and v["employment_rate_year"] is None:
        result.errors.append(
            Problem(label, record.row, "employment_rate_year", "có tỷ lệ việc làm thì phải ghi năm tốt nghiệp của số liệu đó")
        )
    if (
        spec is schema.LABOUR_MARKET
        and v["income_min_vnd_per_month"] is not None
        and v["income_max_vnd_per_month"] is not None
        and v["income_max_vnd_per_month"] < v["income_min_vnd_per_month"]
    ):
        result.errors.append(
            Problem(label, record.row, "income_max_vnd_per_month", "thu nhập cao nhất nhỏ hơn thu nhập thấp nhất")
        )
    if spec is schema.PROGRAMMES and _NATIONAL_CODE.match(v["code"]):
        expected = {"5": "trung_cap", "6": "cao_dang"}.get(v["code"][0])
        if expected and expected != v["level"]:
            result.warnings.append(
                Problem(
                    label,
                    record.row,
                    "level",
                    f"mã {v['code']} là mã trình độ {expected} nhưng cột level ghi {v['level']}",
                    warning=True,
                )
            )


def _check_references(result: ValidatedCatalog, institution_codes: set[str], occupation_codes: set[str]) -> None:
    """Codes that must name a row of another sheet or of the catalog."""
    references = (
        (("programmes", "events"), "institution_code", institution_codes, "cơ sở", "institutions"),
        (("programmes", "labour_market"), "occupation_code", occupation_codes, "nghề", "occupations"),
    )
    for sheets, column, known, what, sheet in references:
        for name in sheets:
            for record in result.records.get(name, []):
                code = record.values.get(column)
                if code and code not in known:
                    result.errors.append(
                        Problem(
                            result.labels[name],
                            record.row,
                            column,
                            f'không có {what} mã "{code}" trong tệp {sheet} hay trong danh mục',
                        )
                    )
