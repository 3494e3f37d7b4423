"""The department's usage report: what the bot's communication reached, for the provincial plans.

Messages per Vietnam day and channel, by topic (intent), by province asked about, the most
asked trades and schools (counselling.usage_counts, which holds no sender and no text), the
share unanswered, and the hand-off requests with how long they waited to be taken and
closed (counts and waiting times only): nothing identifies a student. Staff channels (web
chat, conversation checks) are left out. The page (/bao-cao), its CSV and `python -m counselling report usage` all read
`usage()`, so they show the same figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import db
from catalog.models import Institution, Occupation, as_utc
from counselling import labels
from counselling import reminders as reminders_
from counselling.conversation_log import STAFF_CHANNELS
from counselling.handoff import CHANNEL_NAMES, channel_name
from counselling.models import CounsellingRequest, UsageCount
from counselling.usage_counts import VIETNAM, today, vietnam_day

TOP = 20  # trades and schools listed
MAX_DAYS = 366
# Intents domain.yml does not offer as labels, named for the report.
OTHER_TOPICS = {"nlu_fallback": "bot chưa hiểu câu hỏi", "quiz_answer": "trả lời bài trắc nghiệm chọn nghề", "": "không rõ"}


# --- the report ------------------------------------------------------------------------------


class BadPeriod(ValueError):
    """A period the report cannot cover (the message says why, in Vietnamese)."""


@dataclass
class Row:
    code: str  # intent, channel, province, occupation or institution code
    name: str  # as people read it
    messages: int
    unanswered: int = 0

    @property
    def unanswered_percent(self) -> float:
        return percent(self.unanswered, self.messages)


@dataclass
class Day:
    day: dt.date
    by_channel: dict[str, int]
    messages: int
    unanswered: int
    requests: int


@dataclass
class Handoffs:
    requests: int = 0
    taken: int = 0  # claimed (or closed straight away)
    closed: int = 0
    waiting: int = 0  # not taken yet
    wait_taken_median: int | None = None  # minutes
    wait_taken_mean: int | None = None
    wait_closed_median: int | None = None
    wait_closed_mean: int | None = None


@dataclass
class UsageReport:
    since: dt.date
    until: dt.date
    messages: int = 0
    unanswered: int = 0
    channels: list[Row] = field(default_factory=list)  # every channel seen, in CHANNEL_NAMES order
    days: list[Day] = field(default_factory=list)
    topics: list[Row] = field(default_factory=list)
    provinces: list[Row] = field(default_factory=list)
    trades: list[Row] = field(default_factory=list)
    schools: list[Row] = field(default_factory=list)
    handoffs: Handoffs = field(default_factory=Handoffs)
    handoffs_complete: bool = True  # False: part of the period is older than the requests' retention
    # reminders students asked for, per event or programme, to date (counts only)
    reminders: list[reminders_.TargetCounts] = field(default_factory=list)

    @property
    def unanswered_percent(self) -> float:
        return percent(self.unanswered, self.messages)

    @property
    def about_province(self) -> int:
        return sum(r.messages for r in self.provinces)


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def period(since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date]:
    """The days asked for, inclusive; by default the last seven days up to today (Vietnam time)."""
    for day in (since, until):
        if day and not EARLIEST <= day <= LATEST:  # a typing slip; year 1 or 9999 would overflow the time arithmetic
            raise BadPeriod(f"Ngày {day:%d/%m/%Y} nằm ngoài khoảng báo cáo được ({EARLIEST.year}–{LATEST.year}).")
    until = until or today()
    since = since or until - dt.timedelta(days=6)
    if since > until:
        raise BadPeriod("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
    if (until - since).days + 1 > MAX_DAYS:
        raise BadPeriod(f"Mỗi báo cáo tối đa {MAX_DAYS} ngày.")
    return since, until


def topic_name(intent: str) -> str:
    """The head of the counsellors' description: "tìm trường: trường nào dạy nghề X…" → "Tìm trường"."""
    text = OTHER_TOPICS.get(intent) or labels.describe(intent)
    for mark in (":", ";", " ("):
        text = text.split(mark)[0]
    text = text.strip() or intent
    return text[:1].upper() + text[1:]


