"""Who is asking: signing in and out, and sign-in and CSRF as FastAPI dependencies, so a
route states what it needs.

- `SignedIn`: a live session (else the login page);
- `SignedForm`: a live session and the form's CSRF token matching it (else 403);
- `CounsellorIn` / `CounsellorForm`: the same, for counsellors and admins only;
- `ApiActor`: a bearer token for scripts (else 401);
- `admin_or_none`: an administrator by session or bearer token (the API description is theirs).

Login is throttled by name and address (staff.accounts.login_throttle): a stranger who
knows an officer's name only blocks himself. Logout is a form like any other: it needs
the session's CSRF token, so another site cannot sign an officer out.

Refusals are raised as exceptions and answered by the handlers in `install`.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

import settings
from staff import accounts
from staff.accounts import Actor
from staff.web.rendering import message_page, render
from staff.web.security import client_address, cookie_secure, same_secret

SESSION_COOKIE = "gdnn_session"
LOGIN_CSRF_COOKIE = "gdnn_login_csrf"
COUNSELLING_ROLES = ("counsellor", "admin")

bearer = HTTPBearer(auto_error=False, description="Mã truy cập API (gdnn_…), tạo bằng `python -m staff users token-add`")


@dataclass(frozen=True)
class Signed:
    actor: Actor
    csrf: str  # the session's CSRF token, put into every form of the page


class LoginRequired(Exception):
    """No live session: pages go to the login page, JSON calls get 401."""


class CsrfFailed(Exception):
    pass


class NotCounsellor(Exception):
    def __init__(self, signed: Signed):
        self.signed = signed


def catalog_url(request: Request) -> str | None:
    return request.app.state.catalog_url


def signed_in_or_none(request: Request) -> Signed | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    found = accounts.actor_for_session(token, catalog_url(request)) if token else None
    return Signed(*found) if found else None


def _signed_in(request: Request) -> Signed:
    signed = signed_in_or_none(request)
    if signed is None:
        raise LoginRequired
    return signed


def _signed_form(signed: Annotated[Signed, Depends(_signed_in)], csrf: Annotated[str, Form(max_length=100)] = "") -> Signed:
    if not same_secret(csrf, signed.csrf):
        raise CsrfFailed
    return signed


def _counsellor(signed: Annotated[Signed, Depends(_signed_in)]) -> Signed:
    if signed.actor.role not in COUNSELLING_ROLES:
        raise NotCounsellor(signed)
    return signed


def _counsellor_form(signed: Annotated[Signed, Depends(_signed_form)]) -> Signed:
    return _counsellor(signed)


def _api_actor(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Actor:
    actor = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        actor = accounts.actor_for_token(credentials.credentials, catalog_url(request))
    if actor is None:
        raise HTTPException(
            401, "Thiếu mã truy cập, mã sai, đã hết hạn hoặc đã bị thu hồi.", headers={"WWW-Authenticate": "Bearer"}
        )
    return actor


def admin_or_none(request: Request) -> Actor | None:
    """An administrator by bearer token or by session; anyone else is None."""
    credentials = request.headers.get("authorization", "")
    scheme, _, token = credentials.partition(" ")
    if scheme.lower() == "bearer" and token:
        actor = accounts.actor_for_token(token.strip(), catalog_url(request))
    else:
        signed = signed_in_or_none(request)
        actor = signed.actor if signed else None
    return actor if actor is not None and actor.is_admin else None


SignedIn = Annotated[Signed, Depends(_signed_in)]
SignedForm = Annotated[Signed, Depends(_signed_form)]
CounsellorIn = Annotated[Signed, Depends(_counsellor)]
CounsellorForm = Annotated[Signed, Depends(_counsellor_form)]
ApiActor = Annotated[Actor, Depends(_api_actor)]


def _wants_json(request: Request) -> bool:
    return (
        "application/json" in request.headers.get("accept", "")
        or request.headers.get("content-type", "").startswith("application/json")
        or request.url.path.startswith("/api/")
    )


def install(app: FastAPI) -> None:
    """The answers to the refusals above."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _error: LoginRequired):
        if _wants_json(request):
            return JSONResponse({"error": "Phiên đăng nhập đã hết, hãy đăng nhập lại."}, status_code=401)
        return RedirectResponse("/dang-nhap", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _error: CsrfFailed):
        if _wants_json(request):
            return JSONResponse({"error": "Yêu cầu không hợp lệ; hãy tải lại trang."}, status_code=403)
        return message_page(
            request,
            403,
            "Phiên làm việc không hợp lệ",
            "Biểu mẫu đã cũ hoặc không đến từ trang này. Hãy tải lại trang rồi thử lại.",
        )

    @app.exception_handler(NotCounsellor)
    async def not_counsellor(request: Request, error: NotCounsellor):
        if _wants_json(request):
            return JSONResponse({"error": "Trang này dành cho người tư vấn."}, status_code=403)
        return message_page(
            request,
            403,
            "Không có quyền",
            "Trang này dành cho người tư vấn. Liên hệ quản trị viên để được cấp quyền.",
            actor=error.signed.actor,
            csrf=error.signed.csrf,
        )


