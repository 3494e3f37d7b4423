"""Telegram in front of the bot (python-telegram-bot), relaying to Rasa's REST channel.

Long polling by default (no public URL needed); webhook mode with Telegram's
secret token when TELEGRAM_MODE=webhook. Different chats are served
concurrently; one chat's messages are handled strictly in order (a lock per
chat). Settings come from environment variables (README, "Kênh Telegram").

Exactly once: Telegram delivers an update again when the batch that carried it
was not confirmed (a restart, a lost connection) or when a webhook answer was
late, and a batch may even carry the same update twice. An update_id is marked
handled in the channel store (Redis or a SQLite file, so it survives restarts)
once its answer is sent, and a handled one is dropped; duplicates of one chat wait
for each other (the chat lock). A gateway killed in the middle of a turn has not
marked it, so the redelivered update is handled again, with the same turn_id
("telegram-<bot>-<update_id>"): Rasa answers it from the tracker instead of running
it twice (bot/nlu/rasa_patches.py). Only a kill between sending the answer and
marking it (milliseconds) can repeat an answer. Long button payloads
are kept in the same store, so buttons keep working after a restart. A sender
over TELEGRAM_RATE_LIMIT_PER_MINUTE gets one "Bạn nhắn nhanh quá…" per minute.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

import settings
from bot.channels.rate_limit import SLOW_DOWN, RateLimit, Verdict
from bot.channels.secrets import setup_logging
from bot.channels.store import ChannelStore, open_channel_store
from bot.channels.text_split import split_text
from bot.rasa_client import APOLOGY, TEXT_ONLY, RasaClient, RasaUnavailable
from metrics.channels import MESSAGES, SEND_FAILURES
from metrics.endpoint import serve_metrics

log = logging.getLogger("telegram_gateway")

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # a handbook is a few MB; the Bot API takes up to 50 MB
HELP = (
    "Mình là trợ lý tư vấn học nghề. Bạn có thể hỏi:\n"
    "• Trường nào dạy nghề bạn thích, ở tỉnh nào, học phí bao nhiêu\n"
    "• Chính sách hỗ trợ (miễn giảm học phí, nội trú, vay vốn)\n"
    "• Ngày hội tuyển sinh sắp tới\n"
    "• Học gì sau lớp 9, sau lớp 12\n"
    "Gõ /reset để bắt đầu lại cuộc trò chuyện."
)
EXPIRED_BUTTON = "Nút này đã cũ rồi. Bạn gõ lại câu hỏi giúp mình nhé."
RESET_DONE = "Mình đã bắt đầu lại cuộc trò chuyện."
# what Telegram accepts as a webhook secret_token (Bot API, setWebhook)
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
BAD_WEBHOOK_SECRET = (
    "TELEGRAM_WEBHOOK_SECRET không hợp lệ: Telegram chỉ nhận 1–256 ký tự gồm chữ cái không dấu (A–Z, a–z), "
    "chữ số (0–9), dấu gạch dưới (_) và gạch ngang (-); không có dấu cách, +, / hay =. "
    'Tạo mã mới bằng: python -c "import secrets; print(secrets.token_urlsafe(32))"'
)


@dataclass
class Settings:
    """The gateway's view of the process settings (defaults live in the settings package)."""

    token: str
    rasa_url: str
    api_url: str
    mode: str  # polling | webhook
    webhook_url: str
    webhook_secret: str
    webhook_listen: str
    webhook_port: int
    poll_timeout: int
    rasa_timeout: float
    typing_delay: float  # show "typing…" only when Rasa takes longer than this
    redis_url: str
    state_dir: Path
    rate_limit: int  # messages per sender per minute
    document_base: str = ""  # the public handbook's address: only documents from there are fetched and sent

    @classmethod
    def from_env(cls) -> Settings:
        config = settings.get()
        token = config.telegram_bot_token
        if not token:
            raise SystemExit("TELEGRAM_BOT_TOKEN chưa được đặt (xem README, mục Kênh Telegram).")
        if config.telegram_mode not in ("polling", "webhook"):
            raise SystemExit(f"TELEGRAM_MODE={config.telegram_mode!r} không hợp lệ: chỉ nhận `polling` hoặc `webhook`.")
        if config.telegram_mode == "webhook":
            if not config.telegram_webhook_url or not config.telegram_webhook_secret:
                raise SystemExit("Chế độ webhook cần TELEGRAM_WEBHOOK_URL và TELEGRAM_WEBHOOK_SECRET.")
            if not WEBHOOK_SECRET.fullmatch(config.telegram_webhook_secret):
                raise SystemExit(BAD_WEBHOOK_SECRET)
        return cls(
            token=token,
            rasa_url=config.rasa_base_url,
            api_url=config.telegram_api_url.rstrip("/"),
            mode=config.telegram_mode,
            webhook_url=config.telegram_webhook_url,
            webhook_secret=config.telegram_webhook_secret,
            webhook_listen=config.telegram_webhook_listen,
            webhook_port=config.telegram_webhook_port,
            poll_timeout=config.telegram_poll_timeout,
            rasa_timeout=config.rasa_timeout,
            typing_delay=config.telegram_typing_delay_seconds,
            redis_url=config.redis_url,
            state_dir=config.telegram_state_path,
            rate_limit=config.telegram_rate_limit_per_minute,
            document_base=config.portal_base_url,
        )

    @property
    def bot_id(self) -> str:
        """The numeric part of the token: names this bot's keys in a shared Redis."""
        return self.token.split(":", 1)[0]


