"""Tables for the people who update the catalog: accounts, their sessions and
tokens, uploads waiting for confirmation, and the audit trail with one
snapshot per school version (what rollback restores).

They live in the catalog database so that an applied upload and its audit
record are written in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models import Base

ROLES = ("school", "admin", "counsellor")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # ROLES
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    institutions: Mapped[list[AccountInstitution]] = relationship(
        cascade="all, delete-orphan", order_by="AccountInstitution.institution_code", lazy="selectin"
    )

    @property
    def institution_codes(self) -> tuple[str, ...]:
        return tuple(link.institution_code for link in self.institutions)


class AccountInstitution(Base):
    """Which institutions a `school` account may change. A code, not a foreign key:
    the account may be created before its school is first imported."""

    __tablename__ = "account_institutions"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    institution_code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex; the token itself is never stored
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailure(Base):
    """Failed logins, for rate limiting; keyed by a hash so no username or address is kept."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Upload(Base):
    """A checked file waiting for the officer's confirmation (preview → apply)."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(43), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    institution_code: Mapped[str] = mapped_column(String(32), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | applied
    change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_sets.id", ondelete="SET NULL"))


class ChangeSet(Base):
    """One applied change to one school: who, when, which file, what it did."""

    __tablename__ = "change_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_code: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the school version this change produced
    kind: Mapped[str] = mapped_column(String(16))  # baseline | upload | rollback | outside
    actor: Mapped[str] = mapped_column(String(64))  # username at the time (accounts may be renamed)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")

    rows: Mapped[list[ChangeRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ChangeRow.id"
    )


class ChangeRow(Base):
    """Row-level before/after of a change set, as interchange-format cells (JSON)."""

    __tablename__ = "change_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_set_id: Mapped[int] = mapped_column(ForeignKey("change_sets.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(16))
    row_key: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(8))  # added | changed | removed
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class SchoolVersion(Base):
    """The whole of one school's rows after a change: rollback restores one of these."""

    __tablename__ = "school_versions"
    __table_args__ = (UniqueConstraint("institution_code", "version", name="uq_school_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_code: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    change_set_id: Mapped[int] = mapped_column(ForeignKey("change_sets.id", ondelete="CASCADE"))
    snapshot: Mapped[str] = mapped_column(Text)  # JSON: sheet name → rows of cells
