"""Import a catalog file into the database: validate everything, plan, then apply in one transaction.

The plan (what is added, changed with old → new values, removed) is computed
before anything is written, so `--dry-run` and a real run report the same
thing, and a single bad cell anywhere means nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from catalog import db, history, schema, snapshot
from catalog.migrate import migrate
from catalog.models import (
    CatalogMeta,
    Event,
    Institution,
    LabourMarketFigure,
    Occupation,
    Policy,
    PolicyLearnerGroup,
    PolicyLevel,
    Programme,
    Province,
)
from catalog.problems import CatalogFileError, Problem
from catalog.reader import read_catalog
from catalog.validator import ValidatedCatalog, validate
from vntext import folding

ORDER = ("institutions", "programmes", "events", "policies", "occupations", "labour_market")
CHUNK = 900
LARGE_IMPORT_ROWS = 5000
ANALYZE_AFTER_ROWS = 1000  # stays under SQLite's bound-parameter limit for IN (…)


@dataclass
class TablePlan:
    added: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict]] = field(default_factory=list)  # (before, after)
    removed: list[dict] = field(default_factory=list)
    unchanged: int = 0
    ids: dict[tuple, int] = field(default_factory=dict)  # existing keys → ids

    @property
    def touched(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


@dataclass
class ImportResult:
    source: str
    plans: dict[str, TablePlan]
    warnings: list[Problem]
    applied: bool

    @property
    def touched(self) -> int:
        return sum(p.touched for p in self.plans.values())


def import_catalog(
    path: Path | str,
    *,
    url: str | None = None,
    dry_run: bool = False,
    prune: bool = False,
    demo: bool | None = None,
    progress: Callable[[str], None] | None = None,
    confirm: Callable[[dict[str, TablePlan]], bool] | None = None,
) -> ImportResult:
    """Raises CatalogFileError (every problem) when the file is not valid; writes nothing then.

    `demo`: True marks the catalog as demo data, False as real data, None leaves the flag.
    `confirm`: called with the plan before pruning rows; returning False aborts without writing.
    """
    migrate(url)
    sheets = read_catalog(Path(path), progress)
    if sum(len(sheet.rows) for sheet in sheets) < LARGE_IMPORT_ROWS:
        progress = None  # small files: the summary is enough
    with db.session(url) as session:
        with session.begin():
            checked = validate(sheets, *snapshot.known_codes(session))
            if checked.errors:
                raise CatalogFileError(checked.errors)
            if progress:
                progress("Đang so sánh với danh mục hiện có…")
            plans = plan(session, checked, prune)
            result = ImportResult(str(path), plans, checked.warnings, applied=False)
            if dry_run:
                session.rollback()
                return result
            if confirm is not None and any(p.removed for p in plans.values()) and not confirm(plans):
                session.rollback()
                return result
            if progress:
                progress("Đang ghi vào cơ sở dữ liệu…")
            apply(session, plans, source=str(path), demo=demo, summary=summary_line(result))
            if result.touched:
                history.record_catalog_import(session, plans, Path(path), summary_line(result))
        result.applied = True
        if result.touched >= ANALYZE_AFTER_ROWS:
            _refresh_statistics(session)
        return result


def _refresh_statistics(session: Session) -> None:
    """Let the query planner know the new table sizes; without this, SQLite scans
    programmes by level instead of using the name index after a large first import.
    On PostgreSQL, VACUUM also sets the visibility map (index-only scans) so that
    autovacuum does not start working right when the bot starts querying."""
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE) institutions, programmes, events, policies"))
    else:
        with session.begin():
            session.execute(text("ANALYZE"))


def plan(session: Session, checked: ValidatedCatalog, prune: bool) -> dict[str, TablePlan]:
    plans: dict[str, TablePlan] = {}
    for name in ORDER:
        if not checked.has(name):
            continue
        spec = schema.FILES[name]
        existing = snapshot.load(session, name)
        table = TablePlan(ids=existing.ids)
        listed: set[tuple] = set()
        present = checked.columns.get(name, frozenset(spec.column_names))
        for record in checked.records[name]:
            key = record.key(spec)
            listed.add(key)
            before = existing.get(key)
            if before is not None:
                # a column the file does not have keeps its value: an office's v1 file leaves zalo alone
                record.values = {c: record.values[c] if c in present else before[c] for c in spec.column_names}
            if before is None:
                table.added.append(record.values)
            elif before != record.values:
                table.changed.append((before, record.values))
            else:
                table.unchanged += 1
        if prune and name != "institutions":
            if name == "programmes":
                imported = {k[0] for k in listed}
                if checked.has("institutions"):
                    imported |= {r.values["code"] for r in checked.records["institutions"]}
                stale = [k for k in existing if k[0] in imported and k not in listed]
            else:
                stale = [k for k in existing if k not in listed]
            table.removed = [existing[k] for k in sorted(stale)]
        plans[name] = table
    return plans


def apply(session: Session, plans: dict[str, TablePlan], *, source: str, demo: bool | None, summary: str) -> None:
    province_ids = dict(session.execute(select(Province.name, Province.id)).all())
    if "institutions" in plans:
        _apply_table(session, Institution, plans["institutions"], lambda v: _institution_row(v, province_ids))
    institution_ids = dict(session.execute(select(Institution.code, Institution.id)).all())
    if "programmes" in plans:
        _apply_table(session, Programme, plans["programmes"], lambda v: _programme_row(v, institution_ids))
    if "events" in plans:
        _apply_table(session, Event, plans["events"], lambda v: _event_row(v, province_ids, institution_ids))
    if "policies" in plans:
        _apply_policies(session, plans["policies"], province_ids)
    if "occupations" in plans:
        _apply_table(session, Occupation, plans["occupations"], _occupation_row)
    if "labour_market" in plans:
        occupation_ids = dict(session.execute(select(Occupation.code, Occupation.id)).all())
        _apply_table(
            session, LabourMarketFigure, plans["labour_market"], lambda v: _labour_market_row(v, province_ids, occupation_ids)
        )
    meta = session.get(CatalogMeta, 1)
    if any(p.touched for p in plans.values()):
        meta.version += 1
    if demo is not None:
        meta.is_demo = demo
    meta.last_import_at = dt.datetime.now(dt.timezone.utc)
    meta.last_import_source = source[-512:]
    meta.last_import_summary = summary


def _key(spec_name: str, values: dict) -> tuple:
    return tuple(values[c] for c in schema.FILES[spec_name].key)


def _apply_table(session: Session, model, table: TablePlan, to_row: Callable[[dict], dict]) -> None:
    spec_name = model.__tablename__  # each table is named after its file
    if table.added:
        session.execute(insert(model), [to_row(v) for v in table.added])
    if table.changed:
        session.execute(
            update(model),
            [{"id": table.ids[_key(spec_name, after)], **to_row(after)} for _, after in table.changed],
        )
    removed_ids = [table.ids[_key(spec_name, v)] for v in table.removed]
    for start in range(0, len(removed_ids), CHUNK):
        session.execute(delete(model).where(model.id.in_(removed_ids[start : start + CHUNK])))


def _institution_row(v: dict, province_ids: dict[str, int]) -> dict:
    row = {k: v[k] for k in schema.INSTITUTIONS.column_names if k != "province"}
    row["province_id"] = province_ids[v["province"]]
    row["name_key"] = folding.key(v["name"])
    return row


def _programme_row(v: dict, institution_ids: dict[str, int]) -> dict:
    row = {k: v[k] for k in schema.PROGRAMMES.column_names if k != "institution_code"}
    row["institution_id"] = institution_ids[v["institution_code"]]
    row["name_key"] = folding.key(v["name"])
    return row


def _event_row(v: dict, province_ids: dict[str, int], institution_ids: dict[str, int]) -> dict:
    row = {k: v[k] for k in schema.EVENTS.column_names if k not in ("province", "institution_code")}
    row["province_id"] = province_ids[v["province"]]
    row["institution_id"] = institution_ids.get(v["institution_code"]) if v["institution_code"] else None
    return row


def _policy_row(v: dict, province_ids: dict[str, int]) -> dict:
    row = {k: v[k] for k in schema.POLICIES.column_names if k not in ("scope", "levels", "learner_groups")}
    row["province_id"] = None if v["scope"] == schema.NATIONAL_SCOPE else province_ids[v["scope"]]
    return row


def _occupation_row(v: dict) -> dict:
    row = {k: v[k] for k in schema.OCCUPATIONS.column_names}
    row["aliases"] = ";".join(v["aliases"]) if v["aliases"] else None
    row["name_key"] = folding.key(v["name"])
    return row


def _labour_market_row(v: dict, province_ids: dict[str, int], occupation_ids: dict[str, int]) -> dict:
    row = {k: v[k] for k in schema.LABOUR_MARKET.column_names if k not in ("occupation_code", "scope")}
    row["occupation_id"] = occupation_ids[v["occupation_code"]]
    row["province_id"] = None if v["scope"] == schema.NATIONAL_SCOPE else province_ids[v["scope"]]
    return row


def _apply_policies(session: Session, table: TablePlan, province_ids: dict[str, int]) -> None:
    _apply_table(session, Policy, table, lambda v: _policy_row(v, province_ids))
    touched = table.added + [after for _, after in table.changed]
    if not touched:
        return
    ids = dict(session.execute(select(Policy.code, Policy.id).where(Policy.code.in_([v["code"] for v in touched]))).all())
    changed_ids = [ids[after["code"]] for _, after in table.changed]
    if changed_ids:
        session.execute(delete(PolicyLevel).where(PolicyLevel.policy_id.in_(changed_ids)))
        session.execute(delete(PolicyLearnerGroup).where(PolicyLearnerGroup.policy_id.in_(changed_ids)))
    levels = [{"policy_id": ids[v["code"]], "level": x} for v in touched for x in v["levels"] or ()]
    groups = [{"policy_id": ids[v["code"]], "learner_group": x} for v in touched for x in v["learner_groups"] or ()]
    if levels:
        session.execute(insert(PolicyLevel), levels)
    if groups:
        session.execute(insert(PolicyLearnerGroup), groups)


LABELS = {
    "institutions": "cơ sở đào tạo",
    "programmes": "ngành, nghề",
    "events": "sự kiện",
    "policies": "chính sách",
    "occupations": "nghề",
    "labour_market": "số liệu thị trường lao động",
}


def summary_line(result: ImportResult) -> str:
    parts = []
    for name, table in result.plans.items():
        parts.append(
            f"{LABELS[name]}: thêm {len(table.added)}, sửa {len(table.changed)}, "
            f"xóa {len(table.removed)}, giữ nguyên {table.unchanged}"
        )
    parts.append(f"cảnh báo: {len(result.warnings)}")
    return "; ".join(parts)
