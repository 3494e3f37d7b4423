"""Zalo Official Account webhook in front of the bot, as a small service of its own.

Why not a Rasa custom channel: it runs in the current Python (.venv) with httpx,
Starlette and Redis like the Telegram gateway, can be restarted without restarting
Rasa, and keeps the Rasa environment minimal. It talks to Rasa over the REST
channel like every other front end.

Per event: verify `X-ZEvent-Signature` on the raw bytes (mac = sha256(app_id + body
+ timestamp + OA secret key)) and its freshness → 401; drop redeliveries by
message.msg_id; answer 200 at once and do the work in the background; answer
through the OA v3 customer-service API, refreshing the access token before it
expires (and once on -216/-220) with the single-use refresh token, one refresh at
a time. Sources: shared/research/channels.md §1.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from bot.channels.secrets import setup_logging
from bot.channels.text_split import split_text
from bot.channels.zalo_store import SeenEvents, TokenFile
from bot.rasa_client import APOLOGY, TEXT_ONLY, RasaClient, RasaUnavailable

log = logging.getLogger("zalo_gateway")

MAX_TEXT = 2000
MAX_BUTTONS = 5
TOKEN_ERRORS = (-216, -220)  # invalid / expired access token
RATE_LIMITED = -32
IGNORED_EVENTS = ("user_received_message", "user_seen_message")
MEDIA_EVENTS = (
    "user_send_image",
    "user_send_sticker",
    "user_send_audio",
    "user_send_video",
    "user_send_file",
    "user_send_gif",
    "user_send_location",
    "user_send_link",
)


@dataclass
class Settings:
    """The gateway's view of the process settings (defaults live in the settings package),
    plus the protocol constants below."""

    app_id: str
    oa_secret_key: str
    app_secret_key: str
    access_token: str
    refresh_token: str
    rasa_url: str
    api_url: str
    oauth_url: str
    signature_window: float
    redis_url: str
    state_dir: Path
    backoff: float
    max_body_bytes: int = 1024 * 1024
    refresh_margin: float = 600.0  # refresh when the token has less than this left
    send_retries: int = 3

    @classmethod
    def from_env(cls) -> Settings:
        config = settings.get()
        missing = [
            name
            for name, value in (
                ("ZALO_APP_ID", config.zalo_app_id),
                ("ZALO_OA_SECRET_KEY", config.zalo_oa_secret_key),
                ("ZALO_APP_SECRET_KEY", config.zalo_app_secret_key),
            )
            if not value
        ]
        if missing:
            raise SystemExit("Thiếu biến môi trường cho Zalo: " + ", ".join(missing) + " (xem README, mục Kênh Zalo).")
        return cls(
            app_id=config.zalo_app_id,
            oa_secret_key=config.zalo_oa_secret_key,
            app_secret_key=config.zalo_app_secret_key,
            access_token=config.zalo_access_token,
            refresh_token=config.zalo_refresh_token,
            rasa_url=config.rasa_base_url,
            api_url=config.zalo_oa_api_url.rstrip("/"),
            oauth_url=config.zalo_oauth_url.rstrip("/"),
            signature_window=config.zalo_signature_window_seconds,
            redis_url=config.redis_url,
            state_dir=config.zalo_state_path,
            backoff=config.zalo_send_backoff_seconds,
        )


def expected_signature(settings: Settings, raw_body: bytes, timestamp: str) -> str:
    digest = hashlib.sha256(
        settings.app_id.encode() + raw_body + timestamp.encode() + settings.oa_secret_key.encode()
    ).hexdigest()
    return f"mac={digest}"


def timestamp_seconds(value) -> float | None:
    """Zalo sends milliseconds as a string; accept seconds too."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number / 1000 if number > 1e11 else number


