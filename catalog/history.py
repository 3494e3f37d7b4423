"""What changed in the catalog, row by row, and each school's rows per version.

A school's data = its `institutions` row, its `programmes` and the `events` it
hosts. Every change to it (an upload through the staff service, a rollback, a
`catalog import`) is a change set with row-level before/after cells; after a
school change the whole of the school's rows is kept as a version, which is what
rollback restores. `catalog import` records its own change sets (scope "*").
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import db, exporter, schema, snapshot
from catalog.history_models import ChangeRow, ChangeSet, SchoolVersion
from catalog.models import Institution, as_utc
from catalog.problems import CatalogFileError
from catalog.reader import sheet_from_rows
from catalog.validator import validate

SCHOOL_SHEETS = ("institutions", "programmes", "events")
ACTIONS = {"added": "thêm", "changed": "sửa", "removed": "xóa"}
CATALOG_SCOPE = "*"  # change sets of `python -m catalog import`, not of one school
MAX_AUDITED_ROWS = 2000  # a national import keeps its summary and file hash, not 50,000 row images

Values = dict  # column → typed value, as catalog.validator produces
State = dict[str, dict[tuple, Values]]  # sheet → key → values


class NotFound(LookupError):
    """No such school, version, change set or upload."""


@dataclass
class RowChange:
    table: str
    key: str
    action: str  # added | changed | removed
    before: dict[str, str] | None  # cells
    after: dict[str, str] | None

    @property
    def changed_columns(self) -> list[str]:
        if not (self.before and self.after):
            return []
        return [c for c in self.after if self.before.get(c) != self.after.get(c)]

    def as_dict(self) -> dict:
        return {
            "table": self.table,
            "key": self.key,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "changed_columns": self.changed_columns,
        }


def counts(changes: list[RowChange]) -> dict[str, int]:
    """Rows added, changed and removed."""
    return {a: sum(1 for c in changes if c.action == a) for a in ACTIONS}


def summary(changes: list[RowChange]) -> str:
    """Like "thêm 1, sửa 2, xóa 0 dòng"."""
    counted = counts(changes)
    return ", ".join(f"{label} {counted[action]}" for action, label in ACTIONS.items()) + " dòng"


def cells(name: str, values: Values) -> dict[str, str]:
    return {c: exporter.cell_text(values[c]) for c in schema.FILES[name].column_names}


def key_text(key: tuple) -> str:
    return "/".join(key)


# --- a school's rows --------------------------------------------------------------------------


def institution_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Institution.id).where(Institution.code == code))


def current_state(session: Session, code: str) -> tuple[State, dict[str, dict[tuple, int]]]:
    state: State = {}
    ids: dict[str, dict[tuple, int]] = {}
    for name in SCHOOL_SHEETS:
        rows = snapshot.load(session, name, institution_code=code)
        ids[name] = rows.ids
        state[name] = dict(rows)
    return state, ids


def snapshot_json(state: State) -> str:
    return json.dumps(
        {name: [list(cells(name, state[name][k]).values()) for k in sorted(state[name])] for name in SCHOOL_SHEETS},
        ensure_ascii=False,
    )


def state_from_json(session: Session, stored: str) -> State:
    data = json.loads(stored)
    sheets = [sheet_from_rows(schema.FILES[n], n, data.get(n, [])) for n in SCHOOL_SHEETS]
    checked = validate(sheets, *snapshot.known_codes(session))
    if checked.errors:  # a stored version is always valid; this would be a bug
        raise CatalogFileError(checked.errors)
    return {n: {r.key(schema.FILES[n]): r.values for r in checked.records[n]} for n in SCHOOL_SHEETS}


def diff(current: State, desired: State) -> list[RowChange]:
    changes: list[RowChange] = []
    for name in SCHOOL_SHEETS:
        old, new = current.get(name, {}), desired.get(name, {})
        for key in sorted(set(old) | set(new)):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            action = "added" if before is None else "removed" if after is None else "changed"
            changes.append(
                RowChange(
                    name,
                    key_text(key),
                    action,
                    cells(name, before) if before else None,
                    cells(name, after) if after else None,
                )
            )
    return changes


# --- versions -----------------------------------------------------------------------------


def stored_version(session: Session, code: str, version: int) -> str | None:
    """The JSON snapshot of the school at `version`, if there is one."""
    return session.scalar(
        select(SchoolVersion.snapshot).where(SchoolVersion.institution_code == code, SchoolVersion.version == version)
    )


def _latest(session: Session, code: str) -> SchoolVersion | None:
    return session.scalar(
        select(SchoolVersion).where(SchoolVersion.institution_code == code).order_by(SchoolVersion.version.desc()).limit(1)
    )


def ensure_version(session: Session, code: str, state: State) -> int:
    """The current school version; records version 0 (the state before the first change
    through the staff service) or an `outside` version when a catalog import changed the rows."""
    latest = _latest(session, code)
    stored = snapshot_json(state)
    if latest is not None and json.loads(latest.snapshot) == json.loads(stored):
        return latest.version
    if latest is None:
        change = ChangeSet(
            institution_code=code,
            version=0,
            kind="baseline",
            actor="hệ thống",
            summary="Dữ liệu trước lần cập nhật đầu tiên qua trang này",
        )
    else:
        rows = diff(state_from_json(session, latest.snapshot), state)
        change = ChangeSet(
            institution_code=code,
            version=latest.version + 1,
            kind="outside",
            actor="hệ thống",
            summary="Thay đổi bằng lệnh nhập danh mục (ngoài trang này): " + summary(rows),
        )
        change.rows = [_change_row(r) for r in rows]
    session.add(change)
    session.flush()
    session.add(SchoolVersion(institution_code=code, version=change.version, change_set_id=change.id, snapshot=stored))
    session.flush()
    return change.version


def record_school_change(
    session: Session,
    code: str,
    changes: list[RowChange],
    version: int,
    *,
    kind: str,
    actor: str,
    account_id: int | None,
    summary_text: str,
    file_name: str | None = None,
    file_sha256: str | None = None,
) -> ChangeSet:
    """Records an applied change to one school (its rows already written) and the new version."""
    change = ChangeSet(
        institution_code=code,
        version=version + 1,
        kind=kind,
        actor=actor[:64],
        account_id=account_id,
        file_name=file_name,
        file_sha256=file_sha256,
        summary=summary_text,
    )
    change.rows = [_change_row(r) for r in changes]
    session.add(change)
    session.flush()
    after, _ = current_state(session, code)
    session.add(
        SchoolVersion(institution_code=code, version=change.version, change_set_id=change.id, snapshot=snapshot_json(after))
    )
    return change


def _change_row(change: RowChange) -> ChangeRow:
    return ChangeRow(
        table_name=change.table,
        row_key=change.key[:80],
        action=change.action,
        before=json.dumps(change.before, ensure_ascii=False) if change.before else None,
        after=json.dumps(change.after, ensure_ascii=False) if change.after else None,
    )


# --- imports by the command line ---------------------------------------------------------


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def record_catalog_import(session: Session, plans: dict, path: Path, summary_text: str) -> None:
    """Audit of an import run by an operator (who = the system user running the command).
    `plans`: sheet name → catalog.importer.TablePlan."""
    previous = session.scalar(
        select(ChangeSet.version).where(ChangeSet.institution_code == CATALOG_SCOPE).order_by(ChangeSet.version.desc()).limit(1)
    )
    changes: list[RowChange] = []
    detailed = sum(plan.touched for plan in plans.values()) <= MAX_AUDITED_ROWS
    for name, plan in plans.items() if detailed else ():
        spec = schema.FILES[name]
        for values in plan.added:
            changes.append(RowChange(name, key_text(tuple(values[c] for c in spec.key)), "added", None, cells(name, values)))
        for before, after in plan.changed:
            changes.append(
                RowChange(name, key_text(tuple(after[c] for c in spec.key)), "changed", cells(name, before), cells(name, after))
            )
        for values in plan.removed:
            changes.append(RowChange(name, key_text(tuple(values[c] for c in spec.key)), "removed", cells(name, values), None))
    try:
        who = getpass.getuser()
    except Exception:  # no login name in some containers
        who = "không rõ"
    change = ChangeSet(
        institution_code=CATALOG_SCOPE,
        version=(previous or 0) + 1,
        kind="import",
        actor=f"lệnh import ({who})"[:64],
        file_name=path.name[:255],
        file_sha256=_file_hash(path),
        summary=summary_text + ("" if detailed else f" (quá {MAX_AUDITED_ROWS} dòng: chỉ ghi tóm tắt)"),
    )
    change.rows = [_change_row(c) for c in changes]
    session.add(change)


# --- reading the history ------------------------------------------------------------------------


def history(code: str, url: str | None = None, limit: int = 100) -> list[dict]:
    with db.session(url) as session:
        return [
            {
                "id": c.id,
                "version": c.version,
                "kind": c.kind,
                "actor": c.actor,
                "at": as_utc(c.at).isoformat(),
                "file_name": c.file_name,
                "file_sha256": c.file_sha256,
                "summary": c.summary,
            }
            for c in session.scalars(
                select(ChangeSet).where(ChangeSet.institution_code == code).order_by(ChangeSet.version.desc()).limit(limit)
            )
        ]


def change_set(change_set_id: int, url: str | None = None) -> dict:
    with db.session(url) as session:
        change = session.get(ChangeSet, change_set_id)
        if change is None:
            raise NotFound(str(change_set_id))
        return {
            "id": change.id,
            "institution_code": change.institution_code,
            "version": change.version,
            "kind": change.kind,
            "actor": change.actor,
            "at": as_utc(change.at).isoformat(),
            "file_name": change.file_name,
            "file_sha256": change.file_sha256,
            "summary": change.summary,
            "rows": [
                RowChange(
                    r.table_name,
                    r.row_key,
                    r.action,
                    json.loads(r.before) if r.before else None,
                    json.loads(r.after) if r.after else None,
                ).as_dict()
                for r in change.rows
            ],
        }


def school_cells(code: str, url: str | None = None) -> dict[str, list[list[str]]]:
    """The school's rows as cells (what rollback must restore exactly); for tests and audits."""
    with db.session(url) as session:
        state, _ = current_state(session, code)
        return json.loads(snapshot_json(state))


def change_sets_by_kind() -> dict[str, int]:
    """How many change sets each kind has (baseline, upload, rollback, outside): the import runs
    the staff service's metrics report, counted in the database so a CLI import counts too."""
    from sqlalchemy import func

    with db.session() as session:
        return dict(session.execute(select(ChangeSet.kind, func.count()).group_by(ChangeSet.kind)).all())
