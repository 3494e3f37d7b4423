"""The frozen conversation holdout (tests/holdout/): a second fictional catalog and multi-turn
conversations written blind against it, scored per turn.

    .venv/bin/python -m ops.holdout [--set DIR] [--url URL] [--html REPORT]

Without --url it loads the holdout catalog (with the national occupations and policies) into
a fresh SQLite file, starts the action server and Rasa with the trained model on their own
ports, runs every conversation, prints the share of turns passed overall, for first turns,
for follow-up turns, and per file (phu-huynh = parents), then stops the servers. The
holdout is never edited to fit the bot (tests/holdout/README.md). Exit status 0 whatever
the score (it is a measurement), 2 when the bot or the files cannot be used.

--set DIR runs another set laid out the same way (DIR/catalog, DIR/conversations), e.g. the
development set tests/dev3 (not frozen); the default is tests/holdout.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ops import conversation_checks, launcher

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT = ROOT / "tests" / "holdout"
RASA_PORT = int(os.environ.get("HOLDOUT_RASA_PORT", "5705"))
ACTIONS_PORT = int(os.environ.get("HOLDOUT_ACTIONS_PORT", "5755"))
DEFAULT_REPORT = ROOT / "var" / "reports" / "holdout.html"


def load_catalog(url: str, catalog: Path = HOLDOUT / "catalog") -> None:
    env = dict(os.environ, CATALOG_DATABASE_URL=url)
    steps = (
        ["migrate"],
        ["import", str(ROOT / "catalog" / "national"), "--yes"],
        ["import", str(catalog), "--demo", "--yes"],
    )
    for step in steps:
        result = subprocess.run([sys.executable, "-m", "catalog", *step], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"Không nạp được danh mục kiểm tra ({' '.join(step)}):\n{result.stderr[-2000:]}")


def score(results: list[conversation_checks.CheckResult]) -> list[tuple[str, int, int]]:
    """(group, turns passed, turns) for all turns, first turns, follow-ups and each file."""
    groups: dict[str, list[bool]] = {"tất cả": [], "lượt đầu": [], "lượt hỏi tiếp": []}
    for result in results:
        per_file = groups.setdefault(f"tệp {result.check.file}", [])
        for number, turn in enumerate(result.turns):
            passed = not turn.problems
            groups["tất cả"].append(passed)
            groups["lượt đầu" if number == 0 else "lượt hỏi tiếp"].append(passed)
            per_file.append(passed)
        # a conversation cut short (a button that was not there) counts its unplayed turns as failed
        missing = len(result.check.turns) - len(result.turns)
        groups["tất cả"] += [False] * missing
        groups["lượt hỏi tiếp"] += [False] * missing
        per_file += [False] * missing
    return [(name, sum(values), len(values)) for name, values in groups.items()]


def score_table(rows: list[tuple[str, int, int]]) -> str:
    lines = [f"{'nhóm':<34} {'đạt':>5} {'số lượt':>8} {'tỉ lệ':>7}"]
    for name, passed, total in rows:
        share = f"{100 * passed / total:.1f}%" if total else "–"
        lines.append(f"{name:<34} {passed:>5} {total:>8} {share:>7}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.holdout", description="Chấm bộ hội thoại kiểm tra độc lập")
    parser.add_argument(
        "--set",
        dest="set_dir",
        type=Path,
        default=HOLDOUT,
        metavar="DIR",
        help="thư mục bộ kiểm tra có catalog/ và conversations/ (mặc định tests/holdout)",
    )
    parser.add_argument("--url", help="bot đang chạy với danh mục kiểm tra (bỏ qua thì tự bật)")
    parser.add_argument("--html", type=Path, default=DEFAULT_REPORT)
    args = parser.parse_args(argv)
    set_dir = args.set_dir.resolve()
    if not (set_dir / "catalog").is_dir() or not (set_dir / "conversations").is_dir():
        print(f"Lỗi: {set_dir} phải có hai thư mục catalog/ và conversations/", file=sys.stderr)
        return 2
    log_name = "holdout" if set_dir == HOLDOUT.resolve() else f"holdout-{set_dir.name}"
    try:
        checks = conversation_checks.load([set_dir / "conversations"])
    except conversation_checks.CheckFileError as error:
        print(f"Lỗi tệp kiểm tra: {error}", file=sys.stderr)
        return 2
    processes = []
    url = args.url
    with tempfile.TemporaryDirectory(prefix="holdout-") as folder:
        if url is None:
            catalog_url = f"sqlite:///{folder}/catalog.sqlite3"
            load_catalog(catalog_url, set_dir / "catalog")
            os.environ["CATALOG_DATABASE_URL"] = catalog_url
            os.environ["TRACKER_STORE_URL"] = f"sqlite:///{folder}/conversations.sqlite3"  # not the checkout's var/
            launcher.settings.reload()
            if not launcher.MODEL.exists():
                launcher.train_if_needed()
            processes = launcher.start_servers(RASA_PORT, ACTIONS_PORT, log_dir=ROOT / "var" / "log" / log_name)
            url = f"http://127.0.0.1:{RASA_PORT}"
        try:
            results = conversation_checks.run(checks, url)
        finally:
            launcher.stop(processes)
    print(conversation_checks.text_report(results))
    print()
    print(score_table(score(results)))
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(conversation_checks.html_report(results, url), encoding="utf-8")
    print(f"Báo cáo HTML: {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
