"""An admissions office changes its own school's rows: check, preview, apply, audit, roll back.

A school's data = its `institutions` row, its `programmes` and the `events` it
hosts. An upload is the officer's wish for those rows (rows a sheet no longer
lists are removed). Authorisation is decided here, on the rows themselves, not
in the web layer: a `school` account's file that touches any row outside its
own institution is refused as a whole and nothing is written.

No lost updates: a workbook downloaded from the service carries the school
version it was made from. At apply time the officer's edits (file vs. that
version) are replayed on the current rows; a row someone else changed in the
meantime is a conflict. Applies are serialised (one writer at a time), and
each one records row-level before/after and a full snapshot of the school:
rollback restores such a snapshot exactly.

The database must be migrated first (the service does it at start-up).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from catalog import db, exporter, importer, schema, snapshot
from catalog.accounts import Actor
from catalog.models import CatalogMeta, Institution
from catalog.office_models import ChangeRow, ChangeSet, SchoolVersion, Upload, utcnow
from catalog.problems import CatalogFileError, Problem
from catalog.reader import read_catalog, read_version_stamp, sheet_from_rows
from catalog.validator import validate

SCHOOL_SHEETS = ("institutions", "programmes", "events")
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UPLOAD_ROWS = 5000
UPLOAD_TTL = dt.timedelta(hours=24)
ACTIONS = {"added": "thêm", "changed": "sửa", "removed": "xóa"}

Values = dict  # column → typed value, as catalog.validator produces
State = dict[str, dict[tuple, Values]]  # sheet → key → values


class Forbidden(Exception):
    """The file touches rows the account may not change."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Conflict(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotFound(Exception):
    pass


def max_upload_bytes() -> int:
    return int(os.environ.get("OFFICE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def max_upload_rows() -> int:
    return int(os.environ.get("OFFICE_MAX_UPLOAD_ROWS", DEFAULT_MAX_UPLOAD_ROWS))


# --- what a change looks like to people -------------------------------------------------

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
            "table": self.table, "key": self.key, "action": self.action,
            "before": self.before, "after": self.after, "changed_columns": self.changed_columns,
        }


@dataclass
class Outcome:
    """A preview (nothing written yet) or an applied change."""

    institution_code: str
    changes: list[RowChange]
    warnings: list[Problem] = field(default_factory=list)
    upload_id: str | None = None
    version: int | None = None  # the school version the data is at (after apply: the new one)
    change_set_id: int | None = None
    merged_from_version: int | None = None  # the file's version when it was older than the current one

    def counts(self) -> dict[str, int]:
        return {a: sum(1 for c in self.changes if c.action == a) for a in ACTIONS}

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{label} {counts[action]}" for action, label in ACTIONS.items()) + " dòng"

    def as_dict(self) -> dict:
        return {
            "institution_code": self.institution_code,
            "upload_id": self.upload_id,
            "version": self.version,
            "change_set_id": self.change_set_id,
            "merged_from_version": self.merged_from_version,
            "counts": self.counts(),
            "changes": [c.as_dict() for c in self.changes],
            "warnings": [_problem_dict(p) for p in self.warnings],
        }


def _problem_dict(problem: Problem) -> dict:
    return {"file": problem.file, "row": problem.row, "column": problem.column, "reason": problem.reason}


def problems_as_dicts(problems: list[Problem]) -> list[dict]:
    return [_problem_dict(p) for p in problems]


def _cells(name: str, values: Values) -> dict[str, str]:
    return {c: exporter.cell_text(values[c]) for c in schema.FILES[name].column_names}


def _key_text(key: tuple) -> str:
    return "/".join(key)


# --- the school's rows ----------------------------------------------------------------------

def _current(session: Session, code: str) -> tuple[State, dict[str, dict[tuple, int]]]:
    state: State = {}
    ids: dict[str, dict[tuple, int]] = {}
    for name in SCHOOL_SHEETS:
        rows = snapshot.load(session, name, institution_code=code)
        ids[name] = rows.ids
        state[name] = dict(rows)
    return state, ids


def _snapshot_json(state: State) -> str:
    return json.dumps(
        {name: [list(_cells(name, state[name][k]).values()) for k in sorted(state[name])] for name in SCHOOL_SHEETS},
        ensure_ascii=False,
    )


def _state_from_json(session: Session, stored: str) -> State:
    data = json.loads(stored)
    sheets = [sheet_from_rows(schema.FILES[n], n, data.get(n, [])) for n in SCHOOL_SHEETS]
    checked = validate(sheets, set(session.scalars(select(Institution.code))))
    if checked.errors:  # a stored version is always valid; this would be a bug
        raise CatalogFileError(checked.errors)
    return {n: {r.key(schema.FILES[n]): r.values for r in checked.records[n]} for n in SCHOOL_SHEETS}


def school_rows_for_download(code: str, url: str | None = None) -> tuple[dict[str, list[list[str]]], int]:
    """(rows per sheet as cells, version) — what the officer downloads to edit."""
    with _serialised(url) as session:
        if _institution_id(session, code) is None:
            raise NotFound(code)
        state, _ = _current(session, code)
        version = _ensure_version(session, code, state)
    rows = {
        name: [[exporter.cell_text(state[name][k][c]) for c in schema.FILES[name].column_names] for k in sorted(state[name])]
        for name in SCHOOL_SHEETS
    }
    return rows, version


def write_school_workbook(path: Path, code: str, url: str | None = None) -> int:
    rows, version = school_rows_for_download(code, url)
    exporter.school_workbook(path, rows, code, version)
    return version


def _institution_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Institution.id).where(Institution.code == code))


