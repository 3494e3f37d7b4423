"""Accounts of admissions officers and administrators: passwords, API tokens,
web sessions and login throttling.

Passwords are hashed with argon2id; API tokens and session cookies are random
and stored only as SHA-256 hashes, so a copy of the database gives nobody a
way in. Tokens are looked up by hash and compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import settings
from catalog import db
from catalog.migrate import migrate
from catalog.models import as_utc
from staff.models import (
    ROLES,
    Account,
    AccountInstitution,
    ApiToken,
    LoginFailure,
    WebSession,
    utcnow,
)

TOKEN_PREFIX = "gdnn_"
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of
# "no such user" and "wrong password" the same.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is Vietnamese for operators."""


@dataclass(frozen=True)
class Actor:
    """Who is making a request, as the data layer needs to know it."""

    account_id: int
    username: str
    role: str
    institution_codes: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_edit(self, institution_code: str) -> bool:
        return self.is_admin or institution_code in self.institution_codes


def _actor(account: Account) -> Actor:
    return Actor(account.id, account.username, account.role, frozenset(account.institution_codes))


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def session_hours() -> float:
    return settings.get().office_session_hours


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def _get(session: Session, username: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == username.strip().lower()))
    if account is None:
        raise AccountError(f'Không có tài khoản "{username}".')
    return account


# --- managing accounts (CLI) -------------------------------------------------------------


def add_user(username: str, password: str, role: str, institutions: list[str], url: str | None = None) -> None:
    username = username.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-@" for c in username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số và . _ - @ (tối đa 64 ký tự).")
    if role == "school" and not institutions:
        raise AccountError("Tài khoản trường cần ít nhất một mã cơ sở (--institution MÃ).")
    _check_password(password)
    migrate(url)
    with db.session(url) as session, session.begin():
        if session.scalar(select(Account.id).where(Account.username == username)) is not None:
            raise AccountError(f'Tài khoản "{username}" đã có.')
        account = Account(username=username, password_hash=_hasher.hash(password), role=role, disabled=False)
        account.institutions = [AccountInstitution(institution_code=c.strip()) for c in dict.fromkeys(institutions)]
        session.add(account)


def list_users(url: str | None = None) -> list[dict]:
    migrate(url)
    with db.session(url) as session:
        tokens = dict(
            session.execute(
                select(ApiToken.account_id, func.count()).where(ApiToken.revoked_at.is_(None)).group_by(ApiToken.account_id)
            ).all()
        )
        return [
            {
                "username": a.username,
                "role": a.role,
                "institutions": list(a.institution_codes),
                "disabled": a.disabled,
                "active_tokens": tokens.get(a.id, 0),
            }
            for a in session.scalars(select(Account).order_by(Account.username))
        ]


def set_disabled(username: str, disabled: bool, url: str | None = None) -> None:
    """Disabling also ends the account's web sessions at once."""
    with db.session(url) as session, session.begin():
        account = _get(session, username)
        account.disabled = disabled
        if disabled:
            session.execute(delete(WebSession).where(WebSession.account_id == account.id))


def reset_password(username: str, password: str, url: str | None = None) -> None:
    _check_password(password)
    with db.session(url) as session, session.begin():
        account = _get(session, username)
        account.password_hash = _hasher.hash(password)
        session.execute(delete(WebSession).where(WebSession.account_id == account.id))


def token_days() -> float:
    return settings.get().office_token_days


