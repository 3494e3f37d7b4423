"""`python -m staff users …` (accounts) and `python -m staff serve` (the web service). Accounts of admissions offices and administrators.

Passwords: `--password-stdin` reads one line (for scripts); on a terminal the
command asks twice; otherwise a random password is generated and printed once.
"""

from __future__ import annotations

import argparse
import getpass
import sys

import uvicorn

import settings
from staff import accounts
from staff.web.app import create_app


def _password(args) -> tuple[str, bool]:
    """(password, generated?)"""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu mới: ")
        if first != getpass.getpass("Nhập lại: "):
            raise accounts.AccountError("Hai lần nhập không khớp.")
        return first, False
    return accounts.new_password(), True


def cmd_add(args) -> int:
    password, generated = _password(args)
    accounts.add_user(args.username, password, args.role, args.institution or [])
    print(
        f"Đã tạo tài khoản {args.username.strip().lower()} ({args.role}"
        + (f", trường: {', '.join(args.institution)}" if args.institution else "")
        + ")."
    )
    if generated:
        print(f"Mật khẩu (chỉ hiện một lần, hãy gửi riêng cho người dùng): {password}")
    return 0


def cmd_list(_args) -> int:
    rows = accounts.list_users()
    if not rows:
        print("Chưa có tài khoản nào.")
    for row in rows:
        state = "KHÓA" if row["disabled"] else "hoạt động"
        print(
            f"{row['username']:<24} {row['role']:<7} {state:<10} trường: {', '.join(row['institutions']) or '—'}"
            f"  mã API: {row['active_tokens']}"
        )
    return 0


def cmd_disable(args) -> int:
    accounts.set_disabled(args.username, True)
    print(f"Đã khóa {args.username}; các phiên đăng nhập của tài khoản này đã kết thúc.")
    return 0


def cmd_enable(args) -> int:
    accounts.set_disabled(args.username, False)
    print(f"Đã mở khóa {args.username}.")
    return 0


def cmd_reset(args) -> int:
    password, generated = _password(args)
    accounts.reset_password(args.username, password)
    print(f"Đã đặt lại mật khẩu cho {args.username}; các phiên đăng nhập cũ đã kết thúc.")
    if generated:
        print(f"Mật khẩu mới (chỉ hiện một lần): {password}")
    return 0


def cmd_token_add(args) -> int:
    token = accounts.issue_token(args.username, args.label)
    print("Mã truy cập API (chỉ hiện một lần; lưu vào nơi an toàn):")
    print(token)
    return 0


def cmd_token_list(args) -> int:
    for row in accounts.list_tokens(args.username):
        state = "đã thu hồi" if row["revoked"] else "còn dùng"
        print(f"{row['id']:>5}  {row['created_at']:%Y-%m-%d}  {state:<11} {row['label']}")
    return 0


def cmd_token_revoke(args) -> int:
    accounts.revoke_token(args.token_id)
    print(f"Đã thu hồi mã truy cập số {args.token_id}.")
    return 0


def add_parser(commands) -> None:
    users = commands.add_parser("users", help="tài khoản phòng tuyển sinh và quản trị viên")
    sub = users.add_subparsers(dest="users_command", required=True)

    p = sub.add_parser("add", help="tạo tài khoản")
    p.add_argument("username")
    p.add_argument(
        "--role",
        choices=("school", "admin", "counsellor"),
        default="school",
        help="school: một trường; admin: quản trị; counsellor: người tư vấn (trò chuyện thử, câu hỏi chưa trả lời được, yêu cầu gọi lại)",
    )
    p.add_argument("--institution", action="append", help="mã cơ sở (lặp lại nếu nhiều trường)")
    p.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ một dòng đầu vào")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="liệt kê tài khoản")
    p.set_defaults(func=cmd_list)

    for name, func, text in (("disable", cmd_disable, "khóa tài khoản"), ("enable", cmd_enable, "mở khóa")):
        p = sub.add_parser(name, help=text)
        p.add_argument("username")
        p.set_defaults(func=func)

    p = sub.add_parser("reset", help="đặt lại mật khẩu")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_reset)

    p = sub.add_parser("token-add", help="tạo mã truy cập API cho tập lệnh")
    p.add_argument("username")
    p.add_argument("--label", default="", help="ghi chú, ví dụ tên máy chạy tập lệnh")
    p.set_defaults(func=cmd_token_add)

    p = sub.add_parser("token-list", help="các mã truy cập của một tài khoản")
    p.add_argument("username")
    p.set_defaults(func=cmd_token_list)

    p = sub.add_parser("token-revoke", help="thu hồi mã truy cập")
    p.add_argument("token_id", type=int)
    p.set_defaults(func=cmd_token_revoke)


def cmd_serve(_args) -> int:
    """The staff web service on OFFICE_HOST:OFFICE_PORT (behind HTTPS in production, OFFICE_TRUST_PROXY=1 there)."""
    config = settings.get()
    from catalog.history import change_sets_by_kind
    from metrics import catalog_changes
    from metrics.endpoint import serve_metrics

    catalog_changes.register(change_sets_by_kind)
    serve_metrics(config.office_metrics_port, "trang cán bộ")
    uvicorn.run(
        create_app(),
        host=config.office_host,
        port=config.office_port,
        log_level="warning",
        access_log=False,  # URLs carry no secrets, but keep logs free of personal data by default
        proxy_headers=config.office_trust_proxy,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m staff", description="Trang web cho cán bộ và tài khoản")
    commands = parser.add_subparsers(dest="command", required=True)
    add_parser(commands)
    commands.add_parser("serve", help="chạy trang web cho cán bộ").set_defaults(func=cmd_serve)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except accounts.AccountError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
