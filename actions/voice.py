"""Who the bot is talking to: a parent who writes "con tôi", "cháu nhà tôi" is answered as
"anh/chị", a student as "bạn" (the bot is always "mình").

Every answer action derives from `Answer` and writes through the `Voice` it is given, so
the form of address is decided in one place. Once a message shows a parent, the `parent`
slot keeps it for the rest of the conversation.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from catalog import db
from vntext import folding

PARENT_PHRASES = (
    "con toi",
    "chau nha toi",
    "con nha toi",
    "chau toi",
    "con trai toi",
    "con gai toi",
    "toi la phu huynh",
    "toi la me",
    "toi la bo",
    "phu huynh hoc sinh",
    "em trai toi",
    "em gai toi",
)
_YOU = re.compile(r"\b(B|b)ạn\b")


def parent_writes(message: str) -> bool:
    padded = f" {folding.expand_teencode(message)} "
    return any(f" {phrase} " in padded for phrase in PARENT_PHRASES)


def to_parent(text: str) -> str:
    """ "Bạn muốn học ở tỉnh nào?" → "Anh/chị muốn học ở tỉnh nào?"."""
    return _YOU.sub(lambda m: "Anh/chị" if m.group(1) == "B" else "anh/chị", text)


class Voice:
    """A dispatcher that addresses the reader properly; otherwise the same as Rasa's."""

    def __init__(self, dispatcher: CollectingDispatcher, parent: bool):
        self.dispatcher = dispatcher
        self.parent = parent

    @property
    def messages(self) -> list:
        return self.dispatcher.messages

    def utter_message(self, text: str | None = None, **kwargs) -> None:
        if self.parent and text:
            text = to_parent(text)
        self.dispatcher.utter_message(text=text, **kwargs)


class Answer(Action, ABC):
    """Base of the answer actions: `answer()` writes through a Voice. Abstract, so the action
    server does not register the base itself (rasa_sdk skips abstract classes)."""

    @abstractmethod
    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list: ...

    def before(self, dispatcher: Voice, tracker: Tracker) -> list | None:
        """A reply that takes precedence over `answer` (a follow-up over the list just shown:
        actions.follow_up.FollowsFocus), or None."""
        return None

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        known = bool(tracker.get_slot("parent"))
        now = parent_writes(tracker.latest_message.get("text") or "")
        voice = dispatcher if isinstance(dispatcher, Voice) else Voice(dispatcher, known or now)
        with db.one_session():  # one catalog session for the whole answer
            events = self.before(voice, tracker)
            if events is None:
                events = self.answer(voice, tracker, domain)
        events = list(events or [])
        return events + [SlotSet("parent", True)] if now and not known else events
