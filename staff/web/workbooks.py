"""The school's workbook as a download (API and pages)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.responses import Response

from staff import school_updates

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(code: str, url: str | None) -> Response:
    with tempfile.TemporaryDirectory(prefix="gdnn-download-") as folder:
        path = Path(folder) / f"{code}.xlsx"
        version = school_updates.write_school_workbook(path, code, url)
        content = path.read_bytes()
    return Response(
        content,
        media_type=XLSX,
        headers={
            "content-disposition": f'attachment; filename="du-lieu-{code}-phien-ban-{version}.xlsx"',
        },
    )
