"""The catalog's current rows in interchange-format terms.

Import compares incoming rows with these to know what is added, changed or
removed; export writes them out. Keeping one representation for both is what
makes export → import → export lossless.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from catalog import schema
from catalog.models import (
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

DEPARTMENT_FILES = ("policies", "occupations", "labour_market")  # kept by the department, not by a school


class Rows(dict):
    """key tuple → format values; `.ids` maps the same keys to database ids."""

    def __init__(self):
        super().__init__()
        self.ids: dict[tuple, int] = {}


def load(session: Session, name: str, institution_code: str | None = None) -> Rows:
    """All rows of one file, or only one institution's (its own row, programmes, hosted events)."""
    if institution_code is not None and name in DEPARTMENT_FILES:
        raise ValueError(f"{name} do not belong to an institution")
    return _LOADERS[name](session, institution_code)


def known_codes(session: Session) -> tuple[set[str], set[str]]:
    """(institution codes, occupation codes) already in the catalog: what an imported file may refer to."""
    return set(session.scalars(select(Institution.code))), set(session.scalars(select(Occupation.code)))


def event_hosts(session: Session, codes: list[str]) -> dict[str, str | None]:
    """Event code → hosting institution code (None for a province event), for existing events only."""
    host = aliased(Institution)
    hosts: dict[str, str | None] = {}
    for start in range(0, len(codes), 900):  # under SQLite's bound-parameter limit
        query = (
            select(Event.code, host.code)
            .outerjoin(host, Event.institution_id == host.id)
            .where(Event.code.in_(codes[start : start + 900]))
        )
        hosts.update(session.execute(query).all())
    return hosts


def _institutions(session: Session, institution_code: str | None = None) -> Rows:
    rows = Rows()
    query = select(Institution, Province.name).join(Province, Institution.province_id == Province.id)
    if institution_code is not None:
        query = query.where(Institution.code == institution_code)
    for inst, province in session.execute(query):
        key = (inst.code,)
        rows.ids[key] = inst.id
        rows[key] = {
            "code": inst.code,
            "name": inst.name,
            "kind": inst.kind,
            "ownership": inst.ownership,
            "province": province,
            "address": inst.address,
            "phone": inst.phone,
            "email": inst.email,
            "website": inst.website,
            "dormitory": inst.dormitory,
            "description": inst.description,
            **{name: getattr(inst, name) for name in _INSTITUTION_V11},
        }
    return rows


_INSTITUTION_V11 = ("admission_phone", "zalo", "application_url", "how_to_apply", "application_documents", "scholarships")


def _programmes(session: Session, institution_code: str | None = None) -> Rows:
    rows = Rows()
    columns = [c.name for c in schema.PROGRAMMES.columns if c.name != "institution_code"]
    query = select(Programme.id, Institution.code.label("institution_code"), *[getattr(Programme, c) for c in columns]).join(
        Institution, Programme.institution_id == Institution.id
    )
    if institution_code is not None:
        query = query.where(Institution.code == institution_code)
    for row in session.execute(query).mappings():
        key = (row["institution_code"], row["code"])
        rows.ids[key] = row["id"]
        rows[key] = {c: row[c] for c in schema.PROGRAMMES.column_names}
    return rows


def _events(session: Session, institution_code: str | None = None) -> Rows:
    rows = Rows()
    host = aliased(Institution)
    query = (
        select(Event, Province.name, host.code)
        .join(Province, Event.province_id == Province.id)
        .outerjoin(host, Event.institution_id == host.id)
    )
    if institution_code is not None:
        query = query.where(host.code == institution_code)
    for event, province, institution_code in session.execute(query):
        key = (event.code,)
        rows.ids[key] = event.id
        rows[key] = {
            "code": event.code,
            "title": event.title,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "province": province,
            "location": event.location,
            "institution_code": institution_code,
            "description": event.description,
        }
    return rows


def _policies(session: Session, _institution_code: None = None) -> Rows:
    rows = Rows()
    levels: dict[int, set[str]] = {}
    for policy_id, level in session.execute(select(PolicyLevel.policy_id, PolicyLevel.level)):
        levels.setdefault(policy_id, set()).add(level)
    groups: dict[int, set[str]] = {}
    for policy_id, group in session.execute(select(PolicyLearnerGroup.policy_id, PolicyLearnerGroup.learner_group)):
        groups.setdefault(policy_id, set()).add(group)
    query = select(Policy, Province.name).outerjoin(Province, Policy.province_id == Province.id)
    for policy, province in session.execute(query):
        key = (policy.code,)
        rows.ids[key] = policy.id
        policy_levels = levels.get(policy.id, set())
        policy_groups = groups.get(policy.id, set())
        rows[key] = {
            "code": policy.code,
            "title": policy.title,
            "benefit": policy.benefit,
            "eligibility": policy.eligibility,
            "legal_basis": policy.legal_basis,
            "scope": province or schema.NATIONAL_SCOPE,
            "levels": tuple(v for v in schema.LEVELS if v in policy_levels) or None,
            "learner_groups": tuple(v for v in schema.LEARNER_GROUPS if v in policy_groups) or None,
            "effective_from": policy.effective_from,
            "effective_to": policy.effective_to,
            "source_url": policy.source_url,
        }
    return rows


def _occupations(session: Session, _institution_code: None = None) -> Rows:
    rows = Rows()
    for occupation in session.scalars(select(Occupation)):
        key = (occupation.code,)
        rows.ids[key] = occupation.id
        rows[key] = {
            "code": occupation.code,
            "name": occupation.name,
            "field": occupation.field,
            "aliases": split_aliases(occupation.aliases),
            "description": occupation.description,
            "suited_for": occupation.suited_for,
            "riasec": occupation.riasec,
        }
    return rows


def split_aliases(stored: str | None) -> tuple[str, ...] | None:
    return tuple(stored.split(";")) if stored else None


def _labour_market(session: Session, _institution_code: None = None) -> Rows:
    rows = Rows()
    query = (
        select(LabourMarketFigure, Occupation.code, Province.name)
        .join(Occupation, LabourMarketFigure.occupation_id == Occupation.id)
        .outerjoin(Province, LabourMarketFigure.province_id == Province.id)
    )
    for figure, occupation_code, province in session.execute(query):
        scope = province or schema.NATIONAL_SCOPE
        key = (occupation_code, scope, figure.period)
        rows.ids[key] = figure.id
        rows[key] = {
            "occupation_code": occupation_code,
            "scope": scope,
            "period": figure.period,
            "demand": figure.demand,
            "income_min_vnd_per_month": figure.income_min_vnd_per_month,
            "income_max_vnd_per_month": figure.income_max_vnd_per_month,
            "note": figure.note,
            "source": figure.source,
            "source_url": figure.source_url,
        }
    return rows


_LOADERS = {
    "institutions": _institutions,
    "programmes": _programmes,
    "events": _events,
    "policies": _policies,
    "occupations": _occupations,
    "labour_market": _labour_market,
}
