"""Talking to Rasa's REST channel from a gateway, with the failure handling every channel needs."""

from __future__ import annotations

import logging
import time
import unicodedata

import httpx

log = logging.getLogger(__name__)

APOLOGY = "Xin lỗi bạn, hệ thống đang bận hoặc tạm gián đoạn. Bạn thử lại sau ít phút nhé."
TEXT_ONLY = "Mình chỉ đọc được tin nhắn chữ thôi. Bạn gõ câu hỏi giúp mình nhé."
MAX_MESSAGE_CHARS = 4000  # longer messages are cut before NLU: nobody asks a question that long


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.client = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)
        self.last_rasa_seconds = 0.0  # for the channel-overhead benchmark

    async def send(self, sender: str, message: str, channel: str) -> list[dict]:
        """Rasa's replies ([{"text", "buttons"}…]); raises RasaUnavailable."""
        message = unicodedata.normalize("NFC", message)[:MAX_MESSAGE_CHARS]
        started = time.perf_counter()
        try:
            response = await self.client.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": message, "input_channel": channel,
                      "metadata": {"channel": channel}},  # recorded with unanswered questions
            )
        except httpx.HTTPError as error:
            log.error("Rasa unreachable for %s: %s", channel, type(error).__name__)
            raise RasaUnavailable from error
        finally:
            self.last_rasa_seconds = time.perf_counter() - started
        if response.status_code != 200:
            log.error("Rasa answered HTTP %s for %s", response.status_code, channel)
            raise RasaUnavailable
        try:
            replies = response.json()
        except ValueError as error:
            raise RasaUnavailable from error
        return [r for r in replies if isinstance(r, dict)]

    async def close(self) -> None:
        await self.client.aclose()
