"""`python -m notifier`: the reminder notifier (see notifier/__init__.py). `--once`: one round, then exit."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import settings
from bot.channels.secrets import setup_logging
from catalog.migrate import migrate
from metrics.endpoint import serve_metrics
from notifier.service import Notifier

log = logging.getLogger("notifier")


async def _main(once: bool) -> None:
    notifier = Notifier()
    try:
        if once:
            notifier.start()
            result = await notifier.round()
            log.info(
                "one round: %s planned, %s sent, %s dropped, %s waiting",
                result.planned,
                result.sent,
                result.dropped,
                result.waiting,
            )
            return
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        log.info("notifier running (every %s s)", notifier.config.notifier_interval_seconds)
        await notifier.run(stopping)
    finally:
        await notifier.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Gửi nhắc lịch học sinh đã đăng ký")
    parser.add_argument("--once", action="store_true", help="một vòng rồi dừng")
    args = parser.parse_args(argv)
    config = settings.get()
    setup_logging([config.telegram_bot_token, config.zalo_access_token, config.zalo_refresh_token])
    migrate()
    if not args.once:
        serve_metrics(config.notifier_metrics_port, "tiến trình gửi nhắc lịch")
    asyncio.run(_main(args.once))
    return 0


if __name__ == "__main__":
    sys.exit(main())
