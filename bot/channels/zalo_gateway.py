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
a time. Buttons are `oa.query.hide`: a tap sends the payload to the OA without
showing `/intent{...}` in the student's chat. A sender over
ZALO_RATE_LIMIT_PER_MINUTE gets one "Bạn nhắn nhanh quá…" per minute.
Sources: shared/research/channels.md §1.

Once the webhook has answered 200 Zalo never resends the event, so it is kept in the
store's inbox, in the same step as its redelivery mark, until its replies are in the
outbox (one step again); a gateway killed in between handles it at its next start with
the event's own turn id, so Rasa runs the turn at most once and it is answered once.

Replies go through a durable outbox (bot/channels/store/: Redis or a
SQLite file), because once the webhook has answered 200 Zalo will never resend
the question: a reply that cannot be sent now must wait, not vanish. One worker
per user sends that user's queue in order; a restarted gateway resumes every
pending queue. Each attempt ends in one of four outcomes, and the rule is:

- delivered (`error` 0) → done;
- certainly not delivered → retry with doubling back-off (ZALO_SEND_BACKOFF_SECONDS
  up to ZALO_SEND_BACKOFF_MAX_SECONDS) until the message is ZALO_OUTBOX_MAX_AGE_SECONDS
  old: the request never reached Zalo (connection refused, connect/pool timeout,
  write failure — an incomplete request cannot be acted on), or Zalo said it did
  not take it (HTTP 429, HTTP 5xx other than 504, rate limit -32, an access token
  refused even after a refresh);
- unknown → never resent, logged as a warning: the request was sent whole and no
  answer came (read timeout after ZALO_SEND_TIMEOUT_SECONDS, connection dropped
  while waiting, HTTP 504 from a proxy, a 200 that is not JSON), or the gateway
  stopped in the middle of the attempt (the outbox item still carries its
  "sending" mark). Zalo may have delivered it, and a student reading the same
  answer twice is worse than one lost reply among many hours of slowness; the
  generous default timeout (60 s) makes this rare;
- refused for good (any other Zalo error: not a follower, outside the 7-day
  window, invalid parameter…) → dropped and logged.
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
from enum import Enum
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import settings
from bot.channels.rate_limit import SLOW_DOWN, RateLimit, Verdict
from bot.channels.secrets import setup_logging
from bot.channels.store import OutboxItem, open_channel_store
from bot.channels.text_split import split_text
from bot.channels.token_file import TokenFile
from bot.rasa_client import APOLOGY, TEXT_ONLY, RasaClient, RasaUnavailable
from metrics.channels import MESSAGES, OUTBOX_DEPTH, SEND_FAILURES
from metrics.endpoint import serve_metrics

log = logging.getLogger("zalo_gateway")

MAX_TEXT = 2000
MAX_BUTTONS = 5
BUTTON_TYPE = "oa.query.hide"  # the tap reaches the OA as text but is not shown as the student's message
MAX_PAYLOAD = 1000  # Zalo's limit for a query button's payload
TOKEN_ERRORS = (-216, -220)  # invalid / expired access token
RATE_LIMITED = -32
IGNORED_EVENTS = ("user_received_message", "user_seen_message")
STALE_MARK_MARGIN = 30.0  # an attempt mark older than the send timeout plus this was left by a stopped gateway
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
    backoff_max: float
    send_timeout: float  # read timeout of one send: past it the outcome is unknown
    outbox_max_age: float
    rate_limit: int  # messages per sender per minute
    max_body_bytes: int = 1024 * 1024
    refresh_margin: float = 600.0  # refresh when the token has less than this left

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
            backoff_max=config.zalo_send_backoff_max_seconds,
            send_timeout=config.zalo_send_timeout_seconds,
            outbox_max_age=config.zalo_outbox_max_age_seconds,
            rate_limit=config.zalo_rate_limit_per_minute,
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


OUTBOX_DEPTH_SECONDS = 5.0


class Outcome(Enum):
    """What became of one attempt to send (the rule is in the module docstring)."""

    DELIVERED = "delivered"
    NOT_DELIVERED = "not delivered"  # certainly: retry later
    UNKNOWN = "unknown"  # Zalo may have it: never resend
    REFUSED = "refused"  # for good: drop


