"""Reminders the student asks for: "Nhắc mình" next to an event or a programme with a deadline
(typed: "nhắc em trước ngày hội", "nhac e han nop ho so nganh nay"), and "Tắt nhắc" to list and
cancel them. The plain functions here hold the wording; counselling.reminders keeps the rows and
the notifier (notifier/) sends. No identity is asked: the reminder goes back to this chat.
"""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Tracker

import settings
from actions import focus as focus_
from actions import replies
from actions.request import entity_values
from actions.voice import Answer, Voice
from catalog import queries
from catalog.models import utcnow
from catalog.vietnam_time import VIETNAM
from counselling import reminders
from counselling.reminders import EVENT, PROGRAMME
from vntext import folding

STOP_BUTTON = replies.button("Tắt nhắc", "/stop_reminders")
PROGRAMME_WORDS = ("han nop", "nop ho so", "ho so", "han xet tuyen", "xet tuyen", "nganh", "het han", "han dang ky")
EVENT_WORDS = ("ngay hoi", "su kien", "mo cua", "hoi cho", "tham quan", "buoi tu van")
MAX_CHOICES = 5


def event_button(e: queries.EventInfo, alone: bool) -> dict:
    title = "Nhắc mình" if alone else f"Nhắc mình: {replies.short(e.title, 28)}"
    return replies.button(title, f'/subscribe_reminder{{"event_code":"{e.code}"}}')


def programme_button(p: queries.ProgrammeInfo) -> dict | None:
    """ "Nhắc mình" for a programme whose application deadline is still ahead, else None."""
    if p.application_deadline is None or p.application_deadline < _today():
        return None
    return replies.button("Nhắc mình hạn nộp", f'/subscribe_reminder{{"programme_ref":"{p.institution.code}/{p.code}"}}')


def _today() -> dt.date:
    return dt.datetime.now(VIETNAM).date()


def window_text() -> str:
    hours = settings.get().notifier_zalo_window_hours
    return f"{int(hours // 24)} ngày" if hours >= 48 and hours % 24 == 0 and hours > 48 else f"{hours:g} giờ"


class ActionSubscribeReminder(Answer):
    def name(self) -> str:
        return "action_subscribe_reminder"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return subscribe_answer(dispatcher, tracker)


def subscribe_answer(dispatcher, tracker: Tracker) -> list:
    if reminders.channel_of(tracker.sender_id) is None:
        dispatcher.utter_message(
            text="Mình chỉ gửi nhắc lịch được qua Telegram và Zalo. Bạn nhắn mình trên một trong hai kênh đó "
            'rồi bấm "Nhắc mình" nhé.'
        )
        return []
    entities = entity_values(tracker)
    if entities.get("event_code"):
        event = queries.get_events([str(entities["event_code"])]).get(str(entities["event_code"]))
        return _subscribe_event(dispatcher, tracker, event)
    if entities.get("programme_ref"):
        return _subscribe_programme(dispatcher, tracker, focus_.programme(str(entities["programme_ref"])))
    wants = _what_is_meant(tracker)
    if wants == PROGRAMME:
        return _typed_programme(dispatcher, tracker)
    return _typed_event(dispatcher, tracker)


def _what_is_meant(tracker: Tracker) -> str:
    """A deadline or an event: the message's words, else what the bot last showed."""
    folded = f" {folding.key(folding.expand_teencode(tracker.latest_message.get('text') or ''))} "
    if any(f" {w} " in folded for w in EVENT_WORDS):
        return EVENT
    if any(f" {w} " in folded for w in PROGRAMME_WORDS):
        return PROGRAMME
    shown = focus_.load(tracker.get_slot("focus"))
    if shown is not None and shown.kind == focus_.PROGRAMMES:
        return PROGRAMME
    if shown is None and tracker.get_slot("last_programme"):
        return PROGRAMME
    return EVENT


