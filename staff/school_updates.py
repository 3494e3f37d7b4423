"""An admissions office changes its own school's rows: download, preview, apply, roll back.

An upload is the officer's wish for the school's rows (rows a sheet no longer
lists are removed). Who may write what: staff.scope. Edits made on an older
download are replayed on the current rows: staff.merge. Applies are serialised
(catalog.writer_lock) and each one is recorded with row-level before/after and a
full snapshot of the school (catalog.history): rollback restores such a snapshot
exactly.

An upload waits as `pending` until the officer applies it (`applied`, once: a
second apply is told apart from a failure, since the data was saved) or cancels
it (`cancelled`, never applicable again).

The database must be migrated first (the service does it at start-up).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog import exporter, history, importer, schema, snapshot
from catalog.history import SCHOOL_SHEETS, NotFound, RowChange, State
from catalog.history_models import ChangeSet
from catalog.models import as_utc, utcnow
from catalog.problems import CatalogFileError, Problem
from catalog.validator import validate
from catalog.writer_lock import serialised_session
from staff.accounts import Actor
from staff.errors import Conflict, Forbidden
from staff.merge import LaterChange, replay_edits, table_plans
from staff.models import Upload
from staff.outcome import Outcome
from staff.scope import foreign_sheet_problems, scope_problems
from staff.upload_file import read_upload

UPLOAD_TTL = dt.timedelta(hours=24)
PARTIAL_FILE = (
    "Tệp này không phải tệp tải về của trường (mẫu trống hoặc CSV): mình chỉ thêm và sửa các dòng có trong tệp, "
    "không xóa dòng nào. Muốn xóa một dòng, hãy tải tệp của trường về, xóa dòng đó rồi tải lên."
)


class AlreadyApplied(Conflict):
    """The upload was applied before (a second press, a resubmitted form): its data is saved."""

    def __init__(self, upload: Upload, change: ChangeSet | None):
        super().__init__([Problem(upload.filename, 0, "", "tệp này đã được áp dụng rồi")])
        self.institution_code = upload.institution_code
        self.filename = upload.filename
        self.change_set_id = change.id if change else None
        self.version = change.version if change else None
        self.applied_at = as_utc(change.at) if change else None


class Cancelled(Conflict):
    """The officer cancelled this preview: it can never be applied."""

    def __init__(self, upload: Upload):
        super().__init__([Problem(upload.filename, 0, "", "bản xem trước này đã bị hủy; hãy tải tệp lên lại")])
        self.institution_code = upload.institution_code


def school_rows_for_download(code: str, url: str | None = None) -> tuple[dict[str, list[list[str]]], int]:
    """(rows per sheet as cells, version) — what the officer downloads to edit."""
    with serialised_session(url) as session:
        if history.institution_id(session, code) is None:
            raise NotFound(code)
        state, _ = history.current_state(session, code)
        version = history.ensure_version(session, code, state)
    rows = {
        name: [[exporter.cell_text(state[name][k][c]) for c in schema.FILES[name].column_names] for k in sorted(state[name])]
        for name in SCHOOL_SHEETS
    }
    return rows, version


def write_school_workbook(path: Path, code: str, url: str | None = None) -> int:
    rows, version = school_rows_for_download(code, url)
    exporter.school_workbook(path, rows, code, version)
    return version


@dataclass
class _Plan:
    """Everything an apply needs, computed on the current rows."""

    current: State
    desired: State
    ids: dict
    changes: list[RowChange]
    warnings: list[Problem]
    version: int
    merged_from: int | None = None
    changed_since: list[LaterChange] = field(default_factory=list)


def _later_changes(session: Session, actor: Actor, code: str, version: int) -> list[LaterChange]:
    """The school's changes after `version`, oldest first, each marked when it was this officer's."""
    query = select(ChangeSet).where(ChangeSet.institution_code == code, ChangeSet.version > version).order_by(ChangeSet.version)
    return [
        LaterChange(
            version=c.version,
            actor=c.actor,
            mine=c.account_id is not None and c.account_id == actor.account_id,
            at=as_utc(c.at),
            rows=frozenset((r.table_name, r.row_key) for r in c.rows),
        )
        for c in session.scalars(query)
    ]


def _prepare(session: Session, actor: Actor, code: str, content: bytes, filename: str) -> _Plan:
    """Raises when the file cannot be applied."""
    if not actor.may_edit(code):
        raise Forbidden([Problem(filename, 0, "", f"tài khoản của bạn không được cập nhật dữ liệu của trường {code}")])
    if history.institution_id(session, code) is None:
        raise NotFound(code)
    sheets, stamp = read_upload(content, filename)
    foreign = foreign_sheet_problems(sheets)
    if foreign:  # refused before validation: a wrong sheet is not the officer's to fix
        raise Forbidden(foreign)
    checked = validate(sheets, *snapshot.known_codes(session))
    if checked.errors:
        raise CatalogFileError(checked.errors)
    current, ids = history.current_state(session, code)
    hosts = snapshot.event_hosts(session, [r.values["code"] for r in checked.records.get("events", [])])
    problems = scope_problems(actor, code, checked, current, hosts)
    if problems:
        raise Forbidden(problems)
    wished: State = {
        name: {r.key(schema.FILES[name]): r.values for r in checked.records[name]} for name in SCHOOL_SHEETS if checked.has(name)
    }
    rows_of = {name: {r.key(schema.FILES[name]): r.row for r in checked.records[name]} for name in wished}
    if "institutions" in wished and not wished["institutions"]:
        del wished["institutions"]  # an empty institutions sheet does not remove the school
    version = history.ensure_version(session, code, current)
    base_json = history.stored_version(session, code, stamp[1]) if stamp and stamp[0] == code and stamp[1] < version else None
    if stamp is None:
        # No version sheet (the blank template, a CSV): the officer lists what to add or change, not
        # the school's whole list, so nothing is removed. Removing a row takes the school's own file.
        desired = {name: dict(rows) | wished.get(name, {}) for name, rows in current.items()}
        note = Problem(filename, 0, "", PARTIAL_FILE, warning=True)
        return _Plan(current, desired, ids, history.diff(current, desired), [note, *checked.warnings], version)
    if base_json is None:
        desired = {name: dict(rows) for name, rows in current.items()} | wished
        return _Plan(current, desired, ids, history.diff(current, desired), checked.warnings, version)
    later = _later_changes(session, actor, code, stamp[1])
    desired, conflicts = replay_edits(
        history.state_from_json(session, base_json), current, wished, rows_of, checked.labels, stamp[1], version, later
    )
    if conflicts:
        raise Conflict(conflicts)
    return _Plan(current, desired, ids, history.diff(current, desired), checked.warnings, version, stamp[1], later)


def _outcome(upload: Upload, plan: _Plan) -> Outcome:
    return Outcome(
        upload.institution_code,
        plan.changes,
        plan.warnings,
        upload_id=upload.public_id,
        version=plan.version,
        merged_from_version=plan.merged_from,
        filename=upload.filename,
        uploaded_at=as_utc(upload.created_at),
        changed_since=plan.changed_since,
    )


def _own_upload(session: Session, actor: Actor, upload_id: str) -> Upload:
    upload = session.scalar(select(Upload).where(Upload.public_id == upload_id))
    if upload is None or upload.account_id != actor.account_id:
        raise NotFound(upload_id)
    return upload


def _ensure_pending(session: Session, upload: Upload) -> None:
    if upload.status == "applied":
        raise AlreadyApplied(upload, session.get(ChangeSet, upload.change_set_id) if upload.change_set_id else None)
    if upload.status == "cancelled":
        raise Cancelled(upload)
    if as_utc(upload.created_at) < utcnow() - UPLOAD_TTL:
        raise Conflict([Problem(upload.filename, 0, "", "bản xem trước đã quá 24 giờ; hãy tải tệp lên lại")])


def preview(actor: Actor, code: str, content: bytes, filename: str, url: str | None = None) -> Outcome:
    """Checks the file and keeps it for confirmation; writes nothing to the catalog."""
    with serialised_session(url) as session:
        plan = _prepare(session, actor, code, content, filename)
        session.execute(
            delete(Upload).where(Upload.created_at < utcnow() - UPLOAD_TTL, Upload.status.in_(("pending", "cancelled")))
        )
        upload = Upload(
            public_id=secrets.token_urlsafe(24),
            account_id=actor.account_id,
            institution_code=code,
            filename=Path(filename or "tep").name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            status="pending",
        )
        session.add(upload)
        session.flush()
        return _outcome(upload, plan)


def pending_preview(actor: Actor, upload_id: str, url: str | None = None) -> Outcome:
    """The preview of an upload still waiting for confirmation, computed again on the rows as they
    are now (the page the upload form redirects to, safe to reload)."""
    with serialised_session(url) as session:
        upload = _own_upload(session, actor, upload_id)
        _ensure_pending(session, upload)
        return _outcome(upload, _prepare(session, actor, upload.institution_code, upload.content, upload.filename))


def cancel_upload(actor: Actor, upload_id: str, url: str | None = None) -> str:
    """Discards a pending upload for good (its file too); returns the school's code.
    Cancelling twice is harmless; an applied upload cannot be cancelled (AlreadyApplied)."""
    with serialised_session(url) as session:
        upload = _own_upload(session, actor, upload_id)
        if upload.status == "applied":
            _ensure_pending(session, upload)
        upload.status = "cancelled"
        upload.content = b""
        return upload.institution_code


def apply_upload(actor: Actor, upload_id: str, url: str | None = None) -> Outcome:
    """Applies a previewed upload on the rows as they are now (others may have changed them since)."""
    with serialised_session(url) as session:
        upload = _own_upload(session, actor, upload_id)
        _ensure_pending(session, upload)
        plan = _prepare(session, actor, upload.institution_code, upload.content, upload.filename)
        outcome = _outcome(upload, plan)
        if plan.changes:
            change = _record(
                session,
                actor,
                upload.institution_code,
                plan.current,
                plan.desired,
                plan.ids,
                plan.changes,
                plan.version,
                kind="upload",
                file_name=upload.filename,
                file_sha256=upload.sha256,
            )
            outcome.version, outcome.change_set_id = change.version, change.id
            upload.change_set_id = change.id
        upload.status = "applied"
        upload.content = b""  # the audit keeps the hash and the row changes
    return outcome


def _record(
    session, actor: Actor, code, current, desired, ids, changes, version, *, kind, summary=None, file_name=None, file_sha256=None
):
    summary_text = history.summary(changes)
    importer.apply(
        session, table_plans(current, desired, ids), source=f"{kind}:{code}:{actor.username}", demo=None, summary=summary_text
    )
    session.flush()
    return history.record_school_change(
        session,
        code,
        changes,
        version,
        kind=kind,
        actor=actor.username,
        account_id=actor.account_id,
        summary_text=summary or summary_text,
        file_name=file_name,
        file_sha256=file_sha256,
    )


def _rollback_plan(session: Session, actor: Actor, code: str, version: int):
    if not actor.is_admin:
        raise Forbidden([Problem(code, 0, "", "chỉ quản trị viên được khôi phục phiên bản cũ")])
    if history.institution_id(session, code) is None:
        raise NotFound(code)
    current, ids = history.current_state(session, code)
    now = history.ensure_version(session, code, current)
    stored = history.stored_version(session, code, version)
    if stored is None:
        raise NotFound(f"{code} v{version}")
    desired = history.state_from_json(session, stored)
    return current, desired, ids, now


def rollback_preview(actor: Actor, code: str, version: int, url: str | None = None) -> Outcome:
    """What a rollback to `version` would change (admin only), for the confirmation page: no row of
    the school changes (at most the current state is recorded as a version, as any preview does)."""
    with serialised_session(url) as session:
        current, desired, _, now = _rollback_plan(session, actor, code, version)
        return Outcome(code, history.diff(current, desired), version=now)


def rollback(actor: Actor, code: str, version: int, url: str | None = None) -> Outcome:
    """Restores the school's rows exactly as they were at `version` (admin only); recorded as a new version."""
    with serialised_session(url) as session:
        current, desired, ids, now = _rollback_plan(session, actor, code, version)
        changes = history.diff(current, desired)
        outcome = Outcome(code, changes, version=now)
        if changes:
            change = _record(
                session,
                actor,
                code,
                current,
                desired,
                ids,
                changes,
                now,
                kind="rollback",
                summary=f"Khôi phục về phiên bản {version}: " + outcome.summary(),
            )
            outcome.version, outcome.change_set_id = change.version, change.id
    return outcome
