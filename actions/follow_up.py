"""Follow-ups over the list the bot just showed, answered from the focus (actions/focus.py).

After "Trường nào dạy điện ở Quảng Ninh", people go on without naming the trade again:
"trường nào có ktx" (filter), "cái nào rẻ nhất" (pick), "trường thứ 2 ở đâu" (point),
"còn trường khác không" (continue, or say truthfully there are no more and show where else
it is taught), "thế còn ở Lạng Sơn" (same query elsewhere), "học mấy năm" / "có học bổng
ko" (a detail of each item shown). `plan` decides which, from the reading of the message
and the focus; `answer` writes it. A message that names a new trade or school is not a
follow-up: it starts a new answer.
"""

from __future__ import annotations

from dataclasses import replace

from rasa_sdk import Tracker

from actions import focus as focus_
from actions import replies
from actions.focus import Focus, Query
from actions.programme_cards import programme_card
from actions.request import Request, read, remember
from actions.search import find, search, what_of
from catalog import queries
from vntext import folding, lexicon

# Yes/no facts of a school a "which" question filters on ("trường nào có ktx").
FILTERS = {
    "dormitory": ("có ký túc xá", lambda s: s.dormitory),
    "scholarships": ("có học bổng riêng", lambda s: bool(s.scholarships)),
    "online": ("nhận hồ sơ trực tuyến", lambda s: bool(s.application_url)),
    "zalo": ("có Zalo tuyển sinh", lambda s: bool(s.zalo)),
}
ANSWERABLE = set(replies.PROGRAMME_DETAILS) | set(replies.SCHOOL_DETAILS)


EVENT_DETAILS = {"address", "description", "start", "deadline"}
EVENT_WORDS = ("co gi", "lam gi", "khi nao", "may gio", "bao gio", "o dau", "dia diem", "ngay nao")


def plan(request: Request, focus: Focus | None) -> str | None:
    """Which follow-up the message is ("point", "cheapest", "shortest", "free", "filter",
    "in_province", "elsewhere", "more", "details", "named", "event"), or None when it is
    not one."""
    if focus is None or not focus.items or request.message.startswith("/") or request.entities:
        return None
    details = [d for d in request.details if d in ANSWERABLE]
    if request.school_from_message and not details and focus.details and not (request.occupations or request.fields):
        return "named"  # the school the bot asked about: "trường Mây Trắng ạ"
    if request.school_from_message or request.occupations or request.fields:
        return None
    if focus.kind == focus_.EVENTS:
        folded = f" {folding.expand_teencode(request.message)} "
        asks = set(details) & EVENT_DETAILS or any(f" {w} " in folded for w in EVENT_WORDS)
        return "event" if asks and not request.province_from_message else None
    cues = lexicon.follow_up_cues(request.message)
    if lexicon.ordinal_in(request.message) is not None:
        return "point"
    if focus.kind == focus_.PROGRAMMES:
        for kind in ("cheapest", "shortest"):
            if kind in cues:
                return kind
        if "free" in cues and ("which" in cues or "more" in cues):
            return "free"
    if "which" in cues and any(d in FILTERS for d in details):
        return "filter"
    if request.province_from_message:
        shown_in = {s.province for s in focus_.schools(focus, focus.items)}
        return "in_province" if len(shown_in) > 1 and request.province.name in shown_in else "elsewhere"
    if "more" in cues and not details:
        return "more"
    if details and all(d in replies.SCHOOL_DETAILS for d in details) and _school_in_focus(request, focus):
        return "that_school"  # "trường đó ở tỉnh nào" after "Rẻ nhất: <trường>": that school
    if details and (lexicon.asks_support(request.message) is False or "scholarships" in details):
        return "details"
    return None


class FollowsFocus:
    """Mixin for the catalog answers: a follow-up over the list just shown is answered from
    the focus, whichever of them Rasa picked for the message."""

    def before(self, dispatcher, tracker: Tracker) -> list | None:
        return answer(dispatcher, tracker, read(tracker))