def _typed_event(dispatcher, tracker: Tracker) -> list:
    shown = focus_.load(tracker.get_slot("focus"))
    if shown is not None and shown.kind == focus_.EVENTS:
        found = [e for code in shown.seen if (e := queries.get_events([code]).get(code)) and e.start_date >= _today()]
    else:
        province = tracker.get_slot("province")
        found = queries.upcoming_events(province=province if province and province != "toan_quoc" else None, limit=MAX_CHOICES)
    if len(found) == 1:
        return _subscribe_event(dispatcher, tracker, found[0])
    if not found:
        dispatcher.utter_message(
            text="Hiện danh mục chưa có sự kiện tuyển sinh nào sắp diễn ra để mình nhắc.",
            buttons=[replies.button("Ngày hội tuyển sinh", "/ask_events")],
        )
        return []
    dispatcher.utter_message(
        text="Bạn muốn mình nhắc sự kiện nào?\n" + "\n".join(replies.event_line(e) for e in found[:MAX_CHOICES]),
        buttons=[event_button(e, alone=False) for e in found[:MAX_CHOICES]],
    )
    return []


def _typed_programme(dispatcher, tracker: Tracker) -> list:
    shown = focus_.load(tracker.get_slot("focus"))
    candidates = focus_.programmes(shown.seen) if shown is not None and shown.kind == focus_.PROGRAMMES else []
    if not candidates and tracker.get_slot("last_programme"):
        one = focus_.programme(str(tracker.get_slot("last_programme")))
        candidates = [one] if one else []
    with_deadline = [p for p in candidates if programme_button(p) is not None]
    if len(candidates) == 1:
        return _subscribe_programme(dispatcher, tracker, candidates[0])
    if not with_deadline:
        dispatcher.utter_message(
            text="Bạn muốn mình nhắc hạn nộp hồ sơ ngành nào? Bạn hỏi mình về ngành đó (ví dụ “hạn nộp hồ sơ ngành điện "
            'công nghiệp”), rồi bấm "Nhắc mình hạn nộp".'
        )
        return []
    dispatcher.utter_message(
        text="Bạn muốn mình nhắc hạn nộp hồ sơ ngành nào?\n"
        + "\n".join(
            f"• {replies.programme_button_title(p)}: hạn {replies.date(p.application_deadline)}"
            for p in with_deadline[:MAX_CHOICES]
        ),
        buttons=[
            replies.button(f"Nhắc: {replies.short(replies.programme_button_title(p), 30)}", programme_button(p)["payload"])
            for p in with_deadline[:MAX_CHOICES]
        ],
    )
    return []


def _subscribe_event(dispatcher, tracker: Tracker, event: queries.EventInfo | None) -> list:
    if event is None or event.start_date < _today():
        dispatcher.utter_message(
            text="Sự kiện này không còn trong lịch tuyển sinh (đã qua, hoặc đã hủy/đổi).",
            buttons=[replies.button("Sự kiện sắp tới", "/ask_events")],
        )
        return []
    when = f"diễn ra ngày {replies.date(event.start_date)}"
    return _confirm(dispatcher, tracker, EVENT, event.code, event.title, event.start_date, f"sự kiện “{event.title}”", when)


def _subscribe_programme(dispatcher, tracker: Tracker, p: queries.ProgrammeInfo | None) -> list:
    if p is None:
        dispatcher.utter_message(text="Ngành này không còn trong danh mục. Bạn hỏi lại tên ngành giúp mình nhé.")
        return []
    name = f"ngành {p.name} – {p.institution.name}"
    if p.application_deadline is None:
        dispatcher.utter_message(
            text=f"Danh mục chưa có hạn nộp hồ sơ của {name}, nên mình chưa nhắc được. " + replies.contact(p.institution)
        )
        return []
    if p.application_deadline < _today():
        dispatcher.utter_message(
            text=f"Hạn nộp hồ sơ {name} đã qua ({replies.date(p.application_deadline)}). " + replies.contact(p.institution)
        )
        return []
    title = f"{p.name} – {p.institution.name}"
    return _confirm(
        dispatcher,
        tracker,
        PROGRAMME,
        f"{p.institution.code}/{p.code}",
        title,
        p.application_deadline,
        f"hạn nộp hồ sơ {name}",
        f"ngày {replies.date(p.application_deadline)}",
    )


