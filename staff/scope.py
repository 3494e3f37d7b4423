"""Which rows an account may write. Decided on the rows themselves, not in the web layer:
a `school` account's file that touches any row outside its own institution is
refused as a whole and nothing is written."""

from __future__ import annotations

from sqlalchemy import select

from catalog import db
from catalog.history import SCHOOL_SHEETS, State
from catalog.models import Institution
from catalog.problems import Problem
from staff.accounts import Actor


def foreign_sheet_problems(sheets) -> list[Problem]:
    """Sheets that are not a school's (policies): refused before validation."""
    return [
        Problem(s.label, 0, "", "chính sách do quản trị viên của Sở cập nhật, không nằm trong tệp của trường")
        for s in sheets
        if s.spec.name not in SCHOOL_SHEETS
    ]


def scope_problems(actor: Actor, code: str, checked, current: State, event_hosts: dict) -> list[Problem]:
    """Rows this account may not write, each located in the file."""
    problems: list[Problem] = []
    label = checked.labels.get
    for record in checked.records.get("institutions", []):
        other = record.values["code"]
        if other != code:
            problems.append(
                Problem(label("institutions"), record.row, "code", f'dòng của cơ sở "{other}", không phải của trường {code}')
            )
        elif not actor.is_admin and current["institutions"].get((code,)) != record.values:
            problems.append(
                Problem(
                    label("institutions"),
                    record.row,
                    "",
                    "thông tin của chính cơ sở (tên, địa chỉ, điện thoại…) chỉ quản trị viên sửa được; hãy để nguyên dòng này và liên hệ Sở",
                )
            )
    for record in checked.records.get("programmes", []):
        other = record.values["institution_code"]
        if other != code:
            problems.append(
                Problem(
                    label("programmes"), record.row, "institution_code", f'dòng của cơ sở "{other}", không phải của trường {code}'
                )
            )
    for record in checked.records.get("events", []):
        host = record.values["institution_code"]
        if host != code:
            who = f'cơ sở "{host}"' if host else "cấp tỉnh (không ghi institution_code)"
            problems.append(
                Problem(label("events"), record.row, "institution_code", f"sự kiện của {who}, không phải của trường {code}")
            )
        elif record.values["code"] in event_hosts and event_hosts[record.values["code"]] != code:
            problems.append(
                Problem(label("events"), record.row, "code", f'mã sự kiện "{record.values["code"]}" đã thuộc về đơn vị khác')
            )
    return problems


def institutions_for(actor: Actor, url: str | None = None) -> list[dict]:
    """The schools this account may update (all of them for an admin)."""
    with db.session(url) as session:
        query = select(Institution.code, Institution.name).order_by(Institution.code)
        if not actor.is_admin:
            query = query.where(Institution.code.in_(sorted(actor.institution_codes)))
        return [{"code": code, "name": name} for code, name in session.execute(query)]
