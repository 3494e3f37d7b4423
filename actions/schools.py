"""Which schools train what, where; a school's contact details and programmes."""

from __future__ import annotations

from dataclasses import replace

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import focus as focus_
from actions import replies
from actions.applying import application_answer
from actions.events import events_answer
from actions.focus import Query
from actions.follow_up import FollowsFocus
from actions.policies import scholarships_answer
from actions.programmes import programme_answer
from actions.request import Reading, Request, read, reading, remember
from actions.search import LINE_DETAILS, PAGE_WITHOUT_PROVINCE, find, programme_list, query_of, search
from actions.voice import Answer, Voice
from catalog import queries
from vntext import lexicon


class ActionSearch(FollowsFocus, Answer):
    """Schools or programmes for an occupation/field/level in a province.

    With no province known, it sets `need_province` and the search form asks
    for one ("bạn muốn học ở tỉnh nào?"), then this action runs again.
    """

    def name(self) -> str:
        return "action_search"

    def before(self, dispatcher: Voice, tracker: Tracker) -> list | None:
        events = super().before(dispatcher, tracker)
        return None if events is None else events + [SlotSet("need_province", False)]

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return search_answer(dispatcher, tracker)


def search_answer(dispatcher, tracker: Tracker) -> list:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    continuing = (
        intent in ("inform", None)
        or tracker.active_loop_name is not None
        or tracker.get_slot("requested_slot") is not None
        or tracker.latest_action_name == "search_form"
        or _names_nothing(reading(tracker))  # "học ở đâu ạ" after "logistics là làm gì": that trade
    )
    request = read(tracker, continuing=continuing)
    if lexicon.asks_event(request.message) and not (request.occupation or request.fields or request.school_from_message):
        # "ở Sài Gòn có hội chợ nghề nghiệp nào": events, not a list of schools
        return events_answer(dispatcher, tracker)
    if request.school_from_message and not request.province_from_message:
        # a school is named: its province is known, never ask it
        return answer_about_school(dispatcher, request, request.school)
    if request.province is None and not request.province_anywhere:
        query = query_of(request)
        # a trade taught in a handful of places: list them all, each with its province
        if not (query.occupations or query.fields) or len(find(query, limit=PAGE_WITHOUT_PROVINCE + 1)) > PAGE_WITHOUT_PROVINCE:
            return remember(request, topic="search") + [SlotSet("need_province", True)]
    return search(dispatcher, request) + [SlotSet("need_province", False)]


def _names_nothing(said: Reading) -> bool:
    return not (said.names or said.fields or said.place or said.anywhere or said.school or said.level)


class ActionSchoolInfo(FollowsFocus, Answer):
    """Address, phone, e-mail, website, dormitory, public/private of one school."""

    def name(self) -> str:
        return "action_school_info"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return school_info_answer(dispatcher, tracker)


def school_info_answer(dispatcher, tracker: Tracker) -> list:
    request = read(tracker)
    school = request.school
    asks = set(request.details)
    if asks & set(replies.PROGRAMME_DETAILS) and not asks & set(replies.SCHOOL_DETAILS) and not request.school_from_message:
        # "trường đó học mấy năm": a programme fact about the school just shown
        return programme_answer(dispatcher, tracker)
    if "scholarships" in asks:
        return scholarships_answer(dispatcher, request)
    if school is None and asks & set(replies.APPLICATION_DETAILS):
        return application_answer(dispatcher, request)
    if school is None:
        dispatcher.utter_message(text="Bạn muốn hỏi trường nào? Bạn gõ tên trường giúp mình nhé (ví dụ: trường Việt - Hàn).")
        return []
    return answer_about_school(dispatcher, request, school)


