"""Talking to Rasa over HTTP: the REST channel for a message (gateways, the staff web chat)
and the tracker API for what Rasa understood (the staff web chat's details).

One client for every caller, with the failure handling every channel needs.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
import uuid

import httpx

log = logging.getLogger(__name__)

APOLOGY = "Xin lỗi bạn, hệ thống đang bận hoặc tạm gián đoạn. Bạn thử lại sau ít phút nhé."
TEXT_ONLY = "Mình chỉ đọc được tin nhắn chữ thôi. Bạn gõ câu hỏi giúp mình nhé."
RETRY_DELAY_SECONDS = 1.0  # the load balancer's health check marks a lost replica down within 2 s
MAX_MESSAGE_CHARS = 4000  # longer messages are cut before NLU: nobody asks a question that long


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0, token: str = ""):
        self.base_url = base_url.rstrip("/")
        self.client = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)
        self.token = token  # for the tracker API (Rasa's --auth-token); the REST channel needs none
        self.last_rasa_seconds = 0.0  # for the channel-overhead benchmark

    async def __aenter__(self) -> RasaClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def send(
        self, sender: str, message: str, channel: str, turn_id: str | None = None, *, expect_answer: bool = True
    ) -> list[dict]:
        """Rasa's replies ([{"text", "buttons"}…]); raises RasaUnavailable. A caller that may send the
        same turn again after a restart (a platform redelivery) gives it a stable `turn_id`: Rasa then
        answers it from the tracker instead of running it twice.

        Every message of a student is answered, so no answer at all is a failed turn, reported as
        RasaUnavailable (the caller apologises instead of staying silent): Rasa's REST channel
        answers 200 with what it had collected when the turn failed inside it (tracker store or
        lock store unreachable, action server down). Commands that answer nothing (`/restart`)
        pass `expect_answer=False`."""
        message = unicodedata.normalize("NFC", message)[:MAX_MESSAGE_CHARS]
        body = {
            "sender": sender,
            "message": message,
            "input_channel": channel,
            # channel: recorded with unanswered questions; turn_id: a resent turn runs once (bot/nlu/rasa_patches.py)
            "metadata": {"channel": channel, "turn_id": turn_id or uuid.uuid4().hex},
        }
        started = time.perf_counter()
        try:
            response = await self._post_once_more_if_unsent(body, channel)
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
        replies = [r for r in replies if isinstance(r, dict)] if isinstance(replies, list) else []
        if expect_answer and not replies:
            log.error("Rasa answered nothing for %s: the turn failed inside Rasa (see its log)", channel)
            raise RasaUnavailable
        return replies

    async def _post_once_more_if_unsent(self, body: dict, channel: str) -> httpx.Response:
        """One retry when the turn certainly reached no Rasa (connection refused, or the load
        balancer's 503 "no replica available"), so a replica lost between two turns costs no
        reply; never after the request may have been processed, so no turn runs twice."""
        for attempt in (1, 2):
            try:
                response = await self.client.post("/webhooks/rest/webhook", json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                if attempt == 2:
                    raise
            else:
                if response.status_code != 503 or attempt == 2:
                    return response
            log.warning("Rasa not reached for %s, trying once more", channel)
            await asyncio.sleep(RETRY_DELAY_SECONDS)
        raise AssertionError("unreachable")

    async def tracker(self, sender: str) -> dict:
        """The conversation's tracker since its last restart ({} when the API refuses); raises RasaUnavailable."""
        params = {"include_events": "AFTER_RESTART", **({"token": self.token} if self.token else {})}
        try:
            response = await self.client.get(f"/conversations/{sender}/tracker", params=params)
        except httpx.HTTPError as error:
            raise RasaUnavailable from error
        if response.status_code != 200:
            return {}
        try:
            tracker = response.json()
        except ValueError as error:
            raise RasaUnavailable from error
        return tracker if isinstance(tracker, dict) else {}

    async def close(self) -> None:
        await self.client.aclose()


def last_turn(tracker: dict) -> dict:
    """What Rasa made of the latest user message and which actions answered it."""
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return {}
    parse = events[last_user].get("parse_data") or {}
    intent = parse.get("intent") or {}
    actions = [
        e.get("name")
        for e in events[last_user + 1 :]
        if e.get("event") == "action" and e.get("name") not in ("action_listen", "action_extract_slots", None)
    ]
    return {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 3),
        "ranking": [
            [r.get("name"), round(float(r.get("confidence") or 0.0), 3)] for r in (parse.get("intent_ranking") or [])[:3]
        ],
        "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in parse.get("entities") or []],
        "actions": actions,
    }
