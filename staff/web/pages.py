"""Server-rendered pages for admissions officers (Vietnamese, usable on a phone).

Log in → the school's page (download, upload, history) → preview with every
error by row and column, or every change old → new → confirm → done.
Forms carry a CSRF token tied to the session (the login form: a cookie/field
pair); cookies are HttpOnly and SameSite=Lax.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from catalog import accounts, schema, school_updates
from catalog.office.security import client_address, cookie_secure, same_secret
from catalog.problems import CatalogFileError, Problem

SESSION_COOKIE = "gdnn_session"
LOGIN_CSRF_COOKIE = "gdnn_login_csrf"
KINDS = {"baseline": "ban đầu", "upload": "tải lên", "rollback": "khôi phục", "outside": "nhập ngoài trang"}

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["ACTIONS"] = school_updates.ACTIONS
templates.env.globals["KINDS"] = KINDS
templates.env.globals["TABLES"] = {"institutions": "Cơ sở", "programmes": "Ngành, nghề", "events": "Sự kiện", "policies": "Chính sách"}
router = APIRouter(include_in_schema=False)


def _url(request: Request) -> str | None:
    return request.app.state.catalog_url


def _render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def _signed_in(request: Request) -> tuple[accounts.Actor, str] | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    return accounts.actor_for_session(token, _url(request)) if token else None


def _to_login() -> RedirectResponse:
    return RedirectResponse("/dang-nhap", status_code=303)


def _signed_form(request: Request, csrf: str):
    """((actor, session CSRF token), None) for a form post from a live session with its token;
    otherwise (None, the response to send: the login page or a refusal)."""
    signed = _signed_in(request)
    if not signed:
        return None, _to_login()
    if not same_secret(csrf, signed[1]):
        return None, _csrf_failed(request)
    return signed, None


def _csrf_failed(request: Request) -> HTMLResponse:
    return _render(request, "message.html", 403, title="Phiên làm việc không hợp lệ",
                   message="Biểu mẫu đã cũ hoặc không đến từ trang này. Hãy tải lại trang rồi thử lại.")


@router.get("/")
def home(request: Request):
    signed = _signed_in(request)
    if not signed:
        return _to_login()
    return RedirectResponse("/tu-van" if signed[0].role == "counsellor" else "/truong", status_code=303)


@router.get("/dang-nhap")
def login_form(request: Request):
    token = secrets.token_urlsafe(24)
    response = _render(request, "login.html", csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(request), max_age=3600)
    return response


@router.post("/dang-nhap")
def login(request: Request, username: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=500)] = "", csrf: Annotated[str, Form(max_length=100)] = ""):
    if not same_secret(csrf, request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _csrf_failed(request)
    address = client_address(request)
    if accounts.login_blocked(username, address, _url(request)):
        return _render(request, "login.html", 429, csrf=csrf, username=username,
                       error="Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.")
    result = accounts.log_in(username, password, address, _url(request))
    if result is None:
        return _render(request, "login.html", 401, csrf=csrf, username=username,
                       error="Tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa).")
    token, _, _ = result
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=cookie_secure(request),
                        max_age=int(accounts.session_hours() * 3600))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/dang-xuat")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = ""):
    signed = _signed_in(request)
    if signed and same_secret(csrf, signed[1]):
        accounts.log_out(request.cookies.get(SESSION_COOKIE, ""), _url(request))
    response = _to_login()
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/truong")
def school_list(request: Request):
    signed = _signed_in(request)
    if not signed:
        return _to_login()
    actor, csrf = signed
    if actor.role == "counsellor":
        return RedirectResponse("/tu-van", status_code=303)
    schools = school_updates.institutions_for(actor, _url(request))
    if len(schools) == 1 and not actor.is_admin:
        return RedirectResponse(f"/truong/{schools[0]['code']}", status_code=303)
    return _render(request, "schools.html", actor=actor, csrf=csrf, schools=schools)


def _school_page(request: Request, actor, csrf: str, code: str, status: int = 200, **extra) -> HTMLResponse:
    schools = {s["code"]: s["name"] for s in school_updates.institutions_for(actor, _url(request))}
    if code not in schools:
        return _render(request, "message.html", 404, actor=actor, csrf=csrf, title="Không tìm thấy trường",
                       message=f"Không có trường mã {code} trong danh sách bạn được cập nhật.")
    return _render(request, "school.html", status, actor=actor, csrf=csrf, code=code, school_name=schools[code],
                   history=school_updates.history(code, _url(request), limit=30),
                   max_mb=school_updates.max_upload_bytes() // (1024 * 1024), **extra)


@router.get("/truong/{code}")
def school_page(request: Request, code: str):
    signed = _signed_in(request)
    if not signed:
        return _to_login()
    return _school_page(request, *signed, code)


@router.get("/truong/{code}/tai-ve")
def download(request: Request, code: str):
    signed = _signed_in(request)
    if not signed:
        return _to_login()
    actor, csrf = signed
    if not actor.may_edit(code):
        return _school_page(request, actor, csrf, code)
    from catalog.office.app import workbook_response

    try:
        return workbook_response(code, _url(request))
    except school_updates.NotFound:
        return _school_page(request, actor, csrf, code)


@router.post("/truong/{code}/tai-len")
def upload(request: Request, code: str, file: Annotated[UploadFile | None, File()] = None,
           csrf: Annotated[str, Form(max_length=100)] = ""):
    signed, refusal = _signed_form(request, csrf)
    if refusal:
        return refusal
    actor, session_csrf = signed
    if file is None or not file.filename:
        return _school_page(request, actor, session_csrf, code, 422,
                            errors=[Problem("", 0, "", "chưa chọn tệp để tải lên")])
    content = file.file.read()
    try:
        outcome = school_updates.preview(actor, code, content, file.filename, _url(request))
    except school_updates.Forbidden as error:
        return _school_page(request, actor, session_csrf, code, 403, errors=error.problems, refused=True)
    except school_updates.Conflict as error:
        return _school_page(request, actor, session_csrf, code, 409, errors=error.problems)
    except school_updates.NotFound:
        return _school_page(request, actor, session_csrf, code, 404)
    except CatalogFileError as error:
        return _school_page(request, actor, session_csrf, code, 422, errors=error.problems)
    return _render(request, "preview.html", actor=actor, csrf=session_csrf, code=code, outcome=outcome,
                   filename=Path(file.filename).name, columns=_column_labels())


@router.post("/tai-len/{upload_id}/ap-dung")
def apply(request: Request, upload_id: str, csrf: Annotated[str, Form(max_length=100)] = ""):
    signed, refusal = _signed_form(request, csrf)
    if refusal:
        return refusal
    actor, session_csrf = signed
    try:
        outcome = school_updates.apply_upload(actor, upload_id[:64], _url(request))
    except school_updates.NotFound:
        return _render(request, "message.html", 404, actor=actor, csrf=session_csrf, title="Không tìm thấy",
                       message="Không có bản xem trước này (có thể đã quá hạn). Hãy tải tệp lên lại.")
    except (school_updates.Conflict, school_updates.Forbidden, CatalogFileError) as error:
        return _render(request, "message.html", 409, actor=actor, csrf=session_csrf, title="Chưa áp dụng được",
                       message="Không có gì được ghi.", errors=error.problems)
    return _render(request, "applied.html", actor=actor, csrf=session_csrf, outcome=outcome)


@router.post("/truong/{code}/khoi-phuc")
def rollback(request: Request, code: str, version: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
             csrf: Annotated[str, Form(max_length=100)] = ""):
    signed, refusal = _signed_form(request, csrf)
    if refusal:
        return refusal
    actor, session_csrf = signed
    try:
        outcome = school_updates.rollback(actor, code, version, _url(request))
    except school_updates.Forbidden as error:
        return _school_page(request, actor, session_csrf, code, 403, errors=error.problems)
    except school_updates.NotFound:
        return _school_page(request, actor, session_csrf, code, 404)
    return _render(request, "applied.html", actor=actor, csrf=session_csrf, outcome=outcome, rolled_back_to=version)


@router.get("/thay-doi/{change_set_id}")
def change_detail(request: Request, change_set_id: int):
    signed = _signed_in(request)
    if not signed:
        return _to_login()
    actor, csrf = signed
    try:
        change = school_updates.change_set(change_set_id, _url(request))
    except school_updates.NotFound:
        change = None
    if change is None or not actor.may_edit(change["institution_code"]):
        return _render(request, "message.html", 404, actor=actor, csrf=csrf, title="Không tìm thấy",
                       message="Không có lần thay đổi này.")
    return _render(request, "change.html", actor=actor, csrf=csrf, change=change, columns=_column_labels())


def _column_labels() -> dict[str, str]:
    return {c.name: re.split(r"[,(:]", c.description)[0].strip() or c.name
            for spec in schema.FILES.values() for c in spec.columns}

