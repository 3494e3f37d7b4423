"""The notifier's rounds: plan, then send what is due, with an injected clock.

The clock (`now`) decides what is due and the sending hours, so a test moves it instead of
sleeping for days; the pacing between sends uses real seconds (notifier.pacing). A round sends
at most ROUND_LIMIT reminders; the loop starts the next one at once while work remains.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

import settings
from catalog import queries
from catalog.models import utcnow
from catalog.vietnam_time import VIETNAM
from counselling.reminders import EVENT, SEND_FROM, SEND_UNTIL
from metrics import reminders as reminder_metrics
from notifier import outbox, planning, wording
from notifier.delivery import Outcome, Result
from notifier.pacing import TelegramPace
from notifier.telegram_sender import TelegramSender
from notifier.wording import Message
from notifier.zalo_sender import ZaloSender

log = logging.getLogger("notifier")
ROUND_LIMIT = 1000
CONCURRENT_SENDS = 32


@dataclass
class RoundResult:
    planned: int = 0
    sent: int = 0
    dropped: int = 0
    waiting: int = 0  # due but held back this round (a chat's second, Zalo's window, a retry)
    full: bool = False  # the round took ROUND_LIMIT reminders: more may be due
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def more(self) -> bool:
        return self.waiting > 0 or self.full


def in_sending_hours(now: dt.datetime) -> bool:
    return SEND_FROM <= now.astimezone(VIETNAM).time() < SEND_UNTIL


class Notifier:
    def __init__(self, config: settings.Settings | None = None, now: Callable[[], dt.datetime] = utcnow):
        self.config = config or settings.get()
        self.now = now
        timeout = httpx.Timeout(self.config.notifier_send_timeout_seconds, connect=5.0)
        self.http = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=CONCURRENT_SENDS))
        self.pace = TelegramPace(self.config.notifier_telegram_per_second, self.config.notifier_telegram_chat_seconds)
        self.telegram = (
            TelegramSender(self.config.telegram_api_url, self.config.telegram_bot_token, self.http)
            if self.config.telegram_bot_token
            else None
        )
        self.zalo = (
            ZaloSender(
                self.config.zalo_oa_api_url,
                self.config.zalo_access_token,
                self.config.zalo_state_path / "tokens.json",
                self.http,
            )
            if self.config.zalo_app_id
            else None
        )
        self.zalo_window = dt.timedelta(hours=self.config.notifier_zalo_window_hours)
        self.sends = asyncio.Semaphore(CONCURRENT_SENDS)

    async def close(self) -> None:
        await self.http.aclose()

    def start(self) -> None:
        """Once per process: reminders a stopped notifier left in flight are never resent."""
        for key in outbox.recover_in_flight():
            log.warning("reminder %s was being sent when the notifier stopped: not sent again", key)

    async def round(self) -> RoundResult:
        now = self.now()
        result = RoundResult()
        result.planned = (await asyncio.to_thread(planning.plan, now)).planned
        due = await asyncio.to_thread(outbox.due, now, ROUND_LIMIT)
        reminder_metrics.OUTBOX_DEPTH.set(await asyncio.to_thread(outbox.pending_count))
        result.full = len(due) == ROUND_LIMIT
        facts = Facts()
        tasks: list[asyncio.Task] = []
        for row in due:
            if now > row.expires_at:
                await asyncio.to_thread(outbox.drop, row.id, "late")
                log.warning("reminder %s dropped: its window ended %s (not sent late)", row.key, row.expires_at.isoformat())
                result.dropped += 1
                continue
            if not in_sending_hours(now):
                continue
            if row.channel == "zalo" and now - row.last_message_at > self.zalo_window:
                await asyncio.to_thread(outbox.note, row.id, "zalo_window")
                result.waiting += 1
                continue
            message = facts.message(row)  # the catalog is read once per event or programme and round
            if message is None:
                continue  # moved or gone: the next plan supersedes it or sends the notice
            if (self.telegram if row.channel == "telegram" else self.zalo) is None:
                continue  # that channel is not configured here: the reminder waits (and expires)
            if row.channel == "telegram":
                if not self.pace.chat_ready(row.recipient):
                    result.waiting += 1
                    continue
                await self.pace.slot(row.recipient)
            await self.sends.acquire()
            tasks.append(asyncio.create_task(self._deliver(row, message, result)))
        await asyncio.gather(*tasks)
        return result

    async def _deliver(self, row: outbox.Due, message: Message, result: RoundResult) -> None:
        try:
            if not await asyncio.to_thread(outbox.claim, row.id):
                return
            sender = self.telegram if row.channel == "telegram" else self.zalo
            sent: Result = await sender.send(row.recipient, message)
            result.outcomes[sent.outcome.value] = result.outcomes.get(sent.outcome.value, 0) + 1
            if sent.outcome is Outcome.DELIVERED:
                reminder_metrics.SENT.labels(row.channel).inc()
            else:
                reminder_metrics.SEND_FAILURES.labels(row.channel, sent.outcome.value).inc()
            if sent.outcome is Outcome.DELIVERED:
                await asyncio.to_thread(outbox.sent, row, self.now())
                result.sent += 1
            elif sent.outcome is Outcome.NOT_DELIVERED:
                if sent.retry_after:
                    self.pace.pause(sent.retry_after)
                    log.warning("Telegram asked to wait %s s (429): every send pauses", sent.retry_after)
                await asyncio.to_thread(outbox.release, row.id, sent.reason)
                result.waiting += 1
            elif sent.outcome is Outcome.BLOCKED:
                await asyncio.to_thread(outbox.drop, row.id, "blocked")
                ended = await asyncio.to_thread(outbox.end_recipient, row.channel, row.recipient, "blocked")
                log.info("a %s user blocked the bot (%s): %s subscriptions ended", row.channel, sent.reason, ended)
                result.dropped += 1
            elif sent.outcome is Outcome.UNKNOWN:
                await asyncio.to_thread(outbox.drop, row.id, sent.reason, "unknown")
                log.warning("reminder %s may or may not have arrived (%s): not sent again", row.key, sent.reason)
            else:
                await asyncio.to_thread(outbox.drop, row.id, sent.reason)
                log.warning("reminder %s refused (%s): dropped", row.key, sent.reason)
                result.dropped += 1
        finally:
            self.sends.release()

    async def run(self, stopping: asyncio.Event) -> None:
        self.start()
        while not stopping.is_set():
            try:
                result = await self.round()
                pause = 1.0 if result.more else self.config.notifier_interval_seconds
            except Exception as error:  # a database or catalog hiccup: try again next round
                log.error("reminder round failed: %s", type(error).__name__, exc_info=error)
                pause = self.config.notifier_interval_seconds
            try:
                await asyncio.wait_for(stopping.wait(), timeout=pause)
            except asyncio.TimeoutError:
                pass


class Facts:
    """The catalog's facts for one round's messages, read once per event or programme."""

    def __init__(self):
        self.events: dict[str, queries.EventInfo | None] = {}
        self.programmes: dict[str, queries.ProgrammeInfo | None] = {}
        self.schools: dict[str, queries.InstitutionInfo | None] = {}

    def message(self, row: outbox.Due) -> Message | None:
        """None when the reminder no longer matches the catalog (date moved, item gone)."""
        if row.kind == "cancelled":
            return wording.gone_notice(row.target_kind, row.target_title)
        if row.target_kind == EVENT:
            if row.target_code not in self.events:
                self.events[row.target_code] = queries.get_events([row.target_code]).get(row.target_code)
            event = self.events[row.target_code]
            if event is None or event.start_date != row.target_date:
                return None
            school = None
            if event.institution_code:
                if event.institution_code not in self.schools:
                    self.schools[event.institution_code] = queries.get_institution(event.institution_code)
                school = self.schools[event.institution_code]
            return wording.event_reminder(row.kind, event, school)
        if row.target_code not in self.programmes:
            school_code, _, code = row.target_code.partition("/")
            self.programmes[row.target_code] = queries.get_programme(school_code, code)
        programme = self.programmes[row.target_code]
        if programme is None or programme.application_deadline != row.target_date:
            return None
        return wording.deadline_reminder(row.kind, programme)