# --- signing in and out ------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)

BLOCKED = {
    "name": (
        "Đăng nhập sai quá nhiều lần vào tài khoản này từ địa chỉ mạng của bạn, nên từ địa chỉ này "
        "tài khoản tạm bị chặn đăng nhập {minutes} phút (kể cả với mật khẩu đúng). Tài khoản không bị khóa: "
        "từ mạng khác (ví dụ 4G của điện thoại) vẫn đăng nhập được."
    ),
    "address": (
        "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn, nên mọi tài khoản tạm bị chặn đăng nhập "
        "từ địa chỉ này trong {minutes} phút. Từ mạng khác (ví dụ 4G của điện thoại) vẫn đăng nhập được."
    ),
}
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa)."


def _login_page(request: Request, status: int = 200, *, csrf: str = "", username: str = "", error: str = ""):
    """The login form; a new one (no `csrf` given) also sets its CSRF cookie."""
    config = settings.get()
    token = csrf or secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status,
        csrf=token,
        username=username,
        error=error,
        max_failures=config.office_login_max_failures,
        minutes=f"{config.office_login_window_minutes:g}",
    )
    if not csrf:
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(request), max_age=3600
        )
    return response


@router.get("/dang-nhap")
def login_form(request: Request):
    return _login_page(request)


@router.post("/dang-nhap")
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
):
    # Async so that the throttling delay holds no worker thread; the database and the
    # password hash run in the thread pool.
    if not same_secret(csrf, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise CsrfFailed  # the same refusal page as every other form
    address, url = client_address(request), catalog_url(request)
    throttle = await run_in_threadpool(accounts.login_throttle, username, address, url)
    if throttle.blocked:
        error = BLOCKED[throttle.blocked].format(minutes=f"{throttle.minutes:g}")
        return _login_page(request, 429, csrf=csrf, username=username, error=error)
    await asyncio.sleep(throttle.delay_seconds)
    result = await run_in_threadpool(accounts.log_in, username, password, address, url)
    if result is None:
        return _login_page(request, 401, csrf=csrf, username=username, error=WRONG)
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


def _signed_out() -> RedirectResponse:
    """To the login page, dropping the session cookie (just ended, or stale)."""
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/dang-xuat")
def logout_page(request: Request):
    """A link to /dang-xuat (or another site's image tag) does not sign out: it asks."""
    signed = signed_in_or_none(request)
    if signed is None:
        return _signed_out()
    return render(request, "logout.html", actor=signed.actor, csrf=signed.csrf, refused=False)


@router.post("/dang-xuat")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = ""):
    signed = signed_in_or_none(request)
    if signed is None:
        return _signed_out()
    if not same_secret(csrf, signed.csrf):
        return render(request, "logout.html", 403, actor=signed.actor, csrf=signed.csrf, refused=True)
    accounts.log_out(request.cookies.get(SESSION_COOKIE, ""), catalog_url(request))
    return _signed_out()
