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

_DEPARTMENT_SHEET_NAMES = {
    "policies": "chính sách",
    "occupations": "danh mục nghề",
    "labour_market": "số liệu thị trường lao động",
}
# Columns of its own institution row an admissions office keeps itself (format v1.1):
# how to apply and whom to ask. The rest (name, kind, province…) only the department changes.
OFFICE_INSTITUTION_COLUMNS = frozenset(
    {"admission_phone", "zalo", "application_url", "how_to_apply", "application_documents", "scholarships"}
)


def foreign_sheet_problems(sheets) -> list[Problem]:
    """Sheets that are not a school's (policies, occupations, labour market) and carry rows:
    refused before validation. Without rows they change nothing, and the blank template
    (docs/mau-danh-muc.xlsx) an office may fill in has every sheet of the format."""
    return [
        Problem(
            s.label,
            0,
            "",
            f"{_DEPARTMENT_SHEET_NAMES.get(s.spec.name, s.spec.name)} do quản trị viên của Sở cập nhật, không nằm trong tệp của trường",
        )
        for s in sheets
        if s.spec.name not in SCHOOL_SHEETS and s.rows
    ]


def _department_columns_changed(before: dict | None, after: dict) -> list[str]:
    if before is None:
        return ["code"]
    return [c for c in after if c not in OFFICE_INSTITUTION_COLUMNS and before.get(c) != after[c]]


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
        elif not actor.is_admin and (changed := _department_columns_changed(current["institutions"].get((code,)), record.values)):
            problems.append(
                Problem(
                    label("institutions"),
                    record.row,
                    changed[0],
                    "thông tin của chính cơ sở (tên, địa chỉ, điện thoại…) chỉ quản trị viên sửa được; hãy để nguyên các cột đó "
                    "và liên hệ Sở (trường tự sửa được: " + ", ".join(sorted(OFFICE_INSTITUTION_COLUMNS)) + ")",
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
