"""HTTP hardening shared by the API and the pages: body size limit, security headers,
CSRF tokens and the client's address for login throttling."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import settings
from staff import upload_file

MULTIPART_OVERHEAD = 64 * 1024  # form fields and part headers around the file

PAGE_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cache-control": "no-store",
}


def body_limit() -> int:
    return upload_file.max_upload_bytes() + MULTIPART_OVERHEAD


class BodyLimitMiddleware:
    """Refuses bodies over the upload limit with 413, whether or not Content-Length is sent,
    before anything is parsed or spooled to disk."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _too_large(send)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    mb = upload_file.max_upload_bytes() // (1024 * 1024)
    body = f'{{"detail": "Tệp quá lớn: giới hạn {mb} MB."}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in PAGE_HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def same_secret(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def client_address(request: Request) -> str:
    """The address login failures are counted under (staff.accounts.login_throttle).

    Behind the office's own reverse proxy set OFFICE_TRUST_PROXY=1: the proxy appends the
    address it saw to X-Forwarded-For, so the *last* entry is the one to believe. Earlier
    entries are whatever the client wrote; believing them would let a stranger pose as an
    officer's address and get the officer blocked there. One proxy only: behind two, the
    last entry would be the first proxy's address, shared by everyone."""
    if settings.get().office_trust_proxy:
        entries = [e.strip() for header in request.headers.getlist("x-forwarded-for") for e in header.split(",")]
        if entries and entries[-1]:
            return entries[-1]
    return request.client.host if request.client else "unknown"


def cookie_secure(request: Request) -> bool:
    setting = settings.get().office_cookie_secure
    if setting == "auto":
        return request.url.scheme == "https"
    return setting == "1"
