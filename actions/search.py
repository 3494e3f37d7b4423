"""The answer to a search: programmes of a trade, field or level in a province (or anywhere)
or the schools there, with every part a long question asked answered in one reply, in a
fixed order: where and what → fees → duration → entry (and whether the learner's stated
grade qualifies) → boarding → deadline and how to apply → support. Shared by the search,
the fallback, follow-ups and pathway answers; what it showed becomes the focus."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import focus as focus_
from actions import replies
from actions.focus import Query
from actions.policy_rules import excluded, fit
from actions.request import ANYWHERE, Request, former_province_note, remember
from catalog import queries
from vntext import folding

# Details a long question asks that each programme line answers, in the fixed order.
LINE_DETAILS = ("tuition", "duration", "entry", "deadline", "start", "quota", "method", "employment", "income", "prospects")
# Details a school answers once for all its programmes, in the fixed order.
SCHOOL_ORDER = ("dormitory", "apply", "online", "documents", "admission_phone", "zalo", "scholarships")
MAX_SCHOOL_FACTS = 3
MAX_POLICIES = 3
PAGE_WITHOUT_PROVINCE = 5  # a trade taught in at most this many places is listed without asking the province
GRADE_GROUPS = {"tot_nghiep_thcs", "tot_nghiep_thpt"}


def ask_province(dispatcher: CollectingDispatcher) -> None:
    """ "Bạn muốn học ở tỉnh nào?" with the provinces that have most schools as buttons."""
    buttons = [replies.button(name, f'/inform{{"province":"{name}"}}') for name, _ in queries.provinces_with_schools()[:4]]
    buttons.append(replies.button("Tỉnh nào cũng được", f'/inform{{"province":"{ANYWHERE}"}}'))
    dispatcher.utter_message(text="Bạn muốn học ở tỉnh, thành phố nào?", buttons=buttons)


def query_of(request: Request) -> Query:
    """What the request searches for, as a focus query."""
    named_exactly = any(folding.key(name) in folding.key(request.message) for name in request.occupations)
    fields = request.fields if not request.occupation or (len(request.fields) > 1 and not named_exactly) else []
    occupations = list(request.occupations or ([request.occupation] if request.occupation else [])) if not fields else []
    return Query(occupations=occupations, fields=list(fields), level=request.level, province=request.province_name)


def find(query: Query, *, limit: int = 50) -> list[queries.ProgrammeInfo]:
    return queries.find_programmes(
        occupation=query.occupations or None,
        field=query.fields or None,
        level=query.level,
        province=query.province,
        institution_code=query.school,
        limit=limit,
    )


def what_of(query: Query) -> str:
    if query.occupations:
        return " hoặc ".join(query.occupations)
    if query.fields:
        return ", ".join(replies.FIELD_NAMES[f] for f in query.fields)
    return ""


def search(dispatcher: CollectingDispatcher, request: Request) -> list:
    """The answer to a search whose province is known (or "anywhere")."""
    note = former_province_note(request)
    query = query_of(request)
    if query.occupations or query.fields or query.level:
        found = find(query)
        if request.other_provinces:
            # "ô tô ở Lào Cai với Cần Thơ": each province asked, in the order asked
            for place in request.other_provinces:
                found += find(Query(query.occupations, query.fields, query.level, place))
            query = Query(query.occupations, query.fields, query.level, None)
            places = " và ".join([request.province_name, *request.other_provinces])
            what = what_of(query) or "ngành này"
            if not found:
                dispatcher.utter_message(text=f"{note}Ở {places} danh mục chưa có trường nào dạy {what}.")
                return remember(request, topic="search") + [_no_focus()]
            return programme_list(dispatcher, request, found, query, heading=f"{note}Các nơi dạy {what} ở {places}:")
        if not found and query.province:
            return not_here(dispatcher, request, query, note)
        if not found:
            what = what_of(query) or "ngành này"
            level = f" trình độ {replies.LEVEL_NAMES[query.level]}" if query.level else ""
            dispatcher.utter_message(
                text=f"{note}Danh mục chưa có trường nào dạy {what}{level}.",
                buttons=[replies.button("Làm trắc nghiệm nghề", "/start_quiz")],
            )
            return remember(request, topic="search") + [_no_focus()]
        return programme_list(dispatcher, request, found, query, heading=f"{note}{_heading(request, query, found)}")

    schools = queries.find_institutions(province=query.province, limit=50)
    where = f" ở {query.province}" if query.province else ""
    if not schools:
        dispatcher.utter_message(text=f"{note}Danh mục chưa có trường nào{where}.")
        return remember(request, topic="search") + [_no_focus()]
    first, rest = replies.paged([replies.school_line(s) for s in schools])
    buttons = [replies.button(replies.short(s.name), f'/ask_school_info{{"school_code":"{s.code}"}}') for s in schools[:3]]
    buttons += replies.more_buttons(rest)
    extra = _school_facts(request, schools[: len(first)]) + _support(request)
    dispatcher.utter_message(text=f"{note}Các trường nghề{where}:\n" + "\n".join(first) + extra, buttons=buttons)
    return remember(request, topic="search", more=rest) + [focus_.of_schools(schools, len(first), query).slot()]


def _no_focus() -> dict:
    return SlotSet("focus", None)


def _heading(request: Request, query: Query, found: list[queries.ProgrammeInfo]) -> str:
    what = what_of(query)
    level = f" trình độ {replies.LEVEL_NAMES[query.level]}" if query.level else ""
    if query.province:
        where = f" ở {query.province}"
    else:
        places = sorted({p.institution.province for p in found})
        where = f" ({len(places)} tỉnh, thành: {', '.join(places)})" if len(places) <= 4 else " trên cả nước"
    return f"Các nơi dạy {what}{level}{where}:" if what else f"Các ngành{level}{where}:"


def programme_list(
    dispatcher: CollectingDispatcher, request: Request, found: list[queries.ProgrammeInfo], query: Query, *, heading: str
) -> list:
    """A list of programmes answering every detail the message asked, then the focus."""
    grade = _grade(request)
    later: list[queries.ProgrammeInfo] = []
    if grade == 9:
        # a learner just out of lớp 9 sees what they can enter; programmes that need THPT are
        # only counted (they would bury the answer), unless there is nothing else
        open_now = [p for p in found if p.entry_requirement != "thpt"]
        if open_now:
            found, later = open_now, [p for p in found if p.entry_requirement == "thpt"]
    if len(found) > 1 and replies.cheapest_first(found) and heading.endswith(":"):
        heading = heading[:-1] + " (học phí thấp trước):"
    lines = [_programme_line(p, request, grade) for p in found]
    asked_more = any(d in request.details and d != "tuition" for d in LINE_DETAILS + SCHOOL_ORDER) or request.asks_support
    # a short list is shown whole; a long one pages at the usual length
    first, rest = replies.paged(lines, replies.POLICY_CHARS if asked_more or len(lines) <= replies.PAGE else replies.LIST_CHARS)
    shown = found[: len(first)]
    schools = list({p.institution.code: p.institution for p in shown}.values())
    text = (
        heading + "\n" + "\n".join(first) + _entry_note(shown, grade, later) + _school_facts(request, schools) + _support(request)
    )
    if any(replies.UNKNOWN in line for line in first):
        text += '\nChỗ nào ghi "chưa có thông tin", bạn hỏi trực tiếp trường (bấm tên trường để xem số điện thoại).'
    buttons = [replies.button(replies.short(s.name), f'/ask_school_info{{"school_code":"{s.code}"}}') for s in schools[:3]]
    buttons += replies.more_buttons(rest)
    support = _support_button(request)
    if support:
        buttons.append(support)
    elif len(found) > 1:
        buttons.append(replies.button("Nơi nào rẻ nhất?", "/ask_compare_programme"))
    dispatcher.utter_message(text=text, buttons=replies.unique_buttons(buttons))
    all_schools = {p.institution.code for p in found}
    single = found[0] if len(found) == 1 else None
    return remember(
        request,
        topic="search",
        more=rest,
        school=found[0].institution.code if len(all_schools) == 1 else None,
        programme=focus_.ref(single) if single else None,
    ) + [focus_.of_programmes(found, len(first), query).slot()]


def not_here(dispatcher: CollectingDispatcher, request: Request, query: Query, note: str) -> list:
    """Nothing in the asked province: say so, and where it is taught."""
    what = what_of(query) or "ngành này"
    level = f" trình độ {replies.LEVEL_NAMES[query.level]}" if query.level else ""
    elsewhere = find(Query(query.occupations, query.fields, query.level, None))
    said = f"{note}Ở {query.province} danh mục chưa có trường nào dạy {what}{level}."
    if not elsewhere:
        dispatcher.utter_message(
            text=said + " Các tỉnh khác trong danh mục cũng chưa có.",
            buttons=[replies.button("Làm trắc nghiệm nghề", "/start_quiz")],
        )
        return remember(request, topic="search") + [_no_focus()]
    places = sorted({p.institution.province for p in elsewhere})
    heading = said + f" Nơi khác có dạy ({', '.join(places)}):"
    return programme_list(
        dispatcher, request, elsewhere, Query(query.occupations, query.fields, query.level, None), heading=heading
    )


def _grade(request: Request) -> int | None:
    if "tot_nghiep_thcs" in request.groups:
        return 9
    if "tot_nghiep_thpt" in request.groups:
        return 12
    return None


def _programme_line(p: queries.ProgrammeInfo, request: Request, grade: int | None) -> str:
    """ "• Điện công nghiệp (cao đẳng) – Trường X, Quảng Ninh: học phí 9.800.000 đ/năm; …"."""
    asked = [d for d in LINE_DETAILS if d in request.details and d != "tuition"]
    facts = [replies.fee(p)] + [_fact(p, d) for d in asked if not (d == "entry" and grade == 9)]
    if grade == 9:
        entry = {"thpt": "cần tốt nghiệp THPT (chưa học được ngay sau lớp 9)", "thcs": "nhận người xong lớp 9"}
        facts.insert(2 if "duration" in asked else 1, entry.get(p.entry_requirement or "", _fact(p, "entry")))
    return f"• {p.name} ({replies.LEVEL_NAMES[p.level]}) – {p.institution.name}, {p.institution.province}: " + "; ".join(facts)


def _fact(p: queries.ProgrammeInfo, detail: str) -> str:
    text = replies.programme_detail(p, detail)
    label, _, value = text.partition(": ")
    return f"{label.lower()} {value}"


def _entry_note(shown: list[queries.ProgrammeInfo], grade: int | None, later: list[queries.ProgrammeInfo]) -> str:
    if grade == 9 and shown and all(p.entry_requirement == "thpt" for p in shown):
        return "\nCác ngành trên đều cần tốt nghiệp THPT; sau lớp 9 có thể học trung cấp hoặc sơ cấp (hỏi mình “học trung cấp sau lớp 9”)."
    if later:
        places = len({p.institution.code for p in later})
        return (
            f"\nNgoài ra có {len(later)} chương trình ở {places} trường cần tốt nghiệp THPT: "
            "học được sau lớp 12, hoặc lên cao đẳng sau khi có bằng trung cấp cùng ngành."
        )
    return ""


def _school_facts(request: Request, schools: list[queries.InstitutionInfo]) -> str:
    """A long question's school parts (boarding, how to apply…): one line per fact, every school shown."""
    asked = [d for d in SCHOOL_ORDER if d in request.details][:MAX_SCHOOL_FACTS]
    lines = []
    for detail in asked:
        values = []
        for s in schools:
            value = replies.school_detail(s, detail).partition(": ")[2]
            values.append(f"{replies.school_short_name(s.name)}: {replies.short(value, 140)}")
        label = replies.school_detail(schools[0], detail).partition(": ")[0] if schools else detail
        lines.append(f"{label}: " + "; ".join(values))
    return "".join("\n" + line for line in lines)


