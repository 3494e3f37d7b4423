"""Server-rendered pages for admissions officers (Vietnamese, usable on a phone).

Log in → the school's page (download, upload, history) → preview with every
error by row and column, or every change old → new → confirm → done.
Forms carry a CSRF token tied to the session (the login form: a cookie/field
pair); cookies are HttpOnly and SameSite=Lax. Sign-in and CSRF checks are the
dependencies of staff.web.auth.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from catalog import history, schema
from catalog.problems import Problem
from staff import accounts, school_updates
from staff.errors import NotFound
from staff.scope import institutions_for
from staff.upload_file import max_upload_bytes
from staff.web.auth import SESSION_COOKIE, CsrfFailed, Signed, SignedForm, SignedIn, catalog_url, signed_in_or_none
from staff.web.errors import REFUSALS, refusal_for
from staff.web.rendering import message_page, render
from staff.web.security import client_address, cookie_secure, same_secret
from staff.web.workbooks import workbook_response

LOGIN_CSRF_COOKIE = "gdnn_login_csrf"
router = APIRouter(include_in_schema=False)


def _to_login() -> RedirectResponse:
    return RedirectResponse("/dang-nhap", status_code=303)


@router.get("/")
def home(request: Request):
    signed = signed_in_or_none(request)
    if not signed:
        return _to_login()
    return RedirectResponse("/tu-van" if signed.actor.role == "counsellor" else "/truong", status_code=303)


@router.get("/dang-nhap")
def login_form(request: Request):
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(request), max_age=3600)
    return response


@router.post("/dang-nhap")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
):
    if not same_secret(csrf, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise CsrfFailed  # the same refusal page as every other form
    address = client_address(request)
    if accounts.login_blocked(username, address, catalog_url(request)):
        return render(
            request,
            "login.html",
            429,
            csrf=csrf,
            username=username,
            error="Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
        )
    result = accounts.log_in(username, password, address, catalog_url(request))
    if result is None:
        return render(
            request,
            "login.html",
            401,
            csrf=csrf,
            username=username,
            error="Tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa).",
        )
    token, _, _ = result
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        max_age=int(accounts.session_hours() * 3600),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/dang-xuat")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = ""):
    signed = signed_in_or_none(request)
    if signed and same_secret(csrf, signed.csrf):
        accounts.log_out(request.cookies.get(SESSION_COOKIE, ""), catalog_url(request))
    response = _to_login()
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/truong")
def school_list(request: Request, signed: SignedIn):
    if signed.actor.role == "counsellor":
        return RedirectResponse("/tu-van", status_code=303)
    schools = institutions_for(signed.actor, catalog_url(request))
    if len(schools) == 1 and not signed.actor.is_admin:
        return RedirectResponse(f"/truong/{schools[0]['code']}", status_code=303)
    return render(request, "schools.html", actor=signed.actor, csrf=signed.csrf, schools=schools)


def _school_page(request: Request, signed: Signed, code: str, status: int = 200, **extra) -> HTMLResponse:
    schools = {s["code"]: s["name"] for s in institutions_for(signed.actor, catalog_url(request))}
    if code not in schools:
        return message_page(
            request,
            404,
            "Không tìm thấy trường",
            f"Không có trường mã {code} trong danh sách bạn được cập nhật.",
            actor=signed.actor,
            csrf=signed.csrf,
        )
    return render(
        request,
        "school.html",
        status,
        actor=signed.actor,
        csrf=signed.csrf,
        code=code,
        school_name=schools[code],
        history=history.history(code, catalog_url(request), limit=30),
        max_mb=max_upload_bytes() // (1024 * 1024),
        **extra,
    )


def _school_page_refusing(request: Request, signed: Signed, code: str, error: Exception) -> HTMLResponse:
    refusal = refusal_for(error)
    return _school_page(request, signed, code, refusal.status, errors=refusal.problems, refused=refusal.status == 403)


@router.get("/truong/{code}")
def school_page(request: Request, code: str, signed: SignedIn):
    return _school_page(request, signed, code)


@router.get("/truong/{code}/tai-ve")
def download(request: Request, code: str, signed: SignedIn):
    if not signed.actor.may_edit(code):
        return _school_page(request, signed, code)
    try:
        return workbook_response(code, catalog_url(request))
    except NotFound:
        return _school_page(request, signed, code)


@router.post("/truong/{code}/tai-len")
def upload(request: Request, code: str, signed: SignedForm, file: Annotated[UploadFile | None, File()] = None):
    if file is None or not file.filename:
        return _school_page(request, signed, code, 422, errors=[Problem("", 0, "", "chưa chọn tệp để tải lên")])
    content = file.file.read()
    try:
        outcome = school_updates.preview(signed.actor, code, content, file.filename, catalog_url(request))
    except REFUSALS as error:
        return _school_page_refusing(request, signed, code, error)
    return render(
        request,
        "preview.html",
        actor=signed.actor,
        csrf=signed.csrf,
        code=code,
        outcome=outcome,
        filename=Path(file.filename).name,
        columns=_column_labels(),
    )


@router.post("/tai-len/{upload_id}/ap-dung")
def apply(request: Request, upload_id: str, signed: SignedForm):
    try:
        outcome = school_updates.apply_upload(signed.actor, upload_id[:64], catalog_url(request))
    except NotFound:
        return message_page(
            request,
            404,
            "Không tìm thấy",
            "Không có bản xem trước này (có thể đã quá hạn). Hãy tải tệp lên lại.",
            actor=signed.actor,
            csrf=signed.csrf,
        )
    except REFUSALS as error:
        return message_page(
            request,
            409,
            "Chưa áp dụng được",
            "Không có gì được ghi.",
            actor=signed.actor,
            csrf=signed.csrf,
            errors=refusal_for(error).problems,
        )
    return render(request, "applied.html", actor=signed.actor, csrf=signed.csrf, outcome=outcome)


@router.post("/truong/{code}/khoi-phuc")
def rollback(request: Request, code: str, signed: SignedForm, version: Annotated[int, Form(ge=0, le=1_000_000)] = 0):
    try:
        outcome = school_updates.rollback(signed.actor, code, version, catalog_url(request))
    except REFUSALS as error:
        return _school_page_refusing(request, signed, code, error)
    return render(request, "applied.html", actor=signed.actor, csrf=signed.csrf, outcome=outcome, rolled_back_to=version)


@router.get("/thay-doi/{change_set_id}")
def change_detail(request: Request, change_set_id: int, signed: SignedIn):
    try:
        change = history.change_set(change_set_id, catalog_url(request))
    except NotFound:
        change = None
    if change is None or not signed.actor.may_edit(change["institution_code"]):
        return message_page(request, 404, "Không tìm thấy", "Không có lần thay đổi này.", actor=signed.actor, csrf=signed.csrf)
    return render(request, "change.html", actor=signed.actor, csrf=signed.csrf, change=change, columns=_column_labels())


def _column_labels() -> dict[str, str]:
    return {
        c.name: re.split(r"[,(:]", c.description)[0].strip() or c.name for spec in schema.FILES.values() for c in spec.columns
    }
