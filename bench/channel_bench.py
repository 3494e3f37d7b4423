"""Channel overhead benchmark (`make bench`): message in → reply out through each gateway,
minus the time Rasa spent. Rasa is replaced by a loopback stub that answers at once and
reports its own handling time, so what remains is the gateway's own work plus loopback
HTTP. Target: p95 ≤ 20 ms. Prints figures; not a test.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot.channels.fake_telegram import FakeTelegram  # noqa: E402
from tests.bot.channels.fake_zalo import APP_SECRET, FakeZalo  # noqa: E402
from tests.bot.channels.loopback_server import LoopbackJsonServer  # noqa: E402

MESSAGES = 200
TOKEN = "123456:BENCH-telegram-token"
APP_ID, OA_SECRET = "1234567890123456789", "bench-oa-secret"


class StubRasa(LoopbackJsonServer):
    """Answers the REST channel at once; remembers how long each answer took."""

    def __init__(self):
        self.durations: dict[str, float] = {}
        super().__init__()

    def route(self, method: str, path: str, headers, raw: bytes) -> tuple[int, object]:
        started = time.perf_counter()
        body = json.loads(raw)
        reply = [
            {
                "recipient_id": body["sender"],
                "text": f"Trả lời: {body['message']}",
                "buttons": [{"title": "Xem thêm", "payload": "/show_more"}],
            }
        ]
        self.durations[body["message"]] = time.perf_counter() - started
        return 200, reply


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(module: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def report(name: str, overheads: list[float]) -> bool:
    ordered = sorted(overheads)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{name:10} n={len(ordered)}  p50 {statistics.median(ordered):6.2f} ms  p95 {p95:6.2f} ms  "
        f"max {ordered[-1]:6.2f} ms  (mục tiêu p95 ≤ 20 ms)"
    )
    return p95 <= 20


def bench_telegram(rasa: StubRasa) -> list[float]:
    fake = FakeTelegram(TOKEN)
    state = tempfile.TemporaryDirectory()  # a fresh fake Bot API numbers its updates from 1 again
    process = start(
        "bot.channels.telegram_gateway",
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "RASA_URL": rasa.url,
            "TELEGRAM_POLL_TIMEOUT": "10",
            "TELEGRAM_STATE_DIR": state.name,
            "TELEGRAM_RATE_LIMIT_PER_MINUTE": "0",  # one chat sends every message
            "REDIS_URL": "",
        },
    )
    try:
        fake.wait_for(lambda: "getUpdates" in fake.calls, timeout=60)
        overheads = []
        for i in range(MESSAGES + 10):
            text = f"tg tin nhắn {i}"
            before = len(fake.sent)
            started = time.monotonic()
            fake.push_text(77, text)
            fake.wait_for(lambda before=before: len(fake.sent) > before)
            elapsed = fake.sent[-1]["at"] - started
            if i >= 10:  # warm-up
                overheads.append((elapsed - rasa.durations.get(text, 0.0)) * 1000)
        return overheads
    finally:
        process.terminate()
        process.wait(10)
        fake.close()
        state.cleanup()


def bench_zalo(rasa: StubRasa) -> list[float]:
    fake = FakeZalo()
    port = free_port()
    with tempfile.TemporaryDirectory() as state:
        process = start(
            "bot.channels.zalo_gateway",
            {
                "ZALO_APP_ID": APP_ID,
                "ZALO_OA_SECRET_KEY": OA_SECRET,
                "ZALO_APP_SECRET_KEY": APP_SECRET,
                "ZALO_ACCESS_TOKEN": "token-1",
                "ZALO_REFRESH_TOKEN": "refresh-1",
                "ZALO_OA_API_URL": fake.url,
                "ZALO_OAUTH_URL": fake.url,
                "RASA_URL": rasa.url,
                "ZALO_PORT": str(port),
                "ZALO_LISTEN": "127.0.0.1",
                "ZALO_STATE_DIR": state,
                "ZALO_RATE_LIMIT_PER_MINUTE": "0",  # one user sends every message
                "REDIS_URL": "",
            },
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(f"{url}/health", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            client = httpx.Client()
            overheads = []
            for i in range(MESSAGES + 10):
                text = f"zl tin nhắn {i}"
                event = {
                    "app_id": APP_ID,
                    "event_name": "user_send_text",
                    "timestamp": str(int(time.time() * 1000)),
                    "sender": {"id": "9000"},
                    "recipient": {"id": "1"},
                    "message": {"msg_id": f"b{i}", "text": text},
                }
                raw = json.dumps(event, ensure_ascii=False).encode()
                mac = hashlib.sha256(APP_ID.encode() + raw + event["timestamp"].encode() + OA_SECRET.encode()).hexdigest()
                before = len(fake.sent)
                started = time.monotonic()
                client.post(
                    f"{url}/zalo/webhook",
                    content=raw,
                    headers={"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"},
                )
                fake.wait_for(lambda before=before: len(fake.sent) > before)
                elapsed = time.monotonic() - started
                if i >= 10:
                    overheads.append((elapsed - rasa.durations.get(text, 0.0)) * 1000)
            return overheads
        finally:
            process.terminate()
            process.wait(10)
            fake.close()


def main() -> int:
    rasa = StubRasa()
    print(f"Độ trễ riêng của kênh (tin vào → trả lời ra, trừ thời gian Rasa), {MESSAGES} tin mỗi kênh:")
    ok = report("Telegram", bench_telegram(rasa))
    ok = report("Zalo", bench_zalo(rasa)) and ok
    print("Kết quả:", "đạt" if ok else "CHƯA ĐẠT")
    return 0


if __name__ == "__main__":
    sys.exit(main())
