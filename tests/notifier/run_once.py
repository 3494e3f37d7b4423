"""`python -m tests.notifier.run_once ISO-TIME`: one notifier round at a fixed time, as its own
process (the kill test stops it with SIGKILL in the middle of the round)."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from notifier.service import Notifier


async def main(moment: dt.datetime) -> None:
    notifier = Notifier(now=lambda: moment)
    try:
        notifier.start()
        await notifier.round()
    finally:
        await notifier.close()


if __name__ == "__main__":
    asyncio.run(main(dt.datetime.fromisoformat(sys.argv[1])))