def usage(
    since: dt.date, until: dt.date, url: str | None = None, *, top: int = TOP, retention_days: int | None = None
) -> UsageReport:
    """The figures of the days from `since` to `until` (inclusive, Vietnam time)."""
    since, until = period(since, until)
    report = UsageReport(since, until)
    with db.session(url) as session:
        rows = session.execute(
            select(
                UsageCount.day,
                UsageCount.channel,
                UsageCount.intent,
                UsageCount.province,
                UsageCount.occupation_code,
                UsageCount.institution_code,
                UsageCount.messages,
                UsageCount.unanswered,
            ).where(UsageCount.day >= since, UsageCount.day <= until, UsageCount.channel.not_in(STAFF_CHANNELS))
        ).all()
        requests = _requests(session, since, until)
        trade_names, school_names = _names(session, rows)
    days = {since + dt.timedelta(days=i): Day(since + dt.timedelta(days=i), {}, 0, 0, 0) for i in range((until - since).days + 1)}
    channels: dict[str, Row] = {}
    groups: dict[str, dict[str, Row]] = {"topics": {}, "provinces": {}, "trades": {}, "schools": {}}
    for day, channel, intent, province, trade, school, messages, unanswered in rows:
        report.messages += messages
        report.unanswered += unanswered
        entry = days[day]
        entry.messages += messages
        entry.unanswered += unanswered
        entry.by_channel[channel] = entry.by_channel.get(channel, 0) + messages
        _add(channels, channel, channel_name(channel), messages, unanswered)
        _add(groups["topics"], intent, topic_name(intent), messages, unanswered)
        if province:
            _add(groups["provinces"], province, province, messages, unanswered)
        if trade:
            _add(groups["trades"], trade, trade_names.get(trade, trade), messages, unanswered)
        if school:
            _add(groups["schools"], school, school_names.get(school, school), messages, unanswered)
    order = list(CHANNEL_NAMES)
    report.channels = sorted(channels.values(), key=lambda r: (order.index(r.code) if r.code in order else len(order), r.code))
    report.topics = _ranked(groups["topics"])
    report.provinces = _ranked(groups["provinces"])
    report.trades = _ranked(groups["trades"])[:top]
    report.schools = _ranked(groups["schools"])[:top]
    for created in (r[0] for r in requests):
        days[vietnam_day(created)].requests += 1
    report.days = list(days.values())
    report.handoffs = _handoffs(requests)
    if retention_days is not None:
        report.handoffs_complete = since > today() - dt.timedelta(days=retention_days)
    report.reminders = reminders_.counts(url)
    return report


def _add(group: dict[str, Row], code: str, name: str, messages: int, unanswered: int) -> None:
    row = group.setdefault(code, Row(code, name, 0, 0))
    row.messages += messages
    row.unanswered += unanswered


def _ranked(group: dict[str, Row]) -> list[Row]:
    return sorted(group.values(), key=lambda r: (-r.messages, r.name))


def _names(session: Session, rows) -> tuple[dict[str, str], dict[str, str]]:
    """Trade and school names from the catalog (a code no longer in it is shown as the code)."""
    trades = sorted({r[4] for r in rows if r[4]})
    schools = sorted({r[5] for r in rows if r[5]})
    trade_names = dict(session.execute(select(Occupation.code, Occupation.name).where(Occupation.code.in_(trades))).all())
    school_names = dict(session.execute(select(Institution.code, Institution.name).where(Institution.code.in_(schools))).all())
    return trade_names, school_names


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC moments the Vietnam days start and end at."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=VIETNAM).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=VIETNAM).astimezone(dt.timezone.utc)
    return start, end