class ZaloGateway:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=settings.send_timeout))
        self.rasa = RasaClient(settings.rasa_url)
        self.tokens = OaTokens(settings, self.http)
        self.store = open_channel_store("zalo", settings.state_dir, settings.redis_url or None)
        self.limit = RateLimit(self.store, settings.rate_limit)
        self.locks: dict[str, asyncio.Lock] = {}
        self.tasks: set[asyncio.Task] = set()  # events being handled
        self.workers: dict[str, asyncio.Task] = {}  # one outbox worker per user with pending replies
        self.stopping = asyncio.Event()
        self.app = Starlette(
            routes=[Route("/zalo/webhook", self.webhook, methods=["POST"]), Route("/health", self.health)],
            lifespan=self.lifespan,
        )

    @contextlib.asynccontextmanager
    async def lifespan(self, _app):
        for user in await self.store.pending_users():  # replies a stopped gateway could not send yet
            self.wake(user)
        for key, event in await self.store.inbox():  # acknowledged to Zalo before a stop, not answered yet
            self.start_handling(event, key)
        gauge = asyncio.create_task(self.measure_outbox())
        yield
        gauge.cancel()
        await self.close()

    async def measure_outbox(self) -> None:
        """The outbox depth gauge, read from the store every few seconds (not per scrape: the
        scrape runs in another thread, the store on this loop)."""
        while not self.stopping.is_set():
            try:
                OUTBOX_DEPTH.labels("zalo").set(await self.store.outbox_depth())
            except Exception as error:  # the gauge is not worth a failing gateway
                log.warning("outbox depth not measured: %s", type(error).__name__)
            await self.pause(OUTBOX_DEPTH_SECONDS)

    async def close(self) -> None:
        """Finish the turns in progress (their replies land in the outbox), then let each worker
        finish the attempt it is in; what is still queued waits for the next start."""
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=10)
        self.stopping.set()
        if self.workers:
            await asyncio.wait(self.workers.values(), timeout=10)
        await self.rasa.close()
        await self.http.aclose()
        await self.store.close()

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
        key = self.event_key(event)
        if not await self.store.take_in(key, event):  # kept until its reply is queued: Zalo never resends it
            return JSONResponse({"status": "duplicate"})
        MESSAGES.labels("zalo").inc()
        self.start_handling(event, key)
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

    def start_handling(self, event: dict, key: str) -> None:
        task = asyncio.create_task(self.handle(event, key))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def handle(self, event: dict, key: str) -> None:
        """Answer one event: its replies go into the outbox and the event leaves the inbox in one
        step, so a gateway killed at any point answers it exactly once after its restart. An
        event that fails here stays in the inbox and is handled again at the next start."""
        name = str(event.get("event_name", ""))
        user = self.user_of(event)
        try:
            if not user or name.startswith("oa_send_") or name in IGNORED_EVENTS:
                await self.store.enqueue(user, [], settles=key)
                return
            # the user's lock is the first thing awaited, so a user's events keep their order
            async with self.locks.setdefault(user, asyncio.Lock()):
                await self.store.enqueue(user, await self.answer(name, user, event, key), settles=key)
                self.wake(user)
        except Exception:  # a background task must never die silently
            log.exception("Failed to handle a Zalo %s event; it is handled again at the next start", name)

    async def answer(self, name: str, user: str, event: dict, key: str) -> list[dict]:
        """The OA messages that answer one event; called holding the user's lock."""
        if name not in ("user_send_text", "follow", *MEDIA_EVENTS):
            return []
        verdict = await self.limit.check(user)
        messages = zalo_messages(SLOW_DOWN, []) if verdict is Verdict.SLOW_DOWN else []
        if verdict is not Verdict.ANSWER:
            return messages
        if name == "user_send_text":
            return await self.relay(user, str((event.get("message") or {}).get("text") or ""), key)
        if name == "follow":
            return await self.relay(user, "/greet", key)
        return zalo_messages(TEXT_ONLY, [])

    async def relay(self, user: str, text: str, key: str) -> list[dict]:
        """One turn. Its id comes from the event, so an event handled again after a restart (the
        gateway died after Rasa answered) is answered from Rasa's tracker, not run twice."""
        if not text.strip():
            return zalo_messages(TEXT_ONLY, [])
        try:
            replies = await self.rasa.send(f"zalo:{user}", text, "zalo", f"zalo-{key}")
        except RasaUnavailable:
            replies = [{"text": APOLOGY}]
        return [m for reply in replies for m in zalo_messages(reply.get("text") or "", reply.get("buttons") or [])]

    # --- outbound -------------------------------------------------------------------------

    def wake(self, user: str) -> None:
        worker = self.workers.get(user)
        if worker is None or worker.done():
            self.workers[user] = asyncio.create_task(self.drain(user))

    async def drain(self, user: str) -> None:
        """Send the user's queue in order until it is empty (or the gateway stops)."""
        try:
            while not self.stopping.is_set():
                item = await self.store.head(user)
                if item is None:
                    return
                now = time.time()
                if item.sending_since is not None:
                    if now - item.sending_since < self.settings.send_timeout + STALE_MARK_MARGIN:
                        await self.pause(1.0)  # another gateway process may be waiting for Zalo's answer
                        continue
                    log.warning("A Zalo send was interrupted by a gateway stop; its outcome is unknown, not resending")
                    await self.store.remove(item)
                elif now - item.created > self.settings.outbox_max_age:
                    log.error("Zalo send given up after %s attempts over %.0f s", item.attempts, now - item.created)
                    SEND_FAILURES.labels("zalo", "expired").inc()
                    await self.store.remove(item)
                elif item.next_at > now:
                    await self.pause(item.next_at - now)
                elif await self.store.claim(item):
                    await self.settle(item, *await self.attempt(user, item.message))
        except Exception:
            log.exception("Zalo outbox worker failed; the queue is resumed at the next start")
        finally:
            if self.workers.get(user) is asyncio.current_task():
                del self.workers[user]

    async def settle(self, item: OutboxItem, outcome: Outcome, reason: str) -> None:
        if outcome is not Outcome.DELIVERED:
            SEND_FAILURES.labels("zalo", outcome.value).inc()
        if outcome is Outcome.NOT_DELIVERED:
            delay = min(self.settings.backoff * 2 ** min(item.attempts, 30), self.settings.backoff_max)
            if item.attempts % 10 == 0:  # the first failure, then every tenth: an outage is one line a few minutes
                log.warning("Zalo send not delivered: %s; attempt %s, retrying in %.1f s", reason, item.attempts + 1, delay)
            await self.store.postpone(item, time.time() + delay)
            return
        if outcome is Outcome.UNKNOWN:
            log.warning("Zalo send outcome unknown: %s; it may have been delivered, so it is not resent", reason)
        elif outcome is Outcome.REFUSED:
            log.error("Zalo refused a message: %s", reason)
        await self.store.remove(item)

    async def pause(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=max(seconds, 0.0))

    async def attempt(self, user: str, message: dict) -> tuple[Outcome, str]:
        """One POST /v3.0/oa/message/cs (and one more after refreshing a refused token): the outcome and why."""
        refreshed = False
        while True:
            try:
                token = await self.tokens.access_token()  # may refresh first
            except httpx.HTTPError as failure:
                return Outcome.NOT_DELIVERED, f"token refresh failed ({type(failure).__name__})"
            try:
                response = await self.http.post(
                    f"{self.settings.api_url}/v3.0/oa/message/cs",
                    headers={"access_token": token},
                    json={"recipient": {"user_id": user}, "message": message},
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError, httpx.WriteTimeout) as error:
                return Outcome.NOT_DELIVERED, f"OA API not reached ({type(error).__name__})"
            except httpx.HTTPError as error:
                return Outcome.UNKNOWN, f"no answer from the OA API ({type(error).__name__})"
            if response.status_code == 504:
                return Outcome.UNKNOWN, "HTTP 504"
            if response.status_code == 429 or response.status_code >= 500:
                return Outcome.NOT_DELIVERED, f"HTTP {response.status_code}"
            try:
                data = response.json()
            except ValueError:
                data = None
            if not isinstance(data, dict):
                outcome = Outcome.UNKNOWN if response.status_code == 200 else Outcome.REFUSED
                return outcome, f"HTTP {response.status_code} without a JSON answer"
            error = data.get("error")
            if error == 0:
                return Outcome.DELIVERED, ""
            if error == RATE_LIMITED:
                return Outcome.NOT_DELIVERED, "rate limit (-32)"
            if error in TOKEN_ERRORS:
                if refreshed:  # the refresh failed; it may work on the next attempt
                    return Outcome.NOT_DELIVERED, f"access token refused ({error})"
                try:
                    await self.tokens.refresh(stale=token)
                except httpx.HTTPError as failure:
                    return Outcome.NOT_DELIVERED, f"token refresh failed ({type(failure).__name__})"
                refreshed = True
                continue
            return Outcome.REFUSED, f"error {error}"


def zalo_messages(text: str, buttons: list[dict]) -> list[dict]:
    """One reply as OA messages: text in parts of at most 2,000 characters, buttons on the last."""
    chunks = split_text(text, MAX_TEXT) or (["Bạn chọn:"] if buttons else [])
    messages = [{"text": chunk} for chunk in chunks]
    usable = [b for b in buttons if b.get("payload") and len(b["payload"]) <= MAX_PAYLOAD][:MAX_BUTTONS]
    if messages and usable:
        messages[-1]["attachment"] = {
            "type": "template",
            "payload": {
                "buttons": [{"title": b.get("title", "")[:100], "type": BUTTON_TYPE, "payload": b["payload"]} for b in usable]
            },
        }
    return messages


def create_app() -> Starlette:
    settings = Settings.from_env()
    setup_logging([settings.oa_secret_key, settings.app_secret_key, settings.access_token, settings.refresh_token])
    return ZaloGateway(settings).app


def main() -> None:
    import uvicorn

    config = settings.get()
    serve_metrics(config.zalo_metrics_port, "cổng Zalo")
    uvicorn.run(create_app(), host=config.zalo_listen, port=config.zalo_port, log_level="warning")


if __name__ == "__main__":
    main()