def answer_about_school(dispatcher: CollectingDispatcher, request: Request, school: queries.InstitutionInfo) -> list:
    """A named school: its programmes when asked (or those matching a named trade), else its card."""
    if "programmes" in request.details or (request.school_from_message and (request.occupation or request.fields)):
        return programmes_of(dispatcher, request, school)
    dispatcher.utter_message(
        text=replies.school_card(school, request.details),
        buttons=[
            replies.button("Trường có ngành gì?", f'/ask_school_programmes{{"school_code":"{school.code}"}}'),
            replies.button("Ký túc xá", f'/ask_school_info{{"school_code":"{school.code}","detail":"dormitory"}}'),
            replies.button("Học phí", '/ask_programme_info{"detail":"tuition"}'),
        ],
    )
    return remember(request, topic="school", school=school.code) + [focus_.of_schools([school], 1, Query()).slot()]


class ActionSchoolProgrammes(Answer):
    def name(self) -> str:
        return "action_school_programmes"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        request = read(tracker)
        if request.school is None:
            dispatcher.utter_message(text="Bạn muốn xem ngành của trường nào? Bạn gõ tên trường giúp mình nhé.")
            return []
        if asks_location(request):
            # "cd quan ho xanh o dau vay": where the school is, not what it teaches
            return answer_about_school(dispatcher, replace(request, details=["address", "phone"]), request.school)
        return programmes_of(dispatcher, request, request.school)


def asks_location(request: Request) -> bool:
    """The message asks where the school is ("ở đâu", "ở tỉnh nào", "địa chỉ") and names no
    trade, field or list of programmes."""
    return "address" in request.details and "programmes" not in request.details and not (request.occupations or request.fields)


def programmes_of(dispatcher: CollectingDispatcher, request: Request, school: queries.InstitutionInfo) -> list:
    """The school's programmes; only those of the trade asked about when the message names one
    ("trường Việt Hàn có dạy điện không")."""
    trade = request.occupations or request.occupation if request.school_from_message else None
    fields = request.fields if request.school_from_message and not trade else []
    found = queries.find_programmes(institution_code=school.code, occupation=trade, field=fields, level=request.level, limit=100)
    if "tot_nghiep_thcs" in request.groups and any(p.entry_requirement != "thpt" for p in found):
        found = [p for p in found if p.entry_requirement != "thpt"]  # what a learner just out of lớp 9 can enter
    if not found and (trade or fields):
        asked = " hoặc ".join(request.occupations) or ", ".join(replies.FIELD_NAMES[f] for f in fields)
        everything = queries.find_programmes(institution_code=school.code, limit=100)
        dispatcher.utter_message(
            text=f"Danh mục chưa thấy {school.name} dạy {asked}. Trường có {len(everything)} ngành, nghề khác.",
            buttons=[replies.button("Xem các ngành của trường", f'/ask_school_programmes{{"school_code":"{school.code}"}}')],
        )
        return remember(request, topic="school", school=school.code)
    if not found:
        dispatcher.utter_message(text=f"Danh mục chưa có ngành, nghề nào của {school.name}. {replies.contact(school)}")
        return remember(request, topic="school", school=school.code)
    query = Query(
        occupations=list(trade or []) if isinstance(trade, list) else [trade] if trade else [],
        fields=list(fields),
        level=request.level,
        school=school.code,
    )
    if set(request.details) & set(LINE_DETAILS) - {"tuition"}:
        # "ngành điện trường Việt Hàn khi nào nhập học": the asked details on every line
        return programme_list(dispatcher, request, found, query, heading=f"{school.name} ({school.province}):")
    first, rest = replies.paged([replies.programme_line(p, with_school=False) for p in found])
    buttons = [
        replies.button(
            replies.short(f"{p.name} ({replies.LEVEL_NAMES[p.level]})"),
            f'/ask_programme_info{{"programme_ref":"{school.code}/{p.code}"}}',
        )
        for p in found[:3]
    ]
    buttons += replies.more_buttons(rest)
    dispatcher.utter_message(text=f"{school.name} đào tạo:\n" + "\n".join(first), buttons=replies.unique_buttons(buttons))
    return remember(request, topic="school", school=school.code, more=rest) + [
        focus_.of_programmes(found, len(first), query).slot()
    ]