def _requests(
    session: Session, since: dt.date, until: dt.date
) -> list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]]:
    start, end = _bounds(since, until)
    rows = session.execute(
        select(CounsellingRequest.created_at, CounsellingRequest.claimed_at, CounsellingRequest.closed_at).where(
            CounsellingRequest.created_at >= start,
            CounsellingRequest.created_at < end,
            CounsellingRequest.channel.not_in(STAFF_CHANNELS),
        )
    ).all()
    return [tuple(as_utc(t) if t else None for t in row) for row in rows]


def _handoffs(requests) -> Handoffs:
    """A request is taken when a counsellor claimed it, or closed it without claiming it first."""
    figures = Handoffs(requests=len(requests))
    to_take, to_close = [], []
    for created, claimed, closed in requests:
        taken = claimed or closed
        if taken:
            to_take.append((taken - created).total_seconds() / 60)
        if closed:
            to_close.append((closed - created).total_seconds() / 60)
    figures.taken, figures.closed, figures.waiting = len(to_take), len(to_close), len(requests) - len(to_take)
    if to_take:
        figures.wait_taken_median, figures.wait_taken_mean = round(statistics.median(to_take)), round(statistics.mean(to_take))
    if to_close:
        figures.wait_closed_median = round(statistics.median(to_close))
        figures.wait_closed_mean = round(statistics.mean(to_close))
    return figures


def duration(minutes: int | None) -> str:
    """125 → "2 giờ 5 phút"; 1500 → "1 ngày 1 giờ"; None → "—"."""
    if minutes is None:
        return "—"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} ngày" + (f" {hours} giờ" if hours else "")
    if hours:
        return f"{hours} giờ" + (f" {mins} phút" if mins else "")
    return f"{mins} phút"


# --- the same figures as rows: the CSV and the command line ------------------------------


HEADER = ("Phần", "Mã", "Mục", "Chỉ số", "Giá trị")
MESSAGES = "Câu hỏi"
UNANSWERED = "Chưa trả lời được"
UNANSWERED_PERCENT = "Tỷ lệ chưa trả lời được (%)"
HANDOFF_MEASURES = (
    ("requests", "Số yêu cầu"),
    ("taken", "Đã có người nhận"),
    ("closed", "Đã xong"),
    ("waiting", "Chưa có người nhận"),
    ("wait_taken_median", "Thời gian chờ đến khi được nhận, trung vị (phút)"),
    ("wait_taken_mean", "Thời gian chờ đến khi được nhận, trung bình (phút)"),
    ("wait_closed_median", "Thời gian đến khi xong, trung vị (phút)"),
    ("wait_closed_mean", "Thời gian đến khi xong, trung bình (phút)"),
)
SECTIONS = (
    ("topics", "Theo chủ đề"),
    ("provinces", "Theo tỉnh, thành được hỏi"),
    ("trades", "Nghề được hỏi nhiều nhất"),
    ("schools", "Trường được hỏi nhiều nhất"),
)


def rows(report: UsageReport) -> list[tuple]:
    """(section, code, item, measure, value) for every figure of the report."""
    out: list[tuple] = [
        ("Kỳ báo cáo", "", "Từ ngày", "", report.since.isoformat()),
        ("Kỳ báo cáo", "", "Đến ngày", "", report.until.isoformat()),
        ("Tổng", "", "Tất cả kênh", MESSAGES, report.messages),
        ("Tổng", "", "Tất cả kênh", UNANSWERED, report.unanswered),
        ("Tổng", "", "Tất cả kênh", UNANSWERED_PERCENT, report.unanswered_percent),
    ]
    for day in report.days:
        item = day.day.isoformat()
        out.append(("Theo ngày", "", item, MESSAGES, day.messages))
        for channel in report.channels:
            out.append(("Theo ngày", channel.code, item, f"{MESSAGES} qua {channel.name}", day.by_channel.get(channel.code, 0)))
        out.append(("Theo ngày", "", item, UNANSWERED, day.unanswered))
        out.append(("Theo ngày", "", item, "Yêu cầu gọi lại", day.requests))
    for channel in report.channels:
        out += _row_figures("Theo kênh", channel)
    for attribute, section in SECTIONS:
        for row in getattr(report, attribute):
            out += _row_figures(section, row)
    for attribute, measure in HANDOFF_MEASURES:
        value = getattr(report.handoffs, attribute)
        out.append(("Yêu cầu gọi lại", "", "Tất cả kênh", measure, "" if value is None else value))
    for c in report.reminders:
        item = f"{REMINDER_KINDS[c.kind]}: {c.title}"
        out += [(REMINDERS, c.code, item, measure, getattr(c, attribute)) for attribute, measure in REMINDER_MEASURES]
    return out