# --- serialising writers ------------------------------------------------------------------

_process_lock = threading.Lock()


class _writer:
    """One writer at a time. PostgreSQL: the catalog_meta row lock, held to commit,
    works across processes. SQLite (one service process): a process lock, because a
    deferred SQLite transaction in WAL mode cannot wait for another writer."""

    def __init__(self, session: Session):
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def __enter__(self):
        if self.sqlite:
            _process_lock.acquire()
        try:
            self.session.execute(update(CatalogMeta).where(CatalogMeta.id == 1).values(version=CatalogMeta.version))
        except BaseException:
            if self.sqlite:
                _process_lock.release()
            raise
        return self

    def __exit__(self, *exc):
        if self.sqlite:
            # the transaction commits after this block; keep the lock until then
            self.session.info.setdefault("after_commit_release", []).append(_process_lock.release)
        return False


def _release_after_transaction(session: Session) -> None:
    for release in session.info.pop("after_commit_release", []):
        release()


@contextmanager
def _serialised(url: str | None):
    """A session whose transaction holds the writer lock from its first statement to its end."""
    with db.session(url) as session:
        try:
            with session.begin():
                with _writer(session):
                    yield session
        finally:
            _release_after_transaction(session)


# --- versions -----------------------------------------------------------------------------

def _latest(session: Session, code: str) -> SchoolVersion | None:
    return session.scalar(
        select(SchoolVersion).where(SchoolVersion.institution_code == code).order_by(SchoolVersion.version.desc()).limit(1)
    )


def _ensure_version(session: Session, code: str, state: State) -> int:
    """The current school version; records version 0 (the state before the first change
    through this service) or an `outside` version when a catalog import changed the rows."""
    latest = _latest(session, code)
    stored = _snapshot_json(state)
    if latest is not None and json.loads(latest.snapshot) == json.loads(stored):
        return latest.version
    if latest is None:
        change = ChangeSet(institution_code=code, version=0, kind="baseline", actor="hệ thống",
                           summary="Dữ liệu trước lần cập nhật đầu tiên qua trang này")
    else:
        before = _state_from_json(session, latest.snapshot)
        rows = _diff(before, state)
        change = ChangeSet(institution_code=code, version=latest.version + 1, kind="outside", actor="hệ thống",
                           summary="Thay đổi bằng lệnh nhập danh mục (ngoài trang này): " + Outcome(code, rows).summary())
        change.rows = [_change_row(r) for r in rows]
    session.add(change)
    session.flush()
    session.add(SchoolVersion(institution_code=code, version=change.version, change_set_id=change.id, snapshot=stored))
    session.flush()
    return change.version