def answer(dispatcher, tracker: Tracker, request: Request) -> list | None:
    """The follow-up's reply and the events that keep the context, or None (not a follow-up)."""
    if tracker.active_loop_name:
        return None
    focus = focus_.load(tracker.get_slot("focus"))
    kind = plan(request, focus)
    if kind is None:
        return None
    return {
        "point": _point,
        "cheapest": _cheapest,
        "shortest": _shortest,
        "free": _free,
        "filter": _filter,
        "in_province": _in_province,
        "more": _more,
        "elsewhere": _elsewhere,
        "details": _details,
        "named": _named,
        "that_school": _that_school,
        "event": _event,
    }[kind](dispatcher, request, focus)


# --- the answers -----------------------------------------------------------------------------


def _asked(request: Request, default: list[str]) -> list[str]:
    return [d for d in request.details if d in ANSWERABLE] or default


def _item_lines(focus: Focus, items: list[str], details: list[str]) -> list[str]:
    """One line per item with the asked details; a school fact is given once per school."""
    programme_asks = [d for d in details if d in replies.PROGRAMME_DETAILS]
    school_asks = [d for d in details if d in replies.SCHOOL_DETAILS and d != "programmes"]
    lines = []
    if focus.kind == focus_.PROGRAMMES and programme_asks:
        for p in focus_.programmes(items):
            facts = "; ".join(replies.programme_detail(p, d) for d in programme_asks)
            lines.append(f"• {p.name} ({replies.LEVEL_NAMES[p.level]}) – {p.institution.name}, {p.institution.province}: {facts}")
    if school_asks:
        for s in focus_.schools(focus, items):
            facts = "; ".join(replies.school_detail(s, d) for d in school_asks)
            lines.append(f"• {s.name} ({s.province}): {facts}")
    return lines


def _single(dispatcher, request: Request, focus: Focus, item: str, details: list[str]) -> list:
    """One item of the list: the programme's card (or the school's for school facts)."""
    if focus.kind == focus_.PROGRAMMES:
        p = focus_.programme(item)
        if p is None:
            return _gone(dispatcher, request)
        school_only = details and all(d in replies.SCHOOL_DETAILS for d in details)
        text = replies.school_card(p.institution, details) if school_only else programme_card(p, details)
        school = p.institution
    else:
        school = queries.get_institution(item)
        if school is None:
            return _gone(dispatcher, request)
        text = replies.school_card(school, details)
    dispatcher.utter_message(
        text=text,
        buttons=[
            replies.button("Trường có ngành gì?", f'/ask_school_programmes{{"school_code":"{school.code}"}}'),
            replies.button("Liên hệ trường", f'/ask_school_info{{"school_code":"{school.code}","detail":"phone"}}'),
        ],
    )
    kept = replace(focus, items=[item], shown=1)
    programme = item if focus.kind == focus_.PROGRAMMES else None
    return remember(request, topic="programme" if programme else "school", school=school.code, programme=programme) + [
        kept.slot()
    ]


def _gone(dispatcher, request: Request) -> list:
    dispatcher.utter_message(text="Mục này không còn trong danh mục (trường vừa cập nhật). Bạn hỏi lại giúp mình nhé.")
    return remember(request)


def _point(dispatcher, request: Request, focus: Focus) -> list:
    position = lexicon.ordinal_in(request.message) or 1
    seen = focus.seen or focus.items
    if position == -1:
        position = len(seen)
    if not 1 <= position <= len(seen):
        dispatcher.utter_message(text=f"Danh sách vừa rồi chỉ có {len(seen)} mục. Bạn chọn lại giúp mình nhé.")
        return remember(request)
    return _single(dispatcher, request, focus, seen[position - 1], _asked(request, ["address"]))


def _cheapest(dispatcher, request: Request, focus: Focus) -> list:
    return _pick(dispatcher, request, focus, lambda p: p.tuition_vnd_per_year, "học phí thấp nhất", "học phí")


