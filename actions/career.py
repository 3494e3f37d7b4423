"""Career guidance: the interest quiz (RIASEC, Holland codes) and "em thích X thì học nghề gì".

The quiz has six questions; each answer button carries one Holland type:
R (kỹ thuật – làm bằng tay, máy móc), I (nghiên cứu – tìm hiểu, giải quyết vấn đề),
A (nghệ thuật – sáng tạo), S (xã hội – giúp đỡ người khác), E (quản lý – kinh doanh,
thuyết phục), C (nghiệp vụ – cẩn thận, số liệu). Every type appears three times, so
the two most chosen types say what kind of work the student enjoys; TYPE_FIELDS maps
them to the catalog's field groups. See README ("Trắc nghiệm sở thích nghề").
"""

from __future__ import annotations

from collections import Counter

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.occupations import labour_answer
from actions.request import read, remember
from actions.voice import Answer, Voice
from catalog import queries

QUESTIONS = [
    (
        "Lúc rảnh, bạn thích làm gì nhất?",
        [("Sửa, lắp ráp đồ vật", "R"), ("Tìm hiểu máy tính, giải đố", "I"), ("Vẽ, chụp ảnh, làm video", "A")],
    ),
    (
        "Ở lớp, bạn hay nhận việc nào?",
        [("Giúp đỡ, chỉ bài bạn bè", "S"), ("Tổ chức, thuyết phục mọi người", "E"), ("Ghi chép, giữ quỹ lớp", "C")],
    ),
    (
        "Bạn thích kiểu công việc nào hơn?",
        [("Ngoài trời, dùng máy móc", "R"), ("Chăm sóc, trò chuyện với người khác", "S"), ("Làm với số liệu, giấy tờ", "C")],
    ),
    (
        "Điều gì làm bạn hào hứng nhất?",
        [("Khám phá, thử nghiệm cái mới", "I"), ("Sáng tạo cái đẹp, cái riêng", "A"), ("Buôn bán, kinh doanh", "E")],
    ),
    (
        "Sau này bạn muốn làm việc ở đâu?",
        [
            ("Xưởng, công trường, trang trại", "R"),
            ("Cửa hàng, công ty, tự làm chủ", "E"),
            ("Bệnh viện, khách sạn, trường học", "S"),
        ],
    ),
    (
        "Bạn giỏi việc nào nhất?",
        [("Tìm ra lỗi và cách sửa", "I"), ("Nghĩ ý tưởng, trang trí", "A"), ("Cẩn thận, ngăn nắp, đúng giờ", "C")],
    ),
]
QUIZ_SLOTS = [f"quiz_{i}" for i in range(1, len(QUESTIONS) + 1)]
TYPE_ORDER = "RIASEC"
TYPE_NAMES = {
    "R": "Kỹ thuật (thích làm bằng tay, dùng máy móc, công cụ)",
    "I": "Nghiên cứu (thích tìm hiểu, tìm lỗi và cách sửa)",
    "A": "Nghệ thuật (thích sáng tạo, cái đẹp)",
    "S": "Xã hội (thích giúp đỡ, chăm sóc người khác)",
    "E": "Quản lý (thích kinh doanh, tổ chức, thuyết phục)",
    "C": "Nghiệp vụ (cẩn thận, ngăn nắp, làm với số liệu)",
}
TYPE_FIELDS = {
    "R": ["co_khi", "dien_dien_tu", "xay_dung", "nong_lam_thuy_san", "van_tai_hang_hai"],
    "I": ["cong_nghe_thong_tin", "suc_khoe", "dien_dien_tu"],
    "A": ["nghe_thuat_thiet_ke", "may_thoi_trang_lam_dep", "du_lich_nha_hang"],
    "S": ["suc_khoe", "du_lich_nha_hang", "ngoai_ngu"],
    "E": ["kinh_te", "du_lich_nha_hang", "van_tai_hang_hai"],
    "C": ["kinh_te", "cong_nghe_thong_tin"],
}


def top_types(answers: list[str]) -> list[str]:
    counts = Counter(a for a in answers if a in TYPE_ORDER)
    return sorted(counts, key=lambda t: (-counts[t], TYPE_ORDER.index(t)))[:2]


def fields_for(types: list[str]) -> list[str]:
    """2–3 field groups: those shared by both types first, then each type's first choices."""
    score: Counter = Counter()
    for weight, kind in zip((2, 1), types):
        for rank, field in enumerate(TYPE_FIELDS[kind]):
            score[field] += weight * (len(TYPE_FIELDS[kind]) - rank)
    return [f for f, _ in score.most_common(3)]


