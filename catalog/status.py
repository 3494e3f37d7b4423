"""What the catalog holds right now: counts, demo flag, last import, and the version counter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from catalog import db
from catalog.models import CatalogMeta, Event, Institution, Policy, Programme


@dataclass(frozen=True)
class CatalogStatus:
    is_demo: bool
    version: int
    institutions: int
    programmes: int
    events: int
    policies: int
    last_import_at: dt.datetime | None
    last_import_source: str | None

    def describe(self) -> str:
        demo = " — DỮ LIỆU MINH HỌA (demo)" if self.is_demo else ""
        return f"{self.institutions} cơ sở, {self.programmes} ngành/nghề, {self.events} sự kiện, {self.policies} chính sách{demo}"


def catalog_status(url: str | None = None) -> CatalogStatus:
    with db.session(url) as session:
        meta = session.get(CatalogMeta, 1)
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return CatalogStatus(
            is_demo=bool(meta and meta.is_demo),
            version=meta.version if meta else 0,
            institutions=count(Institution),
            programmes=count(Programme),
            events=count(Event),
            policies=count(Policy),
            last_import_at=meta.last_import_at if meta else None,
            last_import_source=meta.last_import_source if meta else None,
        )


def catalog_version(url: str | None = None) -> int:
    """Cheap check readers use to know whether their caches are stale."""
    with db.session(url) as session:
        return session.scalar(select(CatalogMeta.version).where(CatalogMeta.id == 1)) or 0


def remove_institution(code: str, url: str | None = None) -> bool:
    with db.session(url) as session, session.begin():
        institution_id = session.scalar(select(Institution.id).where(Institution.code == code))
        if institution_id is None:
            return False
        session.execute(delete(Programme).where(Programme.institution_id == institution_id))
        session.execute(delete(Institution).where(Institution.id == institution_id))
        meta = session.get(CatalogMeta, 1)
        meta.version += 1
        return True
