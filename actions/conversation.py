"""Greeting (with the demo-data notice), "xem thêm", the province question of the search
form, and what happens when the bot does not understand."""

from __future__ import annotations

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import settings
from actions import replies, routing
from actions.follow_up import FollowsFocus
from actions.request import ANYWHERE, read
from actions.search import ask_province
from actions.voice import Answer, Voice
from catalog import provinces, queries, status
from vntext import folding

MENU = [
    replies.button("Tìm trường, ngành học", "/ask_schools"),
    replies.button("Chính sách hỗ trợ", "/ask_policies"),
    replies.button("Trắc nghiệm chọn nghề", "/start_quiz"),
    replies.button("Ngày hội tuyển sinh", "/ask_events"),
]
DEMO_NOTICE = (
    "Lưu ý: các trường, ngành và sự kiện mình đang có là DỮ LIỆU MINH HỌA (trường hư cấu) để thử bot, "
    "không phải thông tin tuyển sinh thật. Các chính sách hỗ trợ là chính sách thật, kèm căn cứ pháp lý."
)
MISSES_BEFORE_COUNSELLOR = 2
HANDOFF_BUTTON = replies.button("Nhờ thầy cô gọi lại", "/request_human")


def counsellor_contact(tracker: Tracker) -> str:
    """Who a student can talk to: the configured counselling line, else the school discussed."""
    configured = settings.get().counsellor_contact.strip()
    if configured:
        return f"Bạn có thể liên hệ người tư vấn: {configured}."
    code = tracker.get_slot("last_school")
    school = queries.get_institution(code) if code else None
    if school is not None:
        return replies.contact(school)
    return "Bạn có thể hỏi thầy cô tư vấn hướng nghiệp ở trường mình, hoặc phòng tuyển sinh của trường bạn quan tâm."


class ActionGreet(Answer):
    def name(self) -> str:
        return "action_greet"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        text_ = (
            "Chào bạn! Mình là trợ lý tư vấn học nghề. Mình giúp bạn tìm trường, ngành học, học phí, "
            "chính sách hỗ trợ và ngày hội tuyển sinh."
        )
        if status.catalog_status().is_demo:
            text_ += "\n\n" + DEMO_NOTICE
        dispatcher.utter_message(text=text_, buttons=MENU)
        return []


class ActionShowMore(FollowsFocus, Answer):
    def name(self) -> str:
        return "action_show_more"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        remaining = tracker.get_slot("more") or []
        if not remaining:
            dispatcher.utter_message(text="Mình đã gửi hết rồi. Bạn muốn hỏi gì thêm không?", buttons=MENU[:2])
            return []
        remaining = list(remaining)
        long_items = any(len(line) > 200 for line in remaining)  # policies
        first, rest = replies.paged(remaining, replies.POLICY_CHARS if long_items else replies.LIST_CHARS)
        separator = "\n\n" if any("\n" in line for line in first) else "\n"
        dispatcher.utter_message(text=separator.join(first), buttons=replies.more_buttons(rest))
        return [SlotSet("more", rest or None)]


class ActionAskProvince(Answer):
    """The search form's question, with the provinces that have schools as buttons."""

    def name(self) -> str:
        return "action_ask_province"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        ask_province(dispatcher)
        return []


class ValidateSearchForm(FormValidationAction):
    def name(self) -> str:
        return "validate_search_form"

    async def extract_province(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        if tracker.get_slot("requested_slot") != "province":
            return {}
        request = read(tracker)
        if request.province_anywhere:
            return {"province": ANYWHERE}
        if request.province is not None and request.province_from_message:
            return {"province": request.province.name}
        return {}

    def validate_province(self, value, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        if value == ANYWHERE or provinces.resolve(str(value)):
            return {"province": value, "need_province": False}
        return {"province": None}


class ActionFallback(FollowsFocus, Answer):
    """Low NLU confidence: when the message names catalog things (a school, a trade, a support
    word), those decide the answer (actions.routing); otherwise ask to rephrase with
    suggestions, and after two misses offer a person to ask."""

    def name(self) -> str:
        return "action_fallback"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        message = (tracker.latest_message.get("text") or "").strip()
        if message and not message.startswith("/"):
            answered = routing.answer(dispatcher, tracker, domain)
            if answered is not None:
                return answered
        misses = int(tracker.get_slot("miss_count") or 0) + 1
        if misses >= MISSES_BEFORE_COUNSELLOR:
            line = settings.get().counsellor_contact.strip()
            dispatcher.utter_message(
                text="Xin lỗi, mình vẫn chưa hiểu. Bạn có muốn một thầy cô tư vấn gọi lại cho bạn không? "
                + (f"Hoặc gọi ngay: {line}. " if line else "")
                + "Bạn cũng có thể chọn một chủ đề bên dưới.",
                buttons=[HANDOFF_BUTTON, *MENU[:3]],
            )
            return [SlotSet("miss_count", 0.0)]
        examples = "“Trường nào dạy nấu ăn ở Quảng Ninh?”, “Học phí ngành điện?”, “Em là người dân tộc thì được hỗ trợ gì?”"
        if not folding.key(message):
            reply = f"Mình chỉ đọc được chữ thôi. Bạn gõ câu hỏi giúp mình nhé, ví dụ: {examples}."
        else:
            reply = f"Mình chưa hiểu ý bạn. Bạn hỏi lại giúp mình, ví dụ: {examples}."
        dispatcher.utter_message(
            text=reply,
            buttons=[
                replies.button("Trường nào dạy nấu ăn?", "/ask_schools"),
                replies.button("Học phí ngành điện?", "/ask_programme_info"),
                replies.button("Em là người dân tộc thì được hỗ trợ gì?", "/ask_policies"),
            ],
        )
        return [SlotSet("miss_count", float(misses))]


class ActionOutOfScope(Answer):
    """Not about vocational training, unless the message names a school or a trade of the
    catalog: "em muốn học đàn bầu ạ" is out of scope for the classifier when no training
    example has the trade, yet the catalog teaches it, so the catalog decides (actions.routing)."""

    def name(self) -> str:
        return "action_out_of_scope"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        request = read(tracker)
        if request.school_from_message or request.occupation or request.fields:
            answered = routing.answer(dispatcher, tracker, domain)
            if answered is not None:
                return answered
        misses = int(tracker.get_slot("miss_count") or 0) + 1
        reply = (
            "Câu này mình không trả lời được. Mình chỉ tư vấn về học nghề: trường, ngành, học phí, "
            "tuyển sinh, chính sách hỗ trợ và chọn nghề."
        )
        buttons = MENU
        if misses >= MISSES_BEFORE_COUNSELLOR:
            reply += " Bạn có muốn một thầy cô tư vấn gọi lại không?"
            buttons = [HANDOFF_BUTTON, *MENU[:3]]
            misses = 0
        dispatcher.utter_message(text=reply, buttons=buttons)
        return [SlotSet("miss_count", float(misses))]
