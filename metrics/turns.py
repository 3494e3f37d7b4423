"""What the action server counts: turns, each action's calls and time, fallbacks, hand-offs.

A turn is one user message (one record on POST /turns, sent by Rasa's event broker after the
reply); an action call is one POST /webhook. A fallback is a call of `action_fallback` (the
bot did not understand), a hand-off one of `action_submit_handoff` (a student asked for a
counsellor)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

FALLBACK_ACTION = "action_fallback"
HANDOFF_ACTION = "action_submit_handoff"

TURNS = Counter("gdnn_turns", "User messages recorded (one per turn, from Rasa's turn records)")
ACTION_CALLS = Counter("gdnn_action_calls", "Action server calls (POST /webhook)", ["action", "outcome"])
ACTION_SECONDS = Histogram(
    "gdnn_action_seconds",
    "Time to run one action (POST /webhook), per action",
    ["action"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
FALLBACKS = Counter("gdnn_fallbacks", "Messages the bot did not understand (action_fallback)")
HANDOFFS = Counter("gdnn_handoffs", "Requests for a counsellor (action_submit_handoff)")


def action_ran(action: str, seconds: float, status: int) -> None:
    ACTION_CALLS.labels(action, "ok" if status < 400 else "error").inc()
    ACTION_SECONDS.labels(action).observe(seconds)
    if action == FALLBACK_ACTION:
        FALLBACKS.inc()
    elif action == HANDOFF_ACTION and status < 400:
        HANDOFFS.inc()
