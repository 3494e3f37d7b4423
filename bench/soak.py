"""Soak: `make soak`. The production topology of `make bench-bot` (b) — 2 Rasa replicas, each
with its own action server, behind HAProxy; tracker and catalog in PostgreSQL, lock in Redis —
under a steady 5 messages a second for 30 minutes (--minutes, or SOAK_MINUTES for `make soak`).

Why: a leak or a slow drift (memory, latency, errors that start after an hour of traffic)
does not show in a benchmark of a few minutes. It prints each process's memory (RSS with
its children) after the warm-up and at the end with the growth, and per 5-minute window the
turns, errors and p95. Prints figures; not a test. The stack is started and stopped by
bench/bot_bench.py's functions, so both measure the same topology.

The load is open-loop: a turn starts every 1/rate seconds whatever the latency, each from the
next conversation that is not waiting for an answer (a conversation sends its turns in
order). A conversation plays one script of bench/bot_bench.py and then a new conversation
takes its place, as students come and go (a single conversation growing for 30 minutes is
not what production sees).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from bench import bot_bench
from bench.bot_bench import GDNN_SCRIPTS, REQUEST_TIMEOUT, percentile, production_stack, stack_rss
from ops import launcher

LOG_DIR = bot_bench.ROOT / "var" / "log" / "soak"
CONVERSATIONS = 20  # at most this many waiting for an answer at once
MEMORY_GROWTH_MAX = 10.0  # % per process over the run (issue 24)


def say(message: str) -> None:
    print(f"[soak] {message}", flush=True)


@dataclass
class Window:
    """One stretch of the run (5 minutes by default): latencies of answered turns, in ms."""

    start_minute: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    skipped: int = 0  # ticks with every conversation still waiting: the bot fell behind the rate


class Load:
    """Conversations that each send their next turn when the previous one is answered."""

    def __init__(self, client: httpx.AsyncClient, scripts: Sequence[Sequence[str]], conversations: int):
        self.client, self.scripts = client, scripts
        self.run = uuid.uuid4().hex[:8]
        self.numbers = itertools.count()
        self.slots = [self._new_conversation() for _ in range(conversations)]
        self.busy: set[int] = set()
        self.next_slot = 0

    def _new_conversation(self) -> tuple[str, Sequence[str], int]:
        number = next(self.numbers)
        return f"soak-{self.run}-{number}", self.scripts[number % len(self.scripts)], 0

    def idle_slot(self) -> int | None:
        for offset in range(len(self.slots)):
            slot = (self.next_slot + offset) % len(self.slots)
            if slot not in self.busy:
                self.next_slot = slot + 1
                return slot
        return None

    async def turn(self, slot: int, window: Window) -> None:
        sender, script, position = self.slots[slot]
        self.busy.add(slot)
        started = time.perf_counter()
        try:
            response = await self.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": script[position]})
            answered = response.status_code == 200 and bool(response.json())
        except (httpx.HTTPError, ValueError):
            answered = False
        finally:
            self.busy.discard(slot)
        if answered:
            window.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            window.errors += 1
        position += 1
        self.slots[slot] = self._new_conversation() if position >= len(script) else (sender, script, position)


async def soak(base: str, minutes: float, rate: float, window_minutes: float) -> list[Window]:
    limits = httpx.Limits(max_connections=CONVERSATIONS + 5, max_keepalive_connections=CONVERSATIONS + 5)
    windows: list[Window] = []
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        load = Load(client, GDNN_SCRIPTS, CONVERSATIONS)
        tasks: set[asyncio.Task] = set()
        started = time.monotonic()
        end = started + minutes * 60
        tick = 0
        while (now := time.monotonic()) < end:
            index = int((now - started) // (window_minutes * 60))
            while len(windows) <= index:
                windows.append(Window(len(windows) * window_minutes))
                say(f"phút {windows[-1].start_minute:g}…")
            slot = load.idle_slot()
            if slot is None:
                windows[index].skipped += 1
            else:
                task = asyncio.create_task(load.turn(slot, windows[index]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            tick += 1
            await asyncio.sleep(max(0.0, started + tick / rate - time.monotonic()))
        if tasks:  # the last turns finish (each within the request timeout)
            await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT + 5)
    return windows


def format_memory(before: Sequence[tuple[str, float]], after: Sequence[tuple[str, float]]) -> str:
    """One row per process: RSS (MB, children included) at the start and the end, growth %."""
    names = _numbered([name for name, _ in before])
    rows = [("tiến trình", "đầu (MB)", "cuối (MB)", "tăng")]
    for name, (_, start), (_, end) in zip(names, before, after):
        growth = (end - start) / start * 100 if start else 0.0
        flag = "" if growth <= MEMORY_GROWTH_MAX else f"  > {MEMORY_GROWTH_MAX:g} %"
        rows.append((name, f"{start:.0f}", f"{end:.0f}", f"{growth:+.1f} %{flag}"))
    return _columns(rows)


def format_windows(windows: Sequence[Window], window_minutes: float, minutes: float) -> str:
    rows = [("phút", "lượt", "lỗi", "p50 (ms)", "p95 (ms)", "msg/s", "bỏ nhịp")]
    for window in windows:
        stop = min(window.start_minute + window_minutes, minutes)
        seconds = (stop - window.start_minute) * 60
        done = len(window.latencies_ms) + window.errors
        p50, p95 = percentile(window.latencies_ms, 50), percentile(window.latencies_ms, 95)
        rows.append(
            (
                f"{window.start_minute:g}–{stop:g}",
                str(done),
                str(window.errors),
                "—" if p50 is None else f"{p50:.0f}",
                "—" if p95 is None else f"{p95:.0f}",
                f"{len(window.latencies_ms) / seconds:.2f}" if seconds > 0 else "—",
                str(window.skipped),
            )
        )
    return _columns(rows)


def _numbered(names: Sequence[str]) -> list[str]:
    """'Rasa', 'Rasa' → 'Rasa 0', 'Rasa 1' (the launcher starts one pair per replica)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        index = seen.get(name, 0)
        seen[name] = index + 1
        out.append(f"{name} {index}" if names.count(name) > 1 else name)
    return out


