"""Bot load benchmark: `make bench-bot`. Starts the real stacks one after the other, talks to
each over the REST channel on loopback (async httpx, fixed counts, a time cap per stack) and
prints one table. Prints figures; not a test.

Stacks:
  (a) embedded default: one Rasa + one action server, conversations in an SQLite file (the
      default tracker store), SQLite catalog with the sample data;
  (m) the same with Rasa's in-memory tracker store (TRACKER_STORE_URL=memory): the SQLite
      store's cost is printed beside it (goal: (a)'s one-conversation p95 ≤ 1.1 × (m)'s);
  (n) the same embedded default on a national-size catalog: the 2,000 institutions and
      50,000 programmes of bench/catalog_bench.py (generated into a temporary folder and
      imported into its own SQLite file before the stack starts); its one-conversation p95
      and first concurrent level's throughput are printed beside (a)'s, with the ratios
      (goal: p95 ≤ 1.3 × and throughput ≥ 0.8 × the sample catalog's);
  (b) production topology: catalog and Rasa's tracker store in PostgreSQL, lock store in
      Redis, RASA_REPLICAS=2 (two Rasa + two action servers behind HAProxy);
  (c) a stock `rasa init` moodbot trained in the same run: the yardstick.

A turn is one POST /webhooks/rest/webhook, timed from sending to the whole answer. The
conversations of a level run together, each sending its next turn as soon as it has its
answer (no think time). Options: --quick (a smoke run), --only a,n,b,c, --time-cap SECONDS.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import create_engine, text

from bench import catalog_bench
from ops import launcher
from tests.bot_servers import environment

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "log" / "bench-bot"
POSTGRES_URL = os.environ.get("CATALOG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = "redis://127.0.0.1:6379/9"  # the tests use databases 7 and 8

# Ports of nothing else: settings/ports.py uses 5005/5010/5055, the tests 5105/5155,
# 5205/5255, 5305/5310/5355.
A_RASA, A_ACTIONS = 5405, 5455
M_RASA, M_ACTIONS = 5425, 5475
B_RASA, B_REPLICA, B_ACTIONS = 5505, 5510, 5555  # replica i on B_REPLICA + i, its action server on B_ACTIONS + i
C_RASA = 5605
N_RASA, N_ACTIONS = 5805, 5855  # 5705/5755: ops/holdout.py

FULL_LEVELS = ((1, 40), (20, 10), (50, 6))  # (conversations, turns each); the first has one conversation,
# 40 turns so that its p95 is not just the second slowest turn on a noisy shared machine
QUICK_LEVELS = ((1, 8), (10, 4))
TIME_CAP = 300.0  # seconds of load per stack (warm-up included); what was measured by then is reported
REQUEST_TIMEOUT = 60.0  # a turn slower than this counts as an error
STACKS = ("a", "m", "n", "b", "c")
LABELS = {"a": "(a) mặc định", "m": "(m) bộ nhớ", "n": "(n) toàn quốc", "b": "(b) sản xuất", "c": "(c) rasa init"}
LEGEND = {
    "a": "1 Rasa + 1 máy chủ hành động, hội thoại trong tệp SQLite (mặc định), danh mục mẫu trong SQLite",
    "m": "như (a), hội thoại trong bộ nhớ của Rasa (TRACKER_STORE_URL=memory)",
    "n": (
        f"như (a), với danh mục cỡ toàn quốc trong SQLite riêng: {catalog_bench.INSTITUTIONS:,} cơ sở, "
        f"{catalog_bench.PROGRAMMES:,} ngành/nghề sinh bởi bench/catalog_bench.py"
    ),
    "b": "2 bản sao Rasa + 2 máy chủ hành động sau HAProxy, danh mục và hội thoại trong PostgreSQL, khóa trong Redis",
    "c": "bot mẫu `rasa init` (moodbot) huấn luyện ngay trong lượt đo, không máy chủ hành động: thước đo",
}
# the national catalog may cost the default stack this much more per turn (issue 21)
SCALE_P95_MAX = 1.3  # one conversation's p95, national / sample
SCALE_THROUGHPUT_MIN = 0.8  # msg/s of the first concurrent level, national / sample
SQLITE_P95_MAX = 1.1  # the default's SQLite tracker store may cost this much of the in-memory one's p95 (issue 24)

# search → follow-up → dormitory → fee → policy, with and without diacritics / teencode
GDNN_SCRIPTS = (
    (
        "Trường nào dạy điện công nghiệp ở Quảng Ninh",
        "còn ở Hải Phòng thì sao",
        "trường đó có ký túc xá không",
        "hoc phi bao nhieu",
        "nhà em hộ nghèo có được miễn học phí không",
        "cảm ơn ad nhé",
    ),
    (
        "hc nau an o hai phong o dau",
        "truong do co ktx ko",
        "hoc phi nganh do bn 1 nam",
        "nha e ho ngheo co dc vay von di hoc k",
        "co ngay hoi tuyen sinh nao o hai phong ko",
        "ok thanks ad",
    ),
)
MOODBOT_SCRIPTS = (
    ("hi", "I am sad", "yes", "bye"),
    ("hello", "not good", "no", "are you a bot?", "goodbye"),
)


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- figures -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest measured value that at least pct % of the values
    do not exceed (so always a real measurement); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Level:
    """What one load level measured: latencies of the answered turns, in ms."""

    conversations: int
    turns: int  # planned per conversation
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    cut: bool = False  # stopped by the time cap

    @property
    def planned(self) -> int:
        return self.conversations * self.turns

    @property
    def done(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def throughput(self) -> float | None:
        return len(self.latencies_ms) / self.seconds if self.seconds > 0 else None

    def p(self, pct: float) -> float | None:
        return percentile(self.latencies_ms, pct)


@dataclass
class StackResult:
    key: str
    levels: list[Level | None] = field(default_factory=list)  # None: not reached before the time cap
    rss_mb: list[tuple[str, float]] = field(default_factory=list)  # (process, MB with its children)
    failure: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.key]

    def level(self, index: int) -> Level | None:
        return self.levels[index] if index < len(self.levels) else None


# --- memory ------------------------------------------------------------------------------------


def vm_rss_kb(pid: int) -> int:
    """VmRSS of one process from /proc/<pid>/status (0 when it is gone or a zombie)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """Every process below pid (children, grandchildren…), from the parent ids in /proc/*/stat."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                after_name = stat.read().rsplit(")", 1)[1].split()  # the name may hold spaces and parentheses
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
        parents.setdefault(int(after_name[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants, in MB (Sanic, for one, serves from a child process)."""
    return sum(vm_rss_kb(p) for p in (pid, *descendants(pid))) / 1024


