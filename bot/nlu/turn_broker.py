"""Rasa's event broker for the counselling records: each user message reaches the action
server's `POST /turns` in the background, after the reply.

Why: the records (daily counts, the department's usage counts, unanswered questions kept
masked for counsellors; counselling/conversation_log.py) used to be written by an action
Rasa called on every message before answering, a second action-server call per turn.
Here Rasa answers with one call, and `publish` only appends to an in-memory queue: a task
on Rasa's event loop sends the queue in batches (every `flush_interval` seconds, or at once
when `batch_size` records wait) with `Authorization: Bearer <ACTIONS_SECRET>`, the header
the action server checks on every call. A batch that did not get through (no connection,
timeout, HTTP 5xx or 429) is sent again with a doubling wait up to `max_backoff` seconds, in
order; the action server counts a message once by its Rasa message id, so a batch sent
twice is harmless. The queue holds at most `queue_size` records: when the action server
is away that long, the oldest are dropped with one log line; these records are statistics,
and a lost one costs a count, never an answer. Records still queued when Rasa stops are
sent for up to `close_timeout` seconds.

What is sent: for each user message its sender id, text, intent, intent ranking, entities
(type and value), input channel, message id, time and the channel named in its metadata;
and, when a turn ran `action_delete_my_data`, a `forget` record, so questions of that
student recorded late (queued behind the deletion) are deleted too. Nothing else of the
conversation leaves Rasa, and no message text or secret is ever logged.

Configured in endpoints.yml (bot/rasa_endpoints.py writes it; Rasa expands the secret):

    event_broker:
      type: bot.nlu.turn_broker.TurnBroker
      url: "http://127.0.0.1:5055/turns"
      token: ${ACTIONS_SECRET}

Rasa's tracker store publishes the events of every save after reading the stored tracker
back to compute which are new (a full deserialisation: about 20 ms for a 40-turn
conversation, on the reply path). With this broker it publishes the events of the turn
just saved instead (since the latest user message), which is all this broker keeps.

Loaded by Rasa through the class path; runs in .venv-rasa (Python 3.10, aiohttp from Rasa).
"""

from __future__ import annotations

import asyncio
import json
import logging
from asyncio import AbstractEventLoop
from collections import deque
from contextlib import suppress
from typing import Any

import aiohttp
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlu.forget import FORGET_ACTION

log = logging.getLogger(__name__)

# (endpoint option, type, default): all but url and token are optional in endpoints.yml
OPTIONS = (
    ("batch_size", int, 50),
    ("flush_interval", float, 0.5),
    ("queue_size", int, 10_000),
    ("timeout", float, 10.0),
    ("backoff", float, 0.5),
    ("max_backoff", float, 30.0),
    ("close_timeout", float, 5.0),
)
RETRY_STATUSES = {408, 429}  # and every 5xx: the batch may not have been recorded


def turn_record(event: dict[str, Any]) -> dict[str, Any] | None:
    """What the action server records of one published event; None for every other event."""
    kind = event.get("event")
    if kind == "user":
        parse = event.get("parse_data") or {}
        channel = (event.get("metadata") or {}).get("channel")
        return {
            "event": "user",
            "sender_id": event.get("sender_id"),
            "timestamp": event.get("timestamp"),
            "text": event.get("text") or "",
            "parse_data": {
                "intent": _intent(parse.get("intent")),
                "intent_ranking": [_intent(ranked) for ranked in parse.get("intent_ranking") or []],
                "entities": [
                    {"entity": entity.get("entity"), "value": entity.get("value")}
                    for entity in parse.get("entities") or []
                    if isinstance(entity, dict)
                ],
            },
            "input_channel": event.get("input_channel"),
            "message_id": event.get("message_id"),
            "metadata": {"channel": channel} if channel else {},
        }
    if kind == "action" and event.get("name") == FORGET_ACTION:
        return {"event": "forget", "sender_id": event.get("sender_id"), "timestamp": event.get("timestamp")}
    return None


def _intent(intent: Any) -> dict[str, Any]:
    if not isinstance(intent, dict):
        return {"name": None, "confidence": 0.0}
    return {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)}


