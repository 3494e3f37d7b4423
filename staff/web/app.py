"""The staff web service (FastAPI): composes the API, the officers' pages and the counsellors' pages.

Why FastAPI: the API is described by its own code (OpenAPI at /openapi.json,
which scripts and schemathesis use; administrators only, see staff.web.api_docs),
and it is Starlette underneath, which the Zalo gateway already uses. Pinned to 0.141
because newer releases require an OpenTelemetry that conflicts with rasa-sdk.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from catalog.migrate import migrate
from staff.web import api, api_docs, auth, counsellors, errors, pages, reports
from staff.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware

log = logging.getLogger("staff.web")


def _install_error_answers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError):
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) for e in error.errors()})
        return JSONResponse({"detail": "Yêu cầu không hợp lệ: " + ", ".join(fields), "errors": []}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        # No request data in the log: it may hold personal data or secrets.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.url.path)
        return JSONResponse({"detail": "Lỗi máy chủ; đã ghi nhận, vui lòng thử lại sau."}, status_code=500)


def create_app(url: str | None = None) -> FastAPI:
    migrate(url)
    app = FastAPI(
        title="GDNN — cập nhật dữ liệu tuyển sinh",
        version="1.0",
        description="Dành cho phòng tuyển sinh: tải dữ liệu của trường, tải lên tệp đã sửa, xem trước, áp dụng, lịch sử.",
        openapi_url=None,  # served by staff.web.api_docs, to administrators only
        docs_url=None,
        redoc_url=None,
    )
    app.state.catalog_url = url
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    _install_error_answers(app)
    errors.install(app)
    auth.install(app)
    reports.install(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"ok": True}

    app.include_router(api.router)
    app.include_router(api_docs.router)
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(counsellors.router)
    app.include_router(reports.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
