"""Conversation checks that counsellors write in YAML, run against the running bot over REST.

    .venv/bin/python -m ops.conversation_checks [FILES_OR_FOLDERS…] [--url URL] [--html REPORT]

A check is a list of turns; each turn says what the student types (or which
button they press) and what the bot's answer must / must not mention and which
buttons it must offer. Text is compared without diacritics and case. The
format is documented in Vietnamese in docs/kiem-tra-hoi-thoai.md.
Exit status: 0 all passed, 1 some failed, 2 a file could not be read or the bot is unreachable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from vntext import folding

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = PROJECT_ROOT / "tests" / "conversations"
DEFAULT_REPORT = PROJECT_ROOT / "var" / "reports" / "kiem-tra-hoi-thoai.html"
CHANNEL = "kiem-tra"  # not counted in the unanswered-questions report

# Keys are compared folded, so "nguoi dung noi" works as well as "người dùng nói".
CHECK_KEYS = {"ten": "name", "luot": "turns", "ghi chu": "note"}
TURN_KEYS = {
    "nguoi dung noi": "say",
    "nguoi dung bam nut": "press",
    "bot phai nhac den": "must",
    "bot khong duoc nhac den": "must_not",
    "bot phai co nut": "buttons",
}


class CheckFileError(Exception):
    pass


@dataclass
class Turn:
    say: str | None = None
    press: str | None = None
    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f'bấm nút "{self.press}"' if self.press is not None else f'nói "{self.say}"'


@dataclass
class Check:
    name: str
    file: str
    turns: list[Turn]


@dataclass
class TurnResult:
    turn: Turn
    reply: str
    buttons: list[str]
    problems: list[str]


@dataclass
class CheckResult:
    check: Check
    turns: list[TurnResult]

    @property
    def passed(self) -> bool:
        return all(not t.problems for t in self.turns)


def _key(value) -> str:
    return folding.fold(str(value)).strip().rstrip(":")


def _strings(value, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise CheckFileError(f"{where}: cần một chuỗi hoặc một danh sách chuỗi")


def load(paths: list[Path]) -> list[Check]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yml")) + sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    if not files:
        raise CheckFileError("không tìm thấy tệp .yml nào")
    checks: list[Check] = []
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise CheckFileError(f"{file.name}: không đọc được ({type(error).__name__}: {error})") from None
        if not isinstance(data, list):
            raise CheckFileError(f'{file.name}: tệp phải là một danh sách các mục bắt đầu bằng "- tên:"')
        for index, item in enumerate(data, start=1):
            checks.append(_check(item, file.name, index))
    return checks


def _check(item, file: str, index: int) -> Check:
    where = f"{file}, mục {index}"
    if not isinstance(item, dict):
        raise CheckFileError(f'{where}: mỗi mục cần có "tên" và "lượt"')
    fields = {}
    for key, value in item.items():
        name = CHECK_KEYS.get(_key(key))
        if name is None:
            raise CheckFileError(f'{where}: không hiểu khóa "{key}"; dùng: tên, lượt, ghi chú')
        fields[name] = value
    name = str(fields.get("name") or f"mục {index}")
    where = f'{file}, "{name}"'
    turns_data = fields.get("turns")
    if not isinstance(turns_data, list) or not turns_data:
        raise CheckFileError(f'{where}: cần "lượt" là danh sách các lượt nói')
    turns = []
    for number, raw in enumerate(turns_data, start=1):
        turn_where = f"{where}, lượt {number}"
        if not isinstance(raw, dict):
            raise CheckFileError(f'{turn_where}: mỗi lượt bắt đầu bằng "- người dùng nói:"')
        turn = Turn()
        for key, value in raw.items():
            attribute = TURN_KEYS.get(_key(key))
            if attribute is None:
                raise CheckFileError(
                    f'{turn_where}: không hiểu khóa "{key}"; dùng: người dùng nói, người dùng bấm nút, '
                    "bot phải nhắc đến, bot không được nhắc đến, bot phải có nút"
                )
            if attribute in ("say", "press"):
                setattr(turn, attribute, "" if value is None else str(value))
            else:
                setattr(turn, attribute, _strings(value, f'{turn_where}, "{key}"'))
        if (turn.say is None) == (turn.press is None):
            raise CheckFileError(f'{turn_where}: cần đúng một trong "người dùng nói" hoặc "người dùng bấm nút"')
        turns.append(turn)
    return Check(name, file, turns)


def _contains(haystack: str, needle: str) -> bool:
    return folding.fold(needle).lower().strip() in folding.fold(haystack).lower()


def run_check(check: Check, url: str, client: httpx.Client) -> CheckResult:
    sender = f"kiem-tra-{uuid.uuid4().hex[:12]}"
    results: list[TurnResult] = []
    buttons: list[dict] = []
    for turn in check.turns:
        message = turn.say
        if turn.press is not None:
            button = next((b for b in buttons if _contains(b.get("title", ""), turn.press)), None)
            if button is None:
                titles = ", ".join(b.get("title", "") for b in buttons) or "không có nút nào"
                results.append(TurnResult(turn, "", [], [f'không có nút "{turn.press}" (các nút: {titles})']))
                break
            message = button.get("payload", "")
        response = client.post(
            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": {"channel": CHANNEL}}
        )
        response.raise_for_status()
        messages = [m for m in response.json() if isinstance(m, dict)]
        reply = "\n".join(m.get("text") or "" for m in messages)
        buttons = [b for m in messages for b in m.get("buttons") or []]
        titles = [b.get("title", "") for b in buttons]
        problems = [f'thiếu "{w}"' for w in turn.must if not _contains(reply, w)]
        problems += [f'không được có "{w}"' for w in turn.must_not if _contains(reply, w)]
        problems += [f'thiếu nút "{w}"' for w in turn.buttons if not any(_contains(t, w) for t in titles)]
        results.append(TurnResult(turn, reply, titles, problems))
    return CheckResult(check, results)


def run(checks: list[Check], url: str) -> list[CheckResult]:
    with httpx.Client(timeout=60) as client:
        return [run_check(check, url.rstrip("/"), client) for check in checks]


def text_report(results: list[CheckResult]) -> str:
    lines = []
    for result in results:
        mark = "ĐẠT  " if result.passed else "LỖI  "
        lines.append(f"{mark} {result.check.name}  ({result.check.file})")
        if not result.passed:
            for number, turn in enumerate(result.turns, start=1):
                if turn.problems:
                    lines.append(f"       lượt {number}, {turn.turn.label}: " + "; ".join(turn.problems))
                    lines.append("       bot trả lời: " + (turn.reply.replace("\n", " / ")[:300] or "(không có gì)"))
                    if turn.buttons:
                        lines.append("       nút: " + ", ".join(turn.buttons))
    passed = sum(r.passed for r in results)
    lines.append(f"\n{passed}/{len(results)} kiểm tra đạt.")
    return "\n".join(lines)


def html_report(results: list[CheckResult], url: str) -> str:
    esc = html.escape
    passed = sum(r.passed for r in results)
    rows = []
    for result in results:
        turns = "".join(
            f'<li class="{"bad" if t.problems else "ok"}"><b>{esc(t.turn.label)}</b>'
            f'<div class="reply">{esc(t.reply).replace(chr(10), "<br>")}</div>'
            + (f'<div class="buttons">Nút: {esc(", ".join(t.buttons))}</div>' if t.buttons else "")
            + (f'<div class="problems">{esc("; ".join(t.problems))}</div>' if t.problems else "")
            + "</li>"
            for t in result.turns
        )
        status = "ĐẠT" if result.passed else "LỖI"
        rows.append(
            f'<details{" open" if not result.passed else ""}><summary class="{status}">{status} — '
            f"{esc(result.check.name)} <small>({esc(result.check.file)})</small></summary><ol>{turns}</ol></details>"
        )
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Kiểm tra hội thoại</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:1rem auto;padding:0 1rem}}
summary.ĐẠT{{color:#067647}}summary.LỖI{{color:#b42318;font-weight:600}}.reply{{color:#374151;margin:.25rem 0}}
.problems{{color:#b42318}}.buttons{{color:#5b6777}}li.bad{{background:#fff4f2}}</style></head><body>
<h1>Kiểm tra hội thoại: {passed}/{len(results)} đạt</h1>
<p>Bot: {esc(url)} — lúc {dt.datetime.now():%d/%m/%Y %H:%M}</p>
{"".join(rows)}
</body></html>"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.conversation_checks", description="Chạy các kiểm tra hội thoại")
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_FOLDER])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="địa chỉ Rasa (kênh REST)")
    parser.add_argument("--html", type=Path, default=DEFAULT_REPORT, help="báo cáo HTML")
    args = parser.parse_args(argv)
    try:
        checks = load(args.paths)
    except CheckFileError as error:
        print(f"Lỗi tệp kiểm tra: {error}", file=sys.stderr)
        return 2
    try:
        results = run(checks, args.url)
    except httpx.HTTPError as error:
        print(
            f"Không nói chuyện được với bot ở {args.url} ({type(error).__name__}). Bot đã chạy chưa (make serve)?",
            file=sys.stderr,
        )
        return 2
    print(text_report(results))
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(html_report(results, args.url), encoding="utf-8")
    print(f"Báo cáo HTML: {args.html}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