REMINDERS = "Nhắc lịch (tính đến nay)"
REMINDER_KINDS = {"event": "Sự kiện", "programme": "Hạn nộp hồ sơ"}
REMINDER_MEASURES = (("active", "Đang đăng ký"), ("subscribed", "Lượt đăng ký"), ("sent", "Tin nhắc đã gửi"))


def _row_figures(section: str, row: Row) -> list[tuple]:
    return [
        (section, row.code, row.name, MESSAGES, row.messages),
        (section, row.code, row.name, UNANSWERED, row.unanswered),
    ]


def to_csv(report: UsageReport) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows the Vietnamese letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_name(report: UsageReport) -> str:
    return f"bao-cao-su-dung-{report.since.isoformat()}-{report.until.isoformat()}.csv"


def percent_text(value: float) -> str:
    """15.0 → "15,0%" (a decimal comma, as read in Vietnam)."""
    return f"{value:.1f}".replace(".", ",") + "%"


def as_text(report: UsageReport) -> list[str]:
    """The report for a terminal: the figures of the page, section by section."""
    lines = [
        f"Báo cáo sử dụng từ {report.since:%d/%m/%Y} đến {report.until:%d/%m/%Y} (giờ Việt Nam)",
        f"Câu hỏi của học sinh: {report.messages}; chưa trả lời được: {report.unanswered} "
        f"({percent_text(report.unanswered_percent)}).",
        "",
        "Theo ngày:",
    ]
    head = ["Ngày", MESSAGES, *(c.name for c in report.channels), UNANSWERED, "Yêu cầu gọi lại"]
    table = [head] + [
        [
            f"{d.day:%d/%m/%Y}",
            str(d.messages),
            *(str(d.by_channel.get(c.code, 0)) for c in report.channels),
            str(d.unanswered),
            str(d.requests),
        ]
        for d in report.days
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines += ["  " + "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in table]
    for title, group in (("Theo kênh", report.channels), *((t, getattr(report, a)) for a, t in SECTIONS)):
        lines += ["", f"{title}:"]
        lines += [f"  {r.name}: {r.messages} câu hỏi, {r.unanswered} chưa trả lời được" for r in group] or ["  (chưa có)"]
    h = report.handoffs
    lines += [
        "",
        f"Yêu cầu gọi lại: {h.requests}; đã có người nhận: {h.taken}; đã xong: {h.closed}; chưa có người nhận: {h.waiting}.",
        f"  Chờ đến khi được nhận: trung vị {duration(h.wait_taken_median)}, trung bình {duration(h.wait_taken_mean)}.",
        f"  Đến khi xong: trung vị {duration(h.wait_closed_median)}, trung bình {duration(h.wait_closed_mean)}.",
    ]
    if not report.handoffs_complete:
        lines.append("  (Yêu cầu gọi lại cũ hơn thời hạn lưu đã bị xóa: số liệu đầu kỳ có thể thiếu.)")
    lines += ["", f"{REMINDERS}:"]
    lines += [
        f"  {REMINDER_KINDS[c.kind]}: {c.title} ({c.code}): đang đăng ký {c.active}, lượt đăng ký {c.subscribed}, "
        f"tin nhắc đã gửi {c.sent}"
        for c in report.reminders
    ] or ["  (chưa có)"]
    return lines
