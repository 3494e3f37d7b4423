"""The chat box of the public pages: one message in, the bot's replies out, through the shared
Rasa client (bot.rasa_client) on the REST channel, as the website's chat ("rest").

The conversation id is a random HttpOnly cookie, never in a URL. Every visitor (cookie) and
every address is rate-limited. Whatever arrives — nothing, a novel, emoji, SQL — gets a clear
Vietnamese answer and never a stack trace: text goes to the bot as text, nothing is run.
Other sites may call it only from the origins in PORTAL_EMBED_ORIGINS (CORS), and the frame
page /khung-chat may be embedded only by them (portal.security).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

import settings
from bot.rasa_client import RasaClient, RasaUnavailable
from portal.security import client_address, is_https
from vntext import folding

router = APIRouter()
COOKIE = "gdnn_cam_nang_chat"
CHANNEL = "rest"  # the website's chat box, as counsellors know it (counselling.handoff.CHANNEL_NAMES)
MAX_MESSAGE_CHARS = 500
PER_ADDRESS_FACTOR = 5  # several visitors may share one address (a school's network)

EMPTY = "Bạn chưa gõ câu hỏi. Bạn gõ vào ô rồi bấm Gửi nhé."
TOO_LONG = f"Câu hỏi dài quá (tối đa {MAX_MESSAGE_CHARS} ký tự). Bạn hỏi ngắn gọn từng ý giúp mình nhé."
NOT_UNDERSTOOD = "Mình chưa đọc được tin nhắn này. Bạn gõ câu hỏi bằng chữ giúp mình nhé."
TOO_FAST = "Bạn gửi nhanh quá, mình chưa kịp đọc. Bạn chờ một phút rồi hỏi tiếp nhé."
BUSY = "Bot đang bận hoặc tạm nghỉ. Bạn thử lại sau ít phút nhé."
FORBIDDEN = "Trang này không được dùng khung chat."


class RateLimiter:
    """At most `limit` events per key in any 60 seconds (in memory: one portal process)."""

    def __init__(self):
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int) -> bool:
        if limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 50_000:  # forget idle visitors rather than grow without bound
                self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < 60}
            window = self._seen.setdefault(key, deque())
            while window and now - window[0] >= 60:
                window.popleft()
            if len(window) >= limit:
                return False
            window.append(now)
            return True


limiter = RateLimiter()


def _origin_allowed(request: Request) -> str | None:
    """The Origin header when it is ours or allowed; "" for no Origin (same-origin GET-like
    callers, scripts); None for a foreign origin."""
    origin = request.headers.get("origin")
    if not origin:
        return ""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin == own or origin in settings.get().portal_origins:
        return origin
    return None


def _cors(response: Response, origin: str | None, request: Request) -> Response:
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin and origin != own:
        response.headers["access-control-allow-origin"] = origin
        response.headers["access-control-allow-credentials"] = "true"
        response.headers["vary"] = "Origin"
    return response


def _answer(request: Request, origin: str | None, status: int, body: dict) -> JSONResponse:
    return _cors(JSONResponse(body, status_code=status), origin, request)  # type: ignore[return-value]


def read_message(raw: bytes) -> tuple[str | None, str | None]:
    """(message, None) or (None, the Vietnamese reason it cannot be sent)."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None, NOT_UNDERSTOOD
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        return None, NOT_UNDERSTOOD
    message = folding.normalize(message)
    if not message:
        return None, EMPTY
    if len(message) > MAX_MESSAGE_CHARS:
        return None, TOO_LONG
    return message, None


@router.options("/chat/gui", include_in_schema=False)
def preflight(request: Request):
    origin = _origin_allowed(request)
    if origin is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    _cors(response, origin, request)
    response.headers["access-control-allow-methods"] = "POST"
    response.headers["access-control-allow-headers"] = "content-type"
    response.headers["access-control-max-age"] = "600"
    return response


@router.post("/chat/gui", include_in_schema=False)
async def send(request: Request):
    origin = _origin_allowed(request)
    if origin is None:
        return JSONResponse({"error": FORBIDDEN}, status_code=403)
    conversation = request.cookies.get(COOKIE) or ""
    if not (16 <= len(conversation) <= 64 and conversation.replace("-", "").replace("_", "").isalnum()):
        conversation = secrets.token_urlsafe(18)
    limit = settings.get().portal_chat_per_minute
    if not limiter.allow(f"v:{conversation}", limit) or not limiter.allow(
        f"a:{client_address(request)}", limit * PER_ADDRESS_FACTOR
    ):
        response = _answer(request, origin, 429, {"error": TOO_FAST})
        response.headers["retry-after"] = "60"
        return _with_cookie(response, request, conversation)
    message, problem = read_message(await request.body())
    if problem:
        return _with_cookie(_answer(request, origin, 400, {"error": problem}), request, conversation)
    config = settings.get()
    try:
        async with RasaClient(config.rasa_base_url, timeout=config.rasa_timeout) as client:
            replies = await client.send(f"camnang-{conversation}", message, CHANNEL)
    except RasaUnavailable:
        return _with_cookie(_answer(request, origin, 503, {"error": BUSY}), request, conversation)
    messages = [
        {
            "text": str(r.get("text") or ""),
            "buttons": [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in r.get("buttons") or []
                if isinstance(b, dict)
            ],
        }
        for r in replies
        if r.get("text") or r.get("buttons")
    ]
    return _with_cookie(_answer(request, origin, 200, {"messages": messages}), request, conversation)


def _with_cookie(response: Response, request: Request, conversation: str) -> Response:
    """The conversation cookie on every answer, so the rate limit counts a visitor who never
    got a reply too. A school's site frames the chat: there the cookie is a third-party one
    and needs SameSite=None, which browsers accept only with Secure (HTTPS)."""
    secure = is_https(request)
    response.set_cookie(
        COOKIE,
        conversation,
        max_age=30 * 24 * 3600,
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
        path="/chat",
    )
    return response
