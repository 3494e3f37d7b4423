"""Read a catalog (folder of CSV files or one .xlsx) into rows of cleaned text cells.

Nothing is interpreted here beyond what the container needs: encodings,
binary files, sizes, formulas and spreadsheet cell types. Typing and checking
values is catalog.validator's job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import settings
from catalog import schema
from catalog.problems import CatalogFileError, Problem

DEFAULT_MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_XLSX_COMPRESSION_RATIO = 200
VERSION_SHEET = "phien_ban"  # hidden sheet of a school download: which school, which version
IGNORED_SHEETS = ("huong_dan", VERSION_SHEET)  # instructions and version stamp are not catalog data
# Every Excel 97-2003 (.xls) file starts with these bytes, and so does an .xlsx saved with a
# password (Excel encrypts it into the same container). openpyxl reads neither.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLD_EXCEL_EXPLANATION = (
    "đây là tệp Excel 97-2003 (.xls) hoặc tệp Excel có đặt mật khẩu, chưa đọc được; hãy mở tệp bằng Excel, "
    'bỏ mật khẩu nếu có, chọn Tệp → Lưu thành → "Excel Workbook (*.xlsx)" (Sổ làm việc Excel) rồi dùng tệp .xlsx đó'
)


@dataclass
class RawSheet:
    spec: schema.FileSpec
    label: str  # how problems name this file
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (spreadsheet row, cells)


def max_file_bytes() -> int:
    return settings.get().catalog_import_max_bytes


def _size_problem(label: str, size: int, limit: int) -> Problem:
    return Problem(
        label,
        0,
        "",
        f"tệp quá lớn ({size / 1048576:.1f} MB), giới hạn {limit / 1048576:.0f} MB; hãy chia thành nhiều tệp (ví dụ theo trường)",
    )


def read_catalog(path: Path, progress=None) -> list[RawSheet]:
    """Raise CatalogFileError with every container-level problem, or return the sheets
    in the format's order (institutions, programmes, events, policies)."""
    path = Path(path)
    order = list(schema.FILES)
    if path.is_dir():
        sheets = _read_folder(path, progress)
    elif path.suffix.lower() == ".xlsx":
        sheets = _read_xlsx(path, progress)
    elif path.suffix.lower() == ".csv" and path.name in {s.filename for s in schema.FILES.values()}:
        sheets = _read_folder(path.parent, progress, only=[path])
    else:
        sheets = None
    if sheets is not None:
        return sorted(sheets, key=lambda sheet: order.index(sheet.spec.name))
    if not path.exists():
        raise CatalogFileError([Problem(str(path), 0, "", "không tìm thấy tệp hoặc thư mục")])
    if _starts_with(path, OLE2_MAGIC):
        raise CatalogFileError([Problem(path.name, 0, "", OLD_EXCEL_EXPLANATION)])
    raise CatalogFileError([Problem(path.name, 0, "", "cần một thư mục các tệp .csv hoặc một tệp .xlsx")])


def _starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(magic)) == magic


def _read_folder(folder: Path, progress, only: list[Path] | None = None) -> list[RawSheet]:
    known = {spec.filename: spec for spec in schema.FILES.values()}
    problems: list[Problem] = []
    sheets: list[RawSheet] = []
    files = only or sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    for file in files:
        if file.suffix.lower() != ".csv":
            continue
        spec = known.get(file.name)
        if spec is None:
            problems.append(
                Problem(
                    file.name,
                    0,
                    "",
                    "tên tệp không thuộc định dạng; chỉ dùng " + ", ".join(sorted(known)),
                )
            )
            continue
        try:
            sheets.append(_read_csv(file, spec, progress))
        except CatalogFileError as error:
            problems.extend(error.problems)
    if not files or (not sheets and not problems):
        problems.append(Problem(folder.name, 0, "", "thư mục không có tệp .csv nào của danh mục"))
    if problems:
        raise CatalogFileError(problems)
    return sheets


def _read_csv(file: Path, spec: schema.FileSpec, progress) -> RawSheet:
    label = file.name
    size = file.stat().st_size
    if size > max_file_bytes():
        raise CatalogFileError([_size_problem(label, size, max_file_bytes())])
    data = file.read_bytes()
    if data[:2] == b"PK":
        raise CatalogFileError(
            [
                Problem(
                    label, 0, "", "đây là tệp Excel hoặc tệp nén, không phải CSV; hãy đặt đuôi .xlsx hoặc lưu lại dạng CSV UTF-8"
                )
            ]
        )
    if b"\x00" in data[:65536]:
        raise CatalogFileError([Problem(label, 0, "", "tệp nhị phân, không phải tệp CSV văn bản")])
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CatalogFileError(
            [
                Problem(
                    label,
                    line,
                    "",
                    "tệp không phải mã UTF-8 (có thể là Windows-1258 hoặc TCVN3); trong Excel hãy chọn "
                    'Lưu thành → "CSV UTF-8 (Comma delimited) (*.csv)"',
                )
            ]
        ) from None
    try:
        records = list(csv.reader(io.StringIO(content, newline=""), strict=True))
    except csv.Error as error:
        raise CatalogFileError([Problem(label, 0, "", f"tệp CSV bị lỗi cấu trúc: {error}")]) from None
    return _to_sheet(spec, label, records, progress)


