"""The audit trail of catalog changes: who changed which rows, when, from which file,
and one snapshot of a school's rows per version (what rollback restores).

Written by `catalog import` (scope "*") and by the staff web service (one school
at a time), in the same transaction as the change itself.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models import Base, utcnow


class ChangeSet(Base):
    """One applied change to one school: who, when, which file, what it did."""

    __tablename__ = "change_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_code: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the school version this change produced
    kind: Mapped[str] = mapped_column(String(16))  # baseline | upload | rollback | outside
    actor: Mapped[str] = mapped_column(String(64))  # username at the time (accounts may be renamed)
    # The staff account (staff.models.Account) when the change came through the web service.
    # The database keeps the foreign key (migration 0002); the model does not name the
    # staff table, so the catalog does not depend on the staff package.
    account_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")

    rows: Mapped[list[ChangeRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True, order_by="ChangeRow.id")


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
