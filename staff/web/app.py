"""The admissions offices' service (FastAPI).

Why FastAPI: the API is described by its own code (OpenAPI at /openapi.json,
which scripts and schemathesis use), and it is Starlette underneath, which the
Zalo gateway already uses. Pinned to 0.141 because newer releases require an
OpenTelemetry that conflicts with rasa-sdk.

Scripts authenticate with `Authorization: Bearer gdnn_…` (tokens from
`python -m catalog users token-add`); people use the pages in catalog.office.pages.
Every rule about who may change what is enforced in catalog.school_updates.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from catalog import accounts, school_updates
from catalog.accounts import Actor
from catalog.migrate import migrate
from catalog.office.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from catalog.problems import CatalogFileError

log = logging.getLogger("catalog.office")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CODE_PATTERN = r"^[A-Za-z0-9_-]{2,32}$"

bearer = HTTPBearer(auto_error=False, description="Mã truy cập API (gdnn_…), tạo bằng `python -m catalog users token-add`")


class ProblemOut(BaseModel):
    file: str
    row: int
    column: str
    reason: str


class ErrorOut(BaseModel):
    detail: str
    errors: list[ProblemOut] = []


class RollbackIn(BaseModel):
    version: int = Field(ge=0, le=1_000_000)


def catalog_url(request: Request) -> str | None:
    return request.app.state.catalog_url


def api_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor:
    actor = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        actor = accounts.actor_for_token(credentials.credentials, catalog_url(request))
    if actor is None:
        raise HTTPException(401, "Thiếu mã truy cập, mã sai, đã hết hạn hoặc đã bị thu hồi.",
                            headers={"WWW-Authenticate": "Bearer"})
    return actor


ActorDep = Annotated[Actor, Depends(api_actor)]

ERRORS = {
    401: {"model": ErrorOut, "description": "Chưa xác thực"},
    403: {"model": ErrorOut, "description": "Tệp chạm vào dữ liệu ngoài quyền của tài khoản"},
    404: {"model": ErrorOut, "description": "Không có"},
    409: {"model": ErrorOut, "description": "Xung đột với thay đổi khác"},
    413: {"model": ErrorOut, "description": "Tệp quá lớn"},
    422: {"model": ErrorOut, "description": "Tệp có lỗi (mỗi lỗi theo tệp, dòng, cột)"},
}


def _error(status: int, detail: str, problems=()) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": school_updates.problems_as_dicts(list(problems))}, status_code=status)


def outcome_or_error(call):
    """Runs a data-layer call and maps its refusals to HTTP answers."""
    try:
        return call()
    except school_updates.Forbidden as error:
        return _error(403, "Tệp có dòng ngoài quyền của tài khoản; không có gì được ghi.", error.problems)
    except school_updates.Conflict as error:
        return _error(409, "Dữ liệu đã thay đổi; không có gì được ghi.", error.problems)
    except school_updates.NotFound:
        return _error(404, "Không tìm thấy.")
    except CatalogFileError as error:
        return _error(422, "Tệp có lỗi; không có gì được ghi.", error.problems)


def create_app(url: str | None = None) -> FastAPI:
    migrate(url)
    app = FastAPI(
        title="GDNN — cập nhật dữ liệu tuyển sinh",
        version="1.0",
        description="Dành cho phòng tuyển sinh: tải dữ liệu của trường, tải lên tệp đã sửa, xem trước, áp dụng, lịch sử.",
        docs_url=None, redoc_url=None,
    )
    app.state.catalog_url = url
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError):
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) for e in error.errors()})
        return JSONResponse({"detail": "Yêu cầu không hợp lệ: " + ", ".join(fields), "errors": []}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        # No request data in the log: it may hold personal data or secrets.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.url.path)
        return JSONResponse({"detail": "Lỗi máy chủ; đã ghi nhận, vui lòng thử lại sau."}, status_code=500)

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"ok": True}

    @app.get("/api/me", responses=ERRORS)
    def me(actor: ActorDep):
        """Tài khoản đang dùng và các trường được cập nhật."""
        return {"username": actor.username, "role": actor.role, "institutions": sorted(actor.institution_codes)}

    @app.get("/api/institutions", responses=ERRORS)
    def institutions(actor: ActorDep, request: Request):
        """Các cơ sở tài khoản được cập nhật."""
        return school_updates.institutions_for(actor, catalog_url(request))

    @app.get(
        "/api/institutions/{code}/workbook", responses={**ERRORS, 200: {"content": {XLSX: {}}, "description": "Tệp Excel"}},
    )
    def workbook(code: Annotated[str, PathParam(pattern=CODE_PATTERN)], actor: ActorDep, request: Request):
        """Dữ liệu hiện tại của trường dưới dạng .xlsx (mẫu để sửa rồi tải lên)."""
        if not actor.may_edit(code):
            return _error(403, f"Tài khoản không được cập nhật trường {code}.")
        return outcome_or_error(lambda: workbook_response(code, catalog_url(request)))

    @app.post("/api/institutions/{code}/uploads", responses=ERRORS)
    def upload(
        code: Annotated[str, PathParam(pattern=CODE_PATTERN)], actor: ActorDep, request: Request,
        file: Annotated[UploadFile, File(description="Tệp .xlsx của trường (hoặc một tệp programmes.csv/events.csv)")],
    ):
        """Kiểm tra tệp và trả về bản xem trước (thêm, sửa cũ → mới, xóa); chưa ghi gì."""
        content = file.file.read()
        outcome = outcome_or_error(lambda: school_updates.preview(actor, code, content, file.filename or "", catalog_url(request)))
        return outcome.as_dict() if isinstance(outcome, school_updates.Outcome) else outcome

    @app.post("/api/uploads/{upload_id}/apply", responses=ERRORS)
    def apply(upload_id: Annotated[str, PathParam(max_length=64)], actor: ActorDep, request: Request):
        """Áp dụng một bản xem trước. Các lần áp dụng cho cùng một trường được thực hiện lần lượt."""
        outcome = outcome_or_error(lambda: school_updates.apply_upload(actor, upload_id, catalog_url(request)))
        return outcome.as_dict() if isinstance(outcome, school_updates.Outcome) else outcome

    @app.get("/api/institutions/{code}/history", responses=ERRORS)
    def history(code: Annotated[str, PathParam(pattern=CODE_PATTERN)], actor: ActorDep, request: Request):
        """Lịch sử thay đổi của trường, mới nhất trước."""
        if not actor.may_edit(code):
            return _error(403, f"Tài khoản không được xem trường {code}.")
        return school_updates.history(code, catalog_url(request))

    @app.get("/api/change-sets/{change_set_id}", responses=ERRORS)
    def change_set(change_set_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], actor: ActorDep, request: Request):
        """Một lần thay đổi: từng dòng trước và sau."""
        result = outcome_or_error(lambda: school_updates.change_set(change_set_id, catalog_url(request)))
        if isinstance(result, dict) and not actor.may_edit(result["institution_code"]):
            return _error(404, "Không tìm thấy.")
        return result

    @app.post("/api/institutions/{code}/rollback", responses=ERRORS)
    def rollback(code: Annotated[str, PathParam(pattern=CODE_PATTERN)], body: RollbackIn, actor: ActorDep, request: Request):
        """Khôi phục dữ liệu của trường về một phiên bản cũ (chỉ quản trị viên)."""
        if not actor.is_admin:
            return _error(403, "Chỉ quản trị viên được khôi phục phiên bản cũ.")
        outcome = outcome_or_error(lambda: school_updates.rollback(actor, code, body.version, catalog_url(request)))
        return outcome.as_dict() if isinstance(outcome, school_updates.Outcome) else outcome

    from catalog.office import counsellors, pages  # the pages use the helpers above

    app.include_router(pages.router)
    app.include_router(counsellors.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app


def workbook_response(code: str, url: str | None) -> Response:
    with tempfile.TemporaryDirectory(prefix="gdnn-download-") as folder:
        path = Path(folder) / f"{code}.xlsx"
        version = school_updates.write_school_workbook(path, code, url)
        content = path.read_bytes()
    return Response(content, media_type=XLSX, headers={
        "content-disposition": f'attachment; filename="du-lieu-{code}-phien-ban-{version}.xlsx"',
    })
