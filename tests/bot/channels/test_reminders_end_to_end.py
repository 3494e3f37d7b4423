"""Issue 23 end to end: a reminder subscribed in a Telegram chat, through the real gateway,
Rasa and action server, arrives in that chat when the notifier's clock reaches its time."""

from __future__ import annotations

import asyncio
import datetime as dt

from catalog.vietnam_time import VIETNAM
from counselling import reminders
from notifier.service import Notifier
from tests.bot.channels.conftest import TELEGRAM_TOKEN


def buttons(message: dict) -> list[dict]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def test_a_reminder_subscribed_in_the_chat_arrives_in_that_chat(telegram, bot_catalog_url, set_env):
    chat = 230001
    telegram.push_text(chat, "sắp có ngày hội tuyển sinh nào ở Quảng Ninh không")
    telegram.wait_for(lambda: any(b["text"].startswith("Nhắc mình") for m in telegram.messages_to(chat) for b in buttons(m)))
    [remind] = [b for m in telegram.messages_to(chat) for b in buttons(m) if b["text"].startswith("Nhắc mình")][:1]
    before = len(telegram.messages_to(chat))
    telegram.push_button(chat, remind["callback_data"])
    telegram.wait_for(lambda: len(telegram.messages_to(chat)) > before)
    confirmation = telegram.messages_to(chat)[-1]["text"]
    assert "Mình sẽ nhắc bạn" in confirmation and "Tắt nhắc" in confirmation

    set_env(CATALOG_DATABASE_URL=bot_catalog_url, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=telegram.url)
    [subscription] = reminders.active_for_sender(f"telegram:{chat}")
    assert subscription.target_kind == reminders.EVENT
    day = dt.date(2027, 3, 20) if subscription.target_code == "EV-QN-2027-03" else None
    assert day is not None, subscription
    moment = dt.datetime.combine(day - dt.timedelta(days=7), dt.time(8, 5), VIETNAM).astimezone(dt.timezone.utc)

    async def one_round():
        notifier = Notifier(now=lambda: moment)
        try:
            return await notifier.round()
        finally:
            await notifier.close()

    sent = len(telegram.messages_to(chat))
    assert asyncio.run(one_round()).sent == 1
    reminder = telegram.messages_to(chat)[sent]["text"]
    assert "Nhắc lịch" in reminder and "Ngày hội tư vấn tuyển sinh GDNN Quảng Ninh 2027" in reminder and "20/03/2027" in reminder
    # the reminder's "Tắt nhắc" goes back through the bot: the list, with one tap to cancel
    telegram.push_button(chat, "/stop_reminders")
    telegram.wait_for(lambda: len(telegram.messages_to(chat)) > sent + 1)
    listing = telegram.messages_to(chat)[-1]
    assert "Bạn đang nhận nhắc lịch" in listing["text"]
    assert [b["text"] for b in buttons(listing)][-1] == "Tắt tất cả"