def _change_row(change: RowChange) -> ChangeRow:
    return ChangeRow(
        table_name=change.table, row_key=change.key[:80], action=change.action,
        before=json.dumps(change.before, ensure_ascii=False) if change.before else None,
        after=json.dumps(change.after, ensure_ascii=False) if change.after else None,
    )


def _diff(current: State, desired: State) -> list[RowChange]:
    changes: list[RowChange] = []
    for name in SCHOOL_SHEETS:
        old, new = current.get(name, {}), desired.get(name, {})
        for key in sorted(set(old) | set(new)):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            action = "added" if before is None else "removed" if after is None else "changed"
            changes.append(RowChange(
                name, _key_text(key), action,
                _cells(name, before) if before else None, _cells(name, after) if after else None,
            ))
    return changes


def _plans(current: State, desired: State, ids: dict[str, dict[tuple, int]]) -> dict[str, importer.TablePlan]:
    plans: dict[str, importer.TablePlan] = {}
    for name in SCHOOL_SHEETS:
        old, new = current.get(name, {}), desired.get(name, {})
        plan = importer.TablePlan(ids=ids[name])
        for key in sorted(set(old) | set(new)):
            before, after = old.get(key), new.get(key)
            if before is None:
                plan.added.append(after)
            elif after is None:
                plan.removed.append(before)
            elif before != after:
                plan.changed.append((before, after))
            else:
                plan.unchanged += 1
        plans[name] = plan
    return plans


# --- reading and checking an upload -----------------------------------------------------------

def _read_upload(content: bytes, filename: str) -> tuple[list, tuple[str, int] | None]:
    name = Path(filename or "").name or "tep"
    if len(content) > max_upload_bytes():
        limit = max_upload_bytes() / 1024 / 1024
        raise CatalogFileError([Problem(name, 0, "", f"tệp quá lớn ({len(content) / 1024 / 1024:.1f} MB), giới hạn {limit:.0f} MB")])
    if not content:
        raise CatalogFileError([Problem(name, 0, "", "tệp rỗng")])
    suffix = Path(name).suffix.lower()
    known_csv = {spec.filename for spec in schema.FILES.values()}
    if suffix != ".xlsx" and name not in known_csv:
        raise CatalogFileError([Problem(
            name, 0, "", "chỉ nhận tệp Excel .xlsx (tải mẫu ở trang của trường) hoặc một tệp " + ", ".join(sorted(known_csv))
        )])
    with tempfile.TemporaryDirectory(prefix="gdnn-upload-") as folder:
        path = Path(folder) / ("upload.xlsx" if suffix == ".xlsx" else name)
        path.write_bytes(content)
        sheets = read_catalog(path if suffix == ".xlsx" else Path(folder))
        stamp = read_version_stamp(path)
    for sheet in sheets:
        sheet.label = sheet.label.replace("upload.xlsx", name)
    rows = sum(len(s.rows) for s in sheets)
    if rows > max_upload_rows():
        raise CatalogFileError([Problem(name, 0, "", f"tệp có {rows} dòng, giới hạn {max_upload_rows()} dòng mỗi lần")])
    return sheets, stamp


