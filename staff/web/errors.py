"""One mapping from refusals to HTTP answers, for the API (JSON) and the pages: the data
layer's refusals, and the web framework's own (unknown address, wrong method)."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from staff.errors import CatalogFileError, Conflict, Forbidden, NotFound, problems_as_dicts
from staff.web.rendering import render


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


# --- the framework's own refusals: unknown address, wrong method ----------------------------


@dataclass(frozen=True)
class Answer:
    title: str  # the page's heading
    page: str  # for a person in a browser
    detail: str  # for a script: `{"detail": …}`


FRAMEWORK_ANSWERS = {
    404: Answer(
        "Không tìm thấy trang",
        "Không có trang này. Hãy kiểm tra lại đường dẫn, hoặc về trang chính.",
        "Không có trang hay địa chỉ này.",
    ),
    405: Answer(
        "Không mở được theo cách này",
        "Trang này chỉ mở được bằng nút trên trang, không mở trực tiếp bằng đường dẫn. Hãy quay lại trang trước.",
        "Địa chỉ này không nhận phương thức {method}.",
    ),
}
OTHER_ANSWER = Answer("Không thực hiện được", "Yêu cầu này không thực hiện được.", "Yêu cầu này không thực hiện được.")


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """Vietnamese answers instead of Starlette's English "Not Found" / "Method Not Allowed":
    a page for browsers, `{"detail": …}` like the rest of the API for scripts. A refusal
    raised with its own (Vietnamese) detail keeps it; its headers (Allow, WWW-Authenticate) too."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        answer = FRAMEWORK_ANSWERS.get(error.status_code, OTHER_ANSWER)
        own_detail = error.detail if error.detail != HTTPStatus(error.status_code).phrase else None
        if _wants_page(request):
            message = own_detail or answer.page
            response = render(request, "http_error.html", error.status_code, title=answer.title, message=message)
            response.headers.update(error.headers or {})
            return response
        detail = own_detail or answer.detail.format(method=request.method)
        return JSONResponse({"detail": detail}, status_code=error.status_code, headers=error.headers)
