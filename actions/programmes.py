"""One programme's details (tuition, duration, deadline…) and the same programme across schools."""

from __future__ import annotations

from dataclasses import replace

from rasa_sdk import Tracker

from actions import focus as focus_
from actions import replies
from actions.applying import application_answer
from actions.focus import Query
from actions.follow_up import FollowsFocus
from actions.occupations import labour_answer
from actions.policies import scholarships_answer
from actions.programme_cards import programme_card
from actions.reminders import programme_button
from actions.request import former_province_note, read, remember
from actions.search import not_here, programme_list, query_of, search
from actions.voice import Answer, Voice
from catalog import queries
from vntext import lexicon


def _programme_from_ref(ref: str | None) -> queries.ProgrammeInfo | None:
    if not ref or "/" not in ref:
        return None
    school, code = ref.split("/", 1)
    return queries.get_programme(school, code)


class ActionProgrammeInfo(FollowsFocus, Answer):
    """ "Ngành điện công nghiệp học bao lâu", "học phí bao nhiêu", "hạn nộp hồ sơ"…"""

    def name(self) -> str:
        return "action_programme_info"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return programme_answer(dispatcher, tracker)


def programme_answer(dispatcher, tracker: Tracker) -> list:
    request = read(tracker, continuing=True)
    programme = _programme_from_ref(request.entities.get("programme_ref"))
    if programme is None and not request.school_from_message and not request.entities.get("occupation"):
        named_now = queries.programme_names_mentioned(request.message) if not request.message.startswith("/") else []
        if not named_now:
            programme = _programme_from_ref(tracker.get_slot("last_programme"))
    if programme is not None:
        remind = programme_button(programme)
        dispatcher.utter_message(
            text=programme_card(programme, request.details),
            buttons=[
                replies.button("Nơi khác học rẻ hơn?", f'/ask_compare_programme{{"occupation":"{programme.name[:30]}"}}'),
                replies.button(
                    "Liên hệ trường", f'/ask_school_info{{"school_code":"{programme.institution.code}","detail":"phone"}}'
                ),
                *([remind] if remind else []),
            ],
        )
        return remember(
            request,
            topic="programme",
            school=programme.institution.code,
            programme=f"{programme.institution.code}/{programme.code}",
        ) + [focus_.of_programmes([programme], 1, query_of(request)).slot()]

    school_asks = [d for d in request.details if d in replies.APPLICATION_DETAILS]
    if school_asks and not request.occupation:
        # "hồ sơ gồm những gì", "zalo tuyển sinh": the school decides, for all its programmes
        return _school_answer(dispatcher, request)
    if request.occupation and request.school is None and {"employment", "income"} & set(request.details):
        # "học hàn ra lương bao nhiêu" with no school in view: the trade's labour market
        return labour_answer(dispatcher, request)
    if not request.occupation:
        if request.school is not None and _asks_school_only(request.details):
            # "cd quan ho xanh o dau vay": where the school is (or another school fact), not its list
            details = ["address", "phone"] if request.details == ["address"] else request.details
            return _school_answer(dispatcher, replace(request, details=details))
        if request.school is not None:
            found = queries.find_programmes(institution_code=request.school.code, level=request.level, limit=100)
            return _list(dispatcher, request, found, f"của {request.school.name}")
        dispatcher.utter_message(text="Bạn hỏi về ngành, nghề nào? Ví dụ: điện công nghiệp, nấu ăn, công nghệ ô tô.")
        return []
    if request.school is None and (request.province_name or request.province_anywhere):
        # a trade in a place: the same list as a search, with every detail asked
        return search(dispatcher, request)
    found = queries.find_programmes(
        occupation=request.occupation,
        level=request.level,
        institution_code=request.school.code if request.school else None,
        province=request.province_name if not request.school else None,
        limit=50,
    )
    if not found and not request.school and request.province_name:
        # none in the asked province: say so, and where it is taught
        return not_here(dispatcher, request, query_of(request), former_province_note(request))
    if len(found) == 1:
        p = found[0]
        remind = programme_button(p)
        dispatcher.utter_message(text=programme_card(p, request.details), buttons=[remind] if remind else [])
        return remember(request, topic="programme", school=p.institution.code, programme=f"{p.institution.code}/{p.code}") + [
            focus_.of_programmes([p], 1, query_of(request)).slot()
        ]
    where = f"ở {request.province_name}" if request.province_name and not request.school else ""
    return _list(dispatcher, request, found, where)


class ActionCompareProgramme(FollowsFocus, Answer):
    """The same programme across schools: the cheapest and the provinces that teach it."""

    def name(self) -> str:
        return "action_compare_programme"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return compare_answer(dispatcher, tracker)