def _scope_problems(actor: Actor, code: str, checked, current: State, event_hosts: dict) -> list[Problem]:
    """Rows this account may not write, each located in the file."""
    problems: list[Problem] = []
    label = checked.labels.get
    for record in checked.records.get("institutions", []):
        other = record.values["code"]
        if other != code:
            problems.append(Problem(label("institutions"), record.row, "code", f'dòng của cơ sở "{other}", không phải của trường {code}'))
        elif not actor.is_admin and current["institutions"].get((code,)) != record.values:
            problems.append(Problem(
                label("institutions"), record.row, "",
                "thông tin của chính cơ sở (tên, địa chỉ, điện thoại…) chỉ quản trị viên sửa được; hãy để nguyên dòng này và liên hệ Sở",
            ))
    for record in checked.records.get("programmes", []):
        other = record.values["institution_code"]
        if other != code:
            problems.append(Problem(label("programmes"), record.row, "institution_code", f'dòng của cơ sở "{other}", không phải của trường {code}'))
    for record in checked.records.get("events", []):
        host = record.values["institution_code"]
        if host != code:
            who = f'cơ sở "{host}"' if host else "cấp tỉnh (không ghi institution_code)"
            problems.append(Problem(label("events"), record.row, "institution_code", f"sự kiện của {who}, không phải của trường {code}"))
        elif record.values["code"] in event_hosts and event_hosts[record.values["code"]] != code:
            problems.append(Problem(label("events"), record.row, "code", f'mã sự kiện "{record.values["code"]}" đã thuộc về đơn vị khác'))
    return problems


def _prepare(session: Session, actor: Actor, code: str, content: bytes, filename: str):
    """Everything an apply needs, computed on the current rows; raises when the file cannot be applied."""
    if not actor.may_edit(code):
        raise Forbidden([Problem(filename, 0, "", f"tài khoản của bạn không được cập nhật dữ liệu của trường {code}")])
    if _institution_id(session, code) is None:
        raise NotFound(code)
    sheets, stamp = _read_upload(content, filename)
    foreign = [s for s in sheets if s.spec.name not in SCHOOL_SHEETS]
    if foreign:  # refused before validation: a wrong sheet is not the officer's to fix
        raise Forbidden([Problem(s.label, 0, "", "chính sách do quản trị viên của Sở cập nhật, không nằm trong tệp của trường")
                         for s in foreign])
    checked = validate(sheets, set(session.scalars(select(Institution.code))))
    if checked.errors:
        raise CatalogFileError(checked.errors)
    current, ids = _current(session, code)
    hosts = snapshot.event_hosts(session, [r.values["code"] for r in checked.records.get("events", [])])
    problems = _scope_problems(actor, code, checked, current, hosts)
    if problems:
        raise Forbidden(problems)
    wished: State = {
        name: {r.key(schema.FILES[name]): r.values for r in checked.records[name]}
        for name in SCHOOL_SHEETS if checked.has(name)
    }
    rows_of = {
        name: {r.key(schema.FILES[name]): r.row for r in checked.records[name]} for name in wished
    }
    if "institutions" in wished and not wished["institutions"]:
        del wished["institutions"]  # an empty institutions sheet does not remove the school
    version = _ensure_version(session, code, current)
    desired = {name: dict(rows) for name, rows in current.items()}
    merged_from = None
    if stamp and stamp[0] == code and stamp[1] < version:
        base_row = session.scalar(select(SchoolVersion.snapshot).where(
            SchoolVersion.institution_code == code, SchoolVersion.version == stamp[1]
        ))
        if base_row is not None:
            merged_from = stamp[1]
            base = _state_from_json(session, base_row)
            conflicts: list[Problem] = []
            for name, rows in wished.items():
                for key in sorted(set(base[name]) | set(rows)):
                    mine, was, now = rows.get(key), base[name].get(key), current[name].get(key)
                    if mine == was:
                        continue  # the officer did not touch this row
                    if now != was and now != mine:
                        conflicts.append(Problem(
                            checked.labels[name], rows_of[name].get(key, 0), "",
                            f'dòng "{_key_text(key)}" đã được người khác sửa sau khi bạn tải tệp (phiên bản {stamp[1]}, nay là {version}); '
                            "hãy tải tệp mới về và sửa lại",
                        ))
                    elif mine is None:
                        desired[name].pop(key, None)
                    else:
                        desired[name][key] = mine
            if conflicts:
                raise Conflict(conflicts)
    if merged_from is None:
        desired.update(wished)
    changes = _diff(current, desired)
    return current, desired, ids, changes, checked.warnings, version, merged_from


