"""`make bench-notify`: 10,000 students subscribed to one event, their 7-day reminders sent by
the real notifier (notifier.service, on a SQLite catalog with the sample data) to the fake
Telegram Bot API with Telegram's flood control switched on (tests/bot/channels/fake_telegram.py:
more than 1 a second to a chat or 30 a second in all is answered 429 and counted).

Prints one table: reminders sent, time to send them all, duplicates, rate-limit violations
(429s), and the time the configured rate allows (N / NOTIFIER_TELEGRAM_PER_SECOND), with the
ratio of the two (the issue asks for at most +10 %).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

TOKEN = "123456:BENCH-notifier-token-abcdef"
EVENT = "EV-QN-2027-03"


def main() -> int:
    parser = argparse.ArgumentParser(description="Đo tốc độ gửi nhắc lịch tới 10.000 người qua Telegram giả lập")
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    from tests.bot.channels.fake_telegram import FakeTelegram

    fake = FakeTelegram(TOKEN)
    fake.flood_control = True
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(
            CATALOG_DATABASE_URL=f"sqlite:///{Path(folder) / 'catalog.sqlite3'}",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.url,
            NOTIFIER_DISABLED="1",
        )
        import settings

        settings.reload()
        from catalog import importer
        from catalog.cli import NATIONAL_DIR, SAMPLE_DIR

        importer.import_catalog(NATIONAL_DIR)
        importer.import_catalog(SAMPLE_DIR, demo=True)
        moment = _subscribe(args.subscribers)
        seconds, rounds = asyncio.run(_send_all(moment))
    per_chat = collections.Counter(m["chat_id"] for m in fake.sent)
    fake.close()
    rate = settings.get().notifier_telegram_per_second
    allowed = (args.subscribers - 1) / rate
    rows = [
        ("Người đăng ký (một sự kiện)", f"{args.subscribers:,}".replace(",", ".")),
        ("Tin nhắc đã gửi", f"{len(fake.sent):,}".replace(",", ".")),
        ("Người chưa nhận được", str(args.subscribers - len(per_chat))),
        ("Tin trùng", str(sum(n - 1 for n in per_chat.values()))),
        ("Vi phạm giới hạn (429)", str(len(fake.violations))),
        ("Thời gian gửi hết", f"{seconds:.1f} s ({rounds} vòng)"),
        (f"Thời gian theo giới hạn ({rate:g} tin/s)", f"{allowed:.1f} s"),
        ("Tỷ lệ so với giới hạn", f"{seconds / allowed:.3f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print("\nmake bench-notify: nhắc lịch 7 ngày trước một sự kiện, Telegram giả lập có giới hạn tốc độ")
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")
    ok = len(fake.sent) == args.subscribers and not fake.violations and len(per_chat) == args.subscribers
    return 0 if ok and seconds <= allowed * 1.1 else 1


def _subscribe(count: int) -> dt.datetime:
    """The subscriptions as the chat makes them (one row each), in bulk; the clock at D-7 08:00."""
    from catalog import db
    from catalog.vietnam_time import VIETNAM
    from counselling.reminder_models import ReminderSubscription

    created = dt.datetime(2027, 1, 10, 3, tzinfo=dt.timezone.utc)
    with db.session() as session, session.begin():
        session.add_all(
            ReminderSubscription(
                channel="telegram",
                recipient=str(100_000 + i),
                sender_id=f"telegram:{100_000 + i}",
                target_kind="event",
                target_code=EVENT,
                target_title="Ngày hội tư vấn tuyển sinh GDNN Quảng Ninh 2027",
                created_at=created,
                last_message_at=created,
                active=True,
            )
            for i in range(count)
        )
    return dt.datetime.combine(dt.date(2027, 3, 13), dt.time(8, 0), VIETNAM).astimezone(dt.timezone.utc)


async def _send_all(moment: dt.datetime) -> tuple[float, int]:
    from notifier.service import Notifier

    notifier = Notifier(now=lambda: moment)
    notifier.start()
    started = time.perf_counter()
    rounds = 0
    try:
        while True:
            rounds += 1
            result = await notifier.round()
            if not result.more and result.sent == 0:
                break
    finally:
        await notifier.close()
    return time.perf_counter() - started, rounds


if __name__ == "__main__":
    raise SystemExit(main())
