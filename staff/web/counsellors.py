"""Pages for counsellors (role `counsellor`, or `admin`): try the bot in a web chat with the
details of what it understood, see what it could not answer, and work the call-back requests."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from catalog import conversation_log, handoff
from catalog.office import rasa_bridge
from catalog.office.pages import _render, _signed_in, _to_login
from catalog.office.security import same_secret

router = APIRouter(include_in_schema=False)
CHAT_COOKIE = "gdnn_chat"
STAFF = ("counsellor", "admin")


def _counsellor(request: Request):
    signed = _signed_in(request)
    if signed is None:
        return None, _to_login()
    actor, csrf = signed
    if actor.role not in STAFF:
        return None, _render(request, "message.html", 403, actor=actor, csrf=csrf, title="Không có quyền",
                             message="Trang này dành cho người tư vấn. Liên hệ quản trị viên để được cấp quyền.")
    return signed, None


def _since(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today() - dt.timedelta(days=7)
    except ValueError:
        return dt.date.today() - dt.timedelta(days=7)


@router.get("/tu-van")
def dashboard(request: Request):
    signed, refusal = _counsellor(request)
    if refusal:
        return refusal
    actor, csrf = signed
    return _render(request, "counsellor_home.html", actor=actor, csrf=csrf,
                   open_requests=handoff.open_count(actor, request.app.state.catalog_url))


@router.get("/tu-van/tro-chuyen")
def chat_page(request: Request):
    signed, refusal = _counsellor(request)
    if refusal:
        return refusal
    actor, csrf = signed
    response = _render(request, "chat.html", actor=actor, csrf=csrf)
    if not request.cookies.get(CHAT_COOKIE):
        response.set_cookie(CHAT_COOKIE, secrets.token_urlsafe(12), httponly=True, samesite="strict")
    return response


@router.post("/tu-van/tro-chuyen/gui")
async def chat_send(request: Request):
    signed, refusal = _counsellor(request)
    if refusal:
        if _signed_in(request):
            return JSONResponse({"error": "Trang này dành cho người tư vấn."}, status_code=403)
        return JSONResponse({"error": "Phiên đăng nhập đã hết, hãy đăng nhập lại."}, status_code=401)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not same_secret(request.headers.get("x-csrf-token"), signed[1]):
        return JSONResponse({"error": "Yêu cầu không hợp lệ; hãy tải lại trang."}, status_code=403)
    message = str(body.get("message") or "")
    conversation = request.cookies.get(CHAT_COOKIE) or secrets.token_urlsafe(12)
    sender = f"webchat-{signed[0].username}-{conversation[:16]}"
    try:
        result = await run_in_threadpool(rasa_bridge.send, sender, message)
    except rasa_bridge.RasaUnavailable:
        return JSONResponse({"error": "Bot đang không trả lời (Rasa chưa chạy?). Thử lại sau ít phút."}, status_code=503)
    response = JSONResponse(result)
    if not request.cookies.get(CHAT_COOKIE):
        response.set_cookie(CHAT_COOKIE, conversation, httponly=True, samesite="strict")
    return response


@router.post("/tu-van/tro-chuyen/lam-moi")
def chat_reset(request: Request, csrf: Annotated[str, Form(max_length=100)] = ""):
    signed, refusal = _counsellor(request)
    if refusal:
        return refusal
    response = RedirectResponse("/tu-van/tro-chuyen", status_code=303)
    if same_secret(csrf, signed[1]):
        response.set_cookie(CHAT_COOKIE, secrets.token_urlsafe(12), httponly=True, samesite="strict")
    return response


@router.get("/tu-van/cau-hoi-chua-tra-loi")
def gaps_page(request: Request, tu: str | None = None):
    signed, refusal = _counsellor(request)
    if refusal:
        return refusal
    actor, csrf = signed
    since = _since(tu)
    url = request.app.state.catalog_url
    counts = conversation_log.daily_counts(since, url=url)
    return _render(request, "gaps.html", actor=actor, csrf=csrf, since=since, groups=conversation_log.gaps(since, url=url),
                   answered=sum(a for _, a, _ in counts), unanswered=sum(u for _, _, u in counts),
                   kinds=conversation_log.KINDS)


@router.get("/tu-van/bieu-do.png")
def gaps_chart(request: Request, tu: str | None = None):
    signed, refusal = _counsellor(request)
    if refusal:
        return refusal
    import tempfile
    from pathlib import Path

    counts = conversation_log.daily_counts(_since(tu), url=request.app.state.catalog_url)
    with tempfile.TemporaryDirectory() as folder:
        content = conversation_log.write_chart(Path(folder) / "c.png", counts).read_bytes()
    return Response(content, media_type="image/png")


@router.get("/tu-van/yeu-cau")
def requests_page(request: Request, trang_thai: str | None = None):
    signed, refusal = _counsellor(request)
    if refusal:
        return refusal
    actor, csrf = signed
    status = trang_thai if trang_thai in handoff.STATUSES else None
    rows = handoff.list_requests(actor, status=status, url=request.app.state.catalog_url)
    return _render(request, "requests.html", actor=actor, csrf=csrf, rows=rows, current_status=status,
                   statuses=handoff.STATUSES, callback=handoff.callback_promise())


@router.post("/tu-van/yeu-cau/{request_id}/{action}")
def request_action(request: Request, request_id: int, action: str, csrf: Annotated[str, Form(max_length=100)] = "",
                   note: Annotated[str, Form(max_length=1000)] = ""):
    signed, refusal = _counsellor(request)
    if refusal:
        return refusal
    actor, session_csrf = signed
    if not same_secret(csrf, session_csrf) or action not in ("nhan", "dong"):
        return _render(request, "message.html", 403, actor=actor, csrf=session_csrf, title="Yêu cầu không hợp lệ",
                       message="Hãy tải lại trang rồi thử lại.")
    try:
        if action == "nhan":
            handoff.claim(request_id, actor.username, actor, url=request.app.state.catalog_url)
        else:
            handoff.close(request_id, actor.username, note, actor, url=request.app.state.catalog_url)
    except handoff.HandoffError as error:
        return _render(request, "message.html", 409, actor=actor, csrf=session_csrf, title="Chưa làm được",
                       message=f"Không thể cập nhật: {error}.")
    return RedirectResponse("/tu-van/yeu-cau", status_code=303)