def _to_sheet(spec: schema.FileSpec, label: str, records: list[list[str]], progress) -> RawSheet:
    if not records or not any(cell.strip() for cell in records[0]):
        raise CatalogFileError([Problem(label, 1, "", "thiếu dòng tiêu đề (tên cột)")])
    header = [schema.clean_cell(cell) for cell in records[0]]
    while header and header[-1] == "":  # trailing empty header cells from spreadsheets
        header.pop()
    sheet = RawSheet(spec, label, header)
    total = len(records) - 1
    for index, record in enumerate(records[1:], start=2):
        cells = [schema.clean_cell(cell) for cell in record]
        if any(cells):
            sheet.rows.append((index, cells))
        if progress and index % 10000 == 0:
            progress(f"{label}: đã đọc {index - 1:,}/{total:,} dòng".replace(",", "."))
    return sheet


def _xlsx_cell_text(value) -> str:
    """Spreadsheet cell → text as the format expects it (numbers without ".0", ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "co" if value else "khong"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _check_zip(path: Path) -> None:
    label = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        reason = OLD_EXCEL_EXPLANATION if _starts_with(path, OLE2_MAGIC) else "tệp .xlsx bị hỏng hoặc không phải tệp Excel"
        raise CatalogFileError([Problem(label, 0, "", reason)]) from None
    total = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if total > MAX_XLSX_UNCOMPRESSED_BYTES or total / packed > MAX_XLSX_COMPRESSION_RATIO:
        raise CatalogFileError([Problem(label, 0, "", "tệp .xlsx giải nén quá lớn (nghi là tệp nén độc hại), không đọc")])


def _read_xlsx(path: Path, progress) -> list[RawSheet]:
    import openpyxl  # imported late: the bot's query path never needs it

    label_prefix = path.name
    if not path.exists():
        raise CatalogFileError([Problem(label_prefix, 0, "", "không tìm thấy tệp")])
    size = path.stat().st_size
    if size > max_file_bytes():
        raise CatalogFileError([_size_problem(label_prefix, size, max_file_bytes())])
    _check_zip(path)
    try:
        # data_only=False: formulas come back as their text ("=A1*2"), never evaluated;
        # keep_links=False: external links are not loaded.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many types for broken files
        raise CatalogFileError([Problem(label_prefix, 0, "", f"không đọc được tệp .xlsx ({type(error).__name__})")]) from None
    problems: list[Problem] = []
    sheets: list[RawSheet] = []
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip()
            spec = schema.FILES.get(name)
            label = f"{label_prefix}#{name}"
            if spec is None:
                if name not in IGNORED_SHEETS:
                    problems.append(
                        Problem(label, 0, "", "tên trang tính không thuộc định dạng; chỉ dùng " + ", ".join(schema.FILES))
                    )
                continue
            records = [[_xlsx_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
            try:
                sheets.append(_to_sheet(spec, label, records, progress))
            except CatalogFileError as error:
                problems.extend(error.problems)
    finally:
        workbook.close()
    if not sheets and not problems:
        problems.append(Problem(label_prefix, 0, "", "tệp không có trang tính nào của danh mục"))
    if problems:
        raise CatalogFileError(problems)
    return sheets


def sheet_from_rows(spec: schema.FileSpec, label: str, rows: list[list[str]]) -> RawSheet:
    """Rows of cells kept elsewhere (a stored school version) → a sheet the validator reads."""
    return _to_sheet(spec, label, [list(spec.column_names), *rows], None)


def read_version_stamp(path: Path) -> tuple[str, int] | None:
    """(institution code, version) from the hidden sheet of a downloaded school workbook."""
    import openpyxl

    if path.suffix.lower() != ".xlsx":
        return None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception:  # unreadable files are reported by read_catalog
        return None
    try:
        if VERSION_SHEET not in workbook.sheetnames:
            return None
        cells = {
            str(row[0]).strip(): row[1]
            for row in workbook[VERSION_SHEET].iter_rows(min_row=1, max_row=5, max_col=2, values_only=True)
            if row and row[0] is not None and len(row) > 1
        }
    finally:
        workbook.close()
    try:
        return str(cells["institution_code"]).strip(), int(cells["version"])
    except (KeyError, TypeError, ValueError):
        return None