class TurnBroker(EventBroker):
    """Sends user messages to the action server's /turns in batches, off the reply path."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        batch_size: int = 50,
        flush_interval: float = 0.5,
        queue_size: int = 10_000,
        timeout: float = 10.0,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        close_timeout: float = 5.0,
    ) -> None:
        if not url or not secret:
            raise ValueError("TurnBroker needs the action server's /turns url and its secret (token)")
        self.url = url
        self._headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.queue_size = max(1, queue_size)
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.close_timeout = close_timeout
        self._queue: deque = deque()
        self._sending: list[dict[str, Any]] = []  # the batch in flight, out of the queue
        self._queued = asyncio.Event()  # something waits to be sent
        self._batch_ready = asyncio.Event()  # a whole batch waits: no need to wait for the interval
        self._task: asyncio.Task | None = None
        self._closing = False
        self._failing = False  # a failure was logged: the next delivery logs the recovery
        # statistics (read by the tests)
        self.delivered = 0
        self.retries = 0
        self.dropped = 0
        self.batches = 0
        self._dropped_since_logged = 0

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig | None, event_loop: AbstractEventLoop | None = None
    ) -> TurnBroker | None:
        if broker_config is None:
            return None
        options = dict(broker_config.kwargs)
        values = {name: kind(options[name]) for name, kind, _ in OPTIONS if options.get(name) is not None}
        unknown = set(options) - {name for name, _, _ in OPTIONS}
        if unknown:
            log.warning("TurnBroker: unknown options ignored: %s", ", ".join(sorted(unknown)))
        broker = cls(broker_config.url or "", broker_config.token or "", **values)
        log.info("Turn records go to %s in batches of up to %d", broker.url, broker.batch_size)
        return broker

    # --- Rasa's side: never waits, never raises --------------------------------------------

    def publish(self, event: dict[str, Any]) -> None:
        try:
            record = turn_record(event)
            if record is None or self._closing:
                return
            if len(self._queue) >= self.queue_size:
                self._queue.popleft()
                self.dropped += 1
                self._dropped_since_logged += 1
                if self._dropped_since_logged == 1:
                    log.warning(
                        "Turn record queue full (%d): dropping the oldest records until the action server takes them "
                        "(message counts are statistics; answers are not affected)",
                        self.queue_size,
                    )
            self._queue.append(record)
            self._queued.set()
            if len(self._queue) >= self.batch_size:
                self._batch_ready.set()
            self._start()
        except Exception as error:  # a record must never fail the turn that Rasa is saving
            log.error("Could not queue a turn record: %s", type(error).__name__)

    def is_ready(self) -> bool:
        return not self._closing

    async def close(self) -> None:
        """Sends what is queued (for up to close_timeout seconds), then stops."""
        self._closing = True
        self._queued.set()
        self._batch_ready.set()
        task = self._start() if self._queue else self._task  # (re)started when records wait
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), self.close_timeout)
            except asyncio.TimeoutError:
                task.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await task
            except Exception as error:  # stopping Rasa must not fail because of a record
                log.error("The turn record task failed: %s", type(error).__name__)
        lost = len(self._queue) + len(self._sending)
        if lost:
            log.warning("Rasa stopped with %d turn records not delivered to the action server", lost)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def _start(self) -> asyncio.Task | None:
        """The sending task, on the running loop (Rasa's server loop); started on the first record."""
        if self._task is not None and not self._task.done():
            return self._task
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop yet: the records wait for the first publish inside one
            return None
        self._task = loop.create_task(self._run())
        return self._task

    # --- the sending task ------------------------------------------------------------------

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout, headers=self._headers) as session:
            while True:
                await self._queued.wait()
                if not self._closing and len(self._queue) < self.batch_size:
                    with suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._batch_ready.wait(), self.flush_interval)
                while self._queue:
                    batch = [self._queue.popleft() for _ in range(min(self.batch_size, len(self._queue)))]
                    self._sending = batch
                    try:
                        await self._deliver(session, batch)
                    except asyncio.CancelledError:
                        raise
                    except Exception as error:  # keep sending the next ones whatever happened
                        log.error("Turn records lost (%d): %s", len(batch), type(error).__name__)
                    self._sending = []
                self._queued.clear()
                self._batch_ready.clear()
                if self._closing:
                    return

    async def _deliver(self, session: aiohttp.ClientSession, batch: list[dict[str, Any]]) -> None:
        """Posts one batch until the action server has it (or refuses it for good)."""
        body = json.dumps({"turns": batch}, ensure_ascii=False, default=str).encode("utf-8")
        delay = self.backoff
        while True:
            try:
                async with session.post(self.url, data=body) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                failure = type(error).__name__
            else:
                if status < 300:
                    self._delivered(len(batch))
                    return
                if status < 500 and status not in RETRY_STATUSES:
                    log.error("The action server refused %d turn records (HTTP %s): not counted", len(batch), status)
                    return
                failure = f"HTTP {status}"
            if self._closing:
                # Rasa is stopping: try again until close() gives up
                delay = min(delay, 0.2)
            if not self._failing:
                self._failing = True
                log.warning("Turn records not delivered to the action server (%s); retrying with backoff", failure)
            self.retries += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)

    def _delivered(self, count: int) -> None:
        self.delivered += count
        self.batches += 1
        if self._failing or self._dropped_since_logged:
            log.info(
                "Turn records reach the action server again (%d dropped meanwhile because the queue was full)",
                self._dropped_since_logged,
            )
        self._failing = False
        self._dropped_since_logged = 0


# --- Rasa's tracker store: publish the turn just saved, without reading the tracker back -----

_stream_events = TrackerStore.stream_events


def turn_events(tracker: DialogueStateTracker) -> list:
    """The events of the latest turn: from the latest user message on (none before the first)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return []


async def stream_events(self: TrackerStore, tracker: DialogueStateTracker) -> None:
    if isinstance(self.event_broker, TurnBroker):
        # A save without a new message (an API call) publishes the latest turn again: the action
        # server counts a message once (its message id) and a second `forget` deletes nothing new.
        await self._stream_new_events(self.event_broker, turn_events(tracker), tracker.sender_id)
        return
    await _stream_events(self, tracker)


TrackerStore.stream_events = stream_events
