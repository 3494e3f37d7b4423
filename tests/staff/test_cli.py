"""`python -m staff users …` (staff/cli.py) as an operator runs it."""

from __future__ import annotations

import re

from staff import accounts
from tests.catalog.test_cli import run as run_cli


def run(url: str, *args: str, stdin: str | None = None):
    return run_cli(url, *args, stdin=stdin, module="staff")


def test_accounts_are_created_listed_disabled_and_reset(catalog_url):
    created = run(catalog_url, "users", "add", "CanBo.A", "--institution", "QN-VHBM", stdin="")
    assert created.returncode == 0, created.stderr
    password = re.search(r"chỉ hiện một lần, hãy gửi riêng cho người dùng\): (\S+)", created.stdout).group(1)
    assert accounts.log_in("canbo.a", password, "1.2.3.4", url=catalog_url) is not None

    admin = run(catalog_url, "users", "add", "quantri", "--role", "admin", "--password-stdin", stdin="mat-khau-quan-tri\n")
    assert admin.returncode == 0 and "Mật khẩu" not in admin.stdout  # given, so not printed
    listing = run(catalog_url, "users", "list").stdout
    assert re.search(r"canbo\.a\s+school\s+hoạt động\s+trường: QN-VHBM", listing)

    assert run(catalog_url, "users", "add", "canbo.a", "--institution", "X", stdin="").returncode == 2
    short = run(catalog_url, "users", "add", "b", "--role", "admin", "--password-stdin", stdin="ngan\n")
    assert short.returncode == 2 and "ít nhất 10 ký tự" in short.stderr
    assert "cần ít nhất một mã cơ sở" in run(catalog_url, "users", "add", "c", stdin="").stderr

    assert run(catalog_url, "users", "disable", "canbo.a").returncode == 0
    assert accounts.log_in("canbo.a", password, "1.2.3.4", url=catalog_url) is None
    assert run(catalog_url, "users", "enable", "canbo.a").returncode == 0
    reset = run(catalog_url, "users", "reset", "canbo.a", "--password-stdin", stdin="mat-khau-moi-123\n")
    assert reset.returncode == 0
    assert accounts.log_in("canbo.a", password, "1.2.3.4", url=catalog_url) is None
    assert accounts.log_in("canbo.a", "mat-khau-moi-123", "1.2.3.4", url=catalog_url) is not None
    assert "Không có tài khoản" in run(catalog_url, "users", "disable", "ai-do").stderr


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(catalog_url):
    run(catalog_url, "users", "add", "canbo.a", "--institution", "QN-VHBM", stdin="")
    issued = run(catalog_url, "users", "token-add", "canbo.a", "--label", "máy chủ trường")
    token = issued.stdout.strip().splitlines()[-1]
    assert token.startswith("gdnn_") and accounts.actor_for_token(token, url=catalog_url).username == "canbo.a"
    from sqlalchemy import select

    from catalog import db
    from staff.models import ApiToken

    with db.session(catalog_url) as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64
    listing = run(catalog_url, "users", "token-list", "canbo.a").stdout
    token_id = listing.split()[0]
    assert "còn dùng" in listing and "máy chủ trường" in listing
    assert run(catalog_url, "users", "token-revoke", token_id).returncode == 0
    assert accounts.actor_for_token(token, url=catalog_url) is None
    assert "đã thu hồi" in run(catalog_url, "users", "token-list", "canbo.a").stdout
