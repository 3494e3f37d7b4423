"""Which schools train what, where; a school's contact details and programmes."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.request import former_province_note, read, remember
from catalog import queries


class ActionSearch(Action):
    """Schools or programmes for an occupation/field/level in a province.

    With no province known, it sets `need_province` and the search form asks
    for one ("bạn muốn học ở tỉnh nào?"), then this action runs again.
    """

    def name(self) -> str:
        return "action_search"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        continuing = (
            intent in ("inform", None)
            or tracker.active_loop_name is not None
            or tracker.get_slot("requested_slot") is not None
            or tracker.latest_action_name == "search_form"
        )
        request = read(tracker, continuing=continuing)
        if request.province is None and not request.province_anywhere:
            return remember(request, topic="search") + [SlotSet("need_province", True)]

        note = former_province_note(request)
        field = request.fields[0] if request.fields and not request.occupation else None
        if request.occupation or field or request.level:
            found = queries.find_programmes(
                occupation=request.occupation,
                field=field,
                level=request.level,
                province=request.province_name,
                limit=50,
            )
            what = request.occupation or (replies.FIELD_NAMES[field] if field else "")
            level = f" trình độ {replies.LEVEL_NAMES[request.level]}" if request.level else ""
            where = f" ở {request.province_name}" if request.province_name else ""
            if not found:
                dispatcher.utter_message(
                    text=f"{note}Mình chưa tìm thấy trường nào dạy {what or 'ngành này'}{level}{where} trong danh mục.",
                    buttons=[
                        replies.button("Tìm ở tỉnh khác", '/inform{"province":"toan_quoc"}'),
                        replies.button("Làm trắc nghiệm nghề", "/start_quiz"),
                    ],
                )
                return remember(request, topic="search") + [SlotSet("need_province", False)]
            lines = [replies.programme_line(p) for p in found]
            first, rest = replies.paged(lines)
            buttons = [
                replies.button(f"{p.institution.name[:40]}", f'/ask_school_info{{"school_code":"{p.institution.code}"}}')
                for p in found[:3]
            ]
            buttons += replies.more_buttons(rest)
            buttons.append(replies.button("Trường nào rẻ nhất?", "/ask_compare_programme"))
            dispatcher.utter_message(
                text=f"{note}Các nơi dạy {what}{level}{where} (rẻ trước):\n" + "\n".join(first),
                buttons=buttons,
            )
            single = found[0] if len({(p.institution.code, p.code) for p in found}) == 1 else None
            return remember(
                request,
                topic="search",
                more=rest,
                school=found[0].institution.code if len({p.institution.code for p in found}) == 1 else None,
                programme=f"{single.institution.code}/{single.code}" if single else None,
            ) + [SlotSet("need_province", False)]

        schools = queries.find_institutions(province=request.province_name, limit=50)
        where = f" ở {request.province_name}" if request.province_name else ""
        if not schools:
            dispatcher.utter_message(text=f"{note}Danh mục chưa có trường nào{where}.")
            return remember(request, topic="search") + [SlotSet("need_province", False)]
        first, rest = replies.paged([replies.school_line(s) for s in schools])
        buttons = [replies.button(s.name[:40], f'/ask_school_info{{"school_code":"{s.code}"}}') for s in schools[:3]]
        buttons += replies.more_buttons(rest)
        dispatcher.utter_message(text=f"{note}Các trường nghề{where}:\n" + "\n".join(first), buttons=buttons)
        return remember(request, topic="search", more=rest) + [SlotSet("need_province", False)]


class ActionSchoolInfo(Action):
    """Address, phone, e-mail, website, dormitory, public/private of one school."""

    def name(self) -> str:
        return "action_school_info"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        request = read(tracker)
        school = request.school
        if school is None:
            dispatcher.utter_message(text="Bạn muốn hỏi trường nào? Bạn gõ tên trường giúp mình nhé (ví dụ: trường Việt - Hàn).")
            return []
        if "programmes" in request.details:
            return _programmes_of(dispatcher, request, school)
        dispatcher.utter_message(
            text=replies.school_card(school, request.details),
            buttons=[
                replies.button("Trường có ngành gì?", f'/ask_school_programmes{{"school_code":"{school.code}"}}'),
                replies.button("Ký túc xá", f'/ask_school_info{{"school_code":"{school.code}","detail":"dormitory"}}'),
                replies.button("Học phí", '/ask_programme_info{"detail":"tuition"}'),
            ],
        )
        return remember(request, topic="school", school=school.code)


class ActionSchoolProgrammes(Action):
    def name(self) -> str:
        return "action_school_programmes"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        request = read(tracker)
        if request.school is None:
            dispatcher.utter_message(text="Bạn muốn xem ngành của trường nào? Bạn gõ tên trường giúp mình nhé.")
            return []
        return _programmes_of(dispatcher, request, request.school)


def _programmes_of(dispatcher: CollectingDispatcher, request, school: queries.InstitutionInfo) -> list:
    found = queries.find_programmes(institution_code=school.code, level=request.level, limit=100)
    if not found:
        dispatcher.utter_message(text=f"Danh mục chưa có ngành, nghề nào của {school.name}. {replies.contact(school)}")
        return remember(request, topic="school", school=school.code)
    first, rest = replies.paged([replies.programme_line(p, with_school=False) for p in found])
    buttons = [replies.button(p.name[:40], f'/ask_programme_info{{"programme_ref":"{school.code}/{p.code}"}}') for p in found[:3]]
    buttons += replies.more_buttons(rest)
    dispatcher.utter_message(text=f"{school.name} đào tạo:\n" + "\n".join(first), buttons=buttons)
    return remember(request, topic="school", school=school.code, more=rest)
