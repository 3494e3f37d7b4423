"""Who is asking: sign-in and CSRF as FastAPI dependencies, so a route states what it needs.

- `SignedIn`: a live session (else the login page);
- `SignedForm`: a live session and the form's CSRF token matching it (else 403);
- `CounsellorIn` / `CounsellorForm`: the same, for counsellors and admins only;
- `ApiActor`: a bearer token for scripts (else 401).

Refusals are raised as exceptions and answered by the handlers in `install`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from staff import accounts
from staff.accounts import Actor
from staff.web.rendering import message_page
from staff.web.security import same_secret

SESSION_COOKIE = "gdnn_session"
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