def role(args: Sequence[str] | str) -> str:
    """A short name for a started process, from its command line."""
    words = [str(a) for a in ([args] if isinstance(args, str) else args)]
    if Path(words[0]).name == "haproxy":
        return "HAProxy"
    if "actions" in words:  # python -m actions (the action server)
        return "hành động"
    return "Rasa"


def stack_rss(processes: Sequence[subprocess.Popen]) -> list[tuple[str, float]]:
    return [(role(p.args), tree_rss_mb(p.pid)) for p in processes]


# --- the table ---------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(top: float | None, bottom: float | None) -> str:
    return "—" if top is None or not bottom else f"{top / bottom:.2f}"


def _rss_detail(rss: list[tuple[str, float]]) -> str:
    groups: dict[str, list[float]] = {}
    for name, mb in rss:
        groups.setdefault(name, []).append(mb)
    return " · ".join(f"{name} {'+'.join(f'{mb:.0f}' for mb in sizes)}" for name, sizes in groups.items())


def format_table(results: Sequence[StackResult], levels: Sequence[tuple[int, int]], time_cap: float = TIME_CAP) -> str:
    """One table: a row per stack; the one-conversation level, every concurrent level, RSS, and
    the one-conversation p95 and first concurrent level's throughput divided by (c)'s."""
    first_concurrent = f"{levels[1][0]} hth" if len(levels) > 1 else "—"
    columns: list[tuple[str, str, int]] = [("", "ngăn xếp", 14)]  # (group, name, width)
    conversations, turns = levels[0]
    group = f"{conversations} hội thoại × {turns} lượt (ms)"
    columns += [(group, "p50", 7), (group, "p95", 7), (group, "max", 7), (group, "lỗi", 5)]
    for conversations, turns in levels[1:]:
        group = f"{conversations} hội thoại × {turns} lượt"
        columns += [(group, "msg/s", 7), (group, "p50 ms", 7), (group, "p95 ms", 7), (group, "lỗi", 5)]
    columns += [("chia cho (c)", "p95 1 hth", 9), ("chia cho (c)", f"msg/s {first_concurrent}", 11)]
    columns += [("RSS sau tải (MB)", "tổng", 6), ("RSS sau tải (MB)", "từng tiến trình (kèm tiến trình con)", 0)]

    yardstick = next((r for r in results if r.key == "c" and not r.failure), None)
    rows, notes = [], []
    for result in results:
        cells = [result.label]
        first = result.level(0)
        if first is None:
            cells += ["—"] * 4
        else:
            cells += [_num(first.p(50)), _num(first.p(95)), _num(first.p(100)) + ("*" if first.cut else ""), str(first.errors)]
        for index in range(1, len(levels)):
            level = result.level(index)
            if level is None:
                cells += ["—"] * 4
                continue
            mark = "*" if level.cut else ""
            cells += [_num(level.throughput, 1) + mark, _num(level.p(50)), _num(level.p(95)), str(level.errors)]
        for level in result.levels:
            if level is not None and level.cut:
                notes.append(
                    f"* {result.label}, {level.conversations} hội thoại: dừng ở giới hạn {time_cap:.0f} s, "
                    f"đo được {level.done}/{level.planned} lượt"
                )
        if result.key != "c" and yardstick is not None:
            mine, theirs = result.level(0), yardstick.level(0)
            cells.append(_ratio(mine and mine.p(95), theirs and theirs.p(95)))
            mine, theirs = result.level(1), yardstick.level(1)
            cells.append(_ratio(mine and mine.throughput, theirs and theirs.throughput))
        else:
            cells += ["—", "—"]
        cells += [_num(sum(mb for _, mb in result.rss_mb)) if result.rss_mb else "—", _rss_detail(result.rss_mb) or "—"]
        if result.failure:
            notes.append(f"{result.label}: không đo hết — {result.failure}")
        rows.append(cells)

    widths = [max(width, len(name), *(len(row[i]) for row in rows)) for i, (_, name, width) in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i in (0, len(columns) - 1) else cell.rjust(widths[i]) for i, cell in enumerate(cells)
        ).rstrip()

    group_line, i = [], 0
    while i < len(columns):  # a group's title over the columns it spans
        group, span = columns[i][0], 1
        while i + span < len(columns) and columns[i + span][0] == group:
            span += 1
        room = sum(widths[i : i + span]) + 2 * (span - 1)
        group_line.append(group.center(room) if group else " " * room)
        i += span
    out = ["  ".join(group_line).rstrip(), line([name for _, name, _ in columns])]
    out.append("  ".join("-" * w for w in widths[:-1]) + "  " + "-" * max(widths[-1], 10))
    out += [line(row) for row in rows]
    return "\n".join(out + notes)


