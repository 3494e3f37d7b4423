"""A fake Telegram Bot API on loopback: answers as documented (https://core.telegram.org/bots/api)
and records what the gateway sends. Tests push updates with `push_text` / `push_button`.

For proactive messages (the notifier) it also plays Telegram's limits when asked:
`flood_control` answers 429 with `retry_after` to a sendMessage over 1 a second per chat or
over 30 a second in all (counted in `violations`); a chat in `blocked` gets 403; `retry_next`
answers the next sends 429 with that retry_after; `hold_at` = n keeps the n-th delivered
sendMessage waiting for its answer (already recorded, like a message Telegram delivered
whose answer never came back) until `release()`.
"""

from __future__ import annotations

import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs, urlsplit

from tests.bot.channels.loopback_server import LoopbackJsonServer

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "GDNN", "username": "gdnn_test_bot"}


class FakeTelegram(LoopbackJsonServer):
    def __init__(self, token: str):
        self.token = token
        self.updates: list[dict] = []
        self.next_update_id = 1
        self.next_message_id = 1
        self.sent: list[dict] = []  # sendMessage calls
        self.actions: list[dict] = []  # sendChatAction calls
        self.answered: list[str] = []  # answerCallbackQuery ids
        self.calls: list[str] = []
        self.redelivered: list[dict] = []  # returned by the next getUpdates whatever its offset
        self.documents: list[dict] = []  # sendDocument calls: chat_id, filename, bytes
        self.flood_control = False
        self.violations: list[dict] = []  # sendMessage calls over the limits (answered 429)
        self.blocked: set[int] = set()
        self.retry_next: list[float] = []
        self.hold_at: int | None = None
        self.released = threading.Event()
        super().__init__()

    def release(self) -> None:
        self.released.set()

    # --- what tests do --------------------------------------------------------------------

    def _push(self, update: dict, copies: int = 1) -> int:
        """Queue an update (`copies` > 1: the same update_id several times in one batch)."""
        with self.cond:
            update["update_id"] = self.next_update_id
            self.next_update_id += 1
            self.updates.extend([update] * copies)
            self.cond.notify_all()
            return update["update_id"]

    def redeliver(self, update_id: int) -> None:
        """Send an update again in a later batch, as Telegram does when a batch was not confirmed."""
        with self.cond:
            self.redelivered.append(next(u for u in self.updates if u["update_id"] == update_id))
            self.cond.notify_all()

    def _message(self, chat_id: int, **fields) -> dict:
        with self.cond:
            message_id = self.next_message_id
            self.next_message_id += 1
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Học sinh"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Học sinh"},
            **fields,
        }

    def push_text(self, chat_id: int, text: str, copies: int = 1) -> int:
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
        fields = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._push({"message": self._message(chat_id, **fields)}, copies)

    def push_sticker(self, chat_id: int) -> None:
        self._push(
            {
                "message": self._message(
                    chat_id,
                    sticker={
                        "file_id": "s1",
                        "file_unique_id": "u1",
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    },
                )
            }
        )

    def push_button(self, chat_id: int, data: str) -> str:
        query_id = f"q{self.next_update_id}"
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Học sinh"},
                    "chat_instance": "ci",
                    "data": data,
                    "message": self._message(chat_id, text="(tin nhắn có nút)", **{"from": BOT_USER}),
                }
            }
        )
        return query_id

    def messages_to(self, chat_id: int) -> list[dict]:
        with self.cond:
            return [m for m in self.sent if m["chat_id"] == chat_id]

    # --- the Bot API ----------------------------------------------------------------------

    def route(self, method: str, path: str, headers, raw: bytes) -> tuple[int, object]:
        path = urlsplit(path).path
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        api_method = path[len(prefix) :]
        with self.cond:
            self.calls.append(api_method)
            self.cond.notify_all()  # tests wait for calls too
        try:
            result = self.handle(api_method, self._params(raw, headers.get("Content-Type", "")))
        except ApiError as error:
            return error.status, error.body
        return 200, {"ok": True, "result": result}

    @staticmethod
    def _params(raw: bytes, content_type: str) -> dict:
        if not raw:
            return {}
        if "multipart/form-data" in content_type:  # sendDocument with an uploaded file
            form = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
            out: dict = {}
            for part in form.iter_parts():
                name = part.get_param("name", header="content-disposition")
                data = part.get_payload(decode=True) or b""
                out[name] = {"filename": part.get_filename(), "bytes": data} if part.get_filename() else data.decode()
            return out
        if "json" in content_type:
            return json.loads(raw)
        parsed = parse_qs(raw.decode())
        out = {}
        for key, values in parsed.items():
            value = values[0]
            try:
                out[key] = json.loads(value)
            except ValueError:
                out[key] = value
        return out

    def handle(self, method: str, params: dict):
        if method == "getMe":
            return BOT_USER
        if method in ("deleteWebhook", "setWebhook", "setMyCommands"):
            return True
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            timeout = float(params.get("timeout") or 0)
            deadline = time.monotonic() + min(timeout, 30)
            with self.cond:
                while True:
                    pending = [u for u in self.updates if u["update_id"] >= offset]
                    if self.redelivered:
                        pending, self.redelivered = self.redelivered + pending, []
                    if pending or time.monotonic() >= deadline:
                        return pending
                    self.cond.wait(max(0.0, deadline - time.monotonic()))
        if method == "sendChatAction":
            with self.cond:
                self.actions.append(params)
                self.cond.notify_all()
            return True
        if method == "answerCallbackQuery":
            with self.cond:
                self.answered.append(params.get("callback_query_id"))
                self.cond.notify_all()
            return True
        if method == "sendDocument":
            chat_id = int(params["chat_id"])
            upload = params.get("document") or {}
            with self.cond:
                self.documents.append({"chat_id": chat_id, "filename": upload.get("filename"), "bytes": upload.get("bytes", b"")})
                self.cond.notify_all()
            document = {"file_id": "d1", "file_unique_id": "u1", "file_name": upload.get("filename")}
            return self._message(chat_id, document=document, **{"from": BOT_USER})
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            with self.cond:
                now = time.monotonic()
                if chat_id in self.blocked:
                    raise ApiError(403, "Forbidden: bot was blocked by the user")
                if self.retry_next:
                    raise ApiError(429, "Too Many Requests", self.retry_next.pop(0))
                if self.flood_control:
                    recent = [m for m in self.sent if now - m["at"] < 1.0]
                    if len(recent) >= 30 or any(m["chat_id"] == chat_id for m in recent):
                        self.violations.append({"chat_id": chat_id, "at": now})
                        raise ApiError(429, "Too Many Requests: retry after 1", 1)
                self.sent.append(
                    {
                        "chat_id": chat_id,
                        "text": params.get("text", ""),
                        "reply_markup": params.get("reply_markup"),
                        "at": now,
                    }
                )
                held = self.hold_at is not None and len(self.sent) == self.hold_at
                self.cond.notify_all()
            if held:
                self.released.wait(120)
            return self._message(chat_id, text=params.get("text", ""), **{"from": BOT_USER})
        return True


class ApiError(Exception):
    """An error answer of the Bot API: {"ok": false, "error_code", "description", "parameters"}."""

    def __init__(self, status: int, description: str, retry_after: float | None = None):
        super().__init__(description)
        self.status = status
        self.body = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            self.body["parameters"] = {"retry_after": retry_after}