def _columns(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join([row[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:], widths[1:]))]) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chạy bot sản xuất lâu dưới tải đều (soak)")
    parser.add_argument("--minutes", type=float, default=30.0, help="phút tải (mặc định 30; make soak: SOAK_MINUTES)")
    parser.add_argument("--rate", type=float, default=5.0, help="tin nhắn mỗi giây (mặc định 5)")
    parser.add_argument("--window", type=float, default=5.0, help="phút mỗi dòng của bảng độ trễ (mặc định 5)")
    args = parser.parse_args(argv)
    if not launcher.MODEL.exists():
        launcher.train_if_needed()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    say(f"{os.cpu_count()} CPU; {args.rate:g} tin/giây trong {args.minutes:g} phút; log: {LOG_DIR}")
    with production_stack(LOG_DIR) as stack:
        asyncio.run(bot_bench._warm_up(stack.url, GDNN_SCRIPTS, time.monotonic() + 120))
        before = stack_rss(stack.processes)
        try:
            windows = asyncio.run(soak(stack.url, args.minutes, args.rate, args.window))
        except KeyboardInterrupt:
            say("dừng bởi Ctrl-C")
            return 130
        after = stack_rss(stack.processes)
    errors = sum(w.errors for w in windows)
    grown = [
        name
        for name, (_, a), (_, b) in zip(_numbered([n for n, _ in before]), before, after)
        if a and (b - a) / a * 100 > MEMORY_GROWTH_MAX
    ]
    print(f"\nSoak: {bot_bench.LEGEND['b']}; {args.rate:g} tin/giây, {args.minutes:g} phút.\n")
    print("Bộ nhớ (RSS gồm tiến trình con), sau khi khởi động xong và ở cuối:\n")
    print(format_memory(before, after))
    print(f"\nMỗi {args.window:g} phút (độ trễ từ khi gửi đến khi nhận đủ trả lời):\n")
    print(format_windows(windows, args.window, args.minutes))
    print(
        f"\nLỗi: {errors} (lỗi HTTP, quá {REQUEST_TIMEOUT:.0f} s hoặc trả lời rỗng); "
        f"bỏ nhịp = lần đến giờ gửi mà cả {CONVERSATIONS} hội thoại còn chờ trả lời. "
        f"Mục tiêu: 0 lỗi, bộ nhớ tăng ≤ {MEMORY_GROWTH_MAX:g} % mỗi tiến trình."
    )
    return 0 if errors == 0 and not grown else 1


if __name__ == "__main__":
    sys.exit(main())
