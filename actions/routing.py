"""When the intent classifier is unsure, what the message names decides.

"Em muốn học nghề điện", a school typed without diacritics, a parent's long
paragraph with province, trade, fees and boarding: the classifier may fall back
on these, yet the catalog recognises what they name. The names are matched
against the catalog at query time, so a school or programme added after
training is understood too. This picks the answer those names call for; the
fallback action runs it instead of asking the user to rephrase.
"""

from __future__ import annotations

from collections.abc import Callable

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.policies import policies_answer
from actions.programmes import programme_answer
from actions.replies import PROGRAMME_DETAILS
from actions.request import Request, read
from actions.schools import school_info_answer, search_answer
from actions.search import ask_province
from vntext import lexicon

GRADE_GROUPS = {"tot_nghiep_thcs", "tot_nghiep_thpt"}


Answerer = Callable[[CollectingDispatcher, Tracker], list]


def catalog_answer(request: Request) -> Answerer | None:
    """The answer that fits what the message names, or None when it names nothing."""
    programme_detail = any(d in PROGRAMME_DETAILS for d in request.details)
    if request.school_from_message:
        if programme_detail and request.occupation:
            return programme_answer
        return school_info_answer
    if request.occupation or request.fields:
        if programme_detail and not lexicon.asks_where(request.message):
            return programme_answer
        return search_answer
    if request.school is not None and request.details:
        # "trường đó học mấy năm": a detail about the school just discussed
        return school_info_answer
    if request.asks_support or set(request.groups) - GRADE_GROUPS:
        return policies_answer
    if request.level and request.province_from_message:
        return search_answer
    return None


def answer(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list | None:
    """Runs the fitting catalog answer for the latest message; None when nothing is named."""
    request = read(tracker)
    answerer = catalog_answer(request)
    if answerer is None:
        return None
    events = list(answerer(dispatcher, tracker) or [])
    if any(isinstance(e, dict) and e.get("name") == "need_province" and e.get("value") for e in events):
        # the search form is not running here: ask the province the same way it does
        ask_province(dispatcher)
        events.append(SlotSet("need_province", False))
    return events
