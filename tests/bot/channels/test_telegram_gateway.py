"""bot/channels/telegram_gateway.py over real HTTP: fake Bot API ↔ gateway process ↔ real Rasa."""

from __future__ import annotations

import itertools
import json
import time

from bot.channels.telegram_gateway import HELP, RESET_DONE, ButtonPayloads
from bot.rasa_client import APOLOGY, TEXT_ONLY

chat_ids = itertools.count(1000)


def texts(fake, chat_id) -> str:
    return "\n".join(m["text"] for m in fake.messages_to(chat_id))


def ask(fake, chat_id: int, text: str, replies: int = 1) -> str:
    before = len(fake.messages_to(chat_id))
    fake.push_text(chat_id, text)
    fake.wait_for(lambda: len(fake.messages_to(chat_id)) >= before + replies)
    time.sleep(0.3)  # a reply may come in several messages
    return "\n".join(m["text"] for m in fake.messages_to(chat_id)[before:])


def keyboard(message: dict) -> list[dict]:
    markup = message["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [button for row in markup["inline_keyboard"] for button in row]


def test_question_in_catalog_answer_out_with_buttons(telegram):
    chat = next(chat_ids)
    reply = ask(telegram, chat, "truong nao day dien cong nghiep o quang ninh")
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in reply
    last = telegram.messages_to(chat)[-1]
    buttons = keyboard(last)
    assert buttons and all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    assert any(a["chat_id"] in (chat, str(chat)) and a["action"] == "typing" for a in telegram.actions)


def test_button_press_is_answered_and_relayed(telegram):
    chat = next(chat_ids)
    ask(telegram, chat, "trường nào dạy khai thác mỏ ở Quảng Ninh")
    button = next(b for b in keyboard(telegram.messages_to(chat)[-1]) if "Mỏ và Công nghiệp" in b["text"])
    before = len(telegram.messages_to(chat))
    query_id = telegram.push_button(chat, button["callback_data"])
    telegram.wait_for(lambda: query_id in telegram.answered and len(telegram.messages_to(chat)) > before)
    after = "\n".join(m["text"] for m in telegram.messages_to(chat)[before:])
    assert "Trường Cao đẳng Mỏ và Công nghiệp Hạ Long Xanh (Quảng Ninh)" in after and "Ký túc xá: có" in after


def test_unknown_short_button_id_is_answered_politely(telegram):
    chat = next(chat_ids)
    query_id = telegram.push_button(chat, "#00000000000000000000")
    telegram.wait_for(lambda: query_id in telegram.answered and telegram.messages_to(chat))
    assert "Nút này đã cũ" in texts(telegram, chat)


def test_commands(telegram):
    chat = next(chat_ids)
    assert "DỮ LIỆU MINH HỌA" in ask(telegram, chat, "/start")
    assert ask(telegram, chat, "/help") == HELP
    assert ask(telegram, chat, "/reset") == RESET_DONE


def test_sticker_gets_text_only_notice(telegram):
    chat = next(chat_ids)
    telegram.push_sticker(chat)
    telegram.wait_for(lambda: telegram.messages_to(chat))
    assert texts(telegram, chat) == TEXT_ONLY


def test_rasa_down_then_back(telegram, rasa_proxy):
    chat = next(chat_ids)
    rasa_proxy.down()
    try:
        assert ask(telegram, chat, "xin chào") == APOLOGY
        assert telegram.process.poll() is None  # the gateway is still up
    finally:
        rasa_proxy.up()
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in ask(telegram, chat, "trường nào dạy điện công nghiệp ở Quảng Ninh")


def test_fifty_chats_at_once_all_answered_each_in_order(telegram):
    chats = [next(chat_ids) for _ in range(50)]
    for chat in chats:
        telegram.push_text(chat, "xin chào")
        telegram.push_text(chat, "tạm biệt")
    telegram.wait_for(lambda: all(len(telegram.messages_to(c)) >= 2 for c in chats), timeout=240)
    for chat in chats:
        messages = telegram.messages_to(chat)
        greeting = next(i for i, m in enumerate(messages) if "Chào bạn" in m["text"])
        goodbye = next(i for i, m in enumerate(messages) if "Khi cần tìm trường" in m["text"])
        assert greeting < goodbye, [m["text"][:30] for m in messages]


def test_long_payloads_get_short_ids():
    store = ButtonPayloads()
    long_payload = '/ask_programme_info{"programme_ref":"HCM-TCVT/5210217","detail":"tuition"}'
    short = store.to_callback(long_payload)
    assert len(short.encode()) <= 64 and store.from_callback(short) == long_payload
    assert store.to_callback("/greet") == "/greet"


def test_webhook_mode_checks_the_secret_token(rasa_proxy):
    import httpx

    from tests.bot.channels.conftest import TELEGRAM_TOKEN, free_port, start, stop
    from tests.bot.channels.fake_telegram import FakeTelegram

    fake = FakeTelegram(TELEGRAM_TOKEN)
    port = free_port()
    process = start(
        "bot.channels.telegram_gateway",
        {
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "RASA_URL": rasa_proxy.url,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret-webhook-token",
            "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
            "TELEGRAM_WEBHOOK_PORT": str(port),
        },
        "telegram-webhook",
    )
    try:
        fake.wait_for(lambda: "setWebhook" in fake.calls, timeout=60)
        chat = next(chat_ids)
        update = {"update_id": 1, "message": fake._message(chat, text="tạm biệt")}
        url = f"http://127.0.0.1:{port}/telegram"
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "forged"}):
            assert httpx.post(url, json=update, headers=headers, timeout=10).status_code == 403
        time.sleep(1)
        assert fake.messages_to(chat) == []
        ok = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-webhook-token"}, timeout=10)
        assert ok.status_code == 200
        fake.wait_for(lambda: fake.messages_to(chat))
        assert "Khi cần tìm trường" in texts(fake, chat)
    finally:
        stop(process)
        fake.close()


def test_token_is_not_logged(telegram):
    from tests.bot.channels.conftest import ROOT, TELEGRAM_TOKEN

    ask(telegram, next(chat_ids), "xin chào")
    log = (ROOT / "test-artifacts" / "channel-logs" / "telegram.log").read_text(errors="replace")
    assert TELEGRAM_TOKEN not in log
