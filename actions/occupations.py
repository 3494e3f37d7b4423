"""What a trade is and who it suits, and how much it is in demand and pays (catalog format
v1.1: the occupations and labour_market sheets). Figures always name their source and
period; a national figure given for a province says "số liệu toàn quốc"."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.follow_up import FollowsFocus
from actions.request import Request, former_province_note, read, remember
from actions.search import search
from actions.voice import Answer, Voice
from catalog import provinces, queries
from vntext import lexicon

SEARCH_DETAILS = {"tuition", "duration", "deadline", "entry", "address", "apply", "documents", "start"}


def occupation_asked(request: Request) -> queries.OccupationInfo | None:
    """The occupation a message names (by name or alias), else the trade under discussion."""
    named = request.entities.get("occupation")
    if named:
        return queries.find_occupation(named)
    if not request.message.startswith("/"):
        # the province's words ("Hải Dương") and the detail asked ("số điện thoại") are not a trade
        rest = provinces.split_province(request.message)[1]
        found = queries.occupations_mentioned(lexicon.without_details(rest), typed=request.message)
        if found:
            return found[0]
        if lexicon.asks_which_trade(request.message):
            # "nghề nào đang cần nhiều người": a new, general question, not the trade discussed before
            return None
    return queries.find_occupation(request.occupation) if request.occupation else None


def _buttons(occupation: queries.OccupationInfo, *, labour: bool = True, about: bool = True) -> list[dict]:
    name = replies.short(occupation.name, 30)
    buttons = [replies.button("Trường dạy nghề này", f'/ask_schools{{"occupation":"{name}"}}')]
    if labour:
        buttons.append(replies.button("Lương, nhu cầu tuyển dụng", f'/ask_labour_market{{"occupation":"{name}"}}'))
    if about:
        buttons.append(replies.button("Nghề này làm gì?", f'/ask_occupation{{"occupation":"{name}"}}'))
    return buttons


def _keep(request: Request, occupation: queries.OccupationInfo) -> None:
    """Follow-ups ("trường nào dạy", "lương thì sao") continue with this trade."""
    if not request.occupation:
        request.occupation = occupation.name
        request.occupations = [occupation.name]


def labour_answer(dispatcher: CollectingDispatcher, request: Request) -> list:
    """Demand and income of the trade asked about, or the trades most in demand in the province."""
    occupation = occupation_asked(request)
    place = request.province_name
    if occupation is None:
        return _in_demand(dispatcher, request)
    if set(request.details) & SEARCH_DETAILS and not set(request.details) & {"income", "employment"}:
        # "lái máy xúc học ở đâu, mấy tháng, bao nhiêu tiền": where it is taught, not pay figures
        return search(dispatcher, request)
    _keep(request, occupation)
    figure = queries.labour_figure(occupation.code, place)
    if figure is None:
        dispatcher.utter_message(
            text=f"Mình chưa có số liệu thị trường lao động (nhu cầu, thu nhập) cho nghề {occupation.name}. "
            "Bạn có thể hỏi tỷ lệ có việc làm và thu nhập của người tốt nghiệp ở từng trường.",
            buttons=_buttons(occupation, labour=False),
        )
        return remember(request, topic="labour")
    text = former_province_note(request) + replies.labour_text(figure, place)
    dispatcher.utter_message(text=text, buttons=_buttons(occupation, labour=False))
    return remember(request, topic="labour")


def _in_demand(dispatcher: CollectingDispatcher, request: Request) -> list:
    place = request.province_name
    figures = queries.in_demand(place)
    if not figures:
        dispatcher.utter_message(
            text="Mình chưa có số liệu nghề nào đang cần nhiều người. Bạn hỏi Trung tâm Dịch vụ việc làm của tỉnh nhé."
        )
        return remember(request, topic="labour")
    if figures[0].national:
        head = f"Nghề đang cần nhiều người – {replies.national_figures(place)}"
    else:
        head = f"Nghề đang cần nhiều người ở {place}"
    first, rest = replies.paged([replies.demand_line(f) for f in figures])
    sources = list(dict.fromkeys(replies.source_line(f) for f in figures[: len(first)]))
    text = former_province_note(request) + f"{head}:\n" + "\n".join(first) + "\n" + "\n".join(sources)
    names = [replies.short(f.occupation.name, 30) for f in figures[:3]]
    buttons = [replies.button(name, f'/ask_labour_market{{"occupation":"{name}"}}') for name in names]
    if not place:
        text += "\nBạn cho mình biết tỉnh, thành để xem số liệu của tỉnh đó nhé."
    dispatcher.utter_message(text=text, buttons=buttons + replies.more_buttons(rest))
    return remember(request, topic="labour", more=rest)


class ActionLabourMarket(FollowsFocus, Answer):
    """ "Thợ hàn lương bao nhiêu", "ở Hải Phòng nghề nào đang cần người"."""

    def name(self) -> str:
        return "action_labour_market"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return labour_answer(dispatcher, read(tracker, continuing=True))


class ActionOccupationInfo(Answer):
    """ "Nghề hàn là làm gì", "điều dưỡng hợp với ai": the occupation and where it is taught."""

    def name(self) -> str:
        return "action_occupation_info"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        request = read(tracker, continuing=True)
        occupation = occupation_asked(request)
        if occupation is None:
            dispatcher.utter_message(text="Bạn muốn tìm hiểu nghề nào? Ví dụ: hàn, điện công nghiệp, điều dưỡng, nấu ăn.")
            return remember(request, topic="occupation")
        _keep(request, occupation)
        text = replies.occupation_text(occupation)
        place = request.province_name
        nearby = queries.programmes_of_occupation(occupation.code, province=place, limit=3)
        if nearby:
            text += f"\n\nNơi đào tạo{' ở ' + place if place else ''}:\n" + "\n".join(replies.programme_line(p) for p in nearby)
        elif place:
            text += f"\n\nDanh mục chưa có trường nào ở {place} dạy nghề này."
        dispatcher.utter_message(text=text, buttons=_buttons(occupation, about=False))
        return remember(request, topic="occupation")
