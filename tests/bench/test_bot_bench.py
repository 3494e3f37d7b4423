"""The pure parts of `make bench-bot` (bench/bot_bench.py): percentiles, the one table with the
ratios to the stock Rasa bot, and the RSS reader. Starts no server (the bench itself does)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from bench import bot_bench
from bench.bot_bench import Level, StackResult, format_table, percentile

LEVELS = ((1, 40), (20, 10), (50, 6))


def test_percentile_is_the_nearest_rank_of_what_was_measured():
    values = [float(v) for v in range(20, 0, -1)]  # 20 … 1, unsorted on purpose
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile(values, 100) == 20
    assert percentile(values, 0) == 1
    assert percentile([7.5], 95) == 7.5
    assert percentile([1, 2, 3, 1000], 95) == 1000  # one slow turn in four is the p95
    assert percentile([], 95) is None


def _level(conversations: int, turns: int, latencies: list[float], seconds: float, errors: int = 0, cut: bool = False):
    return Level(conversations, turns, latencies_ms=latencies, errors=errors, seconds=seconds, cut=cut)


def _rows(table: str) -> tuple[list[str], dict[str, list[str]]]:
    lines = table.splitlines()
    header = re.split(r"\s{2,}", lines[1].strip())
    rows = {}
    for line in lines[3:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) > 1:  # not a note under the table
            rows[cells[0]] = cells
    return header, rows


def _results() -> list[StackResult]:
    a = StackResult("a", levels=[_level(1, 20, [30.0] * 20, 1.0), _level(20, 10, [50.0] * 200, 20.0), None])
    b = StackResult(
        "b",
        levels=[
            _level(1, 20, [float(v) for v in range(10, 201, 10)], 2.0),  # p95 190 ms
            _level(20, 10, [80.0] * 30, 10.0, errors=2),  # 3.0 msg/s
            _level(50, 6, [90.0] * 100, 10.0, cut=True),
        ],
        rss_mb=[("hành động", 90.4), ("Rasa", 600.2), ("hành động", 91.0), ("Rasa", 610.0), ("HAProxy", 8.0)],
    )
    c = StackResult(
        "c",
        levels=[
            _level(1, 20, [float(v) for v in range(1, 21)], 1.0),  # p95 19 ms
            _level(20, 10, [20.0] * 100, 10.0),  # 10.0 msg/s
            _level(50, 6, [30.0] * 300, 10.0),
        ],
        rss_mb=[("Rasa", 500.0)],
    )
    return [a, b, c]


def test_the_table_has_a_row_per_stack_with_the_ratios_to_the_stock_bot():
    table = format_table(_results(), LEVELS, time_cap=300)
    header, rows = _rows(table)
    assert set(rows) == {"(a) mặc định", "(b) sản xuất", "(c) rasa init"}
    assert all(len(row) == len(header) for row in rows.values()), table
    p95_ratio, throughput_ratio = header.index("p95 1 hth"), header.index("msg/s 20 hth")

    b = rows["(b) sản xuất"]
    assert b[p95_ratio] == "10.00"  # 190 ms / 19 ms
    assert b[throughput_ratio] == "0.30"  # 3.0 / 10.0 msg/s
    assert b[1:4] == ["100", "190", "200"]  # one conversation: p50, p95, max
    assert b[5:9] == ["3.0", "80", "80", "2"]  # 20 conversations: msg/s, p50, p95, errors
    assert b[9] == "10.0*"  # 50 conversations, stopped by the time cap
    assert b[header.index("tổng")] == "1400"
    assert b[-1] == "hành động 90+91 · Rasa 600+610 · HAProxy 8"

    assert rows["(a) mặc định"][p95_ratio] == "1.58"  # 30 / 19
    assert rows["(a) mặc định"][9:13] == ["—"] * 4  # 50 conversations: never reached
    assert rows["(c) rasa init"][p95_ratio] == "—" and rows["(c) rasa init"][throughput_ratio] == "—"
    assert "* (b) sản xuất, 50 hội thoại: dừng ở giới hạn 300 s, đo được 100/300 lượt" in table
    assert "1 hội thoại × 40 lượt" in table and "50 hội thoại × 6 lượt" in table


def test_without_the_stock_bot_there_is_no_ratio_and_a_failure_is_reported():
    a, b, _ = _results()
    b = StackResult("b", failure="SystemExit: Rasa 1 không sẵn sàng sau 240 giây.")
    table = format_table([a, b], ((1, 8), (10, 4)))
    header, rows = _rows(table)
    assert rows["(a) mặc định"][header.index("p95 1 hth")] == "—"
    assert "msg/s 10 hth" in header and "10 hội thoại × 4 lượt" in table
    assert set(rows["(b) sản xuất"][1:]) == {"—"}
    assert "(b) sản xuất: không đo hết — SystemExit: Rasa 1 không sẵn sàng sau 240 giây." in table


def _statm_rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_rss_of_the_current_process_matches_the_kernel_and_follows_allocations():
    before = bot_bench.vm_rss_kb(os.getpid())
    assert abs(before - _statm_rss_kb()) < 4096
    ballast = bytearray(64 * 1024 * 1024)  # zero-filled: every page touched
    after = bot_bench.vm_rss_kb(os.getpid())
    assert after - before > 60 * 1024
    del ballast
    assert bot_bench.vm_rss_kb(2**22 + 12345) == 0  # no such process


def test_the_rss_of_a_process_includes_its_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(40 * 2**20); time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while bot_bench.vm_rss_kb(child.pid) < 40 * 1024 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.pid in bot_bench.descendants(os.getpid())
        own, total = bot_bench.vm_rss_kb(os.getpid()) / 1024, bot_bench.tree_rss_mb(os.getpid())
        assert total - own > 40
    finally:
        child.kill()
        child.wait()


def test_processes_are_named_by_their_command_and_only_known_stacks_are_accepted():
    assert bot_bench.role(["/usr/sbin/haproxy", "-f", "x.cfg", "-db"]) == "HAProxy"
    assert bot_bench.role([sys.executable, "-m", "actions", "--port", "5455"]) == "hành động"
    assert bot_bench.role(["/w/.venv-rasa/bin/rasa", "run", "--enable-api"]) == "Rasa"
    assert bot_bench.role(["/w/.venv-rasa/bin/python", "-m", "bot.rasa_run", "run", "--enable-api"]) == "Rasa"
    assert bot_bench._only("c, a") == ["a", "c"]
    assert bot_bench._only("n,a") == ["a", "n"]  # the national catalog right after the sample one
    assert bot_bench._only("m,a") == ["a", "m"]  # the in-memory tracker store right after the default
    with pytest.raises(Exception, match="a, m, n, b, c"):
        bot_bench._only("a,d")


def _scale_rows(text: str) -> dict[str, list[str]]:
    return {cells[0]: cells[1:] for cells in (re.split(r"\s{2,}", line.strip()) for line in text.splitlines()[1:])}


def test_the_national_catalog_is_compared_with_the_sample_one_on_the_same_stack():
    a = StackResult("a", levels=[_level(1, 20, [float(v) for v in range(1, 21)] * 5, 1.0), _level(20, 10, [50.0] * 200, 20.0)])
    n = StackResult("n", levels=[_level(1, 20, [float(v) for v in range(2, 41, 2)], 1.0), _level(20, 10, [60.0] * 180, 20.0)])
    text = bot_bench.format_scale([a, n, *_results()[1:]], LEVELS)
    assert text.splitlines()[0].startswith("Cỡ danh mục")
    assert "2,000 cơ sở" in text and "50,000 ngành/nghề" in text
    rows = _scale_rows(text)
    assert rows["danh mục"] == ["p95 1 hth (ms)", "msg/s 20 hth"]
    assert rows["danh mục mẫu (a)"] == ["19", "10.0"]  # p95 of 1…20 (five times over); 200 turns in 20 s
    assert rows["toàn quốc (n)"] == ["38", "9.0"]
    assert rows["toàn quốc / mẫu"] == ["2.00", "0.90"]
    assert rows["mục tiêu"] == ["≤ 1.30 KHÔNG ĐẠT", "≥ 0.80 đạt"]
    # the main table has a row for the national stack too, with its ratios to the stock bot
    header, table_rows = _rows(format_table([a, n, *_results()[1:]], LEVELS))
    assert table_rows["(n) toàn quốc"][header.index("p95 1 hth")] == "2.00"  # 38 / 19


def test_without_the_national_stack_there_is_no_comparison_and_without_the_sample_no_ratio():
    assert bot_bench.format_scale(_results(), LEVELS) == ""
    n = StackResult("n", levels=[_level(1, 8, [40.0] * 8, 1.0), _level(10, 4, [60.0] * 40, 8.0)])
    rows = _scale_rows(bot_bench.format_scale([n], ((1, 8), (10, 4))))
    assert rows["danh mục"] == ["p95 1 hth (ms)", "msg/s 10 hth"]  # --quick: the first concurrent level has 10
    assert rows["danh mục mẫu (a)"] == ["—", "—"]
    assert rows["toàn quốc (n)"] == ["40", "5.0"]
    assert rows["toàn quốc / mẫu"] == ["—", "—"]
    assert rows["mục tiêu"] == ["≤ 1.30", "≥ 0.80"]
    failed = StackResult("n", failure="RuntimeError: không nạp được")
    assert _scale_rows(bot_bench.format_scale([_results()[0], failed], LEVELS))["toàn quốc (n)"] == ["—", "—"]


def test_the_default_sqlite_tracker_store_is_compared_with_the_in_memory_one():
    a = StackResult("a", levels=[_level(1, 20, [float(v) for v in range(1, 21)], 1.0)])
    m = StackResult("m", levels=[_level(1, 20, [float(v) for v in range(1, 21)][:-2] + [10.0, 10.0], 1.0)])
    text = bot_bench.format_tracker_store([a, m])
    assert "tệp SQLite (a) 19 ms, bộ nhớ (m) 17 ms" in text  # nearest-rank p95 of each
    assert "SQLite / bộ nhớ 1.12 (mục tiêu ≤ 1.10: KHÔNG ĐẠT)" in text
    assert "đạt" in bot_bench.format_tracker_store([a, StackResult("m", levels=a.levels)]).split("mục tiêu")[1]
    assert bot_bench.format_tracker_store([a]) == ""  # without (m) nothing to compare