def compare_answer(dispatcher, tracker: Tracker) -> list:
    request = read(tracker, continuing=True)
    if request.province_from_message and not lexicon.asks_elsewhere(request.message):
        # "học logistics ở Hải Phòng ở đâu": a search in that province, not a comparison
        return search(dispatcher, request)
    if not request.occupation:
        dispatcher.utter_message(text="Bạn muốn so sánh ngành nào? Ví dụ: so sánh học phí ngành điện công nghiệp.")
        return []
    comparison = queries.programme_across_schools(request.occupation, level=request.level)
    if comparison is None:
        dispatcher.utter_message(text=f"Danh mục chưa có ngành {request.occupation}.")
        return remember(request, topic="compare")
    if "shortest" in lexicon.follow_up_cues(request.message):
        # "cái nào học ngắn nhất": by duration, said as such (never labelled the cheapest)
        return _shortest_across(dispatcher, request, comparison)
    first, rest = replies.paged([replies.programme_line(p) for p in comparison.offers])
    cheapest = comparison.cheapest
    head = f"Ngành {comparison.name} có ở {len(comparison.provinces)} tỉnh, thành: {', '.join(comparison.provinces)}.\n" + (
        f"Rẻ nhất: {cheapest.institution.name} ({cheapest.institution.province}), {replies.tuition(cheapest)}.\n"
        if cheapest
        else "Chưa trường nào công bố học phí.\n"
    )
    buttons = replies.more_buttons(rest)
    dispatcher.utter_message(text=head + "\n".join(first), buttons=buttons)
    query = Query(occupations=[comparison.name], level=request.level)
    school = cheapest.institution.code if cheapest else None  # "trường đó" is the cheapest one named
    return remember(request, topic="compare", school=school, more=rest) + [
        focus_.of_programmes(comparison.offers, len(first), query).slot()
    ]


def _shortest_across(dispatcher, request, comparison) -> list:
    offers = sorted(comparison.offers, key=lambda p: (p.duration_months is None, p.duration_months or 0))
    lines = [f"{replies.programme_line(p)}; {replies.programme_detail(p, 'duration').lower()}" for p in offers]
    first, rest = replies.paged(lines)
    known = [p for p in offers if p.duration_months is not None]
    head = f"Ngành {comparison.name} có ở {len(comparison.provinces)} tỉnh, thành: {', '.join(comparison.provinces)}.\n"
    best = [p for p in known if p.duration_months == known[0].duration_months]
    if best:
        places = "; ".join(
            f"{p.name} ({replies.LEVEL_NAMES[p.level]}) – {p.institution.name} ({p.institution.province})" for p in best[:3]
        )
        more = f" và {len(best) - 3} nơi khác" if len(best) > 3 else ""
        head += f"Học ngắn nhất ({replies.programme_detail(best[0], 'duration').lower()}): {places}{more}.\n"
    else:
        head += "Chưa trường nào công bố thời gian học.\n"
    dispatcher.utter_message(text=head + "\n".join(first), buttons=replies.more_buttons(rest))
    query = Query(occupations=[comparison.name], level=request.level)
    school = best[0].institution.code if len(best) == 1 else None
    return remember(request, topic="compare", school=school, more=rest) + [focus_.of_programmes(offers, len(first), query).slot()]


def _asks_school_only(details: list[str]) -> bool:
    """Only school facts asked ("ở đâu", "số điện thoại", "có ktx không"), not its programmes."""
    asked = set(details)
    return bool(asked) and "programmes" not in asked and asked <= set(replies.SCHOOL_DETAILS)


def _school_answer(dispatcher, request) -> list:
    if "scholarships" in request.details:
        return scholarships_answer(dispatcher, request)
    school = request.school
    if school is None:
        return application_answer(dispatcher, request)
    details = [d for d in request.details if d in replies.SCHOOL_DETAILS]
    dispatcher.utter_message(
        text=replies.school_card(school, details),
        buttons=[replies.button("Trường có ngành gì?", f'/ask_school_programmes{{"school_code":"{school.code}"}}')],
    )
    return remember(request, topic="school", school=school.code)


def _list(dispatcher, request, found, where: str) -> list:
    if not found:
        dispatcher.utter_message(
            text=f"Mình chưa tìm thấy ngành {request.occupation or ''} {where} trong danh mục.".replace("  ", " ")
        )
        return remember(request, topic="programme")
    query = query_of(request)
    if request.school is not None and not request.occupation:
        query = Query(level=request.level, school=request.school.code)
    elif not request.province_name:
        query = Query(query.occupations, query.fields, query.level, None)
    places = sorted({p.institution.province for p in found})
    if request.school is not None:
        where = f"– {request.school.name}"
    elif not where and len(places) > 1:
        where = f"({len(places)} tỉnh, thành: {', '.join(places)})" if len(places) <= 4 else "trên cả nước"
    heading = f"{request.occupation or 'Các ngành'} {where}".strip() + ":"
    return programme_list(dispatcher, request, found, query, heading=heading)
