"""The action server's /metrics over real HTTP: on its own loopback port, a counter that moves
after real calls, the token when one is set, and no start at all on a non-loopback address
without a token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.socket_table import listening_addresses, only_on_loopback

ROOT = Path(__file__).resolve().parents[2]
SECRET = "metrics-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_actions(tmp_path: Path, **env: str) -> tuple[subprocess.Popen, int, int]:
    port, metrics_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "actions", "--port", str(port), "--metrics-port", str(metrics_port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_SECRET": SECRET, **env},
        stdout=open(tmp_path / "actions.log", "ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, (tmp_path / "actions.log").read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process, port, metrics_port
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the action server never answered"
        time.sleep(0.3)


def value(text: str, line_start: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start))


def fallback_call(port: int, secret: str = SECRET) -> int:
    call = {
        "next_action": "action_fallback",
        "sender_id": "metrics-test",
        "tracker": {"sender_id": "metrics-test", "slots": {}, "latest_message": {"text": "xyz"}, "events": []},
        "domain": {},
        "version": "3.6.21",
    }
    headers = {"Authorization": f"Bearer {secret}"}
    return httpx.post(f"http://127.0.0.1:{port}/webhook", json=call, headers=headers, timeout=30).status_code


def test_calls_and_fallbacks_move_on_the_loopback_metrics_port(tmp_path):
    process, port, metrics_port = start_actions(tmp_path)
    try:
        assert only_on_loopback(listening_addresses(metrics_port)), listening_addresses(metrics_port)
        before = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
        fallback_call(port)
        fallback_call(port)
        fallback_call(port, secret="wrong")  # refused: not an action call
        after = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
        assert value(after, "gdnn_fallbacks_total") - value(before, "gdnn_fallbacks_total") == 2
        calls = 'gdnn_action_calls_total{action="action_fallback"'
        assert value(after, calls) - value(before, calls) == 2
        assert value(after, 'gdnn_action_seconds_count{action="action_fallback"}') == 2
        assert httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).status_code == 401  # not on the service port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_with_a_token_the_metrics_need_it(tmp_path):
    process, _port, metrics_port = start_actions(tmp_path, METRICS_TOKEN="scrape-token")
    try:
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        assert httpx.get(url, timeout=10).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
        good = httpx.get(url, headers={"Authorization": "Bearer scrape-token"}, timeout=10)
        assert good.status_code == 200 and "gdnn_fallbacks_total" in good.text
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_non_loopback_metrics_address_without_a_token_does_not_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "actions", "--port", str(free_port()), "--metrics-port", str(free_port())],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_SECRET": SECRET, "METRICS_HOST": "0.0.0.0", "METRICS_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "thiếu METRICS_TOKEN" in result.stderr
