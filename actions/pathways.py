"""Pathway questions (after grade 9 or 12, the training levels, 9+): the general answer,
unless the message also names a trade or a province with a level ("con tôi hết lớp 9 muốn
học may ở Hải Dương", "ở Hải Phòng có khóa sơ cấp nào"): then the schools are the answer."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import focus as focus_
from actions import replies, routing
from actions.applying import application_answer
from actions.focus import Query
from actions.follow_up import FollowsFocus
from actions.pathway_texts import PATHWAY_ANSWERS, choosing_levels
from actions.request import former_province_note, read, reading, remember
from actions.schools import programmes_of
from actions.voice import Answer, Voice
from catalog import queries
from vntext import folding, lexicon


class ActionPathway(FollowsFocus, Answer):
    def before(self, dispatcher: Voice, tracker: Tracker) -> list | None:
        # "9+ học mấy năm", "liên thông mất mấy năm": the pathway itself, not the list shown
        if lexicon.names_pathway(tracker.latest_message.get("text") or ""):
            return None
        said = reading(tracker)
        if said.place is not None and {"tot_nghiep_thcs", "tot_nghiep_thpt"} & set(said.groups):
            return None  # "hết lớp 9 thì ở Đà Nẵng học gì": a new question, not the list shown
        return super().before(dispatcher, tracker)

    def name(self) -> str:
        return "action_pathway"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        request = read(tracker)
        grade = _grade(intent, request)
        if grade and request.province_from_message and not (request.occupation or request.fields or request.school_from_message):
            # "hết lớp 9 thì ở Đà Nẵng học được những ngành gì": what the catalog offers there
            return offers_after_grade(dispatcher, request, grade)
        if request.occupation or request.fields or (request.province_from_message and request.level):
            answered = routing.answer(dispatcher, tracker, domain)
            if answered is not None:
                return answered
        if {"apply", "documents"} & set(request.details) and request.school is None:
            # "thủ tục đăng ký học trung cấp cho con thế nào": how to apply, not the levels
            return application_answer(dispatcher, request)
        if request.school is not None and lexicon.refers_back(request.message) and lexicon.asks_which_trade(request.message):
            # "ở trường đó cháu xong lớp 9 thì học được nghề gì": that school's programmes for the grade
            return programmes_of(dispatcher, request, request.school)
        if intent == "ask_9plus" and request.province_from_message:
            return _nine_plus_in(dispatcher, request)
        general = PATHWAY_ANSWERS.get(intent, PATHWAY_ANSWERS["ask_levels"])
        text = general["text"]
        if intent == "ask_levels" and lexicon.asks_choice(request.message):
            text += "\n\n" + choosing_levels(request.groups)
        dispatcher.utter_message(text=text, buttons=general["buttons"])
        return []


GRADE_INTENTS = {"ask_after_grade9": 9, "ask_after_grade12": 12}
LEVEL_ORDER = ("so_cap", "trung_cap", "cao_dang")
_QUICK = ("nhanh", "ngan", "som", "cap toc")


def _grade(intent: str, request) -> int | None:
    """The grade the learner finishes: said in the message ("hết lớp 9", "không học cấp 3 nữa")
    before the one the intent assumes."""
    if "tot_nghiep_thcs" in request.groups:
        return 9
    if "tot_nghiep_thpt" in request.groups:
        return 12
    return GRADE_INTENTS.get(intent)


def offers_after_grade(dispatcher: CollectingDispatcher, request, grade: int) -> list:
    """The programmes of the stated province open to a learner after lớp 9 (entry THCS or
    none) or lớp 12, grouped by level; "học nhanh" keeps the short levels (sơ cấp, trung cấp)."""
    place = request.province_name
    found = queries.find_programmes(province=place, limit=300)
    if grade == 9:
        found = [p for p in found if p.entry_requirement != "thpt"]
    quick = any(f" {w} " in f" {folding.expand_teencode(request.message)} " for w in _QUICK)
    if quick and any(p.level != "cao_dang" for p in found):
        found = [p for p in found if p.level != "cao_dang"]
    note = former_province_note(request)
    after = "lớp 9" if grade == 9 else "lớp 12"
    general = (
        "Sau lớp 9 học được sơ cấp (3 tháng – dưới 1 năm), trung cấp (1–2 năm) hoặc mô hình 9+; "
        "cao đẳng cần tốt nghiệp THPT, hoặc học tiếp sau khi có bằng trung cấp cùng ngành."
        if grade == 9
        else "Sau lớp 12 học được cao đẳng (2–3 năm), trung cấp (1–2 năm) hoặc sơ cấp (dưới 1 năm)."
    )
    if not found:
        dispatcher.utter_message(
            text=f"{note}Danh mục chưa có chương trình nào ở {place} nhận người xong {after}.\n{general}",
            buttons=PATHWAY_ANSWERS["ask_after_grade9" if grade == 9 else "ask_after_grade12"]["buttons"],
        )
        return remember(request, topic="search")
    found.sort(key=lambda p: (LEVEL_ORDER.index(p.level), p.duration_months or 99, p.institution.name, p.name))
    lines = []
    for level in LEVEL_ORDER:
        of_level = [p for p in found if p.level == level]
        by_school: dict[str, list[str]] = {}
        for p in of_level:
            by_school.setdefault(p.institution.name, []).append(p.name)
        for school, names in by_school.items():
            shown = ", ".join(list(dict.fromkeys(names))[:6]) + ("…" if len(set(names)) > 6 else "")
            lines.append(f"• {replies.LEVEL_NAMES[level].capitalize()} – {school}: {shown}")
    head = f"{note}Ở {place}, sau {after} bạn học được ({len(found)} chương trình"
    head += ", các khóa ngắn trước):" if quick else "):"
    dispatcher.utter_message(
        text=head + "\n" + "\n".join(lines[:8]) + ("\n…" if len(lines) > 8 else "") + "\n" + general,
        buttons=[
            replies.button(
                replies.short(f"{p.name} ({replies.LEVEL_NAMES[p.level]})"),
                f'/ask_programme_info{{"programme_ref":"{focus_.ref(p)}"}}',
            )
            for p in found[:3]
        ],
    )
    query = Query(province=place)
    return remember(request, topic="search") + [focus_.of_programmes(found, len(found), query).slot()]


def _nine_plus_in(dispatcher: CollectingDispatcher, request) -> list:
    """Where the 9+ model is taught in a province: the schools whose catalog entry says so."""
    schools = queries.find_institutions(province=request.province_name, describes="9+")
    note = former_province_note(request)
    if not schools:
        dispatcher.utter_message(
            text=f"{note}Danh mục chưa ghi trường nào ở {request.province_name} dạy theo mô hình 9+. "
            "Bạn hỏi trung tâm GDNN - GDTX hoặc trường trung cấp gần nhà nhé.",
            buttons=[replies.button("Mô hình 9+ là gì?", "/ask_9plus")],
        )
        return remember(request, topic="search")
    lines = [replies.school_line(s) for s in schools[: replies.PAGE]]
    buttons = [replies.button(replies.short(s.name), f'/ask_school_info{{"school_code":"{s.code}"}}') for s in schools[:3]]
    dispatcher.utter_message(text=f"{note}Nơi có mô hình 9+ ở {request.province_name}:\n" + "\n".join(lines), buttons=buttons)
    return remember(request, topic="search", school=schools[0].code if len(schools) == 1 else None)
