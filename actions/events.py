"""Upcoming admissions days, open days and career fairs (past ones are never offered)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions import focus as focus_
from actions import replies
from actions.focus import Query
from actions.follow_up import FollowsFocus
from actions.reminders import event_button
from actions.request import former_province_note, read, remember
from actions.voice import Answer, Voice
from catalog import queries
from vntext import folding

REMINDER_BUTTONS = 3  # "Nhắc mình" for the first events shown (Zalo shows five buttons at most)


class ActionEvents(FollowsFocus, Answer):
    def name(self) -> str:
        return "action_events"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return events_answer(dispatcher, tracker)


def events_answer(dispatcher, tracker: Tracker) -> list:
    request = read(tracker)
    found = queries.upcoming_events(province=request.province_name, limit=50)
    school = request.school if request.school is not None and not request.province_from_message else None
    if school is not None and "truong" in folding.expand_teencode(request.message).split():
        # "trường có ngày hội nào không": that school's events first
        own = [e for e in queries.upcoming_events(province=school.province, limit=50) if e.institution_code == school.code]
        if own:
            found = own
    where = f" ở {request.province_name}" if request.province_name else ""
    note = former_province_note(request)
    if not found:
        other = queries.upcoming_events(limit=50) if request.province_name else []
        text = f"{note}Hiện danh mục chưa có sự kiện tuyển sinh nào sắp diễn ra{where}."
        buttons = [replies.button("Sự kiện ở tỉnh khác", '/ask_events{"province":"toan_quoc"}')] if other else []
        dispatcher.utter_message(text=text, buttons=buttons)
        return remember(request, topic="events")
    first, rest = replies.paged([replies.event_line(e) for e in found])
    shown_now = found[: len(first)]
    reminder_buttons = [event_button(e, alone=len(shown_now) == 1) for e in shown_now[:REMINDER_BUTTONS]]
    buttons = reminder_buttons + replies.more_buttons(rest)
    dispatcher.utter_message(text=f"{note}Sự kiện sắp diễn ra{where}:\n" + "\n".join(first), buttons=buttons)
    shown = focus_.of_events(found, len(first), Query(province=request.province_name))
    named = request.school.code if request.school_from_message else None  # "trường đó" next is that school
    return remember(request, topic="events", more=rest, school=named) + [shown.slot()]
