"""Server-rendered pages for admissions officers (Vietnamese, usable on a phone).

Log in → the school's page (download, upload, history) → preview with every
error by row and column, or every change old → new → confirm (or cancel) → done.
The upload form redirects to the preview's own address (Post/Redirect/Get), so
Back and Reload never send the file again; a second apply says calmly that it was
applied. An admin's rollback first shows what it would restore and asks to confirm.
Forms carry a CSRF token tied to the session. Signing in and out, and the
sign-in and CSRF checks these pages depend on, are staff.web.auth's.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse

from catalog import history, schema
from catalog.problems import Problem
from staff import school_updates
from staff.errors import NotFound
from staff.scope import institutions_for
from staff.upload_file import max_upload_bytes
from staff.web.auth import Signed, SignedForm, SignedIn, catalog_url, signed_in_or_none
from staff.web.errors import REFUSALS, refusal_for
from staff.web.rendering import message_page, render
from staff.web.workbooks import workbook_response

router = APIRouter(include_in_schema=False)


def _to_login() -> RedirectResponse:
    return RedirectResponse("/dang-nhap", status_code=303)


@router.get("/")
def home(request: Request):
    signed = signed_in_or_none(request)
    if not signed:
        return _to_login()
    return RedirectResponse("/tu-van" if signed.actor.role == "counsellor" else "/truong", status_code=303)


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
    return RedirectResponse(f"/tai-len/{outcome.upload_id}", status_code=303)


def _upload_not_found(request: Request, signed: Signed) -> HTMLResponse:
    return message_page(
        request,
        404,
        "Không tìm thấy",
        "Không có bản xem trước này (có thể đã quá hạn). Hãy tải tệp lên lại.",
        actor=signed.actor,
        csrf=signed.csrf,
    )


def _already_applied(request: Request, signed: Signed, error: school_updates.AlreadyApplied) -> HTMLResponse:
    """Not an error: the data was saved by the first press; say so and link to that change."""
    return render(request, "applied.html", actor=signed.actor, csrf=signed.csrf, already=error)


def _cancelled(request: Request, signed: Signed, error: school_updates.Cancelled) -> HTMLResponse:
    return message_page(
        request,
        409,
        "Bản xem trước đã hủy",
        "Bạn đã hủy bản xem trước này nên không thể áp dụng nó nữa; dữ liệu của trường không thay đổi. "
        "Muốn cập nhật, hãy tải tệp lên lại.",
        actor=signed.actor,
        csrf=signed.csrf,
        back=f"/truong/{error.institution_code}",
    )


def _not_applicable(request: Request, signed: Signed, error: Exception, title: str) -> HTMLResponse:
    """The refusals every upload page answers the same way."""
    if isinstance(error, school_updates.AlreadyApplied):
        return _already_applied(request, signed, error)
    if isinstance(error, school_updates.Cancelled):
        return _cancelled(request, signed, error)
    if isinstance(error, NotFound):
        return _upload_not_found(request, signed)
    refusal = refusal_for(error)
    return message_page(
        request, refusal.status, title, "Không có gì được ghi.", actor=signed.actor, csrf=signed.csrf, errors=refusal.problems
    )


@router.get("/tai-len/{upload_id}")
def preview_page(request: Request, upload_id: str, signed: SignedIn):
    try:
        outcome = school_updates.pending_preview(signed.actor, upload_id[:64], catalog_url(request))
    except REFUSALS as error:
        return _not_applicable(request, signed, error, "Chưa xem trước được")
    return render(
        request,
        "preview.html",
        actor=signed.actor,
        csrf=signed.csrf,
        code=outcome.institution_code,
        outcome=outcome,
        filename=outcome.filename,
        columns=_column_labels(),
    )


@router.post("/tai-len/{upload_id}/ap-dung")
def apply(request: Request, upload_id: str, signed: SignedForm):
    try:
        outcome = school_updates.apply_upload(signed.actor, upload_id[:64], catalog_url(request))
    except REFUSALS as error:
        return _not_applicable(request, signed, error, "Chưa áp dụng được")
    return render(request, "applied.html", actor=signed.actor, csrf=signed.csrf, outcome=outcome)


@router.post("/tai-len/{upload_id}/huy")
def cancel(request: Request, upload_id: str, signed: SignedForm):
    try:
        code = school_updates.cancel_upload(signed.actor, upload_id[:64], catalog_url(request))
    except REFUSALS as error:
        return _not_applicable(request, signed, error, "Chưa hủy được")
    return RedirectResponse(f"/truong/{code}", status_code=303)


def _rollback_refused(request: Request, signed: Signed, code: str, error: Exception) -> HTMLResponse:
    """No file is involved: the reason alone, not the upload's table of errors."""
    refusal = refusal_for(error)
    reasons = "; ".join(p.reason for p in refusal.problems) or f"không có phiên bản này của trường {code}"
    return message_page(
        request,
        refusal.status,
        "Không khôi phục được",
        reasons[0].upper() + reasons[1:] + ". Không có gì được ghi.",
        actor=signed.actor,
        csrf=signed.csrf,
    )


@router.get("/truong/{code}/khoi-phuc/{version}")
def rollback_confirmation(request: Request, code: str, version: Annotated[int, PathParam(ge=0, le=1_000_000)], signed: SignedIn):
    """What a rollback would restore, and the one form that performs it."""
    try:
        outcome = school_updates.rollback_preview(signed.actor, code, version, catalog_url(request))
    except REFUSALS as error:
        return _rollback_refused(request, signed, code, error)
    return render(
        request,
        "rollback.html",
        actor=signed.actor,
        csrf=signed.csrf,
        code=code,
        outcome=outcome,
        rollback_to=version,
        columns=_column_labels(),
    )


@router.post("/truong/{code}/khoi-phuc")
def rollback(request: Request, code: str, signed: SignedForm, version: Annotated[int, Form(ge=0, le=1_000_000)] = 0):
    try:
        outcome = school_updates.rollback(signed.actor, code, version, catalog_url(request))
    except REFUSALS as error:
        return _rollback_refused(request, signed, code, error)
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


def _column_labels() -> dict[str, dict[str, str]]:
    """sheet → column → its short Vietnamese name, per sheet: `name` is "Tên ngành, nghề" on a
    programme but "Tên nghề" on an occupation."""
    return {
        sheet: {c.name: re.split(r"[,(:]", c.description)[0].strip() or c.name for c in spec.columns}
        for sheet, spec in schema.FILES.items()
    }
