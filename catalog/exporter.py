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
        return schema.escape_cell(";".join(value))
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

    `empty=True` writes only the headers of every file and column: the template people fill in.
    Otherwise a file or column newer than format v1 is written only when some row uses it,
    so a v1 catalog exports exactly as it did before v1.1.
    """
    target = Path(target)
    tables = used_tables(catalog_rows(url, empty=empty), every=empty)
    if target.suffix.lower() == ".xlsx":
        _write_xlsx(target, tables)
    else:
        _write_csv_folder(target, tables)
    return {name: len(rows) for name, (_, rows) in tables.items()}


Tables = dict[str, tuple[tuple[str, ...], list[list[str]]]]  # file name → (column names, rows)


def used_tables(rows: dict[str, list[list[str]]], *, every: bool) -> Tables:
    """The files and columns to write: all of them when `every`, otherwise the v1 ones and
    the newer ones that hold a value."""
    tables: Tables = {}
    for name, spec in schema.FILES.items():
        if name not in rows:
            continue
        table = rows[name]
        if not every and spec.since != "1" and not table:
            continue
        keep = [i for i, c in enumerate(spec.columns) if every or c.since == "1" or any(row[i] for row in table)]
        tables[name] = (tuple(spec.columns[i].name for i in keep), [[row[i] for i in keep] for row in table])
    return tables


def _write_csv_folder(folder: Path, tables: Tables) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (columns, rows) in tables.items():
        path = folder / schema.FILES[name].filename
        tmp = path.with_suffix(".csv.tmp")
        with tmp.open("w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows(rows)
        tmp.replace(path)


_NUMERIC = {
    "duration_months",
    "tuition_vnd_per_year",
    "quota",
    "employment_rate_percent",
    "employment_rate_year",
    "graduate_income_vnd_per_month",
    "income_min_vnd_per_month",
    "income_max_vnd_per_month",
}


def school_workbook(path: Path, rows: dict[str, list[list[str]]], institution_code: str, version: int) -> None:
    """One school's rows with a hidden version stamp, so an upload made from this file
    is merged with changes others made since (see staff.school_updates). Every column is
    there, so an office can fill in what the format added since its last download."""
    _write_xlsx(path, used_tables(rows, every=True), stamp={"institution_code": institution_code, "version": version})


def _write_xlsx(path: Path, tables: Tables, stamp: dict | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    guide = workbook.active
    guide.title = "huong_dan"
    _write_guide(guide)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for name, (columns, rows) in tables.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
        numeric = [i for i, c in enumerate(columns) if c in _NUMERIC]
        for row in rows:
            values: list = list(row)
            for i in numeric:
                if values[i]:
                    values[i] = int(values[i])
            sheet.append(values)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(14, min(40, len(column) + 4))
            choices = _choices(column)
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
        "demand": schema.DEMANDS,
    }.get(column)


def _write_guide(sheet) -> None:
    from openpyxl.styles import Font

    sheet.append([f"Hướng dẫn điền danh mục (định dạng v{schema.FORMAT_VERSION})"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Mỗi trang tính là một bảng. Không đổi tên trang tính, không đổi tên cột. Ô trống = không có thông tin."])
    sheet.append(["Ngày ghi NGÀY/THÁNG/NĂM (31/08/2027) hoặc NĂM-THÁNG-NGÀY (2027-08-31); ô ngày của Excel cũng được."])
    sheet.append(["Số tiền ghi số đồng, có thể có dấu chấm và chữ đ: 10.500.000 đ."])
    sheet.append(["Cột có mã (cấp, nhóm ngành…) ghi mã hoặc tên tiếng Việt, có dấu hay không: cao_dang, cao đẳng, cao dang."])
    sheet.append(["Trang này không được nạp vào danh mục."])
    sheet.append([])
    sheet.append(["Trang tính", "Cột", "Bắt buộc", "Ý nghĩa"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for name, spec in schema.FILES.items():
        for column in spec.columns:
            since = "" if column.since == "1" else f" (thêm từ v{column.since})"
            sheet.append([name, column.name, "có" if column.required else "", column.description + since])
    sheet.append([])
    sheet.append(["Nhóm ngành (field)", ", ".join(schema.FIELDS)])
    sheet.append(["Nhóm người học (learner_groups)", ", ".join(schema.LEARNER_GROUPS)])
    sheet.append(["Nhu cầu tuyển dụng (demand)", ", ".join(schema.DEMANDS)])
    sheet.append(["Mã Holland (riasec)", "R Kỹ thuật, I Nghiên cứu, A Nghệ thuật, S Xã hội, E Quản lý, C Nghiệp vụ"])
    for letter, width in zip("ABCD", (22, 24, 10, 80)):
        sheet.column_dimensions[letter].width = width