def _filter(dispatcher, request: Request, focus: Focus) -> list:
    detail = next(d for d in request.details if d in FILTERS)
    label, test = FILTERS[detail]
    schools = focus_.schools(focus, focus.items)
    if len(schools) == 1:
        return _single(dispatcher, request, focus, focus.items[0], [detail])
    yes = [s for s in schools if test(s)]
    no = [s for s in schools if test(s) is False]
    unknown = [s for s in schools if test(s) is None]
    parts = []
    if yes:
        lines = [
            f"• {s.name} ({s.province})" + (f": {replies.short(s.scholarships, 120)}" if detail == "scholarships" else "")
            for s in yes
        ]
        parts.append(f"Trong {len(schools)} trường vừa nêu, trường {label}:\n" + "\n".join(lines))
    else:
        parts.append(f"Trong {len(schools)} trường vừa nêu, danh mục chưa ghi trường nào {label}.")
    if no:
        parts.append("Không: " + ", ".join(s.name for s in no) + ".")
    if unknown:
        parts.append("Chưa có thông tin: " + ", ".join(s.name for s in unknown) + ". " + replies.contact(unknown[0]))
    dispatcher.utter_message(
        text="\n".join(parts),
        buttons=[replies.button(replies.short(s.name), f'/ask_school_info{{"school_code":"{s.code}"}}') for s in yes[:3]],
    )
    events = remember(request, school=yes[0].code if len(yes) == 1 else None)
    if yes:
        codes = {s.code for s in yes}
        kept = [i for i in focus.items if (i.split("/")[0] if focus.kind == focus_.PROGRAMMES else i) in codes]
        events.append(replace(focus, items=kept, shown=len(kept)).slot())
    return events


def _more(dispatcher, request: Request, focus: Focus) -> list:
    if focus.unseen:
        if focus.kind == focus_.PROGRAMMES:
            items = focus_.programmes(focus.unseen)
            lines = [replies.programme_line(p) for p in items]
        else:
            lines = [replies.school_line(s) for s in focus_.schools(focus, focus.unseen)]
        first, rest = replies.paged(lines)
        dispatcher.utter_message(text="Tiếp theo:\n" + "\n".join(first), buttons=replies.more_buttons(rest))
        kept = replace(focus, shown=focus.shown + len(first))
        return remember(request, more=rest) + [kept.slot()]
    if focus.kind != focus_.PROGRAMMES or not (focus.query.occupations or focus.query.fields or focus.query.level):
        dispatcher.utter_message(text="Mình đã gửi hết danh sách rồi. Bạn muốn hỏi gì thêm không?")
        return remember(request)
    query = focus.query
    what = what_of(query) or "ngành này"
    shown = set(focus.items)
    same_place = [p for p in find(query) if focus_.ref(p) not in shown]
    if same_place:
        lines = [replies.programme_line(p) for p in same_place]
        first, rest = replies.paged(lines)
        where = f" ở {query.province}" if query.province else ""
        dispatcher.utter_message(text=f"Nơi khác dạy {what}{where}:\n" + "\n".join(first), buttons=replies.more_buttons(rest))
        kept = Focus(focus_.PROGRAMMES, [focus_.ref(p) for p in same_place], len(first), query)
        return remember(request, more=rest) + [kept.slot()]
    elsewhere = [p for p in find(replace(query, province=None)) if focus_.ref(p) not in shown] if query.province else []
    count = len({i.split("/")[0] for i in focus.items})
    if not elsewhere:
        where = f" ở {query.province}" if query.province else ""
        dispatcher.utter_message(text=f"Danh mục chỉ có {count} trường dạy {what}{where}, mình đã gửi hết rồi.")
        return remember(request)
    lines = [replies.programme_line(p) for p in elsewhere]
    first, rest = replies.paged(lines)
    places = sorted({p.institution.province for p in elsewhere})
    dispatcher.utter_message(
        text=f"Ở {query.province} danh mục chỉ có {count} trường dạy {what}, mình đã gửi hết. "
        f"Ở tỉnh, thành khác ({', '.join(places)}) có:\n" + "\n".join(first),
        buttons=replies.more_buttons(rest),
    )
    kept = Focus(focus_.PROGRAMMES, [focus_.ref(p) for p in elsewhere], len(first), replace(query, province=None))
    return remember(request, more=rest) + [kept.slot()]


def _elsewhere(dispatcher, request: Request, focus: Focus) -> list:
    query = focus.query
    again = replace(
        request,
        occupation=query.occupations[0] if query.occupations else None,
        occupations=list(query.occupations),
        fields=list(query.fields),
        level=request.level or query.level,
        school=None,
        school_from_message=False,
    )
    return search(dispatcher, again)


