"""The packages import only downwards (docs/architecture.md): checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# package → the project packages it may import (besides itself). Keep docs/architecture.md in step.
ALLOWED = {
    "settings": set(),
    "vntext": set(),
    "catalog": {"settings", "vntext"},
    "metrics": {"settings"},
    "counselling": {"settings", "vntext", "catalog"},
    "bot": {"settings", "vntext", "metrics"},
    "actions": {"settings", "vntext", "catalog", "counselling", "metrics"},
    "staff": {"settings", "vntext", "catalog", "counselling", "bot", "metrics"},
    "portal": {"settings", "vntext", "catalog", "bot", "metrics"},
    "notifier": {"settings", "vntext", "catalog", "counselling", "bot", "metrics"},
    "ops": {"settings", "vntext", "catalog", "counselling", "bot", "staff", "portal", "notifier", "metrics"},
    "migrations": {"catalog", "counselling", "staff"},
}
PROJECT = set(ALLOWED) | {"tests", "bench"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & PROJECT


def test_every_package_imports_only_what_it_may():
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for imported in _imports(path) - allowed - {package}:
                wrong.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert wrong == []


def test_the_allowed_imports_have_no_cycle():
    state: dict[str, str] = {}

    def visit(package: str, trail: tuple[str, ...]) -> None:
        assert state.get(package) != "open", " → ".join((*trail, package))
        if state.get(package) == "done":
            return
        state[package] = "open"
        for below in ALLOWED[package]:
            visit(below, (*trail, package))
        state[package] = "done"

    for package in ALLOWED:
        visit(package, ())


def test_the_rasa_side_needs_only_the_standard_library_packages():
    """bot/nlu runs inside Rasa (Python 3.10): only vntext and settings from the project."""
    for path in (ROOT / "bot" / "nlu").rglob("*.py"):
        assert _imports(path) <= {"bot", "vntext", "settings"}, path


def test_no_action_runs_another_action():
    """One path through a turn: answers hand over to plain functions, never to another
    action's run() (which would read the message again and answer in its own way)."""
    calls = []
    for path in sorted((ROOT / "actions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("run", "answer")
                and isinstance(node.func.value, ast.Call)
                and isinstance(node.func.value.func, ast.Name)
                and node.func.value.func.id.startswith("Action")
            ):
                calls.append(f"{path.name}:{node.lineno}")
    assert calls == []
