"""Reading an uploaded file: size and row limits, allowed kinds, the version stamp it carries.

Officers upload what their computer made: a workbook renamed by hand, a sheet Excel saved
as CSV under the workbook's name, a copy the browser called "programmes (1).csv". What a
file is, is decided by its content; its own name is what every problem is reported under.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import tempfile
from pathlib import Path, PureWindowsPath

import settings
from catalog import schema
from catalog.history import SCHOOL_SHEETS
from catalog.problems import CatalogFileError, Problem
from catalog.reader import OLD_EXCEL_EXPLANATION, OLE2_MAGIC, read_catalog, read_version_stamp

SUFFIXES = (".xlsx", ".xls", ".csv")
ZIP_MAGIC = b"PK"  # an .xlsx workbook is a zip archive
EXPECTED = (
    "hãy tải lên tệp Excel .xlsx của trường (tải về ở trang của trường, sửa rồi tải lên) hoặc tệp mẫu đã điền; "
    "cũng nhận tệp CSV UTF-8 của một trang tính (" + ", ".join(f"{name}.csv" for name in SCHOOL_SHEETS) + ")"
)
_BROWSER_COPY = re.compile(r"\s*\(\d+\)$")  # "programmes (1)": the browser's name for a second download


def max_upload_bytes() -> int:
    return settings.get().office_max_upload_bytes


def max_upload_rows() -> int:
    return settings.get().office_max_upload_rows


def read_upload(content: bytes, filename: str) -> tuple[list, tuple[str, int] | None]:
    """(sheets, (school code, version) stamp or None); raises CatalogFileError."""
    name = PureWindowsPath(filename or "").name or "tep"  # also drops "C:\\fakepath\\" and "/"-paths
    if len(content) > max_upload_bytes():
        limit = max_upload_bytes() / 1024 / 1024
        raise CatalogFileError(
            [Problem(name, 0, "", f"tệp quá lớn ({len(content) / 1024 / 1024:.1f} MB), giới hạn {limit:.0f} MB")]
        )
    if not content:
        raise CatalogFileError([Problem(name, 0, "", "tệp rỗng")])
    if Path(name).suffix.lower() not in SUFFIXES:
        raise CatalogFileError([Problem(name, 0, "", f"không phải tệp Excel .xlsx hay tệp CSV; {EXPECTED}")])
    if content.startswith(OLE2_MAGIC):
        raise CatalogFileError([Problem(name, 0, "", OLD_EXCEL_EXPLANATION)])
    if content.startswith(ZIP_MAGIC):  # a workbook, whatever its name says
        sheets, stamp = _read(content, "upload.xlsx", name)
    else:
        spec = _csv_sheet(content, name)
        label = name if name == spec.filename else f"{name}#{spec.name}"
        sheets, stamp = _read(content, spec.filename, label)
    rows = sum(len(s.rows) for s in sheets)
    if rows > max_upload_rows():
        raise CatalogFileError([Problem(name, 0, "", f"tệp có {rows} dòng, giới hạn {max_upload_rows()} dòng mỗi lần")])
    return sheets, stamp


def _read(content: bytes, stored_as: str, label: str) -> tuple[list, tuple[str, int] | None]:
    """Reads the content saved under the name the reader expects; problems and sheets are
    then labelled with the officer's own file name."""
    with tempfile.TemporaryDirectory(prefix="gdnn-upload-") as folder:
        path = Path(folder) / stored_as
        path.write_bytes(content)
        try:
            sheets = read_catalog(path)
        except CatalogFileError as error:
            problems = [dataclasses.replace(p, file=_renamed(p.file, stored_as, label)) for p in error.problems]
            raise CatalogFileError(problems) from None
        stamp = read_version_stamp(path)
    for sheet in sheets:
        sheet.label = _renamed(sheet.label, stored_as, label)
    return sheets, stamp


def _renamed(file_label: str, stored_as: str, label: str) -> str:
    """A label of the stored file under the officer's name: upload.xlsx#programmes → truong-toi.xlsx#programmes."""
    return label + file_label[len(stored_as) :] if file_label.startswith(stored_as) else file_label


def _csv_sheet(content: bytes, name: str) -> schema.FileSpec:
    """The sheet a CSV file holds: the one its name says ("programmes.csv", "Programmes (1).csv"),
    else the one its header row fits (Excel names a CSV after the workbook): every required
    column there, and more of its columns than of any other sheet's. A misspelt column then
    gets its own error from the validator."""
    stem = _BROWSER_COPY.sub("", Path(name).stem).strip().lower()
    if stem in schema.FILES:
        return schema.FILES[stem]
    header = _header(content)
    fits = sorted(
        ((len(header & set(spec.column_names)), spec.name) for spec in schema.FILES.values() if _has_required(spec, header)),
        reverse=True,
    )
    if len(fits) == 1 or (len(fits) > 1 and fits[0][0] > fits[1][0]):
        return schema.FILES[fits[0][1]]
    if Path(name).suffix.lower() == ".csv":
        reason = "không nhận ra tệp CSV này là trang tính nào: dòng đầu phải là tên cột như trong tệp mẫu"
    else:
        reason = f"tệp không phải tệp Excel {Path(name).suffix.lower()} (có thể bị hỏng hoặc chỉ đổi tên đuôi)"
    raise CatalogFileError([Problem(name, 0, "", f"{reason}; {EXPECTED}")])


def _has_required(spec: schema.FileSpec, header: set[str]) -> bool:
    return all(column.name in header for column in spec.columns if column.required)


def _header(content: bytes) -> set[str]:
    """The column names of a CSV's first line; empty when it is no CSV text at all."""
    if b"\x00" in content[:65536]:
        return set()
    first_line = content[:65536].decode("utf-8-sig", errors="replace").splitlines()[:1]
    try:
        cells = next(csv.reader(first_line), [])
    except csv.Error:
        return set()
    return {schema.clean_cell(cell) for cell in cells} - {""}
