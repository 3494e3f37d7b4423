"""`python -m actions --port N`: the action server (rasa-sdk), only for callers that hold the secret.

Why not `python -m rasa_sdk`: it listens on 0.0.0.0 and runs any action for any
conversation posted to /webhook, e.g. `action_delete_my_data` for somebody else's chat.
Here it listens on ACTIONS_HOST (127.0.0.1 unless configured) and answers only requests
carrying `Authorization: Bearer <ACTIONS_SECRET>`, the header Rasa sends from
endpoints.yml (bot/rasa_endpoints.py); so binding it to a container network is safe too.
`GET /health` stays open for probes and says nothing.

`POST /turns` (same secret) takes the counselling records of user messages, which Rasa's
event broker (bot/nlu/turn_broker.py) sends in batches after the replies: `{"turns": [...]}`,
each recorded by actions.counselling.record_turns in a worker thread. It answers
`{"recorded": n}`; an item it cannot record is skipped with a log line, never an error.

Metrics (metrics/turns.py) on their own port, ACTIONS_METRICS_PORT (`--metrics-port`),
never on this one: turns, calls and time per action, fallbacks, hand-offs.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import sys
import time

from rasa_sdk import endpoint
from sanic import Request, response

import settings
from actions.counselling import record_turns
from actions.slot_changes import ChangedSlotsExecutor
from metrics import turns as turn_metrics
from metrics.endpoint import serve_metrics

REFUSED = {"error": "Thiếu hoặc sai mã bí mật của máy chủ hành động."}
NO_SECRET = (
    "Thiếu ACTIONS_SECRET: máy chủ hành động không chạy khi không có mã bí mật "
    "(make serve tự tạo trong var/secrets/; khi chạy thật hãy đặt biến này cho cả Rasa)."
)
MAX_TURNS = 1000  # per request; the broker sends 50 at most


def create_app(secret: str):
    if not secret:
        raise SystemExit(NO_SECRET)
    executor = ChangedSlotsExecutor()  # answers with the slot events that change something
    executor.register_package("actions")
    app = endpoint.create_app(executor, cors_origins=None)
    expected = f"Bearer {secret}".encode()

    @app.on_request
    async def require_secret(request: Request):
        if request.path == "/health":
            return None
        if not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return response.json(REFUSED, status=401)
        request.ctx.started = time.perf_counter()
        return None

    @app.on_response
    async def count_action(request: Request, reply):
        if request.path != "/webhook" or not hasattr(request.ctx, "started"):
            return
        try:
            action = str((request.json or {}).get("next_action") or "?")
        except Exception:  # not JSON: rasa-sdk already answered 400
            action = "?"
        turn_metrics.action_ran(action, time.perf_counter() - request.ctx.started, reply.status)

    @app.post("/turns")
    async def turns(request: Request):
        try:
            items = (request.json or {}).get("turns")
        except Exception:  # not JSON, or not an object
            items = None
        if not isinstance(items, list) or len(items) > MAX_TURNS:
            return response.json({"error": 'expected {"turns": [...]}'}, status=400)
        recorded = await asyncio.to_thread(record_turns, items)  # the database, off the event loop
        turn_metrics.TURNS.inc(sum(1 for item in items if isinstance(item, dict) and item.get("event") == "user"))
        return response.json({"recorded": recorded})

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Máy chủ hành động của bot")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--metrics-port", type=int, default=None)
    args = parser.parse_args(argv)
    config = settings.get()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(config.actions_api_secret)
    port = args.port or config.actions_port
    serve_metrics(config.actions_metrics_port if args.metrics_port is None else args.metrics_port, "máy chủ hành động")
    logging.getLogger("actions").info("Action server on http://%s:%s", config.actions_host, port)
    app.run(host=config.actions_host, port=port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    sys.exit(main())
