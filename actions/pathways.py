"""Pathway questions (after grade 9 or 12, the training levels, 9+): the general answer,
unless the message also names a trade or a province with a level ("con tôi hết lớp 9 muốn
học may ở Hải Dương", "ở Hải Phòng có khóa sơ cấp nào"): then the schools are the answer."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import replies, routing
from actions.applying import application_answer
from actions.follow_up import FollowsFocus
from actions.pathway_texts import PATHWAY_ANSWERS, choosing_levels
from actions.request import former_province_note, read, remember
from actions.schools import programmes_of
from actions.voice import Answer, Voice
from catalog import queries
from vntext import lexicon


class ActionPathway(FollowsFocus, Answer):
    def before(self, dispatcher: Voice, tracker: Tracker) -> list | None:
        # "9+ học mấy năm", "liên thông mất mấy năm": the pathway itself, not the list shown
        if lexicon.names_pathway(tracker.latest_message.get("text") or ""):
            return None
        return super().before(dispatcher, tracker)

    def name(self) -> str:
        return "action_pathway"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        request = read(tracker)
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
