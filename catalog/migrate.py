"""Bring a catalog database to the current schema and reference data.

Alembic is driven from code (no alembic.ini to keep in sync): `python -m
catalog migrate` and every import call `migrate()`, so an empty database is
always usable.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, select

from catalog import db
from catalog.models import CatalogMeta, FormerProvince, Province
from vntext import folding

# The project's one Alembic home (top-level migrations/): its env.py imports the models of
# every package that keeps tables in this database. It is loaded by path, not imported.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
PROVINCES_CSV = Path(__file__).resolve().parent / "data" / "provinces.csv"


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


_lock = threading.Lock()  # Alembic's command API is not thread-safe


def migrate(url: str | None = None) -> None:
    engine = db.get_engine(url)
    with _lock:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
        sync_reference_data(url)


def make_revision(message: str, url: str | None = None) -> None:
    """Developer helper: autogenerate a migration from the models."""
    engine = db.get_engine(url)
    with engine.begin() as connection:
        command.revision(_alembic_config(connection), message=message, autogenerate=True)


def read_provinces_csv() -> list[dict]:
    with PROVINCES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "name": folding.normalize(row["name"]),
            "kind": row["kind"].strip(),
            "former": [folding.normalize(n) for n in row["former_provinces"].split(";") if n.strip()],
        }
        for row in rows
    ]


def sync_reference_data(url: str | None = None) -> None:
    """Provinces from catalog/data/provinces.csv and the single catalog_meta row."""
    with db.session(url) as session, session.begin():
        existing = {p.name: p for p in session.scalars(select(Province))}
        for row in read_provinces_csv():
            province = existing.get(row["name"])
            if province is None:
                province = Province(name=row["name"], kind=row["kind"], name_key=folding.key(row["name"]))
                session.add(province)
            province.kind = row["kind"]
            current = {f.name for f in province.former_names}
            for former in row["former"]:
                if former not in current:
                    province.former_names.append(FormerProvince(name=former, name_key=folding.key(former)))
        if session.get(CatalogMeta, 1) is None:
            session.add(CatalogMeta(id=1, is_demo=False, version=0))
