"""The public handbook's web service (FastAPI + Jinja2): read-only pages, the PDFs, the chat box.

Apart from the staff service on purpose: no login, no write to the catalog, its own port
(PORTAL_PORT), so it can face everyone while the staff service stays internal.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import settings
from metrics import portal_requests
from portal import chat, pages
from portal.freshness import VersionedCache
from portal.security import BodyLimitMiddleware, SecurityHeadersMiddleware

log = logging.getLogger("portal")


def create_app() -> FastAPI:
    app = FastAPI(title="Cẩm nang chọn nghề – chọn trường", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.cache = VersionedCache(settings.get().portal_refresh_seconds)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware)

    @app.middleware("http")
    async def count_request(request: Request, call_next):
        started, kind = time.perf_counter(), portal_requests.kind_of(request.url.path)
        response = await call_next(request)
        portal_requests.REQUESTS.labels(kind, str(response.status_code)).inc()
        portal_requests.SECONDS.labels(kind).observe(time.perf_counter() - started)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, _error: RequestValidationError):
        return JSONResponse({"error": "Yêu cầu không hợp lệ."}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if error.status_code == 404:
            return pages.not_found("Không có trang này.")
        if error.status_code == 405:
            return Response("Không hỗ trợ cách gọi này.", status_code=405, media_type="text/plain; charset=utf-8")
        return Response("Yêu cầu không hợp lệ.", status_code=error.status_code, media_type="text/plain; charset=utf-8")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        # No request data in the log: a query or a chat message may hold personal data.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.url.path)
        return Response(
            "Trang đang gặp lỗi, bạn thử lại sau ít phút nhé.", status_code=500, media_type="text/plain; charset=utf-8"
        )

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(chat.router)
    app.include_router(pages.router)
    return app
