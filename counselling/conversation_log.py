"""What the bot could not answer: recording (masked), the gaps report and the daily chart.

Every user message is counted per day and channel; fallbacks, out-of-scope
questions and low-confidence answers are kept as masked text with the top
intents, so counsellors see what students ask that the bot cannot handle.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import settings
from catalog import db
from catalog.models import utcnow
from catalog.vietnam_time import VIETNAM
from counselling import privacy, subjects, usage_counts
from counselling.models import CounsellingRequest, DailyMessageCount, UnansweredMessage
from vntext import folding

KINDS = {"fallback": "bot không hiểu", "out_of_scope": "ngoài phạm vi", "low_confidence": "trả lời chưa chắc"}
DEFAULT_LOW_CONFIDENCE = 0.6
# Questions that name nothing (counselling.subjects) are grouped when their wordings are this
# close: rapidfuzz token_sort_ratio on folded text with teencode spelled out. Not token_set_ratio,
# which scores a short question contained in a long one as 100.
SIMILAR = 85
# Counsellors trying the bot (web chat) and the YAML conversation checks are recorded
# under these channels and left out of the students' figures.
STAFF_CHANNELS = ("webchat", "kiem-tra")


def low_confidence() -> float:
    return settings.get().gaps_low_confidence


def classify(intent: str | None, confidence: float) -> str | None:
    """None = answered; otherwise the kind of gap."""
    if intent in (None, "", "nlu_fallback"):
        return "fallback"
    if intent == "out_of_scope":
        return "out_of_scope"
    if confidence < low_confidence():
        return "low_confidence"
    return None


def record_turn(
    *,
    text: str,
    intent: str | None,
    confidence: float,
    ranking: list[tuple[str, float]],
    channel: str,
    sender_id: str,
    message_id: str | None,
    at: dt.datetime | None = None,
    url: str | None = None,
    province: str | None = None,
    occupation_code: str | None = None,
    institution_code: str | None = None,
) -> str | None:
    """Counts the message and keeps it (masked) when it was not answered; returns the gap kind.
    Button payloads ("/intent") are counted as answered: the bot offered them. The province,
    trade and school the message asked about go to the usage report's counts (no text there)."""
    at = at or utcnow()
    kind = None if text.startswith("/") else classify(intent, confidence)
    channel = (channel or "khac")[:32]
    with db.session(url) as session, session.begin():
        if not usage_counts.first_count(session, message_id, at):
            return kind  # Rasa retried the action for the same message: already counted
        _count(session, usage_counts.vietnam_day(at), channel, answered=kind is None)  # days as people read them
        usage_counts.count(
            session,
            at=at,
            channel=channel,
            intent=intent,
            answered=kind is None,
            province=province,
            occupation_code=occupation_code,
            institution_code=institution_code,
        )
        if kind is not None:
            values = dict(
                at=at,
                channel=channel,
                kind=kind,
                text=privacy.mask(text)[:2000],
                intents=json.dumps([[name, round(conf, 3)] for name, conf in ranking if name != "nlu_fallback"][:3]),
                sender_key=privacy.sender_key(sender_id),
                message_id=(message_id or None) and message_id[:64],
            )
            session.execute(db.insert_for(session)(UnansweredMessage).values(**values).on_conflict_do_nothing())
    return kind


def forget_sender(sender_id: str, until: dt.datetime | None = None, url: str | None = None) -> int:
    """Deletes the unanswered questions of one student recorded at or before `until` (all of
    them without it). The action server runs it again when the record of a turn that ran
    action_delete_my_data arrives (actions.counselling.record_turns): a question recorded after
    the deletion answered (its record was still queued) goes too. Returns how many went."""
    condition = UnansweredMessage.sender_key == privacy.sender_key(sender_id)
    if until is not None:
        condition = condition & (UnansweredMessage.at <= until)
    with db.session(url) as session, session.begin():
        return session.execute(delete(UnansweredMessage).where(condition)).rowcount


def _count(session: Session, day: dt.date, channel: str, answered: bool) -> None:
    column = "answered" if answered else "unanswered"
    statement = db.insert_for(session)(DailyMessageCount).values(
        day=day, channel=channel, answered=int(answered), unanswered=int(not answered)
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "channel"],
            set_={column: getattr(DailyMessageCount, column) + 1},
        )
    )


@dataclass
class GapGroup:
    example: str  # the most frequent wording
    count: int
    kinds: dict[str, int]
    variants: list[str]
    last_at: dt.datetime
    top_intent: str | None
    # The messages of the group (a counsellor labels them together) and their labels:
    # label → number of messages (None: not labelled yet); the latest label and who gave it.
    ids: list[int] = field(default_factory=list)
    labels: dict[str | None, int] = field(default_factory=dict)
    label: str | None = None
    labelled_by: str | None = None
    labelled_at: dt.datetime | None = None
    # What the questions are about ("hồ sơ nhập học", "nghề Hàn"); None: grouped by wording.
    subject: str | None = None
    # Each wording's messages, most frequent first: a group about a trade or a school may mix
    # questions that need different labels ("học hàn ở đâu", "nghề hàn là gì").
    wording_ids: dict[str, list[int]] = field(default_factory=dict)


def _group_of(message: str, known: dict[str, subjects.Subject | None], wordings: list[str]) -> tuple[str, str | None]:
    """(key, subject title) of the group a message joins: its subject, else the first
    close-enough wording seen (`wordings`, in the order seen)."""
    folded = folding.expand_teencode(message)
    if folded not in known:
        known[folded] = subjects.of(message)
    subject = known[folded]
    if subject is not None:
        return subject.key, subject.title
    wording = next((w for w in wordings if fuzz.token_sort_ratio(folded, w) >= SIMILAR), None)
    if wording is None:
        wordings.append(folded)
        wording = folded
    return f"wording:{wording}", None


