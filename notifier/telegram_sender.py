"""One reminder to one Telegram chat through the Bot API's sendMessage, and what came of it.

Plain httpx rather than python-telegram-bot: the notifier needs the raw outcome (429 with
`retry_after`, 403 blocked) for its own pacing and outbox, not PTB's retries.
"""

from __future__ import annotations

import httpx

from notifier.delivery import Outcome, Result
from notifier.wording import Message

MAX_CALLBACK_BYTES = 64  # Telegram's callback_data limit: longer payloads are left out


def keyboard(message: Message) -> dict | None:
    rows = []
    for button in message.buttons:
        if button.get("url"):
            rows.append([{"text": button["title"][:64], "url": button["url"]}])
        elif len(button["payload"].encode("utf-8")) <= MAX_CALLBACK_BYTES:
            rows.append([{"text": button["title"][:64], "callback_data": button["payload"]}])
    return {"inline_keyboard": rows} if rows else None


class TelegramSender:
    def __init__(self, api_url: str, token: str, http: httpx.AsyncClient):
        self.url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self.http = http

    async def send(self, chat_id: str, message: Message) -> Result:
        body: dict = {"chat_id": int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id, "text": message.text[:4096]}
        markup = keyboard(message)
        if markup:
            body["reply_markup"] = markup
        try:
            response = await self.http.post(self.url, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError, httpx.WriteTimeout) as error:
            return Result(Outcome.NOT_DELIVERED, f"Bot API not reached ({type(error).__name__})")
        except httpx.HTTPError as error:
            return Result(Outcome.UNKNOWN, f"no answer from the Bot API ({type(error).__name__})")
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code == 200 and data.get("ok"):
            return Result(Outcome.DELIVERED)
        if response.status_code == 429:
            retry_after = float((data.get("parameters") or {}).get("retry_after") or 1)
            return Result(Outcome.NOT_DELIVERED, "HTTP 429", retry_after)
        if response.status_code == 403:
            return Result(Outcome.BLOCKED, "HTTP 403")
        if response.status_code == 504:
            return Result(Outcome.UNKNOWN, "HTTP 504")
        if response.status_code >= 500:
            return Result(Outcome.NOT_DELIVERED, f"HTTP {response.status_code}")
        return Result(Outcome.REFUSED, f"HTTP {response.status_code}")