def _support(request: Request) -> str:
    """The support part of a long question: the policies for the learner's stated group, with
    their legal basis; otherwise where to look."""
    if not (request.asks_support or request.intent == "ask_policies"):
        return ""
    groups = [g for g in request.groups if g not in request.excluded_groups]
    specific = [g for g in groups if g not in GRADE_GROUPS] or groups
    if not specific:
        return "\nVề miễn, giảm học phí và hỗ trợ: tùy bạn thuộc nhóm nào, bấm “Chính sách hỗ trợ”."
    found = queries.find_policies(learner_groups=specific, level=request.level, province=request.province_name)
    mine = [p for p in found if set(p.learner_groups) & set(specific) and not excluded(p, request)]
    if not mine:
        return (
            "\nVề hỗ trợ: danh mục chưa có chính sách riêng cho trường hợp này; bấm “Chính sách hỗ trợ” để xem chính sách chung."
        )
    # those fitting every group and the level stated first ("dân tộc thiểu số" and "cận nghèo"
    # together, trung cấp after lớp 9), then those restricted to a level or an area not stated
    mine.sort(key=lambda p: fit(p, request))
    shown = mine[:MAX_POLICIES]
    lines = [
        f"• {p.title}: {replies.applying_clauses(p.benefit, set(specific), set(request.excluded_groups))} (Căn cứ: {p.legal_basis})"
        for p in shown
    ]
    if len(mine) > len(shown):
        lines.append(f"Còn {len(mine) - len(shown)} chính sách khác cho trường hợp này: bấm “Chính sách hỗ trợ”.")
    if any(replies.NEEDS_CONFIRMATION in p.benefit or "cần xác nhận" in p.title for p in shown):
        lines.append("Mục ghi “cần xác nhận” bạn hỏi lại nhà trường trước khi làm hồ sơ.")
    return "\nHỗ trợ:\n" + "\n".join(lines)


def _support_button(request: Request) -> dict | None:
    if request.groups and set(request.groups) - GRADE_GROUPS or request.asks_support:
        return replies.button("Chính sách hỗ trợ", "/ask_policies")
    return None
