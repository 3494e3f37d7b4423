"""SQLAlchemy models of the catalog.

Each table mirrors one file of the interchange format (../shared/catalog-format.md,
copied to docs/catalog-format.md). `*_key` columns hold the folded form of a
name (vntext.folding.key) so that accent-insensitive lookups use an index
instead of scanning.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime: SQLite returns them without a time zone."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Province(Base):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # tinh | thanh_pho
    name_key: Mapped[str] = mapped_column(String(64), unique=True)

    former_names: Mapped[list[FormerProvince]] = relationship(
        back_populates="province", cascade="all, delete-orphan", order_by="FormerProvince.name"
    )


class FormerProvince(Base):
    """A province merged into a current one on 1 July 2025 (Nghị quyết 202/2025/QH15)."""

    __tablename__ = "former_provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_key: Mapped[str] = mapped_column(String(64), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="CASCADE"))

    province: Mapped[Province] = relationship(back_populates="former_names")


class Institution(Base):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    ownership: Mapped[str] = mapped_column(String(16), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(255))
    dormitory: Mapped[bool | None] = mapped_column(Boolean)
    description: Mapped[str | None] = mapped_column(Text)
    # format v1.1: how to apply, whom to ask, the school's own scholarships
    admission_phone: Mapped[str | None] = mapped_column(String(64))
    zalo: Mapped[str | None] = mapped_column(String(255))
    application_url: Mapped[str | None] = mapped_column(String(512))
    how_to_apply: Mapped[str | None] = mapped_column(Text)
    application_documents: Mapped[str | None] = mapped_column(Text)
    scholarships: Mapped[str | None] = mapped_column(Text)

    province: Mapped[Province] = relationship()
    programmes: Mapped[list[Programme]] = relationship(
        back_populates="institution", cascade="all, delete-orphan", passive_deletes=True
    )


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (UniqueConstraint("institution_id", "code", name="uq_programme_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255), index=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    field: Mapped[str] = mapped_column(String(32), index=True)
    duration_months: Mapped[int | None] = mapped_column(Integer)
    entry_requirement: Mapped[str | None] = mapped_column(String(8))
    tuition_vnd_per_year: Mapped[int | None] = mapped_column(BigInteger)
    quota: Mapped[int | None] = mapped_column(Integer)
    admission_method: Mapped[str | None] = mapped_column(Text)
    application_deadline: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    career_prospects: Mapped[str | None] = mapped_column(Text)
    # format v1.1. occupation_code holds only what the file said; an empty one is derived
    # from a 7-digit code at query time, so a v1 catalog exports exactly as it was imported.
    occupation_code: Mapped[str | None] = mapped_column(String(32), index=True)
    intake_start: Mapped[dt.date | None] = mapped_column(Date)
    employment_rate_percent: Mapped[int | None] = mapped_column(Integer)
    employment_rate_year: Mapped[int | None] = mapped_column(Integer)
    graduate_income_vnd_per_month: Mapped[int | None] = mapped_column(BigInteger)

    institution: Mapped[Institution] = relationship(back_populates="programmes")


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    location: Mapped[str | None] = mapped_column(Text)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"), index=True)
    description: Mapped[str | None] = mapped_column(Text)

    province: Mapped[Province] = relationship()
    institution: Mapped[Institution | None] = relationship()


class Policy(Base):
    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    benefit: Mapped[str] = mapped_column(Text)
    eligibility: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    # NULL = toan_quoc (national); otherwise the province the policy belongs to.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source_url: Mapped[str | None] = mapped_column(String(512))

    province: Mapped[Province | None] = relationship()
    levels: Mapped[list[PolicyLevel]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PolicyLevel.level"
    )
    learner_groups: Mapped[list[PolicyLearnerGroup]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PolicyLearnerGroup.learner_group"
    )


class PolicyLevel(Base):
    """Training levels a policy applies to; none = every level."""

    __tablename__ = "policy_levels"

    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class PolicyLearnerGroup(Base):
    """Learner groups a policy applies to; none = every learner."""

    __tablename__ = "policy_learner_groups"

    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"), primary_key=True)
    learner_group: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class Occupation(Base):
    """An occupation (nghề) independent of any school: what the work is, who it suits,
    and the names people use for it (matched like programme names, see catalog.matching)."""

    __tablename__ = "occupations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255), index=True)
    field: Mapped[str] = mapped_column(String(32), index=True)
    aliases: Mapped[str | None] = mapped_column(Text)  # ";"-separated, as in the file
    description: Mapped[str | None] = mapped_column(Text)
    suited_for: Mapped[str | None] = mapped_column(Text)
    riasec: Mapped[str | None] = mapped_column(String(3))


class LabourMarketFigure(Base):
    """Demand and income of one occupation in one place (NULL province = national) for one
    period, always with its published source."""

    __tablename__ = "labour_market"

    id: Mapped[int] = mapped_column(primary_key=True)
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupations.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    demand: Mapped[str | None] = mapped_column(String(16))
    income_min_vnd_per_month: Mapped[int | None] = mapped_column(BigInteger)
    income_max_vnd_per_month: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(512))

    occupation: Mapped[Occupation] = relationship()
    province: Mapped[Province | None] = relationship()


class CatalogMeta(Base):
    """One row (id = 1): is this demo data, when was it last imported, and a
    version counter bumped by every write so readers can refresh their caches."""

    __tablename__ = "catalog_meta"

    id: Mapped[int] = mapped_column(primary_key=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_import_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_import_source: Mapped[str | None] = mapped_column(String(512))
    last_import_summary: Mapped[str | None] = mapped_column(Text)
