"""The API for scripts (`Authorization: Bearer gdnn_…`, tokens from `python -m staff users token-add`).

Every rule about who may change what is enforced in staff.school_updates and
staff.scope; refusals become HTTP answers in staff.web.errors.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from catalog import history
from staff import school_updates
from staff.scope import institutions_for
from staff.web.auth import ApiActor, catalog_url
from staff.web.errors import REFUSALS, json_error, json_refusal
from staff.web.workbooks import XLSX, workbook_response

CODE_PATTERN = r"^[A-Za-z0-9_-]{2,32}$"
Code = Annotated[str, PathParam(pattern=CODE_PATTERN)]


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


ERRORS = {
    401: {"model": ErrorOut, "description": "Chưa xác thực"},
    403: {"model": ErrorOut, "description": "Tệp chạm vào dữ liệu ngoài quyền của tài khoản"},
    404: {"model": ErrorOut, "description": "Không có"},
    409: {"model": ErrorOut, "description": "Xung đột với thay đổi khác"},
    413: {"model": ErrorOut, "description": "Tệp quá lớn"},
    422: {"model": ErrorOut, "description": "Tệp có lỗi (mỗi lỗi theo tệp, dòng, cột)"},
}

router = APIRouter(prefix="/api", responses=ERRORS)


def _answer(call):
    """Runs a data-layer call; its refusals become JSON errors, outcomes become dicts."""
    try:
        result = call()
    except REFUSALS as error:
        return json_refusal(error)
    return result.as_dict() if isinstance(result, school_updates.Outcome) else result


@router.get("/me")
def me(actor: ApiActor):
    """Tài khoản đang dùng và các trường được cập nhật."""
    return {"username": actor.username, "role": actor.role, "institutions": sorted(actor.institution_codes)}


@router.get("/institutions")
def institutions(actor: ApiActor, request: Request):
    """Các cơ sở tài khoản được cập nhật."""
    return institutions_for(actor, catalog_url(request))


@router.get("/institutions/{code}/workbook", responses={200: {"content": {XLSX: {}}, "description": "Tệp Excel"}})
def workbook(code: Code, actor: ApiActor, request: Request):
    """Dữ liệu hiện tại của trường dưới dạng .xlsx (mẫu để sửa rồi tải lên)."""
    if not actor.may_edit(code):
        return json_error(403, f"Tài khoản không được cập nhật trường {code}.")
    return _answer(lambda: workbook_response(code, catalog_url(request)))


@router.post("/institutions/{code}/uploads")
def upload(
    code: Code,
    actor: ApiActor,
    request: Request,
    file: Annotated[UploadFile, File(description="Tệp .xlsx của trường (hoặc một tệp programmes.csv/events.csv)")],
):
    """Kiểm tra tệp và trả về bản xem trước (thêm, sửa cũ → mới, xóa); chưa ghi gì."""
    content = file.file.read()
    return _answer(lambda: school_updates.preview(actor, code, content, file.filename or "", catalog_url(request)))


@router.post("/uploads/{upload_id}/apply")
def apply(upload_id: Annotated[str, PathParam(max_length=64)], actor: ApiActor, request: Request):
    """Áp dụng một bản xem trước. Các lần áp dụng cho cùng một trường được thực hiện lần lượt."""
    return _answer(lambda: school_updates.apply_upload(actor, upload_id, catalog_url(request)))


@router.get("/institutions/{code}/history")
def school_history(code: Code, actor: ApiActor, request: Request):
    """Lịch sử thay đổi của trường, mới nhất trước."""
    if not actor.may_edit(code):
        return json_error(403, f"Tài khoản không được xem trường {code}.")
    return history.history(code, catalog_url(request))


@router.get("/change-sets/{change_set_id}")
def change_set(change_set_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], actor: ApiActor, request: Request):
    """Một lần thay đổi: từng dòng trước và sau."""
    result = _answer(lambda: history.change_set(change_set_id, catalog_url(request)))
    if isinstance(result, dict) and not actor.may_edit(result["institution_code"]):
        return json_error(404, "Không tìm thấy.")
    return result


@router.post("/institutions/{code}/rollback")
def rollback(code: Code, body: RollbackIn, actor: ApiActor, request: Request):
    """Khôi phục dữ liệu của trường về một phiên bản cũ (chỉ quản trị viên)."""
    if not actor.is_admin:
        return json_error(403, "Chỉ quản trị viên được khôi phục phiên bản cũ.")
    return _answer(lambda: school_updates.rollback(actor, code, body.version, catalog_url(request)))