def issue_token(username: str, label: str = "", url: str | None = None) -> str:
    """Returns the token; it is shown once and only its hash is kept. Tokens expire
    after OFFICE_TOKEN_DAYS (default 365) so a forgotten script does not keep access."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session(url) as session, session.begin():
        account = _get(session, username)
        session.add(
            ApiToken(
                account_id=account.id,
                token_hash=_sha256(token),
                label=label[:100],
                expires_at=utcnow() + dt.timedelta(days=token_days()),
            )
        )
    return token


def list_tokens(username: str, url: str | None = None) -> list[dict]:
    with db.session(url) as session:
        account = _get(session, username)
        return [
            {
                "id": t.id,
                "label": t.label,
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "revoked": t.revoked_at is not None,
            }
            for t in session.scalars(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id))
        ]


def revoke_token(token_id: int, url: str | None = None) -> None:
    with db.session(url) as session, session.begin():
        token = session.get(ApiToken, token_id)
        if token is None:
            raise AccountError(f"Không có mã truy cập số {token_id}.")
        token.revoked_at = token.revoked_at or utcnow()


# --- authentication (service) --------------------------------------------------------------


def actor_for_token(token: str, url: str | None = None) -> Actor | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = _sha256(token)
    with db.session(url) as session, session.begin():
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
            return None
        if as_utc(row.expires_at) <= utcnow():
            return None
        account = session.get(Account, row.account_id)
        if account is None or account.disabled:
            return None
        row.last_used_at = utcnow()
        return _actor(account)


# --- login throttling ------------------------------------------------------------------------
#
# Failures are counted three ways, each under a SHA-256 key so no name or address is stored:
# - per (name, address): OFFICE_LOGIN_MAX_FAILURES in the window blocks that name *from that
#   address* only — a stranger who knows an officer's name blocks himself, not the officer;
# - per address: OFFICE_LOGIN_MAX_FAILURES_PER_ADDRESS blocks every name from that address
#   (one machine guessing many names); a school office behind one address gets more room;
# - per name, from every address: past OFFICE_LOGIN_MAX_FAILURES each attempt on that name
#   waits a delay that doubles with each failure, up to OFFICE_LOGIN_MAX_DELAY_SECONDS. A
#   delay, not a lock: guessing from many addresses slows down, the officer still gets in.


@dataclass(frozen=True)
class Throttle:
    """What the failures so far mean for the next attempt: refused (`blocked` is "name"
    for this name from this address, "address" for every name from it) or delayed."""

    blocked: str | None
    delay_seconds: float
    minutes: float  # how long failures count (the block lasts at most this long)


def _failure_keys(username: str, address: str) -> dict[str, str]:
    name = username.strip().lower()[:64]
    return {
        "name": _sha256(f"pair:{name}\n{address}"),
        "address": _sha256("addr:" + address),
        "any_address": _sha256("user:" + name),
    }


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.get().office_login_window_minutes)


def login_throttle(username: str, address: str, url: str | None = None) -> Throttle:
    config = settings.get()
    keys = _failure_keys(username, address)
    since = utcnow() - _window()
    with db.session(url) as session:
        counts = {
            kind: session.scalar(
                select(func.count()).select_from(LoginFailure).where(LoginFailure.key_hash == key, LoginFailure.at >= since)
            )
            for kind, key in keys.items()
        }
    blocked = None
    if counts["name"] >= config.office_login_max_failures:
        blocked = "name"
    elif counts["address"] >= config.office_login_max_failures_per_address:
        blocked = "address"
    over = counts["any_address"] - config.office_login_max_failures
    delay = 0.0 if over < 0 else min(2.0 ** min(over, 30), config.office_login_max_delay_seconds)
    return Throttle(blocked, delay, config.office_login_window_minutes)


def log_in(username: str, password: str, address: str, url: str | None = None) -> tuple[str, str, Actor] | None:
    """Checks the password; on success opens a web session → (cookie token, CSRF token, actor).
    A failure is counted for `login_throttle`; a success clears this name's failures from this address."""
    keys = _failure_keys(username, address)
    with db.session(url) as session, session.begin():
        account = session.scalar(select(Account).where(Account.username == username.strip().lower()[:64]))
        try:
            ok = _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or account is None or account.disabled:
            # Failures older than the window count for nothing: dropping them keeps the table small.
            session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - _window()))
            for key in keys.values():
                session.add(LoginFailure(key_hash=key))
            return None
        session.execute(delete(LoginFailure).where(LoginFailure.key_hash == keys["name"]))
        session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        session.add(
            WebSession(
                account_id=account.id,
                token_hash=_sha256(token),
                csrf_token=csrf,
                expires_at=utcnow() + dt.timedelta(hours=session_hours()),
            )
        )
        return token, csrf, _actor(account)


def actor_for_session(token: str, url: str | None = None) -> tuple[Actor, str] | None:
    """(actor, CSRF token) for a live session cookie, else None."""
    if not token or len(token) > 100:
        return None
    digest = _sha256(token)
    with db.session(url) as session:
        row = session.scalar(select(WebSession).where(WebSession.token_hash == digest))
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        if as_utc(row.expires_at) <= utcnow():
            return None
        account = session.get(Account, row.account_id)
        if account is None or account.disabled:
            return None
        return _actor(account), row.csrf_token


def log_out(token: str, url: str | None = None) -> None:
    with db.session(url) as session, session.begin():
        session.execute(delete(WebSession).where(WebSession.token_hash == _sha256(token)))