class ButtonPayloads:
    """callback_data is limited to 64 bytes: longer Rasa payloads get a short id, and the
    payload is kept in the channel store (not in memory, so a restart keeps buttons working)."""

    def __init__(self, store: ChannelStore):
        self.store = store

    async def to_callback(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith("#"):
            return payload
        short = "#" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]
        await self.store.remember(short, payload)
        return short

    async def from_callback(self, data: str) -> str | None:
        if data.startswith("#"):
            return await self.store.recall(data)
        return data


class TelegramGateway:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.rasa = RasaClient(settings.rasa_url, timeout=settings.rasa_timeout)
        self.store = open_channel_store(f"telegram:{settings.bot_id}", settings.state_dir, settings.redis_url or None)
        self.payloads = ButtonPayloads(self.store)
        self.limit = RateLimit(self.store, settings.rate_limit)
        self.locks: dict[int, asyncio.Lock] = {}

    def build(self) -> Application:
        api = self.settings.api_url
        application = (
            Application.builder()
            .token(self.settings.token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .concurrent_updates(True)
            .get_updates_read_timeout(self.settings.poll_timeout + 10)
            .post_shutdown(self._close)
            .build()
        )
        guarded = self.guarded
        application.add_handler(CommandHandler("start", guarded(self.on_start)))
        application.add_handler(CommandHandler("help", guarded(self.on_help)))
        application.add_handler(CommandHandler("reset", guarded(self.on_reset)))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, guarded(self.on_text)))
        application.add_handler(CallbackQueryHandler(guarded(self.on_button)))
        application.add_handler(
            MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, guarded(self.on_other))
        )
        application.add_error_handler(self.on_error)
        return application

    async def _close(self, _application: Application) -> None:
        await self.rasa.close()
        await self.store.close()

    def lock_for(self, chat_id: int) -> asyncio.Lock:
        return self.locks.setdefault(chat_id, asyncio.Lock())

    def guarded(self, handler):
        """Run `handler` in its chat's turn (the chat lock is the first thing awaited, so updates
        keep their order), once per update_id, and only within the sender's rate limit."""

        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if update.effective_chat is None:
                return
            chat_id = update.effective_chat.id
            async with self.lock_for(chat_id):
                key = f"update:{update.update_id}"
                if await self.store.seen(key):
                    log.info("Dropped update %s: already handled", update.update_id)
                    return
                MESSAGES.labels("telegram").inc()
                try:
                    verdict = await self.limit.check(str(chat_id))
                    if verdict is not Verdict.ANSWER:
                        if update.callback_query:
                            await update.callback_query.answer()
                        if verdict is Verdict.SLOW_DOWN:
                            await context.bot.send_message(chat_id, SLOW_DOWN)
                        return
                    await handler(update, context)
                finally:  # not reached when the process is killed: then the redelivery is handled
                    await self.store.first_time(key)

        return run

    # --- handlers -------------------------------------------------------------------------

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update.effective_chat.id, update.effective_message.text or "", context, update.update_id)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()  # stop the button's spinner first
        payload = await self.payloads.from_callback(query.data or "")
        chat_id = update.effective_chat.id
        if payload is None:
            await context.bot.send_message(chat_id, EXPIRED_BUTTON)
            return
        await self.relay(chat_id, payload, context, update.update_id)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(update.effective_chat.id, "/greet", context, update.update_id)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, HELP)

    async def on_reset(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id
        try:
            await self.rasa.send(self.sender(chat_id), "/restart", "telegram", expect_answer=False)
        except RasaUnavailable:
            await context.bot.send_message(chat_id, APOLOGY)
            return
        await context.bot.send_message(chat_id, RESET_DONE)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, TEXT_ONLY)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Error while handling an update: %s", type(context.error).__name__, exc_info=context.error)
        if isinstance(context.error, (TelegramError, httpx.HTTPError)):
            SEND_FAILURES.labels("telegram", "error").inc()

    # --- relay ----------------------------------------------------------------------------

    @staticmethod
    def sender(chat_id: int) -> str:
        return f"telegram:{chat_id}"

    async def relay(self, chat_id: int, text: str, context: ContextTypes.DEFAULT_TYPE, update_id: int | None = None) -> None:
        """One turn; called in the chat's turn (see `guarded`)."""
        if not text.strip():
            await context.bot.send_message(chat_id, TEXT_ONLY)
            return
        answered = asyncio.Event()
        typing = asyncio.create_task(self._typing(context, chat_id, answered))
        try:
            turn_id = f"telegram-{self.settings.bot_id}-{update_id}" if update_id is not None else None
            replies = await self.rasa.send(self.sender(chat_id), text, "telegram", turn_id)
        except RasaUnavailable:
            replies = [{"text": APOLOGY}]
        finally:
            answered.set()  # stop after the request in flight (cancelling it would drop a pooled connection)
        await self.deliver(context, chat_id, replies)
        await typing

    async def _typing(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, answered: asyncio.Event) -> None:
        """ "typing…" every 4 s (Telegram shows it for 5 s) until Rasa has answered; not at all for
        answers quicker than `typing_delay`, where it would only flash and slow the reply."""
        try:
            try:
                await asyncio.wait_for(answered.wait(), timeout=self.settings.typing_delay)
                return
            except asyncio.TimeoutError:
                pass
            while not answered.is_set():
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
                try:
                    await asyncio.wait_for(answered.wait(), timeout=4)
                except asyncio.TimeoutError:
                    pass
        except Exception as error:  # "typing…" is cosmetic: never fail a reply because of it
            log.warning("typing indicator failed: %s", type(error).__name__)

    async def deliver(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[dict]) -> None:
        for reply in replies:
            custom = reply.get("custom")
            if isinstance(custom, dict) and isinstance(custom.get("document"), dict):
                await self.send_document(context, chat_id, custom["document"])
                continue
            chunks = split_text(reply.get("text") or "", MAX_TEXT)
            buttons = reply.get("buttons") or []
            markup = None
            if buttons:
                markup = InlineKeyboardMarkup(
                    [
                        [
                            InlineKeyboardButton(
                                b.get("title", "")[:64], callback_data=await self.payloads.to_callback(b["payload"])
                            )
                        ]
                        for b in buttons
                        if b.get("payload")
                    ]
                )
                if not chunks:
                    chunks = ["Bạn chọn:"]
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                await context.bot.send_message(chat_id, chunk, reply_markup=markup if last else None)

    async def send_document(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, document: dict) -> None:
        """The handbook's PDF itself ("cho em xin cẩm nang", actions/handbook.py), fetched from the
        public handbook; the link in the text is enough when it cannot be fetched or sent."""
        url = str(document.get("url") or "")
        if not self.settings.document_base or not url.startswith(self.settings.document_base + "/"):
            return
        try:
            async with httpx.AsyncClient(timeout=60) as http:
                response = await http.get(url)
            content = response.content
            if response.status_code != 200 or not content.startswith(b"%PDF") or len(content) > MAX_DOCUMENT_BYTES:
                log.info("handbook PDF not sent: HTTP %s, %s bytes", response.status_code, len(content))
                return
            filename = str(document.get("filename") or "cam-nang.pdf")
            await context.bot.send_document(chat_id, document=content, filename=filename)
        except (httpx.HTTPError, TelegramError) as error:
            log.warning("handbook PDF not sent (%s): the link is enough", type(error).__name__)


def main() -> None:
    config = Settings.from_env()
    setup_logging([config.token, config.webhook_secret])
    gateway = TelegramGateway(config)
    serve_metrics(settings.get().telegram_metrics_port, "cổng Telegram")
    application = gateway.build()
    if config.mode == "webhook":
        application.run_webhook(
            listen=config.webhook_listen,
            port=config.webhook_port,
            url_path="telegram",
            webhook_url=config.webhook_url,
            secret_token=config.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=config.poll_timeout)


if __name__ == "__main__":
    main()
