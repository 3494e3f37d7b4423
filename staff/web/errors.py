"""One mapping from the data layer's refusals to HTTP answers, for the API (JSON) and the pages."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import JSONResponse

from staff.errors import CatalogFileError, Conflict, Forbidden, NotFound, problems_as_dicts


@dataclass(frozen=True)
class Refusal:
    status: int
    detail: str
    problems: list


def refusal_for(error: Exception) -> Refusal | None:
    """The HTTP status and Vietnamese message for a data-layer error (None: not a refusal)."""
    if isinstance(error, Forbidden):
        return Refusal(403, "Tệp có dòng ngoài quyền của tài khoản; không có gì được ghi.", error.problems)
    if isinstance(error, Conflict):
        return Refusal(409, "Dữ liệu đã thay đổi; không có gì được ghi.", error.problems)
    if isinstance(error, NotFound):
        return Refusal(404, "Không tìm thấy.", [])
    if isinstance(error, CatalogFileError):
        return Refusal(422, "Tệp có lỗi; không có gì được ghi.", error.problems)
    return None


REFUSALS = (Forbidden, Conflict, NotFound, CatalogFileError)


def json_error(status: int, detail: str, problems=()) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": problems_as_dicts(list(problems))}, status_code=status)


def json_refusal(error: Exception) -> JSONResponse:
    refusal = refusal_for(error)
    return json_error(refusal.status, refusal.detail, refusal.problems)
