"""Keeps `make serve`'s processes running: a child that stops unexpectedly is started again,
after a wait that doubles with each recent crash; one that keeps crashing stops everything.

Why restart: an action server or a gateway that dies (a bug on one odd message, memory,
a database that went away at start) would otherwise leave the bot silent until someone
notices. Why give up: a child that dies again as soon as it starts (a port taken, a bad
setting, an unwritable state directory) will not heal by itself; restarting it forever
would hide the cause in a log nobody reads. After MAX_CRASHES within WINDOW_SECONDS the
launcher stops every process, says which one and where its log is, and exits non-zero,
so a service manager (systemd, a terminal) sees the failure.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

MAX_CRASHES = 5
WINDOW_SECONDS = 60.0
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0


class Child(subprocess.Popen):
    """A child process that knows how to start itself again: its name for the operator,
    its command, environment and log file."""

    def __init__(self, name: str, args: list[str], *, cwd: Path, env: dict | None, log: Path):
        self.name, self.log, self._spec = name, log, (list(args), cwd, env)
        with open(log, "ab") as output:  # the child keeps its own descriptor; ours closes here
            super().__init__(args, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)

    def again(self) -> Child:
        args, cwd, env = self._spec
        return Child(self.name, args, cwd=cwd, env=env, log=self.log)


class KeepsCrashing(Exception):
    def __init__(self, child: Child, crashes: int, window: float):
        self.child, self.crashes, self.window = child, crashes, window
        super().__init__(
            f"{child.name} dừng bất ngờ {crashes} lần trong {window:.0f} giây (lần cuối mã {child.returncode}); "
            f"đã dừng toàn bộ bot. Xem nguyên nhân trong {child.log}."
        )


class Supervisor:
    def __init__(
        self,
        children: list[subprocess.Popen],
        say: Callable[[str], None] = print,
        *,
        max_crashes: int = MAX_CRASHES,
        window: float = WINDOW_SECONDS,
        first_delay: float = FIRST_DELAY_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        poll_seconds: float = 0.5,
    ):
        self.children = list(children)  # in start order; replaced in place, so stop() stops the current ones
        self.say = say
        self.max_crashes, self.window = max_crashes, window
        self.first_delay, self.max_delay, self.poll_seconds = first_delay, max_delay, poll_seconds
        self.stopping = threading.Event()
        self._crashes: dict[int, deque[float]] = {}  # slot → recent crash times
        self._restart_at: dict[int, float] = {}  # slot → when its child starts again

    def watch(self) -> None:
        """Until `stopping` is set; raises KeepsCrashing. Only `Child` processes are restarted;
        another kind that stops is reported once and left stopped."""
        reported: set[int] = set()
        while not self.stopping.wait(self.poll_seconds):
            now = time.monotonic()
            for slot, process in enumerate(self.children):
                if slot in self._restart_at:
                    if now >= self._restart_at[slot] and not self.stopping.is_set():
                        del self._restart_at[slot]
                        self.children[slot] = process.again()
                        self.say(f"{process.name} đã được khởi động lại (log: {process.log}).")
                    continue
                if process.poll() is None:
                    continue
                if not isinstance(process, Child):
                    if slot not in reported:
                        reported.add(slot)
                        self.say(f"Tiến trình {process.args!r} đã dừng (mã {process.returncode}).")
                    continue
                crashes = self._crashes.setdefault(slot, deque())
                crashes.append(now)
                while crashes and crashes[0] < now - self.window:
                    crashes.popleft()
                if len(crashes) >= self.max_crashes:
                    raise KeepsCrashing(process, len(crashes), self.window)
                delay = min(self.max_delay, self.first_delay * 2 ** (len(crashes) - 1))
                self._restart_at[slot] = now + delay
                self.say(
                    f"{process.name} dừng bất ngờ (mã {process.returncode}); khởi động lại sau {delay:g} giây "
                    f"(lần {len(crashes)} trong {self.window:.0f} giây; log: {process.log})."
                )
