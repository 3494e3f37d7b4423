"""Reading an uploaded file: size and row limits, allowed kinds, the version stamp it carries."""

from __future__ import annotations

import tempfile
from pathlib import Path

import settings
from catalog import schema
from catalog.problems import CatalogFileError, Problem
from catalog.reader import read_catalog, read_version_stamp


def max_upload_bytes() -> int:
    return settings.get().office_max_upload_bytes


def max_upload_rows() -> int:
    return settings.get().office_max_upload_rows


def read_upload(content: bytes, filename: str) -> tuple[list, tuple[str, int] | None]:
    """(sheets, (school code, version) stamp or None); raises CatalogFileError."""
    name = Path(filename or "").name or "tep"
    if len(content) > max_upload_bytes():
        limit = max_upload_bytes() / 1024 / 1024
        raise CatalogFileError(
            [Problem(name, 0, "", f"tệp quá lớn ({len(content) / 1024 / 1024:.1f} MB), giới hạn {limit:.0f} MB")]
        )
    if not content:
        raise CatalogFileError([Problem(name, 0, "", "tệp rỗng")])
    suffix = Path(name).suffix.lower()
    known_csv = {spec.filename for spec in schema.FILES.values()}
    if suffix != ".xlsx" and name not in known_csv:
        raise CatalogFileError(
            [
                Problem(
                    name,
                    0,
                    "",
                    "chỉ nhận tệp Excel .xlsx (tải mẫu ở trang của trường) hoặc một tệp " + ", ".join(sorted(known_csv)),
                )
            ]
        )
    with tempfile.TemporaryDirectory(prefix="gdnn-upload-") as folder:
        path = Path(folder) / ("upload.xlsx" if suffix == ".xlsx" else name)
        path.write_bytes(content)
        sheets = read_catalog(path if suffix == ".xlsx" else Path(folder))
        stamp = read_version_stamp(path)
    for sheet in sheets:
        sheet.label = sheet.label.replace("upload.xlsx", name)
    rows = sum(len(s.rows) for s in sheets)
    if rows > max_upload_rows():
        raise CatalogFileError([Problem(name, 0, "", f"tệp có {rows} dòng, giới hạn {max_upload_rows()} dòng mỗi lần")])
    return sheets, stamp
