"""The reminder messages, from the catalog's facts at send time (never from what was true when
the student subscribed: a changed place or link is sent as it is now)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from catalog import queries
from counselling.reminders import EVENT

LEVEL_NAMES = {"so_cap": "sơ cấp", "trung_cap": "trung cấp", "cao_dang": "cao đẳng"}
STOP = 'Không muốn nhận nhắc nữa? Bấm "Tắt nhắc" hoặc nhắn "tắt nhắc".'


@dataclass
class Message:
    text: str
    buttons: list[dict] = field(default_factory=list)  # {"title", "payload"} or {"title", "url"}


def _date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _days(kind: str) -> str:
    return "ngày mai" if kind == "before_1" else "còn 7 ngày nữa"


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def event_reminder(kind: str, e: queries.EventInfo, school: queries.InstitutionInfo | None) -> Message:
    when = _date(e.start_date) if not e.end_date or e.end_date == e.start_date else f"{_date(e.start_date)} – {_date(e.end_date)}"
    lines = [f"🔔 Nhắc lịch: {_days(kind)} là đến {e.title}.", f"• Thời gian: {when}"]
    place = ", ".join(p for p in (e.location, e.province) if p)
    lines.append(f"• Địa điểm: {place}")
    if e.institution_name:
        lines.append(f"• Đơn vị: {e.institution_name}")
    link = school.website if school is not None else None
    if link:
        lines.append(f"• Thông tin: {link}")
    lines.append(STOP)
    buttons = [{"title": f"Sự kiện ở {e.province}", "payload": _payload("ask_events", province=e.province)}]
    if link:
        buttons.append({"title": "Trang của trường", "url": link})
    buttons.append({"title": "Tắt nhắc", "payload": "/stop_reminders"})
    return Message("\n".join(lines), buttons)


def deadline_reminder(kind: str, p: queries.ProgrammeInfo) -> Message:
    school = p.institution
    level = LEVEL_NAMES.get(p.level, p.level)
    lines = [
        f"🔔 Nhắc hạn nộp hồ sơ: {_days(kind)} là hết hạn nộp hồ sơ ngành {p.name} ({level}) – {school.name}, {school.province}.",
        f"• Hạn nộp: {_date(p.application_deadline)}",
    ]
    if school.how_to_apply:
        lines.append(f"• Cách nộp: {school.how_to_apply}")
    if school.application_url:
        lines.append(f"• Nộp trực tuyến: {school.application_url}")
    phone = school.admission_phone or school.phone
    if phone:
        lines.append(f"• Điện thoại tuyển sinh: {phone}")
    lines.append(STOP)
    buttons = [{"title": "Xem ngành này", "payload": _payload("ask_programme_info", programme_ref=f"{school.code}/{p.code}")}]
    if school.application_url:
        buttons.append({"title": "Nộp hồ sơ trực tuyến", "url": school.application_url})
    buttons.append({"title": "Tắt nhắc", "payload": "/stop_reminders"})
    return Message("\n".join(lines), buttons)


def gone_notice(target_kind: str, title: str) -> Message:
    """The item is no longer in the catalog: said once, with the title the student subscribed to."""
    if target_kind == EVENT:
        text = (
            f"🔔 Sự kiện đã hủy/đổi: “{title}” mà bạn đăng ký nhắc không còn trong lịch tuyển sinh "
            "(đã hủy hoặc thay đổi). Mình sẽ không nhắc sự kiện này nữa."
        )
        buttons = [{"title": "Sự kiện sắp tới", "payload": "/ask_events"}]
    else:
        text = (
            f"🔔 Thông tin đã hủy/đổi: ngành “{title}” mà bạn đăng ký nhắc hạn nộp hồ sơ không còn trong danh mục "
            "(đã hủy hoặc thay đổi). Mình sẽ không nhắc ngành này nữa."
        )
        buttons = [{"title": "Tìm trường, ngành học", "payload": "/ask_schools"}]
    return Message(text, buttons)
