"""The counsellors' conversation checks (tests/conversations/*.yml) against the real bot, and
the runner itself: a failing check fails, a broken file is explained."""

from __future__ import annotations

from pathlib import Path

from ops import conversation_checks

SHIPPED = Path(__file__).resolve().parents[1] / "conversations"


def test_the_shipped_checks_pass(bot_url, tmp_path):
    checks = conversation_checks.load([SHIPPED])
    assert len(checks) >= 30
    report = tmp_path / "bao-cao.html"
    status = conversation_checks.main([str(SHIPPED), "--url", bot_url, "--html", str(report)])
    results = conversation_checks.run(checks, bot_url) if status else []
    assert status == 0, conversation_checks.text_report(results)
    assert f"{len(checks)}/{len(checks)} đạt" in report.read_text(encoding="utf-8")


def test_a_wrong_expectation_fails_with_a_readable_report(bot_url, tmp_path, capsys):
    (tmp_path / "sai.yml").write_text(
        "- tên: Bot phải nói điều nó không nói\n"
        "  lượt:\n"
        "    - nguoi dung noi: xin chao\n"  # keys without diacritics work too
        "      bot phai nhac den: [con voi bay]\n"
        "      bot không được nhắc đến: [Chào bạn]\n"
        "    - người dùng bấm nút: Nút không có\n",
        encoding="utf-8",
    )
    report = tmp_path / "bao-cao.html"
    assert conversation_checks.main([str(tmp_path / "sai.yml"), "--url", bot_url, "--html", str(report)]) == 1
    out = capsys.readouterr().out
    assert 'thiếu "con voi bay"' in out and 'không được có "Chào bạn"' in out
    assert 'không có nút "Nút không có"' in out
    assert "0/1 kiểm tra đạt" in out
    assert "LỖI" in report.read_text(encoding="utf-8")


def test_a_broken_file_is_explained(tmp_path, capsys):
    (tmp_path / "hong.yml").write_text("- tên: Khóa gõ sai\n  lượt:\n    - người dùng hỏi: xin chào\n", encoding="utf-8")
    assert conversation_checks.main([str(tmp_path), "--html", str(tmp_path / "r.html")]) == 2
    assert 'không hiểu khóa "người dùng hỏi"' in capsys.readouterr().err


def test_an_unreachable_bot_is_said_plainly(tmp_path, capsys):
    (tmp_path / "a.yml").write_text("- tên: a\n  lượt:\n    - người dùng nói: chào\n", encoding="utf-8")
    assert conversation_checks.main([str(tmp_path), "--url", "http://127.0.0.1:9", "--html", str(tmp_path / "r.html")]) == 2
    assert "Bot đã chạy chưa" in capsys.readouterr().err