def _details(dispatcher, request: Request, focus: Focus) -> list:
    details = _asked(request, [])
    seen = focus.seen or focus.items
    if len(seen) == 1 or len({i.split("/")[0] for i in seen}) == 1 and all(d in replies.SCHOOL_DETAILS for d in details):
        return _single(dispatcher, request, focus, seen[0], details)
    if request.level and focus.kind == focus_.PROGRAMMES:
        # "hệ trung cấp thì học phí bao nhiêu": the items of that level
        of_level = [i for i, p in zip(seen, focus_.programmes(seen)) if p.level == request.level]
        if not of_level:
            return _elsewhere(dispatcher, request, focus)
        seen = of_level
        if len(seen) == 1:
            return _single(dispatcher, request, focus, seen[0], details)
    lines = _item_lines(focus, seen, details)
    if not lines:
        return None
    first, rest = replies.paged(lines)
    text = "Các nơi vừa nêu:\n" + "\n".join(first)
    text += _market_note(focus, seen, details)
    if any(replies.UNKNOWN in line for line in first):
        text += '\nChỗ nào ghi "chưa có thông tin", bạn hỏi trực tiếp trường (bấm tên trường để xem số điện thoại).'
    schools = focus_.schools(focus, seen)
    buttons = [replies.button(replies.short(s.name), f'/ask_school_info{{"school_code":"{s.code}"}}') for s in schools[:3]]
    dispatcher.utter_message(text=text, buttons=buttons + replies.more_buttons(rest))
    return remember(request, more=rest)


def _pick(dispatcher, request: Request, focus: Focus, key, label: str, unknown: str) -> list:
    """The items of the list that are best by `key` (lowest), said with what they were compared on."""
    found = focus_.programmes(focus.items)
    known = [p for p in found if key(p) is not None]
    if not known:
        dispatcher.utter_message(
            text=f"Các nơi vừa nêu chưa công bố {unknown}, nên mình chưa so được. Bạn hỏi trực tiếp trường nhé."
        )
        return remember(request)
    low = min(key(p) for p in known)
    best = [p for p in known if key(p) == low]
    lines = [
        f"• {p.name} ({replies.LEVEL_NAMES[p.level]}) – {p.institution.name}, {p.institution.province}: "
        f"{replies.programme_detail(p, 'duration')}; {replies.fee(p)}"
        for p in best
    ]
    note = f"\n({len(found) - len(known)} nơi chưa công bố {unknown}, không tính vào so sánh.)" if len(known) < len(found) else ""
    dispatcher.utter_message(
        text=f"Trong {len(found)} nơi vừa tìm, {label}:\n" + "\n".join(lines) + note,
        buttons=[
            replies.button(replies.programme_button_title(p), f'/ask_programme_info{{"programme_ref":"{focus_.ref(p)}"}}')
            for p in best[:3]
        ],
    )
    kept = replace(focus, items=[focus_.ref(p) for p in best], shown=len(best))
    return remember(request, school=best[0].institution.code if len(best) == 1 else None) + [kept.slot()]


def _shortest(dispatcher, request: Request, focus: Focus) -> list:
    return _pick(dispatcher, request, focus, lambda p: p.duration_months, "học ngắn nhất", "thời gian học")


def _free(dispatcher, request: Request, focus: Focus) -> list:
    found = focus_.programmes(focus.items)
    free = [p for p in found if p.tuition_vnd_per_year == 0]
    if not free:
        unknown = sum(1 for p in found if p.tuition_vnd_per_year is None)
        extra = f" ({unknown} nơi chưa công bố học phí)" if unknown else ""
        dispatcher.utter_message(
            text=f"Trong {len(found)} nơi vừa nêu, danh mục chưa ghi nơi nào miễn học phí{extra}. "
            "Miễn, giảm học phí theo chính sách thì tùy bạn thuộc nhóm nào: bấm “Chính sách hỗ trợ”.",
            buttons=[replies.button("Chính sách hỗ trợ", "/ask_policies")],
        )
        return remember(request)
    lines = [replies.programme_line(p) for p in free]
    dispatcher.utter_message(text=f"Trong {len(found)} nơi vừa nêu, nơi miễn học phí:\n" + "\n".join(lines))
    kept = replace(focus, items=[focus_.ref(p) for p in free], shown=len(free))
    return remember(request, school=free[0].institution.code if len(free) == 1 else None) + [kept.slot()]


