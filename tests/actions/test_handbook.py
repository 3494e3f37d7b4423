"""Issue 22, bot side: "cho em xin cẩm nang" gives the province's handbook link and PDF."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.handbook import ActionHandbook
from tests.actions.conftest import run, tracker


def test_the_province_said_gives_its_page_and_pdf(catalog, set_env):
    set_env(PORTAL_PUBLIC_URL="https://camnang.example.vn/")
    dispatcher = CollectingDispatcher()
    ActionHandbook().run(dispatcher, tracker("cho e xin cam nang quang ninh", "ask_handbook"), {})
    [message] = dispatcher.messages  # Rasa sends the text and the custom part as two replies
    assert "https://camnang.example.vn/quang-ninh" in message["text"]
    assert "https://camnang.example.vn/quang-ninh.pdf" in message["text"]
    assert message["custom"] == {
        "document": {"url": "https://camnang.example.vn/quang-ninh.pdf", "filename": "cam-nang-quang-ninh.pdf"}
    }


def test_the_province_of_the_conversation_is_used_and_asked_only_when_unknown(catalog):
    text, _, _ = run(ActionHandbook(), "tai cam nang chon nghe", "ask_handbook", slots={"province": "Lạng Sơn"})
    assert "http://127.0.0.1:8092/lang-son" in text
    text, buttons, _ = run(ActionHandbook(), "cho em xin cẩm nang", "ask_handbook")
    assert "tỉnh, thành phố nào" in text
    assert buttons and all(b["payload"].startswith('/ask_handbook{"province":') for b in buttons)
