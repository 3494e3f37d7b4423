"""bot/channels/telegram_gateway.py over real HTTP: fake Bot API ↔ gateway process ↔ real Rasa."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time

import httpx
import pytest

from bot.channels.rate_limit import SLOW_DOWN
from bot.channels.store import open_channel_store
from bot.channels.telegram_gateway import HELP, RESET_DONE, ButtonPayloads
from bot.rasa_client import APOLOGY, TEXT_ONLY
from tests.bot.channels.conftest import RATE_LIMIT, ROOT, TELEGRAM_TOKEN, TelegramHarness, free_port, start, stop
from tests.bot.channels.fake_telegram import FakeTelegram

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


def test_long_payloads_get_short_ids_that_outlive_the_process(tmp_path):
    long_payload = '/ask_programme_info{"programme_ref":"HCM-TCVT/5210217","detail":"tuition"}'

    async def scenario():
        store = open_channel_store("telegram:1", tmp_path)
        short = await ButtonPayloads(store).to_callback(long_payload)
        plain = await ButtonPayloads(store).to_callback("/greet")
        await store.close()
        restarted = open_channel_store("telegram:1", tmp_path)
        found = await ButtonPayloads(restarted).from_callback(short)
        await restarted.close()
        return short, plain, found

    short, plain, found = asyncio.run(scenario())
    assert len(short.encode()) <= 64 and found == long_payload and plain == "/greet"


def wait_listening(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "the webhook did not come up"
            time.sleep(0.2)


def webhook_env(fake: FakeTelegram, rasa_proxy, port: int, state_dir, secret: str = "s3cret-webhook-token") -> dict:
    return {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "RASA_URL": rasa_proxy.url,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "TELEGRAM_WEBHOOK_SECRET": secret,
        "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
        "TELEGRAM_WEBHOOK_PORT": str(port),
        "TELEGRAM_STATE_DIR": str(state_dir),
        "REDIS_URL": "",
    }


def test_webhook_mode_checks_the_secret_token_and_answers_a_re_post_once(rasa_proxy, tmp_path):
    fake = FakeTelegram(TELEGRAM_TOKEN)
    port = free_port()
    env = webhook_env(fake, rasa_proxy, port, tmp_path)
    process = start("bot.channels.telegram_gateway", env, "telegram-webhook")
    try:
        fake.wait_for(lambda: "setWebhook" in fake.calls, timeout=60)
        chat = next(chat_ids)
        update = {"update_id": 1, "message": fake._message(chat, text="tạm biệt")}
        url = f"http://127.0.0.1:{port}/telegram"
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "forged"}):
            assert httpx.post(url, json=update, headers=headers, timeout=10).status_code == 403
        time.sleep(1)
        assert fake.messages_to(chat) == []
        secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-webhook-token"}
        assert httpx.post(url, json=update, headers=secret, timeout=10).status_code == 200
        fake.wait_for(lambda: fake.messages_to(chat))
        assert "Khi cần tìm trường" in texts(fake, chat)
        # Telegram re-POSTs an update it thinks was not received; also after a gateway restart
        assert httpx.post(url, json=update, headers=secret, timeout=10).status_code == 200
        stop(process)
        process = start("bot.channels.telegram_gateway", env, "telegram-webhook")
        fake.wait_for(lambda: fake.calls.count("setWebhook") >= 2, timeout=60)
        wait_listening(port)
        assert httpx.post(url, json=update, headers=secret, timeout=10).status_code == 200
        time.sleep(3)
        assert len(fake.messages_to(chat)) == 1
    finally:
        stop(process)
        fake.close()


def test_token_is_not_logged(telegram):
    ask(telegram, next(chat_ids), "xin chào")
    log = (ROOT / "test-artifacts" / "channel-logs" / "telegram.log").read_text(errors="replace")
    assert TELEGRAM_TOKEN not in log


@pytest.mark.parametrize("secret", ["abc+def/ghi=", "mã có khoảng trắng", "x" * 257])
def test_a_webhook_secret_telegram_refuses_stops_start_up_with_a_clear_message(rasa_proxy, tmp_path, secret):
    fake = FakeTelegram(TELEGRAM_TOKEN)
    try:
        env = webhook_env(fake, rasa_proxy, free_port(), tmp_path, secret=secret)
        result = subprocess.run(
            [sys.executable, "-m", "bot.channels.telegram_gateway"],
            cwd=ROOT,
            env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        fake.close()
    assert result.returncode != 0
    assert "TELEGRAM_WEBHOOK_SECRET không hợp lệ" in result.stderr and "A–Z, a–z" in result.stderr
    assert "Traceback" not in result.stderr and secret not in result.stderr
    assert "setWebhook" not in fake.calls


# --- each update answered once --------------------------------------------------------------


def test_same_update_twice_in_one_batch_one_answer(telegram):
    chat = next(chat_ids)
    telegram.push_text(chat, "tạm biệt", copies=2)
    telegram.wait_for(lambda: telegram.messages_to(chat))
    time.sleep(3)
    assert len(telegram.messages_to(chat)) == 1


def test_update_redelivered_in_a_later_batch_one_answer(telegram):
    chat = next(chat_ids)
    update_id = telegram.push_text(chat, "tạm biệt")
    telegram.wait_for(lambda: telegram.messages_to(chat))
    telegram.redeliver(update_id)
    telegram.wait_for(lambda: not telegram.redelivered)  # fetched by the gateway
    time.sleep(3)
    assert len(telegram.messages_to(chat)) == 1


def test_too_many_messages_get_one_polite_notice(telegram):
    chat = next(chat_ids)
    for _ in range(RATE_LIMIT + 3):
        telegram.push_text(chat, "tạm biệt")
    telegram.wait_for(lambda: len(telegram.messages_to(chat)) >= RATE_LIMIT + 1)
    time.sleep(3)
    sent = [m["text"] for m in telegram.messages_to(chat)]
    assert sent.count(SLOW_DOWN) == 1
    assert sum("Khi cần tìm trường" in t for t in sent) == RATE_LIMIT and len(sent) == RATE_LIMIT + 1


def long_payload_button(fake, chat: int) -> dict:
    """A button whose payload did not fit in callback_data (a short id kept in the store)."""
    for question in ("nghề kỹ thuật máy lạnh và điều hòa là gì", "nghề trồng trọt và bảo vệ thực vật làm gì"):
        ask(fake, chat, question)
        for message in fake.messages_to(chat):
            for button in keyboard(message) if message["reply_markup"] else []:
                if button["callback_data"].startswith("#"):
                    return button
    raise AssertionError("no reply with a long button payload")


@pytest.mark.parametrize("redis", [False, True], ids=["sqlite", "redis"])
def test_restart_answers_no_update_again_and_keeps_buttons(redis, rasa_proxy, tmp_path, request):
    """A restarted poller starts from offset 0: the fake Bot API then hands it every update again."""
    redis_url = request.getfixturevalue("channel_redis_url") if redis else ""
    harness = TelegramHarness(FakeTelegram(TELEGRAM_TOKEN), tmp_path, rasa_proxy, redis_url)
    fake = harness.fake
    harness.start()
    try:
        chat = next(chat_ids)
        button = long_payload_button(fake, chat)
        answered = len(fake.messages_to(chat))
        harness.stop()
        harness.start()
        time.sleep(3)
        assert len(fake.messages_to(chat)) == answered  # nothing answered twice
        fake.push_button(chat, button["callback_data"])
        fake.wait_for(lambda: len(fake.messages_to(chat)) > answered)
        time.sleep(1)
        after = "\n".join(m["text"] for m in fake.messages_to(chat)[answered:])
        # the button's question goes on: the schools of that trade (listed when few, else the province asked)
        assert "Nút này đã cũ" not in after and ("tỉnh, thành phố" in after or "máy lạnh" in after.lower())
    finally:
        harness.stop()
        fake.close()


class SilentRasa:
    """Accepts the gateway's connection and never answers: the turn is in the middle when the test kills the gateway."""

    def __init__(self):
        import socket
        import threading

        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.accepted: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def test_a_gateway_killed_in_the_middle_of_a_turn_answers_the_redelivered_update_once(rasa_proxy, tmp_path):
    silent = SilentRasa()
    harness = TelegramHarness(FakeTelegram(TELEGRAM_TOKEN), tmp_path, silent)
    fake = harness.fake
    harness.start()
    try:
        chat = next(chat_ids)
        fake.push_text(chat, "trường nào dạy hàn ở Quảng Ninh")
        deadline = time.monotonic() + 30
        while not silent.accepted and time.monotonic() < deadline:
            time.sleep(0.1)
        assert silent.accepted, "the turn never reached Rasa"
        harness.process.kill()  # no clean stop: as a crash or an OOM kill
        harness.process.wait()
        assert fake.messages_to(chat) == []

        harness.rasa = rasa_proxy  # the restarted gateway reaches the real bot; the fake hands the update again
        harness.start()
        fake.wait_for(lambda: len(fake.messages_to(chat)) > 0, timeout=60)
        time.sleep(3)
        answers = [m["text"] for m in fake.messages_to(chat)]
        assert len(answers) == 1 and "Quảng Ninh" in answers[0], answers
    finally:
        harness.stop()
        silent.close()
        fake.close()