def _confirm(dispatcher, tracker: Tracker, kind: str, code: str, title: str, day: dt.date, what: str, when: str) -> list:
    now = utcnow()
    times = reminders.reminder_times(day, now)
    if not times:
        dispatcher.utter_message(
            text=f"{what[:1].upper()}{what[1:]} {when}: gần quá nên mình không kịp nhắc trước 7 ngày hay 1 ngày nữa. "
            "Bạn ghi lại giúp mình nhé."
        )
        return []
    new = reminders.subscribe(tracker.sender_id, kind, code, title, now=now)
    moments = " và ".join(
        f"08:00 ngày {replies.date(t.due_at.astimezone(VIETNAM).date())} ({'trước 7 ngày' if t.kind == 'before_7' else 'trước 1 ngày'})"
        for t in times
    )
    text = ("" if new else "Bạn đã đăng ký nhắc này rồi. ") + (
        f"Mình sẽ nhắc bạn {what} ({when}) vào {moments}, ngay trong cuộc trò chuyện này, "
        "kèm thông tin mới nhất lúc nhắc. Mình chỉ nhắc trong khoảng 08:00–21:00. "
        'Muốn dừng, bạn bấm "Tắt nhắc" hoặc nhắn "tắt nhắc".'
    )
    if reminders.channel_of(tracker.sender_id)[0] == "zalo":
        text += (
            f"\n\nLưu ý: Zalo chỉ cho phép nhắc trong {window_text()} sau tin nhắn gần nhất của bạn. "
            f"Nếu đến lúc nhắc mà đã quá {window_text()} bạn chưa nhắn gì, mình không gửi được; "
            "bạn nhắn mình một câu bất kỳ trước ngày nhắc là được."
        )
    dispatcher.utter_message(text=text, buttons=[STOP_BUTTON])
    return []


class ActionStopReminders(Answer):
    def name(self) -> str:
        return "action_stop_reminders"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return stop_answer(dispatcher, tracker)


def stop_answer(dispatcher, tracker: Tracker) -> list:
    chosen = str(entity_values(tracker).get("reminder_id") or "")
    if chosen == "all":
        ended = reminders.cancel(tracker.sender_id)
        dispatcher.utter_message(text=f"Mình đã tắt {ended} nhắc lịch của bạn." if ended else "Bạn không còn nhắc lịch nào cả.")
        return []
    if chosen.isdigit():
        ended = reminders.cancel(tracker.sender_id, int(chosen))
        left = reminders.active_for_sender(tracker.sender_id)
        text = "Mình đã tắt nhắc lịch đó." if ended else "Nhắc lịch này đã được tắt rồi."
        if left:
            text += f" Bạn còn {len(left)} nhắc lịch khác."
        dispatcher.utter_message(text=text, buttons=_cancel_buttons(left) if left else [])
        return []
    active = reminders.active_for_sender(tracker.sender_id)
    if not active:
        dispatcher.utter_message(
            text='Bạn chưa đăng ký nhắc lịch nào. Cạnh mỗi ngày hội hay ngành còn hạn nộp có nút "Nhắc mình".'
        )
        return []
    lines = [f"• {'Sự kiện' if s.target_kind == EVENT else 'Hạn nộp hồ sơ'}: {s.target_title}" for s in active]
    dispatcher.utter_message(
        text="Bạn đang nhận nhắc lịch:\n" + "\n".join(lines) + "\nBấm vào mục muốn tắt:",
        buttons=_cancel_buttons(active),
    )
    return []


def _cancel_buttons(active: list[reminders.Subscription]) -> list[dict]:
    buttons = [
        replies.button(f"Tắt: {replies.short(s.target_title, 30)}", f'/stop_reminders{{"reminder_id":"{s.id}"}}')
        for s in active[: MAX_CHOICES - 1]
    ]
    return buttons + [replies.button("Tắt tất cả", '/stop_reminders{"reminder_id":"all"}')]
