"""bot.nlu.ticket_lock, in the Rasa environment: a turn waits for earlier live tickets only,
and is not stuck once its own ticket expired while it waited."""

from __future__ import annotations

from tests.bot_servers import run_in_rasa_env

SCRIPT = """
import time
import bot.nlu.vietnamese_tokenizer  # what Rasa imports when it loads the pipeline
from rasa.core.lock import TicketLock

lock = TicketLock("c1")
first = lock.issue_ticket(30)
second = lock.issue_ticket(30)
assert not lock.is_locked(first) and lock.is_locked(second)  # Rasa's own rule for live tickets

stale = TicketLock("c2")
dead = stale.issue_ticket(0.05)  # held by a replica that died
waiting = stale.issue_ticket(0.1)  # the resent turn, polled too late
time.sleep(0.2)
assert not stale.is_locked(waiting)  # stock Rasa: locked for ever (nothing left to serve)
print("ok")
"""


def test_a_turn_waits_only_for_earlier_live_tickets():
    result = run_in_rasa_env(SCRIPT)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]