def _programmes_near(
    dispatcher: CollectingDispatcher, request, fields: list[str], intro: str, types: list[str] | None = None
) -> list:
    occupations = queries.occupations_in_fields(fields, types="".join(types or []))
    if occupations:
        intro += "\n\nMột số nghề thuộc các nhóm này:\n" + "\n".join(
            f"• {o.name}: {replies.short(o.description, 90)}" if o.description else f"• {o.name}" for o in occupations[:4]
        )
    lines: list[str] = []
    for field in fields:
        for p in queries.find_programmes(field=field, province=request.province_name, limit=2):
            lines.append(replies.programme_line(p))
    where = f" ở {request.province_name}" if request.province_name else ""
    text = intro
    if lines:
        first, rest = replies.paged(lines)
        text += f"\n\nMột vài nơi đào tạo{where}:\n" + "\n".join(first)
    else:
        rest = []
        text += f"\n\nDanh mục chưa có trường nào{where} dạy các nhóm ngành này."
    buttons = [
        replies.button(replies.short(o.name, 30), f'/ask_occupation{{"occupation":"{replies.short(o.name, 30)}"}}')
        for o in occupations[:2]
    ]
    buttons += [
        replies.button(replies.FIELD_NAMES[f].split(" (")[0].capitalize(), f'/inform{{"field":"{f}"}}') for f in fields[:3]
    ]
    if not request.province_name:
        buttons.append(replies.button("Chọn tỉnh", "/ask_schools"))
    dispatcher.utter_message(text=text, buttons=buttons)
    return remember(request, topic="career", more=rest)


class ActionQuizStart(Answer):
    """Clears earlier answers so the quiz always starts at question 1."""

    def name(self) -> str:
        return "action_quiz_start"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(
            text="Mình có 6 câu hỏi ngắn về sở thích (theo mô hình Holland – RIASEC). Bạn bấm chọn đáp án gần với mình nhất nhé."
        )
        return [SlotSet(s, None) for s in QUIZ_SLOTS]


class ActionQuizResult(Answer):
    def name(self) -> str:
        return "action_quiz_result"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        answers = [tracker.get_slot(s) or "" for s in QUIZ_SLOTS]
        types = top_types(answers)
        reset = [SlotSet(s, None) for s in QUIZ_SLOTS]
        if len(types) < 2:
            dispatcher.utter_message(
                text="Mình chưa đủ câu trả lời để gợi ý. Bạn làm lại trắc nghiệm nhé.",
                buttons=[replies.button("Làm lại", "/start_quiz")],
            )
            return reset
        fields = fields_for(types)
        request = read(tracker)
        why = "\n".join(f"• {TYPE_NAMES[t]}" for t in types)
        names = "; ".join(replies.FIELD_NAMES[f] for f in fields)
        intro = (
            f"Bạn chọn nhiều nhất hai kiểu sở thích:\n{why}\n\nNhóm ngành hợp với bạn: {names}.\n"
            "Đây chỉ là gợi ý để tham khảo; bạn nên hỏi thêm thầy cô tư vấn và gia đình."
        )
        return _programmes_near(dispatcher, request, fields, intro, types) + reset


class ActionCareerAdvice(Answer):
    """ "Em thích máy tính thì học nghề gì" → field groups and where to study them."""

    def name(self) -> str:
        return "action_career_advice"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        request = read(tracker)
        if not request.fields and {"employment", "income"} & set(request.details):
            # "nghề nào dễ xin việc", "nghề nào lương cao": the labour market, not interests
            return labour_answer(dispatcher, request)
        if not request.fields:
            dispatcher.utter_message(
                text="Bạn kể mình nghe bạn thích làm gì (ví dụ: thích máy tính, thích nấu ăn, thích sửa xe), "
                "hoặc làm trắc nghiệm sở thích 6 câu để mình gợi ý nhé.",
                buttons=[replies.button("Làm trắc nghiệm", "/start_quiz")],
            )
            return remember(request, topic="career")
        names = "; ".join(replies.FIELD_NAMES[f] for f in request.fields[:3])
        intro = f"Với sở thích đó, bạn có thể tìm hiểu nhóm ngành: {names}."
        return _programmes_near(dispatcher, request, request.fields[:3], intro)


class ActionAskQuizQuestion(Answer):
    """Asks question N of the quiz (the quiz form calls action_ask_quiz_N)."""

    number = 0

    def name(self) -> str:
        return f"action_ask_quiz_{self.number}"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        question, options = QUESTIONS[self.number - 1]
        dispatcher.utter_message(
            text=f"Câu {self.number}/{len(QUESTIONS)}: {question}",
            buttons=[replies.button(label, f'/quiz_answer{{"riasec":"{kind}"}}') for label, kind in options],
        )
        return []


# one registered action per question: action_ask_quiz_1 … action_ask_quiz_6
for _n in range(1, len(QUESTIONS) + 1):
    globals()[f"ActionAskQuiz{_n}"] = type(f"ActionAskQuiz{_n}", (ActionAskQuizQuestion,), {"number": _n})