def preview(actor: Actor, code: str, content: bytes, filename: str, url: str | None = None) -> Outcome:
    """Checks the file and keeps it for confirmation; writes nothing to the catalog."""
    with _serialised(url) as session:
        _, _, _, changes, warnings, version, merged_from = _prepare(session, actor, code, content, filename)
        session.execute(delete(Upload).where(Upload.created_at < utcnow() - UPLOAD_TTL, Upload.status == "pending"))
        upload = Upload(
            public_id=secrets.token_urlsafe(24), account_id=actor.account_id, institution_code=code,
            filename=Path(filename or "tep").name[:255], sha256=hashlib.sha256(content).hexdigest(),
            content=content, status="pending",
        )
        session.add(upload)
    return Outcome(code, changes, warnings, upload_id=upload.public_id, version=version, merged_from_version=merged_from)


def apply_upload(actor: Actor, upload_id: str, url: str | None = None) -> Outcome:
    """Applies a previewed upload on the rows as they are now (others may have changed them since)."""
    with _serialised(url) as session:
        upload = session.scalar(select(Upload).where(Upload.public_id == upload_id))
        if upload is None or upload.account_id != actor.account_id:
            raise NotFound(upload_id)
        if upload.status != "pending":
            raise Conflict([Problem(upload.filename, 0, "", "tệp này đã được áp dụng rồi")])
        if _aware(upload.created_at) < utcnow() - UPLOAD_TTL:
            raise Conflict([Problem(upload.filename, 0, "", "bản xem trước đã quá 24 giờ; hãy tải tệp lên lại")])
        current, desired, ids, changes, warnings, version, merged_from = _prepare(
            session, actor, upload.institution_code, upload.content, upload.filename
        )
        outcome = Outcome(upload.institution_code, changes, warnings, upload_id=upload_id,
                          version=version, merged_from_version=merged_from)
        if changes:
            change = _record(session, actor, upload.institution_code, current, desired, ids, changes,
                             version, kind="upload", file_name=upload.filename, file_sha256=upload.sha256)
            outcome.version, outcome.change_set_id = change.version, change.id
            upload.change_set_id = change.id
        upload.status = "applied"
        upload.content = b""  # the audit keeps the hash and the row changes
    return outcome


def _record(session, actor: Actor, code, current, desired, ids, changes, version, *, kind, summary=None,
            file_name=None, file_sha256=None) -> ChangeSet:
    plans = _plans(current, desired, ids)
    outcome = Outcome(code, changes)
    importer.apply(session, plans, source=f"{kind}:{code}:{actor.username}", demo=None, summary=outcome.summary())
    session.flush()
    change = ChangeSet(
        institution_code=code, version=version + 1, kind=kind, actor=actor.username, account_id=actor.account_id,
        file_name=file_name, file_sha256=file_sha256, summary=summary or outcome.summary(),
    )
    change.rows = [_change_row(r) for r in changes]
    session.add(change)
    session.flush()
    after, _ = _current(session, code)
    session.add(SchoolVersion(institution_code=code, version=change.version, change_set_id=change.id,
                              snapshot=_snapshot_json(after)))
    return change


def rollback(actor: Actor, code: str, version: int, url: str | None = None) -> Outcome:
    """Restores the school's rows exactly as they were at `version` (admin only); recorded as a new version."""
    if not actor.is_admin:
        raise Forbidden([Problem(code, 0, "", "chỉ quản trị viên được khôi phục phiên bản cũ")])
    with _serialised(url) as session:
        if _institution_id(session, code) is None:
            raise NotFound(code)
        current, ids = _current(session, code)
        now = _ensure_version(session, code, current)
        stored = session.scalar(select(SchoolVersion.snapshot).where(
            SchoolVersion.institution_code == code, SchoolVersion.version == version
        ))
        if stored is None:
            raise NotFound(f"{code} v{version}")
        desired = _state_from_json(session, stored)
        changes = _diff(current, desired)
        outcome = Outcome(code, changes, version=now)
        if changes:
            change = _record(session, actor, code, current, desired, ids, changes, now, kind="rollback",
                             summary=f"Khôi phục về phiên bản {version}: " + outcome.summary())
            outcome.version, outcome.change_set_id = change.version, change.id
    return outcome