def gaps(since: dt.date, url: str | None = None, limit: int = 30) -> list[GapGroup]:
    """Unanswered messages since `since`, grouped by what they are about (else by close wording),
    most frequent first."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=VIETNAM)
    with db.session(url) as session:
        rows = session.execute(
            select(
                UnansweredMessage.text,
                UnansweredMessage.kind,
                UnansweredMessage.at,
                UnansweredMessage.intents,
                UnansweredMessage.id,
                UnansweredMessage.label,
                UnansweredMessage.labelled_by,
                UnansweredMessage.labelled_at,
            )
            .where(UnansweredMessage.at >= start, UnansweredMessage.channel.not_in(STAFF_CHANNELS))
            .order_by(UnansweredMessage.at)
        ).all()
    groups: dict[str, dict] = {}
    known: dict[str, subjects.Subject | None] = {}
    wordings: list[str] = []
    for message, kind, at, intents, message_id, label, labelled_by, labelled_at in rows:
        key, subject = _group_of(message, known, wordings)
        group = groups.setdefault(
            key,
            {
                "subject": subject,
                "texts": {},
                "kinds": {},
                "last": at,
                "intents": {},
                "ids": [],
                "wording_ids": {},
                "labels": {},
                "latest": None,
            },
        )
        group["wording_ids"].setdefault(message, []).append(message_id)
        group["texts"][message] = group["texts"].get(message, 0) + 1
        group["kinds"][kind] = group["kinds"].get(kind, 0) + 1
        group["last"] = max(group["last"], at)
        top = (json.loads(intents) or [[None]])[0][0]
        group["intents"][top] = group["intents"].get(top, 0) + 1
        group["ids"].append(message_id)
        group["labels"][label] = group["labels"].get(label, 0) + 1
        if label and (group["latest"] is None or labelled_at > group["latest"][2]):
            group["latest"] = (label, labelled_by, labelled_at)
    result = [
        GapGroup(
            example=max(g["texts"], key=g["texts"].get),
            count=sum(g["texts"].values()),
            kinds=g["kinds"],
            variants=sorted(g["texts"], key=g["texts"].get, reverse=True)[:5],
            last_at=g["last"],
            top_intent=max(g["intents"], key=g["intents"].get),
            ids=g["ids"],
            labels=g["labels"],
            label=g["latest"] and g["latest"][0],
            labelled_by=g["latest"] and g["latest"][1],
            labelled_at=g["latest"] and g["latest"][2],
            subject=g["subject"],
            wording_ids={text: g["wording_ids"][text] for text in sorted(g["texts"], key=g["texts"].get, reverse=True)},
        )
        for g in groups.values()
    ]
    result.sort(key=lambda g: (-g.count, g.example))
    return result[:limit]


def daily_counts(since: dt.date, url: str | None = None) -> list[tuple[dt.date, int, int]]:
    """(day, answered, unanswered) for every day from `since` to today, all channels."""
    with db.session(url) as session:
        rows = session.execute(
            select(DailyMessageCount.day, DailyMessageCount.answered, DailyMessageCount.unanswered).where(
                DailyMessageCount.day >= since, DailyMessageCount.channel.not_in(STAFF_CHANNELS)
            )
        ).all()
    totals: dict[dt.date, list[int]] = {}
    for day, answered, unanswered in rows:
        entry = totals.setdefault(day, [0, 0])
        entry[0] += answered
        entry[1] += unanswered
    today = max([usage_counts.today(), *totals])
    days = [since + dt.timedelta(days=i) for i in range((today - since).days + 1)]
    return [(day, *totals.get(day, [0, 0])) for day in days]


def write_chart(path: Path, counts: list[tuple[dt.date, int, int]]) -> Path:
    """A PNG bar chart of answered vs unanswered messages per day."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = [d for d, _, _ in counts]
    answered = [a for _, a, _ in counts]
    unanswered = [u for _, _, u in counts]
    figure, axes = plt.subplots(figsize=(max(6, len(days) * 0.35), 3.5), dpi=100)
    positions = range(len(days))
    axes.bar(positions, answered, color="#1d5fa8", label="Trả lời được")
    axes.bar(positions, unanswered, bottom=answered, color="#d9534f", label="Chưa trả lời được")
    step = max(1, len(days) // 12)
    axes.set_xticks(list(positions)[::step], [d.strftime("%d/%m") for d in days][::step], rotation=45, ha="right")
    axes.set_ylabel("Số tin nhắn")
    axes.set_title("Tin nhắn mỗi ngày")
    axes.legend(loc="upper left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    plt.close(figure)
    return path


def purge(days: int | None = None, url: str | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Deletes unanswered messages, counselling requests and daily counts older than the retention."""
    days = privacy.retention_days() if days is None else days
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    with db.session(url) as session, session.begin():
        removed = {
            "unanswered_messages": session.execute(delete(UnansweredMessage).where(UnansweredMessage.at < cutoff)).rowcount,
            "counselling_requests": session.execute(
                delete(CounsellingRequest).where(CounsellingRequest.created_at < cutoff)
            ).rowcount,
            "daily_message_counts": session.execute(
                delete(DailyMessageCount).where(DailyMessageCount.day < cutoff.date())
            ).rowcount,
            "counted_message_ids": usage_counts.forget_message_ids(session, now or utcnow()),
        }
    return removed
