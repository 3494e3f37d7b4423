"""ops/supervisor.py and ops.launcher.serve with real child processes: a killed child comes
back, a child that keeps crashing ends the launcher with a non-zero exit and a clear
Vietnamese reason, and SIGTERM stops everything cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from ops.supervisor import Child, Supervisor

ROOT = Path(__file__).resolve().parents[2]
SLEEPER = "import os, sys, time; open(sys.argv[1], 'a').write(f'{os.getpid()}\\n'); time.sleep(600)"


def sleeper(tmp_path: Path, name: str) -> Child:
    return Child(
        name,
        [sys.executable, "-c", SLEEPER, str(tmp_path / f"{name}.pids")],
        cwd=tmp_path,
        env=None,
        log=tmp_path / f"{name}.log",
    )


def started_pids(tmp_path: Path, name: str) -> list[int]:
    path = tmp_path / f"{name}.pids"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_child_is_started_again_and_the_others_are_left_alone(tmp_path):
    actions, gateway = sleeper(tmp_path, "actions"), sleeper(tmp_path, "gateway")
    messages: list[str] = []
    supervisor = Supervisor([actions, gateway], messages.append, first_delay=0.1, poll_seconds=0.05)
    watcher = threading.Thread(target=supervisor.watch)
    watcher.start()
    try:
        wait_until(lambda: len(started_pids(tmp_path, "actions")) == 1)
        actions.kill()
        wait_until(lambda: len(started_pids(tmp_path, "actions")) == 2)
        replacement = supervisor.children[0]
        assert replacement.pid == started_pids(tmp_path, "actions")[1] != actions.pid
        assert replacement.poll() is None and supervisor.children[1] is gateway and gateway.poll() is None
        assert any("actions dừng bất ngờ (mã -9); khởi động lại sau 0.1 giây" in m for m in messages), messages
    finally:
        supervisor.stopping.set()
        watcher.join()
        for child in supervisor.children:
            child.kill()
            child.wait()


LAUNCHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ops import launcher
    from ops.supervisor import Child, Supervisor

    here = Path(sys.argv[1])
    healthy = Child("Kênh zalo", [sys.executable, "-c", sys.argv[2], str(here / "healthy.pids")], cwd=here, env=None,
                    log=here / "healthy.log")
    crashing = Child("Máy chủ hành động (cổng 5055)", [sys.executable, "-c", "import sys; sys.exit(3)"], cwd=here,
                     env=None, log=here / "actions.log")
    sys.exit(launcher.serve(Supervisor([healthy, crashing], launcher.say, first_delay=0.05, poll_seconds=0.05)))
    """
)


def start_launcher(tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(tmp_path), SLEEPER],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_child_that_keeps_crashing_stops_the_launcher_non_zero_with_the_reason(tmp_path):
    launcher = start_launcher(tmp_path)
    out, err = launcher.communicate(timeout=120)
    assert launcher.returncode == 1, (out, err)
    assert (
        "Máy chủ hành động (cổng 5055) dừng bất ngờ 5 lần trong 60 giây (lần cuối mã 3); đã dừng toàn bộ bot. "
        f"Xem nguyên nhân trong {tmp_path / 'actions.log'}." in err
    ), err
    assert out.count("khởi động lại sau") == 4, out  # four restarts, then the fifth crash ends it
    assert not any(alive(pid) for pid in started_pids(tmp_path, "healthy"))  # the others were stopped too


def test_sigterm_stops_the_launcher_and_its_children_cleanly(tmp_path):
    launcher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            LAUNCHER.replace('"import sys; sys.exit(3)"', "sys.argv[2], str(here / 'other.pids')"),
            str(tmp_path),
            SLEEPER,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(lambda: started_pids(tmp_path, "healthy") and started_pids(tmp_path, "other"))
    launcher.send_signal(signal.SIGTERM)
    out, err = launcher.communicate(timeout=60)
    assert launcher.returncode == 0, (out, err)
    assert "Đang dừng…" in out
    pids = started_pids(tmp_path, "healthy") + started_pids(tmp_path, "other")
    assert len(pids) == 2 and not any(alive(pid) for pid in pids)