class OaTokens:
    """The OA access token, refreshed before expiry, one refresh at a time."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient):
        self.settings = settings
        self.http = http
        self.file = TokenFile(settings.state_dir / "tokens.json")
        self.lock = asyncio.Lock()
        self.tokens = self.file.load() or {
            "access_token": settings.access_token,
            "refresh_token": settings.refresh_token,
            # unknown expiry for tokens given by hand: trust them until Zalo says otherwise
            "expires_at": time.time() + 24 * 3600,
        }

    async def access_token(self) -> str:
        if self.tokens.get("expires_at", 0) - time.time() < self.settings.refresh_margin:
            await self.refresh(stale=self.tokens.get("access_token"))
        return self.tokens.get("access_token", "")

    async def refresh(self, stale: str | None) -> None:
        """Refresh unless another task already replaced the `stale` token."""
        async with self.lock:
            if stale is not None and self.tokens.get("access_token") != stale:
                return
            response = await self.http.post(
                f"{self.settings.oauth_url}/v4/oa/access_token",
                headers={"secret_key": self.settings.app_secret_key},
                data={
                    "refresh_token": self.tokens.get("refresh_token", ""),
                    "app_id": self.settings.app_id,
                    "grant_type": "refresh_token",
                },
            )
            try:
                data = response.json()
            except ValueError:
                data = {}
            if response.status_code != 200 or not data.get("access_token") or not data.get("refresh_token"):
                log.error("Zalo token refresh failed (HTTP %s, error %s)", response.status_code, data.get("error"))
                return
            self.tokens = {
                "access_token": data["access_token"],
                "refresh_token": data["refresh_token"],
                "expires_at": time.time() + float(data.get("expires_in") or 3600),
            }
            self.file.save(self.tokens)  # the old refresh token is now spent
            log.info("Zalo access token refreshed")


class ZaloGateway:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.http = httpx.AsyncClient(timeout=10.0)
        self.rasa = RasaClient(settings.rasa_url)
        self.tokens = OaTokens(settings, self.http)
        self.seen = SeenEvents(settings.state_dir, settings.redis_url or None)
        self.locks: dict[str, asyncio.Lock] = {}
        self.tasks: set[asyncio.Task] = set()
        self.app = Starlette(
            routes=[Route("/zalo/webhook", self.webhook, methods=["POST"]), Route("/health", self.health)],
            lifespan=self.lifespan,
        )

    @contextlib.asynccontextmanager
    async def lifespan(self, _app):
        yield
        await self.close()

    async def close(self) -> None:
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=10)
        await self.rasa.close()
        await self.http.aclose()
        await self.seen.close()

    async def health(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    # --- inbound --------------------------------------------------------------------------

    async def webhook(self, request: Request) -> JSONResponse:
        if "application/json" not in request.headers.get("content-type", ""):
            return JSONResponse({"error": "content type must be application/json"}, status_code=415)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.settings.max_body_bytes:
            return JSONResponse({"error": "body too large"}, status_code=413)
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > self.settings.max_body_bytes:
                return JSONResponse({"error": "body too large"}, status_code=413)
        try:
            event = json.loads(raw)
        except ValueError:
            return JSONResponse({"error": "malformed JSON"}, status_code=400)
        if not isinstance(event, dict):
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)
        if event == {}:
            return JSONResponse({"status": "ok"})  # Zalo's unsigned check when the URL is registered
        if not self.signed(request, raw, event):
            log.warning("Rejected a Zalo event with a missing, forged or stale signature")
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        if not await self.seen.first_time(self.event_key(event)):
            return JSONResponse({"status": "duplicate"})
        task = asyncio.create_task(self.handle(event))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return JSONResponse({"status": "ok"})

    def signed(self, request: Request, raw: bytes, event: dict) -> bool:
        given = request.headers.get("x-zevent-signature", "")
        if not given or str(event.get("app_id", "")) != self.settings.app_id:
            return False
        candidates = [str(event.get("timestamp", "")), request.headers.get("x-zevent-timestamp", "")]
        for timestamp in [c for c in candidates if c]:
            if hmac.compare_digest(given, expected_signature(self.settings, raw, timestamp)):
                sent_at = timestamp_seconds(timestamp)
                return sent_at is not None and abs(time.time() - sent_at) <= self.settings.signature_window
        return False

    @staticmethod
    def user_of(event: dict) -> str:
        for key in ("sender", "follower"):
            if isinstance(event.get(key), dict) and event[key].get("id"):
                return str(event[key]["id"])
        return str(event.get("user_id") or event.get("user_id_by_app") or "")

    def event_key(self, event: dict) -> str:
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        if message.get("msg_id"):
            return f"msg:{message['msg_id']}"
        return f"{event.get('event_name')}:{self.user_of(event)}:{event.get('timestamp')}"

    async def handle(self, event: dict) -> None:
        name = str(event.get("event_name", ""))
        user = self.user_of(event)
        try:
            if not user or name.startswith("oa_send_") or name in IGNORED_EVENTS:
                return
            if name == "user_send_text":
                text = str((event.get("message") or {}).get("text") or "")
                await self.relay(user, text)
            elif name == "follow":
                await self.relay(user, "/greet")
            elif name in MEDIA_EVENTS:
                await self.send(user, TEXT_ONLY, [])
        except Exception:  # a background task must never die silently
            log.exception("Failed to handle a Zalo %s event", name)

    async def relay(self, user: str, text: str) -> None:
        lock = self.locks.setdefault(user, asyncio.Lock())
        async with lock:
            if not text.strip():
                await self.send(user, TEXT_ONLY, [])
                return
            try:
                replies = await self.rasa.send(f"zalo:{user}", text, "zalo")
            except RasaUnavailable:
                replies = [{"text": APOLOGY}]
            for reply in replies:
                await self.send(user, reply.get("text") or "", reply.get("buttons") or [])

    # --- outbound -------------------------------------------------------------------------

    async def send(self, user: str, text: str, buttons: list[dict]) -> None:
        chunks = split_text(text, MAX_TEXT) or (["Bạn chọn:"] if buttons else [])
        for index, chunk in enumerate(chunks):
            message: dict = {"text": chunk}
            if buttons and index == len(chunks) - 1:
                message["attachment"] = {
                    "type": "template",
                    "payload": {
                        "buttons": [
                            {"title": b.get("title", "")[:100], "type": "oa.query.show", "payload": b.get("payload", "")}
                            for b in buttons[:MAX_BUTTONS]
                            if b.get("payload")
                        ]
                    },
                }
            await self.send_cs(user, message)

    async def send_cs(self, user: str, message: dict) -> bool:
        """POST /v3.0/oa/message/cs; retry only on rate limit, 5xx or timeout, never after success."""
        refreshed = False
        attempt = 0
        while True:
            token = await self.tokens.access_token()
            try:
                response = await self.http.post(
                    f"{self.settings.api_url}/v3.0/oa/message/cs",
                    headers={"access_token": token},
                    json={"recipient": {"user_id": user}, "message": message},
                )
                retry = response.status_code >= 500
                data = {} if retry else response.json()
            except (httpx.TimeoutException, httpx.TransportError, ValueError):
                retry, data = True, {}
            error = data.get("error")
            if not retry and error == 0:
                return True
            if not retry and error in TOKEN_ERRORS and not refreshed:
                await self.tokens.refresh(stale=token)
                refreshed = True
                continue
            if not retry and error != RATE_LIMITED:
                log.error("Zalo send failed: error %s", error)
                return False
            attempt += 1
            if attempt > self.settings.send_retries:
                log.error("Zalo send gave up after %s attempts", attempt)
                return False
            await asyncio.sleep(self.settings.backoff * 2 ** (attempt - 1))


def create_app() -> Starlette:
    settings = Settings.from_env()
    setup_logging([settings.oa_secret_key, settings.app_secret_key, settings.access_token, settings.refresh_token])
    return ZaloGateway(settings).app


def main() -> None:
    import uvicorn

    config = settings.get()
    uvicorn.run(create_app(), host=config.zalo_listen, port=config.zalo_port, log_level="warning")


if __name__ == "__main__":
    main()
