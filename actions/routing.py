"""When the intent classifier is unsure, what the message names decides.

"Em muốn học nghề điện", a school typed without diacritics, a parent's long
paragraph with province, trade, fees and boarding: the classifier may fall back
on these, yet the catalog recognises what they name. The names are matched
against the catalog at query time, so a school or programme added after
training is understood too. This picks the answer those names call for; the
fallback action runs it instead of asking the user to rephrase.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.policies import ActionPolicies
from actions.programmes import ActionProgrammeInfo
from actions.replies import PROGRAMME_DETAILS
from actions.request import Request, read
from actions.schools import ActionSchoolInfo, ActionSearch
from actions.search import ask_province
from vntext import lexicon

GRADE_GROUPS = {"tot_nghiep_thcs", "tot_nghiep_thpt"}


def catalog_action(request: Request) -> Action | None:
    """The action whose answer fits what the message names, or None when it names nothing."""
    programme_detail = any(d in PROGRAMME_DETAILS for d in request.details)
    if request.school_from_message:
        if programme_detail and request.occupation:
            return ActionProgrammeInfo()
        return ActionSchoolInfo()
    if request.occupation or request.fields:
        if programme_detail and not lexicon.asks_where(request.message):
            return ActionProgrammeInfo()
        return ActionSearch()
    if request.school is not None and request.details:
        # "trường đó học mấy năm": a detail about the school just discussed
        return ActionSchoolInfo()
    if request.asks_support or set(request.groups) - GRADE_GROUPS:
        return ActionPolicies()
    if request.level and request.province_from_message:
        return ActionSearch()
    return None


def answer(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list | None:
    """Runs the fitting catalog answer for the latest message; None when nothing is named."""
    request = read(tracker)
    action = catalog_action(request)
    if action is None:
        return None
    events = list(action.run(dispatcher, tracker, domain) or [])
    if any(isinstance(e, dict) and e.get("name") == "need_province" and e.get("value") for e in events):
        # the search form is not running here: ask the province the same way it does
        ask_province(dispatcher)
        events.append(SlotSet("need_province", False))
    return events
