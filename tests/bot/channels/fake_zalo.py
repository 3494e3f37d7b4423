"""A fake Zalo OpenAPI + OAuth server on loopback: answers like Zalo (channels.md §1) and records sends.

- POST /v3.0/oa/message/cs: accepts only the current access token (else error -216);
  `fail_next` can make the next calls answer 500 or rate-limit (-32); `slow_next` makes
  the next deliveries answer that many seconds late (the message is delivered at once,
  like a real API whose answer is slow). Tests put a SwitchableProxy in front to take
  the API down.
- POST /v4/oa/access_token: checks the app secret header; the refresh token is single-use.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

from tests.bot.channels.loopback_server import LoopbackJsonServer

APP_SECRET = "app-secret-for-tests"


class FakeZalo(LoopbackJsonServer):
    def __init__(self, access_token: str = "token-1", refresh_token: str = "refresh-1"):
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.sent: list[dict] = []
        self.refreshes: list[dict] = []
        self.rejected_tokens: list[str] = []
        self.fail_next: list[str] = []  # "500" or "rate"
        self.slow_next: list[float] = []  # seconds to wait before answering a delivered message
        super().__init__()

    def messages_to(self, user: str) -> list[dict]:
        with self.cond:
            return [m["message"] for m in self.sent if m["recipient"]["user_id"] == user]

    def texts_to(self, user: str) -> str:
        return "\n".join(m.get("text", "") for m in self.messages_to(user))

    def route(self, method: str, path: str, headers, raw: bytes) -> tuple[int, object]:
        if path == "/v3.0/oa/message/cs":
            return self.message_cs(headers.get("access_token", ""), json.loads(raw))
        if path == "/v4/oa/access_token":
            return self.refresh(headers.get("secret_key", ""), {k: v[0] for k, v in parse_qs(raw.decode()).items()})
        return 404, {"error": 404}

    def message_cs(self, token: str, body: dict) -> tuple[int, dict]:
        with self.cond:
            if self.fail_next:
                kind = self.fail_next.pop(0)
                if kind == "500":
                    return 500, {"error": -1, "message": "internal error"}
                return 200, {"error": -32, "message": "rate limit"}
            if token != self.access_token:
                self.rejected_tokens.append(token)
                return 200, {"error": -216, "message": "Access token is invalid"}
            self.sent.append(body)
            self.cond.notify_all()
            delay = self.slow_next.pop(0) if self.slow_next else 0
            answer = {"error": 0, "message": "Success", "data": {"message_id": f"m{len(self.sent)}"}}
        time.sleep(delay)
        return 200, answer

    def refresh(self, secret: str, form: dict) -> tuple[int, dict]:
        with self.cond:
            self.refreshes.append(form)
            if secret != APP_SECRET or form.get("grant_type") != "refresh_token":
                return 200, {"error": -14002, "message": "invalid app secret"}
            if form.get("refresh_token") != self.refresh_token:
                return 200, {"error": -14014, "message": "refresh token used or invalid"}
            number = len(self.refreshes) + 1
            self.access_token, self.refresh_token = f"token-{number}", f"refresh-{number}"
            return 200, {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_in": "90000"}