def _in_province(dispatcher, request: Request, focus: Focus) -> list:
    """ "trường ở Nghệ An sđt bao nhiêu": the items of the list in that province, not a new search."""
    place = request.province.name
    if focus.kind == focus_.PROGRAMMES:
        items = [i for i, p in zip(focus.items, focus_.programmes(focus.items)) if p.institution.province == place]
    else:
        items = [s.code for s in focus_.schools(focus, focus.items) if s.province == place]
    narrowed = replace(focus, items=items, shown=len(items))
    details = _asked(request, [])
    if not details:
        details = ["address", "admission_phone"] if focus.kind == focus_.SCHOOLS else ["tuition", "duration"]
    if len(items) == 1 or len({i.split("/")[0] for i in items}) == 1 and all(d in replies.SCHOOL_DETAILS for d in details):
        return _single(dispatcher, request, narrowed, items[0], details)
    lines = _item_lines(narrowed, items, details)
    first, rest = replies.paged(lines)
    dispatcher.utter_message(text=f"Các nơi vừa nêu ở {place}:\n" + "\n".join(first), buttons=replies.more_buttons(rest))
    return remember(request, more=rest) + [narrowed.slot()]


def _named(dispatcher, request: Request, focus: Focus) -> list:
    """The user names the school the bot asked about: answer what was asked, for that school."""
    school = request.school
    details = [d for d in focus.details if d in replies.SCHOOL_DETAILS] or ["address", "phone"]
    dispatcher.utter_message(
        text=replies.school_card(school, details),
        buttons=[replies.button("Trường có ngành gì?", f'/ask_school_programmes{{"school_code":"{school.code}"}}')],
    )
    return remember(request, topic="school", school=school.code) + [focus_.of_schools([school], 1, Query()).slot()]


def _school_in_focus(request: Request, focus: Focus) -> bool:
    """The message points back at one school ("trường đó", "trường này") that the list shows."""
    if request.school is None or not lexicon.refers_back(request.message):
        return False
    return request.school.code in {s.code for s in focus_.schools(focus, focus.items)}


def _that_school(dispatcher, request: Request, focus: Focus) -> list:
    """The school in focus ("trường đó"), with the school facts asked."""
    school = request.school
    details = _asked(request, ["address"])
    if details == ["address"]:
        details = ["address", "phone"]  # where it is: the address, the province, how to reach it
    dispatcher.utter_message(
        text=replies.school_card(school, details),
        buttons=[replies.button("Trường có ngành gì?", f'/ask_school_programmes{{"school_code":"{school.code}"}}')],
    )
    return remember(request, topic="school", school=school.code)


def _event(dispatcher, request: Request, focus: Focus) -> list:
    """Where, when and what of the events just listed ("ở đâu ạ", "ngày hội đó có gì")."""
    upcoming = {e.code: e for e in queries.upcoming_events(limit=200)}
    seen = [upcoming[c] for c in (focus.seen or focus.items) if c in upcoming]
    if not seen:
        dispatcher.utter_message(text="Sự kiện đó đã qua hoặc không còn trong danh mục.")
        return remember(request)
    parts = []
    for e in seen[:3]:
        lines = [replies.event_line(e)]
        lines.append(f"  Địa điểm: {e.location or replies.UNKNOWN}")
        if e.description:
            lines.append(f"  Nội dung: {e.description}")
        parts.append("\n".join(lines))
    dispatcher.utter_message(text="\n\n".join(parts))
    return remember(request)


def _market_note(focus: Focus, items: list[str], details: list[str]) -> str:
    """Pay or employment asked over a list: the trade's labour-market figure too (source named),
    since schools often have not reported their graduates'."""
    if focus.kind != focus_.PROGRAMMES or not {"income", "employment"} & set(details):
        return ""
    codes = {p.occupation_code for p in focus_.programmes(items) if p.occupation_code}
    if len(codes) != 1:
        return ""
    figure = queries.labour_figure(codes.pop(), focus.query.province)
    return "\n\nSố liệu chung của nghề:\n" + replies.labour_text(figure, focus.query.province) if figure else ""
