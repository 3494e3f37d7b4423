"""Write the catalog back out in the interchange format (CSV folder or .xlsx workbook).

Rows are sorted by their key and values written in one canonical form, so an
export is stable: export → import into an empty catalog → export gives
identical files. Cells that a spreadsheet would execute are escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from catalog import db, schema, snapshot
from catalog.migrate import migrate

CSV_ENCODING = "utf-8-sig"  # with BOM, so Excel opens Vietnamese text correctly


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "co" if value else "khong"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return ";".join(value)
    return schema.escape_cell(str(value))


def catalog_rows(url: str | None = None, *, empty: bool = False) -> dict[str, list[list[str]]]:
    """file name → rows of text cells (header excluded), sorted by key."""
    migrate(url)
    out: dict[str, list[list[str]]] = {}
    with db.session(url) as session:
        for name, spec in schema.FILES.items():
            rows = {} if empty else snapshot.load(session, name)
            out[name] = [[cell_text(rows[key][c]) for c in spec.column_names] for key in sorted(rows)]
    return out


def export_catalog(target: Path | str, url: str | None = None, *, empty: bool = False) -> dict[str, int]:
    """Write to a folder (CSV files) or a `.xlsx` file; returns rows written per file.

    `empty=True` writes only the headers: the template admissions offices fill in.
    """
    target = Path(target)
    rows = catalog_rows(url, empty=empty)
    if target.suffix.lower() == ".xlsx":
        _write_xlsx(target, rows)
    else:
        _write_csv_folder(target, rows)
    return {name: len(r) for name, r in rows.items()}


def _write_csv_folder(folder: Path, rows: dict[str, list[list[str]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in schema.FILES.items():
        path = folder / spec.filename
        tmp = path.with_suffix(".csv.tmp")
        with tmp.open("w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(spec.column_names)
            writer.writerows(rows[name])
        tmp.replace(path)


_NUMERIC = {"duration_months", "tuition_vnd_per_year", "quota"}


def school_workbook(path: Path, rows: dict[str, list[list[str]]], institution_code: str, version: int) -> None:
    """One school's rows with a hidden version stamp, so an upload made from this file
    is merged with changes others made since (see staff.school_updates)."""
    _write_xlsx(path, rows, stamp={"institution_code": institution_code, "version": version})


def _write_xlsx(path: Path, rows: dict[str, list[list[str]]], stamp: dict | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    guide = workbook.active
    guide.title = "huong_dan"
    _write_guide(guide)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for name, spec in schema.FILES.items():
        if name not in rows:
            continue
        sheet = workbook.create_sheet(name)
        sheet.append(list(spec.column_names))
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
        numeric = [i for i, c in enumerate(spec.column_names) if c in _NUMERIC]
        for row in rows[name]:
            values: list = list(row)
            for i in numeric:
                if values[i]:
                    values[i] = int(values[i])
            sheet.append(values)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(14, min(40, len(column.name) + 4))
            choices = _choices(column.name)
            if choices:
                validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
                validation.error = "Chọn một giá trị trong danh sách"
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}5000")
        for cell in sheet[1]:
            cell.alignment = Alignment(vertical="top")
    if stamp:
        from catalog.reader import VERSION_SHEET

        stamp_sheet = workbook.create_sheet(VERSION_SHEET)
        for item in stamp.items():
            stamp_sheet.append(list(item))
        stamp_sheet.sheet_state = "hidden"
    tmp = path.with_suffix(".xlsx.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(tmp)
    tmp.replace(path)


def _choices(column: str) -> tuple[str, ...] | None:
    return {
        "kind": schema.INSTITUTION_KINDS,
        "ownership": schema.OWNERSHIPS,
        "dormitory": ("co", "khong"),
        "level": schema.LEVELS,
        "field": schema.FIELDS,
        "entry_requirement": schema.ENTRY_REQUIREMENTS,
    }.get(column)


def _write_guide(sheet) -> None:
    from openpyxl.styles import Font

    sheet.append([f"Hướng dẫn điền danh mục (định dạng v{schema.FORMAT_VERSION})"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Mỗi trang tính là một bảng. Không đổi tên trang tính, không đổi tên cột. Ô trống = không có thông tin."])
    sheet.append(["Ngày ghi dạng NĂM-THÁNG-NGÀY, ví dụ 2026-12-15. Trang này không được nạp vào danh mục."])
    sheet.append([])
    sheet.append(["Trang tính", "Cột", "Bắt buộc", "Ý nghĩa"])
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for name, spec in schema.FILES.items():
        for column in spec.columns:
            sheet.append([name, column.name, "có" if column.required else "", column.description])
    sheet.append([])
    sheet.append(["Nhóm ngành (field)", ", ".join(schema.FIELDS)])
    sheet.append(["Nhóm người học (learner_groups)", ", ".join(schema.LEARNER_GROUPS)])
    for letter, width in zip("ABCD", (22, 24, 10, 80)):
        sheet.column_dimensions[letter].width = width
