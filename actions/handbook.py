"""The province's handbook (issue 22): "cho em xin cẩm nang" gets the link to the public
handbook pages (portal/, served at PORTAL_PUBLIC_URL) and its PDF; the province is asked only
when neither the message nor the conversation gives it.

The reply carries the PDF's address in a custom payload ({"document": {"url", "filename"}}):
the Telegram gateway sends the file itself, other channels show the link in the text.
"""

from __future__ import annotations

from rasa_sdk import Tracker

import settings
from actions import replies
from actions.request import read, remember
from actions.voice import Answer, Voice
from catalog import queries
from vntext import folding


def province_slug(name: str) -> str:
    """ "Quảng Ninh" → "quang-ninh", the portal's address of the province (portal/addresses.py)."""
    return "-".join(folding.key(name).split())


class ActionHandbook(Answer):
    def name(self) -> str:
        return "action_handbook"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return handbook_answer(dispatcher, tracker)


def handbook_answer(dispatcher, tracker: Tracker) -> list:
    request = read(tracker)
    province = request.province_name
    if province is None:
        buttons = [
            replies.button(name, f'/ask_handbook{{"province":"{name}"}}') for name, _ in queries.provinces_with_schools()[:5]
        ]
        dispatcher.utter_message(text="Bạn muốn xin cẩm nang tuyển sinh học nghề của tỉnh, thành phố nào?", buttons=buttons)
        return []
    base = settings.get().portal_base_url
    slug = province_slug(province)
    page, pdf = f"{base}/{slug}", f"{base}/{slug}.pdf"
    dispatcher.utter_message(
        text=f"Cẩm nang tuyển sinh học nghề {province}: {page}\nBản PDF để in hoặc lưu: {pdf}",
        json_message={"document": {"url": pdf, "filename": f"cam-nang-{slug}.pdf"}},
    )
    return remember(request, topic="handbook")