def format_scale(results: Sequence[StackResult], levels: Sequence[tuple[int, int]]) -> str:
    """(n) beside (a): one conversation's p95 and the first concurrent level's throughput on the
    national catalog and on the sample one, and national / sample with the goals; "" without (n)."""
    national = next((r for r in results if r.key == "n"), None)
    if national is None:
        return ""
    sample = next((r for r in results if r.key == "a"), None)
    concurrent = f"msg/s {levels[1][0]} hth" if len(levels) > 1 else "msg/s"

    def figures(result: StackResult | None) -> tuple[float | None, float | None]:
        if result is None:
            return None, None
        one, many = result.level(0), result.level(1)
        return (one.p(95) if one else None), (many.throughput if many else None)

    (p95_n, rate_n), (p95_a, rate_a) = figures(national), figures(sample)
    p95_ratio = p95_n / p95_a if p95_n is not None and p95_a else None
    rate_ratio = rate_n / rate_a if rate_n is not None and rate_a else None

    def verdict(ratio: float | None, ok: bool) -> str:
        return "" if ratio is None else ("đạt" if ok else "KHÔNG ĐẠT")

    rows = [
        ("danh mục", "p95 1 hth (ms)", concurrent),
        ("danh mục mẫu (a)", _num(p95_a), _num(rate_a, 1)),
        ("toàn quốc (n)", _num(p95_n), _num(rate_n, 1)),
        ("toàn quốc / mẫu", _ratio(p95_n, p95_a), _ratio(rate_n, rate_a)),
        (
            "mục tiêu",
            f"≤ {SCALE_P95_MAX:.2f} {verdict(p95_ratio, p95_ratio is not None and p95_ratio <= SCALE_P95_MAX)}".rstrip(),
            f"≥ {SCALE_THROUGHPUT_MIN:.2f} {verdict(rate_ratio, rate_ratio is not None and rate_ratio >= SCALE_THROUGHPUT_MIN)}".rstrip(),
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    title = (
        f"Cỡ danh mục, cùng ngăn xếp mặc định: toàn quốc ({catalog_bench.INSTITUTIONS:,} cơ sở, "
        f"{catalog_bench.PROGRAMMES:,} ngành/nghề) so với danh mục mẫu:"
    )
    lines = [title] + [
        "  ".join([row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].rjust(widths[2])]).rstrip() for row in rows
    ]
    return "\n".join(lines)


def format_tracker_store(results: Sequence[StackResult]) -> str:
    """(a) beside (m): one conversation's p95 with the default SQLite tracker store and with
    Rasa's in-memory one, and their ratio against the goal; "" without both."""
    default = next((r for r in results if r.key == "a"), None)
    memory = next((r for r in results if r.key == "m"), None)
    one_a = default.level(0) if default else None
    one_m = memory.level(0) if memory else None
    if not (one_a and one_m and one_a.p(95) and one_m.p(95)):
        return ""
    ratio = one_a.p(95) / one_m.p(95)
    verdict = "đạt" if ratio <= SQLITE_P95_MAX else "KHÔNG ĐẠT"
    return (
        "Kho hội thoại của ngăn xếp mặc định, p95 1 hội thoại: "
        f"tệp SQLite (a) {_num(one_a.p(95))} ms, bộ nhớ (m) {_num(one_m.p(95))} ms, "
        f"SQLite / bộ nhớ {_ratio(one_a.p(95), one_m.p(95))} (mục tiêu ≤ {SQLITE_P95_MAX:.2f}: {verdict})."
    )


# --- load --------------------------------------------------------------------------------------


async def _converse(
    client: httpx.AsyncClient, sender: str, script: Sequence[str], turns: int, deadline: float, level: Level | None
) -> None:
    """One conversation: `turns` messages from the script (round again if it is shorter)."""
    for turn in range(turns):
        if time.monotonic() >= deadline:
            if level is not None:
                level.cut = True
            return
        started = time.perf_counter()
        try:
            response = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": script[turn % len(script)]})
            answered = response.status_code == 200 and bool(response.json())
        except (httpx.HTTPError, ValueError):
            answered = False
        if level is None:  # warm-up
            continue
        if answered:
            level.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            level.errors += 1


async def _run_level(base: str, scripts: Sequence[Sequence[str]], level: Level, deadline: float) -> None:
    limits = httpx.Limits(max_connections=level.conversations + 5, max_keepalive_connections=level.conversations + 5)
    run = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        started = time.perf_counter()
        conversations = [
            _converse(client, f"bench-{run}-{i}", scripts[i % len(scripts)], level.turns, deadline, level)
            for i in range(level.conversations)
        ]
        try:  # a turn already sent when the cap strikes may finish; then whatever still runs is dropped
            await asyncio.wait_for(asyncio.gather(*conversations), timeout=max(0.0, deadline - time.monotonic()) + 10)
        except TimeoutError:
            level.cut = True
        level.seconds = time.perf_counter() - started


async def _warm_up(base: str, scripts: Sequence[Sequence[str]], deadline: float) -> None:
    """Each script once, not measured: first inferences and connection pools warm up."""
    run = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        for i, script in enumerate(scripts):
            await _converse(client, f"warm-{run}-{i}", script, len(script), deadline, None)


def measure(result: StackResult, base: str, scripts, levels: Sequence[tuple[int, int]], time_cap: float) -> None:
    deadline = time.monotonic() + time_cap
    asyncio.run(_warm_up(base, scripts, deadline))
    for conversations, turns in levels:
        if time.monotonic() >= deadline:
            result.levels.append(None)
            continue
        level = Level(conversations, turns)
        result.levels.append(level)
        say(f"{result.label}: {conversations} hội thoại × {turns} lượt…")
        asyncio.run(_run_level(base, scripts, level, deadline))


# --- the stacks --------------------------------------------------------------------------------


@dataclass
class Stack:
    url: str
    processes: list[subprocess.Popen]


def _load_sample() -> None:
    result = subprocess.run([sys.executable, "-m", "catalog", "load-sample"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"không nạp được danh mục mẫu: {(result.stderr or result.stdout).strip()[-300:]}")


@contextlib.contextmanager
def _single_stack(name: str, load, rasa_port: int, actions_port: int, log_dir: Path, in_memory: bool = False) -> Iterator[Stack]:
    """One Rasa and one action server, conversations in an SQLite file of its own (or in Rasa's
    memory), a catalog of its own in SQLite (`load(folder)` fills it)."""
    with tempfile.TemporaryDirectory(prefix=f"bench-bot-{name}-") as tmp:
        env = {
            "CATALOG_DATABASE_URL": f"sqlite:///{Path(tmp) / 'catalog.sqlite3'}",
            "TRACKER_STORE_URL": "memory" if in_memory else f"sqlite:///{Path(tmp) / 'conversations.sqlite3'}",
            "REDIS_URL": "",
            "ACTION_ENDPOINT_URL": "",
            "RASA_REPLICAS": "1",
        }
        with environment(**env):
            load(Path(tmp))
            processes = launcher.start_servers(rasa_port, actions_port, log_dir, replicas=1)
            try:
                yield Stack(f"http://127.0.0.1:{rasa_port}", processes)
            finally:
                launcher.stop(processes)


def embedded_stack(log_dir: Path):
    return _single_stack("a", lambda _folder: _load_sample(), A_RASA, A_ACTIONS, log_dir)


def memory_stack(log_dir: Path):
    """(a) with Rasa's in-memory tracker store: what the SQLite file costs."""
    return _single_stack("m", lambda _folder: _load_sample(), M_RASA, M_ACTIONS, log_dir, in_memory=True)


def _load_national(folder: Path) -> None:
    """The national occupations and policies, then a generated national-size catalog (the
    data of `make bench-catalog`), imported as an admissions office would (`python -m catalog import`)."""
    say(
        f"(n) toàn quốc: sinh {catalog_bench.INSTITUTIONS:,} cơ sở, {catalog_bench.PROGRAMMES:,} ngành/nghề "
        "và nạp vào SQLite (khoảng nửa phút)…"
    )
    data = folder / "national"
    catalog_bench.generate(data)
    for source in (ROOT / "catalog" / "national", data):
        result = subprocess.run(
            [sys.executable, "-m", "catalog", "import", str(source), "--yes"], cwd=ROOT, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"không nạp được {source}: {(result.stderr or result.stdout).strip()[-300:]}")


def national_stack(log_dir: Path):
    """Stack (a) on a national-size catalog in its own SQLite file."""
    return _single_stack("n", _load_national, N_RASA, N_ACTIONS, log_dir)


@contextlib.contextmanager
def production_stack(log_dir: Path) -> Iterator[Stack]:
    """A fresh catalog schema in the test database and a fresh tracker database, both dropped at the end."""
    suffix = uuid.uuid4().hex[:10]
    tracker_db, catalog_schema = f"bench_tracker_{suffix}", f"bench_catalog_{suffix}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    created = False
    try:
        with admin.connect() as connection:
            created = True  # reached PostgreSQL: whatever follows is cleaned up
            connection.execute(text(f'CREATE DATABASE "{tracker_db}"'))
            connection.execute(text(f'CREATE SCHEMA "{catalog_schema}"'))
        env = {
            "CATALOG_DATABASE_URL": f"{POSTGRES_URL}?options=-csearch_path%3D{catalog_schema}",
            "TRACKER_STORE_URL": f"postgresql://{urlsplit(POSTGRES_URL).netloc}/{tracker_db}",
            "REDIS_URL": REDIS_URL,
            "ACTION_ENDPOINT_URL": "",
            "RASA_REPLICAS": "2",
        }
        with environment(**env):
            _load_sample()
            processes = launcher.start_servers(B_RASA, B_ACTIONS, log_dir, replicas=2, replica_port=B_REPLICA)
            try:
                yield Stack(f"http://127.0.0.1:{B_RASA}", processes)
            finally:
                launcher.stop(processes)
    finally:
        if created:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{tracker_db}" WITH (FORCE)'))
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{catalog_schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def moodbot_stack(log_dir: Path) -> Iterator[Stack]:
    """`rasa init --no-prompt` (which trains the moodbot), then `rasa run --enable-api` on loopback."""
    with tempfile.TemporaryDirectory(prefix="bench-bot-c-") as tmp:
        project = Path(tmp) / "moodbot"
        project.mkdir()
        say(f"rasa init: tạo và huấn luyện moodbot (vài phút; log: {log_dir}/rasa-init.log)…")
        with open(log_dir / "rasa-init.log", "w", encoding="utf-8") as log:
            done = subprocess.run(
                [str(launcher.RASA), "init", "--no-prompt", "--init-dir", str(project)],
                cwd=project,
                env=launcher.rasa_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        models = sorted((project / "models").glob("*.tar.gz"))
        if done.returncode != 0 or not models:
            raise RuntimeError(f"rasa init thất bại (mã {done.returncode}); xem {log_dir}/rasa-init.log")
        command = [str(launcher.RASA), "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(C_RASA)]
        with open(log_dir / "rasa.log", "ab") as log:
            process = subprocess.Popen(
                [*command, "--model", str(models[-1])], cwd=project, env=launcher.rasa_env(), stdout=log, stderr=subprocess.STDOUT
            )
        try:
            say(f"Rasa (moodbot): http://127.0.0.1:{C_RASA} (log: {log_dir}/rasa.log)…")
            launcher.wait_ready(f"http://127.0.0.1:{C_RASA}/status", process, "Rasa (moodbot)")
            yield Stack(f"http://127.0.0.1:{C_RASA}", [process])
        finally:
            launcher.stop([process])


STARTERS = {"a": embedded_stack, "m": memory_stack, "n": national_stack, "b": production_stack, "c": moodbot_stack}


def bench_stack(result: StackResult, levels: Sequence[tuple[int, int]], time_cap: float) -> None:
    """Start the stack, measure, read the RSS, stop it; a failure is recorded, not raised (Ctrl-C is)."""
    log_dir = LOG_DIR / result.key
    log_dir.mkdir(parents=True, exist_ok=True)
    scripts = MOODBOT_SCRIPTS if result.key == "c" else GDNN_SCRIPTS
    say(f"{result.label}: khởi động ({LEGEND[result.key]})…")
    try:
        with STARTERS[result.key](log_dir) as stack:
            measure(result, stack.url, scripts, levels, time_cap)
            result.rss_mb = stack_rss(stack.processes)
    except (Exception, SystemExit) as error:  # the launcher exits when a server does not come up
        result.failure = f"{type(error).__name__}: {error}"[:300]
        say(f"{result.label}: {result.failure}")


def _only(value: str) -> list[str]:
    keys = [k.strip().lower() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in STACKS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(f"chỉ nhận {', '.join(STACKS)} (phân cách bằng dấu phẩy), không phải {value!r}")
    return [k for k in STACKS if k in keys]


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Đo tải bot thật (Rasa + máy chủ hành động) qua kênh REST")
    parser.add_argument("--quick", action="store_true", help="chạy thử nhanh: 1 hội thoại × 8 lượt, 10 hội thoại × 4 lượt")
    parser.add_argument(
        "--only", type=_only, default=list(STACKS), help=f"ngăn xếp cần đo, ví dụ a,n (mặc định {','.join(STACKS)})"
    )
    parser.add_argument("--time-cap", type=float, default=TIME_CAP, help="giây tải tối đa mỗi ngăn xếp (mặc định 300)")
    args = parser.parse_args(argv)
    levels = QUICK_LEVELS if args.quick else FULL_LEVELS

    if {"a", "m", "n", "b"} & set(args.only) and not launcher.MODEL.exists():
        launcher.train_if_needed()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    say(
        f"{os.cpu_count()} CPU, tải trung bình {load}; mức tải "
        + ", ".join(f"{c} hội thoại × {t} lượt" for c, t in levels)
        + f"; tối đa {args.time_cap:.0f} s tải mỗi ngăn xếp"
    )
    results: list[StackResult] = []
    interrupted = False
    try:
        for key in args.only:
            results.append(StackResult(key))
            bench_stack(results[-1], levels, args.time_cap)
    except KeyboardInterrupt:
        interrupted = True
        results[-1].failure = results[-1].failure or "dừng bởi Ctrl-C"
    print("\nTải hội thoại qua kênh REST (loopback), độ trễ mỗi lượt từ khi gửi đến khi nhận đủ trả lời:\n")
    print(format_table(results, levels, args.time_cap))
    for extra in (format_scale(results, levels), format_tracker_store(results)):
        if extra:
            print("\n" + extra)
    print()
    for result in results:
        print(f"{result.label}: {LEGEND[result.key]}.")
    print(
        "Mỗi hội thoại gửi lượt kế tiếp ngay khi nhận trả lời; msg/s = lượt được trả lời / thời gian của mức tải; "
        f"lỗi = lỗi HTTP, quá {REQUEST_TIMEOUT:.0f} s hoặc trả lời rỗng; mỗi kịch bản chạy một lần để khởi động, không tính. "
        "Máy đo và bot dùng chung CPU."
    )
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
