"""The answer to a search whose province is known: programmes of a trade, field or level
in a province (cheapest first) or the schools there, plus what a parent's long question
asked besides (boarding, support). Shared by the search, the fallback and pathway answers."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.request import ANYWHERE, Request, former_province_note, remember
from catalog import queries
from vntext import folding


def ask_province(dispatcher: CollectingDispatcher) -> None:
    """ "Bạn muốn học ở tỉnh nào?" with the provinces that have most schools as buttons."""
    buttons = [replies.button(name, f'/inform{{"province":"{name}"}}') for name, _ in queries.provinces_with_schools()[:4]]
    buttons.append(replies.button("Tỉnh nào cũng được", f'/inform{{"province":"{ANYWHERE}"}}'))
    dispatcher.utter_message(text="Bạn muốn học ở tỉnh, thành phố nào?", buttons=buttons)


def search(dispatcher: CollectingDispatcher, request: Request) -> list:
    """The answer to a search whose province is known (or "anywhere")."""
    note = former_province_note(request)
    # "cơ khí hay điện": two trades named broadly search both fields, not one programme
    named_exactly = any(folding.key(name) in folding.key(request.message) for name in request.occupations)
    fields = request.fields if not request.occupation or (len(request.fields) > 1 and not named_exactly) else []
    occupation = request.occupations or request.occupation if not fields else None
    if occupation or fields or request.level:
        found = queries.find_programmes(
            occupation=occupation,
            field=fields,
            level=request.level,
            province=request.province_name,
            limit=50,
        )
        what = " hoặc ".join(request.occupations or [request.occupation or ""]) if occupation else ""
        what = what or ", ".join(replies.FIELD_NAMES[f] for f in fields)
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
            return remember(request, topic="search")
        lines = [replies.programme_line(p) for p in found]
        first, rest = replies.paged(lines)
        schools = list({p.institution.code: p.institution for p in found}.values())
        text = f"{note}Các nơi dạy {what}{level}{where} (rẻ trước):\n" + "\n".join(first) + _asked_too(request, schools)
        buttons = [replies.button(replies.short(s.name), f'/ask_school_info{{"school_code":"{s.code}"}}') for s in schools[:3]]
        buttons += replies.more_buttons(rest)
        buttons.append(_support_button(request) or replies.button("Trường nào rẻ nhất?", "/ask_compare_programme"))
        dispatcher.utter_message(text=text, buttons=buttons)
        single = found[0] if len({(p.institution.code, p.code) for p in found}) == 1 else None
        return remember(
            request,
            topic="search",
            more=rest,
            school=schools[0].code if len(schools) == 1 else None,
            programme=f"{single.institution.code}/{single.code}" if single else None,
        )

    schools = queries.find_institutions(province=request.province_name, limit=50)
    where = f" ở {request.province_name}" if request.province_name else ""
    if not schools:
        dispatcher.utter_message(text=f"{note}Danh mục chưa có trường nào{where}.")
        return remember(request, topic="search")
    first, rest = replies.paged([replies.school_line(s) for s in schools])
    buttons = [replies.button(replies.short(s.name), f'/ask_school_info{{"school_code":"{s.code}"}}') for s in schools[:3]]
    buttons += replies.more_buttons(rest)
    text = f"{note}Các trường nghề{where}:\n" + "\n".join(first) + _asked_too(request, schools[: replies.PAGE])
    dispatcher.utter_message(text=text, buttons=buttons)
    return remember(request, topic="search", more=rest)


def _asked_too(request: Request, schools: list[queries.InstitutionInfo]) -> str:
    """A parent's long question also asks about boarding or support: one line each, from the catalog."""
    extra = ""
    if "dormitory" in request.details:
        extra += "\nKý túc xá: " + "; ".join(f"{replies.short(s.name)}: {replies.dormitory(s)}" for s in schools[:3])
    if _support_button(request):
        extra += "\nVề miễn, giảm học phí và hỗ trợ: bấm “Chính sách hỗ trợ”."
    return extra


def _support_button(request: Request) -> dict | None:
    if request.groups and set(request.groups) - {"tot_nghiep_thcs", "tot_nghiep_thpt"} or request.asks_support:
        return replies.button("Chính sách hỗ trợ", "/ask_policies")
    return None
