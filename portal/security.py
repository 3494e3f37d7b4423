"""HTTP hardening of the public pages: security headers (a CSP with no inline script), a small
body limit (only the chat takes a body), the visitor's address, and who may embed the chat.

The chat page (/khung-chat) may be framed by the origins in PORTAL_EMBED_ORIGINS and no one
else; every other page may not be framed at all.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import settings

MAX_BODY_BYTES = 16 * 1024  # a chat message is at most a few hundred characters
FRAME_PATH = "/khung-chat"


def _csp(frame_ancestors: str) -> str:
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
        f"form-action 'self'; frame-ancestors {frame_ancestors}; base-uri 'none'; object-src 'none'"
    )


def headers_for(path: str) -> dict[str, str]:
    origins = settings.get().portal_origins
    headers = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
        "cross-origin-opener-policy": "same-origin",
    }
    if path == FRAME_PATH:
        headers["content-security-policy"] = _csp(" ".join(["'self'", *origins]))
    else:
        headers["content-security-policy"] = _csp("'none'")
        headers["x-frame-options"] = "DENY"
    return headers


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope.get("path", ""))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimitMiddleware:
    """Bodies over MAX_BODY_BYTES get 413 before anything reads them."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = False
        if declared is not None:
            try:
                too_big = int(declared) > MAX_BODY_BYTES
            except ValueError:
                too_big = True
        if too_big:
            await _refuse(send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    return {"type": "http.request", "body": b"", "more_body": False, "too_big": True}
            return message

        await self.app(scope, counting_receive, send)


async def _refuse(send: Send) -> None:
    body = '{"error": "Tin nhắn quá dài."}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def client_address(request: Request) -> str:
    """The visitor's address for rate limits. Behind one proxy of ours (PORTAL_TRUST_PROXY=1)
    the last X-Forwarded-For entry is the one the proxy saw; earlier ones are the client's word."""
    if settings.get().portal_trust_proxy:
        entries = [e.strip() for header in request.headers.getlist("x-forwarded-for") for e in header.split(",")]
        if entries and entries[-1]:
            return entries[-1]
    return request.client.host if request.client else "unknown"


def is_https(request: Request) -> bool:
    if settings.get().portal_trust_proxy and request.headers.get("x-forwarded-proto") == "https":
        return True
    return request.url.scheme == "https"