# --- imports by the command line ---------------------------------------------------------

CATALOG_SCOPE = "*"  # change sets of `python -m catalog import`, not of one school
MAX_AUDITED_ROWS = 2000  # a national import keeps its summary and file hash, not 50,000 row images


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def record_catalog_import(session: Session, plans: dict[str, importer.TablePlan], path: Path, summary: str) -> None:
    """Audit of an import run by an operator (who = the system user running the command)."""
    import getpass

    previous = session.scalar(select(ChangeSet.version).where(ChangeSet.institution_code == CATALOG_SCOPE)
                              .order_by(ChangeSet.version.desc()).limit(1))
    changes: list[RowChange] = []
    detailed = sum(plan.touched for plan in plans.values()) <= MAX_AUDITED_ROWS
    for name, plan in plans.items() if detailed else ():
        spec = schema.FILES[name]
        for values in plan.added:
            changes.append(RowChange(name, _key_text(tuple(values[c] for c in spec.key)), "added", None, _cells(name, values)))
        for before, after in plan.changed:
            changes.append(RowChange(name, _key_text(tuple(after[c] for c in spec.key)), "changed",
                                     _cells(name, before), _cells(name, after)))
        for values in plan.removed:
            changes.append(RowChange(name, _key_text(tuple(values[c] for c in spec.key)), "removed", _cells(name, values), None))
    try:
        who = getpass.getuser()
    except Exception:  # no login name in some containers
        who = "không rõ"
    change = ChangeSet(
        institution_code=CATALOG_SCOPE, version=(previous or 0) + 1, kind="import", actor=f"lệnh import ({who})"[:64],
        file_name=path.name[:255], file_sha256=_file_hash(path),
        summary=summary + ("" if detailed else f" (quá {MAX_AUDITED_ROWS} dòng: chỉ ghi tóm tắt)"),
    )
    change.rows = [_change_row(c) for c in changes]
    session.add(change)


# --- history ---------------------------------------------------------------------------------

def history(code: str, url: str | None = None, limit: int = 100) -> list[dict]:
    with db.session(url) as session:
        return [
            {
                "id": c.id, "version": c.version, "kind": c.kind, "actor": c.actor, "at": _aware(c.at).isoformat(),
                "file_name": c.file_name, "file_sha256": c.file_sha256, "summary": c.summary,
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
            "id": change.id, "institution_code": change.institution_code, "version": change.version,
            "kind": change.kind, "actor": change.actor, "at": _aware(change.at).isoformat(),
            "file_name": change.file_name, "file_sha256": change.file_sha256, "summary": change.summary,
            "rows": [
                RowChange(r.table_name, r.row_key, r.action,
                          json.loads(r.before) if r.before else None, json.loads(r.after) if r.after else None).as_dict()
                for r in change.rows
            ],
        }


def school_cells(code: str, url: str | None = None) -> dict[str, list[list[str]]]:
    """The school's rows as cells (what rollback must restore exactly); for tests and audits."""
    with db.session(url) as session:
        state, _ = _current(session, code)
        return json.loads(_snapshot_json(state))


def institutions_for(actor: Actor, url: str | None = None) -> list[dict]:
    with db.session(url) as session:
        query = select(Institution.code, Institution.name).order_by(Institution.code)
        if not actor.is_admin:
            query = query.where(Institution.code.in_(sorted(actor.institution_codes)))
        return [{"code": code, "name": name} for code, name in session.execute(query)]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

