"""The questions the bot asks the catalog, as small named functions.

Each call opens one session, runs parameterised SQL and returns plain
dataclasses (no ORM objects escape), so callers never hold a connection.
Arguments are what users say: province names in any form
(catalog.provinces), programme and school names matched fuzzily
(catalog.matching). Enum arguments (level, field, kind…) use the format's
codes (catalog.schema).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from catalog import db, matching, provinces, schema
from catalog.history import CATALOG_SCOPE
from catalog.history_models import ChangeSet
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
from vntext import folding


class UnknownProvince(ValueError):
    """The user named a place that is not one of the 34 provinces (or a former one)."""


class UnknownValue(ValueError):
    """An enum argument outside the format's codes (a bug in the caller, not user input)."""


@dataclass(frozen=True)
class InstitutionInfo:
    code: str
    name: str
    kind: str
    ownership: str
    province: str
    address: str | None
    phone: str | None
    email: str | None
    website: str | None
    dormitory: bool | None
    description: str | None
    admission_phone: str | None = None
    zalo: str | None = None
    application_url: str | None = None
    how_to_apply: str | None = None
    application_documents: str | None = None
    scholarships: str | None = None


@dataclass(frozen=True)
class ProgrammeInfo:
    code: str
    name: str
    level: str
    field: str
    duration_months: int | None
    entry_requirement: str | None
    tuition_vnd_per_year: int | None
    quota: int | None
    admission_method: str | None
    application_deadline: dt.date | None
    description: str | None
    career_prospects: str | None
    institution: InstitutionInfo
    occupation_code: str | None = None  # as given, or the 6 digits of a 7-digit code (that occupation may be missing)
    intake_start: dt.date | None = None
    employment_rate_percent: int | None = None
    employment_rate_year: int | None = None
    graduate_income_vnd_per_month: int | None = None


@dataclass(frozen=True)
class ProgrammeComparison:
    """One programme across schools: every offer, cheapest first (unknown fees last)."""

    name: str
    offers: list[ProgrammeInfo]  # the cheapest ones (up to the limit asked)
    provinces: list[str]  # every province that teaches it, not only those of `offers`

    @property
    def cheapest(self) -> ProgrammeInfo | None:
        priced = [o for o in self.offers if o.tuition_vnd_per_year is not None]
        return priced[0] if priced else None


@dataclass(frozen=True)
class EventInfo:
    code: str
    title: str
    start_date: dt.date
    end_date: dt.date | None
    province: str
    location: str | None
    institution_code: str | None
    institution_name: str | None
    description: str | None


@dataclass(frozen=True)
class PolicyInfo:
    code: str
    title: str
    benefit: str
    eligibility: str
    legal_basis: str
    scope: str  # "toan_quoc" or a province name
    levels: tuple[str, ...]
    learner_groups: tuple[str, ...]
    effective_from: dt.date | None
    effective_to: dt.date | None
    source_url: str | None


@dataclass(frozen=True)
class OccupationInfo:
    code: str
    name: str
    field: str
    aliases: tuple[str, ...]
    description: str | None
    suited_for: str | None
    riasec: str | None


@dataclass(frozen=True)
class LabourFigure:
    """Demand and income of one occupation in one place and period, with its source."""

    occupation: OccupationInfo
    scope: str  # "toan_quoc" or a province name
    period: str
    demand: str | None
    income_min_vnd_per_month: int | None
    income_max_vnd_per_month: int | None
    note: str | None
    source: str
    source_url: str | None

    @property
    def national(self) -> bool:
        return self.scope == schema.NATIONAL_SCOPE


# --- name indexes, refreshed when the catalog version changes -------------------------

_cache_lock = threading.Lock()
# (database URL, what) → (catalog version, value): name indexes and other answers derived
# from the whole catalog, computed once per catalog change rather than on every turn
_version_cache: dict[tuple[str, str], tuple[int, object]] = {}


_NAME_COLUMNS = {
    "programmes": Programme.name,
    "institutions": Institution.name,
    "occupations": Occupation.name,
}


def _catalog_version(session: Session) -> int:
    """The catalog's version counter, read once per session."""
    if "catalog_version" not in session.info:
        session.info["catalog_version"] = session.scalar(select(CatalogMeta.version).where(CatalogMeta.id == 1)) or 0
    return session.info["catalog_version"]


def catalog_version() -> int:
    """The catalog's version counter (every write bumps it): what a cache of answers keys on."""
    with db.reading() as session:
        return _catalog_version(session)


def _per_version(session: Session, what: str, build):
    """`build(session)`, kept until the catalog version changes (every write bumps it)."""
    url = str(session.get_bind().url)
    version = _catalog_version(session)
    cached = _version_cache.get((url, what))
    if cached and cached[0] == version:
        return cached[1]
    value = build(session)
    with _cache_lock:
        _version_cache[(url, what)] = (version, value)
    return value


def _name_index(session: Session, kind: str, column) -> matching.NameIndex:
    """Distinct name keys of programmes, institutions or occupations with the aliases of the
    occupations database, rebuilt (lookup tables included) when the catalog version changes."""

    def build(session: Session) -> matching.NameIndex:
        pairs = session.execute(select(column, _NAME_COLUMNS[kind]).distinct()).all()
        aliases = {"programmes": _programme_aliases, "occupations": _occupation_aliases}.get(kind)
        return matching.NameIndex(
            sorted({key for key, _ in pairs}),
            display={key: name for key, name in pairs},
            aliases=aliases(session) if aliases else None,
        ).prepare()

    return _per_version(session, f"names:{kind}", build)


def _occupation_aliases(session: Session) -> dict[str, list[str]]:
    """Occupation name key → its aliases."""
    return {
        name_key: aliases.split(";")
        for name_key, aliases in session.execute(select(Occupation.name_key, Occupation.aliases))
        if aliases
    }


def _programme_aliases(session: Session) -> dict[str, list[str]]:
    """Programme name key → the aliases (and name) of its occupation: "đầu bếp" finds
    Kỹ thuật chế biến món ăn and Nấu ăn gia đình when both train that occupation."""
    occupations = {
        code: (name, aliases)
        for code, name, aliases in session.execute(select(Occupation.code, Occupation.name, Occupation.aliases))
    }
    out: dict[str, list[str]] = {}
    for name_key, given, code in session.execute(
        select(Programme.name_key, Programme.occupation_code, Programme.code).distinct()
    ):
        occupation = occupations.get(_effective_occupation(given, code, occupations))
        if occupation:
            _name, aliases = occupation
            if aliases:
                out.setdefault(name_key, []).extend(aliases.split(";"))
    return out


def _effective_occupation(given: str | None, code: str, occupations=None) -> str | None:
    """A programme's occupation: the one given, else the 6 digits of a national 7-digit code
    (format v1.1), when such an occupation exists in `occupations` (not checked without it)."""
    if given:
        return given
    if len(code) == 7 and code.isdigit() and (occupations is None or code[1:] in occupations):
        return code[1:]
    return None


def _matched_keys(session: Session, kind: str, column, query: str, limit: int = 12) -> list[str]:
    return [m.key for m in matching.best_matches(query, _name_index(session, kind, column), limit=limit)]


EQUALLY_NAMED = 2.0  # score gap within which a message names several programmes at once ("nghề may")


def programme_names_mentioned(
    message: str, limit: int = 3, *, within: float = matching.RELATIVE_WINDOW, typed: str | None = None
) -> list[str]:
    """Programme names (as stored) that a free-text message talks about, best first; `within`
    keeps only names scoring that close to the best ("nghề may" names both May thời trang and
    May công nghiệp equally; "điện tử công nghiệp" names one programme, not Điện công nghiệp too)."""
    with db.reading() as session:
        index = _name_index(session, "programmes", Programme.name_key)
        matches = matching.mentioned(message, index, limit=limit, typed=typed)
        keys = [m.key for m in matches if m.score >= matches[0].score - within]
        if not keys:
            return []
        names = dict(
            session.execute(select(Programme.name_key, Programme.name).where(Programme.name_key.in_(keys)).distinct()).all()
        )
    return [names[k] for k in keys if k in names]


def institution_mentioned(message: str, *, typed: str | None = None) -> InstitutionInfo | None:
    """The school a free-text message names ("trường Việt Hàn có ký túc xá không"), if exactly one fits best."""
    with db.reading() as session:
        index = _name_index(session, "institutions", Institution.name_key)
        # words of programme names ("du lịch", "thời trang") alone do not name a school
        programmes = _name_index(session, "programmes", Programme.name_key)
        matches = matching.mentioned(
            message,
            index,
            limit=2,
            min_ratio=0.4,
            min_words=2,
            typed=typed,
            common=programmes.vocabulary,
            common_pairs=programmes.pairs,
        )
        if not matches or (len(matches) > 1 and matches[1].score == matches[0].score):
            return None
        row = session.execute(
            _schools_with_province().where(Institution.name_key == matches[0].key).order_by(Institution.code)
        ).first()
    return _institution_info(*row) if row else None


def provinces_with_schools() -> list[tuple[str, int]]:
    """(province, number of institutions), most institutions first: what the bot offers as
    buttons (counted once per catalog version)."""
    with db.reading() as session:
        return list(_per_version(session, "provinces_with_schools", _count_schools_per_province))


def _count_schools_per_province(session: Session) -> tuple[tuple[str, int], ...]:
    rows = session.execute(
        select(Province.name, func.count(Institution.id))
        .join(Institution, Institution.province_id == Province.id)
        .group_by(Province.name)
        .order_by(func.count(Institution.id).desc(), Province.name)
    ).all()
    return tuple((name, count) for name, count in rows)


# --- helpers ---------------------------------------------------------------------------


def resolve_province(name: str | None) -> provinces.ProvinceMatch | None:
    """None for no province; raises UnknownProvince for a name that is not a province."""
    if name is None or not str(name).strip():
        return None
    match = provinces.resolve(name)
    if match is None:
        raise UnknownProvince(name)
    return match


def _programmes_with_school():
    """SELECT programme, its institution and the institution's province name."""
    return (
        select(Programme, Institution, Province.name)
        .join(Institution, Programme.institution_id == Institution.id)
        .join(Province, Institution.province_id == Province.id)
    )


def _schools_with_province():
    return select(Institution, Province.name).join(Province, Institution.province_id == Province.id)


def _rank(column, keys: list[str]):
    """ORDER BY the position of a name in the match list (best match first)."""
    return case({k: i for i, k in enumerate(keys)}, value=column, else_=len(keys))


def _check(value: str | None, allowed: Sequence[str], what: str) -> None:
    if value is not None and value not in allowed:
        raise UnknownValue(f"{what}={value!r}; expected one of {', '.join(allowed)}")


def _institution_info(inst: Institution, province: str) -> InstitutionInfo:
    return InstitutionInfo(
        code=inst.code,
        name=inst.name,
        kind=inst.kind,
        ownership=inst.ownership,
        province=province,
        address=inst.address,
        phone=inst.phone,
        email=inst.email,
        website=inst.website,
        dormitory=inst.dormitory,
        description=inst.description,
        admission_phone=inst.admission_phone,
        zalo=inst.zalo,
        application_url=inst.application_url,
        how_to_apply=inst.how_to_apply,
        application_documents=inst.application_documents,
        scholarships=inst.scholarships,
    )


def _programme_info(prog: Programme, inst: Institution, province: str) -> ProgrammeInfo:
    return ProgrammeInfo(
        code=prog.code,
        name=prog.name,
        level=prog.level,
        field=prog.field,
        duration_months=prog.duration_months,
        entry_requirement=prog.entry_requirement,
        tuition_vnd_per_year=prog.tuition_vnd_per_year,
        quota=prog.quota,
        admission_method=prog.admission_method,
        application_deadline=prog.application_deadline,
        description=prog.description,
        career_prospects=prog.career_prospects,
        institution=_institution_info(inst, province),
        occupation_code=_effective_occupation(prog.occupation_code, prog.code),
        intake_start=prog.intake_start,
        employment_rate_percent=prog.employment_rate_percent,
        employment_rate_year=prog.employment_rate_year,
        graduate_income_vnd_per_month=prog.graduate_income_vnd_per_month,
    )


# --- institutions ----------------------------------------------------------------------


def find_institutions(
    *,
    province: str | None = None,
    kind: str | None = None,
    ownership: str | None = None,
    name: str | None = None,
    describes: str | None = None,
    limit: int = 20,
) -> list[InstitutionInfo]:
    """Schools by province, kind, ownership, (fuzzy) name and/or a phrase their own
    description or a programme's contains ("9+"); best name match first."""
    _check(kind, schema.INSTITUTION_KINDS, "kind")
    _check(ownership, schema.OWNERSHIPS, "ownership")
    place = resolve_province(province)
    with db.reading() as session:
        query = _schools_with_province()
        order = []
        if name:
            keys = _matched_keys(session, "institutions", Institution.name_key, name)
            if not keys:
                return []
            query = query.where(Institution.name_key.in_(keys))
            order.append(_rank(Institution.name_key, keys))
        if place:
            query = query.where(Province.name == place.name)
        if kind:
            query = query.where(Institution.kind == kind)
        if ownership:
            query = query.where(Institution.ownership == ownership)
        if describes:
            pattern = f"%{describes}%"
            in_programme = exists().where(Programme.institution_id == Institution.id, Programme.description.like(pattern))
            query = query.where(or_(Institution.description.like(pattern), in_programme))
        rows = session.execute(query.order_by(*order, Institution.name, Institution.code).limit(limit)).all()
    return [_institution_info(inst, prov) for inst, prov in rows]


def get_institution(code: str) -> InstitutionInfo | None:
    with db.reading() as session:
        row = session.execute(_schools_with_province().where(Institution.code == code)).first()
    return _institution_info(*row) if row else None


# --- programmes ------------------------------------------------------------------------


def find_programmes(
    *,
    occupation: str | Sequence[str] | None = None,
    field: str | Sequence[str] | None = None,
    level: str | None = None,
    province: str | None = None,
    entry_requirement: str | None = None,
    institution_code: str | None = None,
    limit: int = 20,
) -> list[ProgrammeInfo]:
    """Programmes matching an occupation name (fuzzy, synonyms) or any of several names, field,
    level, province, entry requirement or school; best name match first, then cheapest."""
    fields = [field] if isinstance(field, str) else list(field or [])
    for one in fields:
        _check(one, schema.FIELDS, "field")
    _check(level, schema.LEVELS, "level")
    _check(entry_requirement, schema.ENTRY_REQUIREMENTS, "entry_requirement")
    place = resolve_province(province)
    with db.reading() as session:
        query = _programmes_with_school()
        order = []
        if occupation:
            wanted = [occupation] if isinstance(occupation, str) else list(occupation)
            keys = list(
                dict.fromkeys(k for name in wanted for k in _matched_keys(session, "programmes", Programme.name_key, name))
            )
            if not keys:
                return []
            query = query.where(Programme.name_key.in_(keys))
            order.append(_rank(Programme.name_key, keys))
        if fields:
            query = query.where(Programme.field.in_(fields))
        if level:
            query = query.where(Programme.level == level)
        if entry_requirement:
            query = query.where(Programme.entry_requirement == entry_requirement)
        if place:
            query = query.where(Province.name == place.name)
        if institution_code:
            query = query.where(Institution.code == institution_code)
        query = query.order_by(
            *order,
            Programme.tuition_vnd_per_year.is_(None),
            Programme.tuition_vnd_per_year,
            Institution.name,
            Programme.name,
            Programme.level,
        ).limit(limit)
        rows = session.execute(query).all()
    return [_programme_info(*row) for row in rows]


def programme_across_schools(occupation: str, *, level: str | None = None, limit: int = 20) -> ProgrammeComparison | None:
    """The best-matching programme name everywhere it is taught: the cheapest offers and all provinces."""
    _check(level, schema.LEVELS, "level")
    with db.reading() as session:
        keys = _matched_keys(session, "programmes", Programme.name_key, occupation, limit=1)
        if not keys:
            return None
        query = (
            _programmes_with_school()
            .where(Programme.name_key == keys[0])
            .order_by(
                Programme.tuition_vnd_per_year.is_(None),
                Programme.tuition_vnd_per_year,
                Province.name,
                Institution.name,
            )
            .limit(limit)
        )
        places = (
            select(Province.name)
            .distinct()
            .join(Institution, Institution.province_id == Province.id)
            .join(Programme, Programme.institution_id == Institution.id)
            .where(Programme.name_key == keys[0])
            .order_by(Province.name)
        )
        if level:
            query = query.where(Programme.level == level)
            places = places.where(Programme.level == level)
        rows = session.execute(query).all()
        provinces_found = list(session.scalars(places))
    if not rows:
        return None
    return ProgrammeComparison(name=rows[0][0].name, offers=[_programme_info(*row) for row in rows], provinces=provinces_found)


def get_programme(institution_code: str, code: str) -> ProgrammeInfo | None:
    with db.reading() as session:
        row = session.execute(
            _programmes_with_school().where(Institution.code == institution_code, Programme.code == code)
        ).first()
    return _programme_info(*row) if row else None


def get_programmes(refs: Sequence[tuple[str, str]]) -> list[ProgrammeInfo]:
    """Programmes by (institution code, programme code), in the order given, in one query;
    those no longer in the catalog are left out (a list a conversation kept from before)."""
    if not refs:
        return []
    with db.reading() as session:
        rows = session.execute(
            _programmes_with_school().where(
                or_(*(and_(Institution.code == school, Programme.code == code) for school, code in refs))
            )
        ).all()
    found = {(inst.code, prog.code): _programme_info(prog, inst, province) for prog, inst, province in rows}
    return [found[ref] for ref in refs if ref in found]


# --- events ----------------------------------------------------------------------------


def upcoming_events(
    *,
    province: str | None = None,
    today: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 10,
) -> list[EventInfo]:
    """Events not yet over (end date, or start date for one-day events, ≥ today), soonest first."""
    today = today or dt.date.today()
    place = resolve_province(province)
    host = Institution
    with db.reading() as session:
        query = (
            select(Event, Province.name, host.code, host.name)
            .join(Province, Event.province_id == Province.id)
            .outerjoin(host, Event.institution_id == host.id)
            .where(or_(Event.start_date >= today, and_(Event.end_date.is_not(None), Event.end_date >= today)))
            .order_by(Event.start_date, Event.code)
            .limit(limit)
        )
        if place:
            query = query.where(Province.name == place.name)
        if until:
            query = query.where(Event.start_date <= until)
        rows = session.execute(query).all()
    return [_event_info(*row) for row in rows]


def _event_info(e: Event, province: str, institution_code: str | None, institution_name: str | None) -> EventInfo:
    """One row of (event, province name, institution code, institution name) as the answers read it."""
    return EventInfo(
        code=e.code,
        title=e.title,
        start_date=e.start_date,
        end_date=e.end_date,
        province=province,
        location=e.location,
        institution_code=institution_code,
        institution_name=institution_name,
        description=e.description,
    )


def get_events(codes: Iterable[str]) -> dict[str, EventInfo]:
    """Events by code, past ones too, in one query (the notifier reads the current facts of the
    events students asked to be reminded of); codes no longer in the catalog are absent."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    with db.reading() as session:
        rows = session.execute(
            select(Event, Province.name, Institution.code, Institution.name)
            .join(Province, Event.province_id == Province.id)
            .outerjoin(Institution, Event.institution_id == Institution.id)
            .where(Event.code.in_(wanted))
        ).all()
    return {row[0].code: _event_info(*row) for row in rows}


# --- policies --------------------------------------------------------------------------


def find_policies(
    *,
    learner_groups: str | Iterable[str] | None = None,
    level: str | None = None,
    province: str | None = None,
    today: dt.date | None = None,
) -> list[PolicyInfo]:
    """Policies in force today that apply to any of the learner groups, the level and the
    province (national ones plus the province's own). A policy that lists no groups or no
    levels applies to all."""
    groups = [learner_groups] if isinstance(learner_groups, str) else list(learner_groups or [])
    for group in groups:
        _check(group, schema.LEARNER_GROUPS, "learner_group")
    _check(level, schema.LEVELS, "level")
    today = today or dt.date.today()
    place = resolve_province(province)
    with db.reading() as session:
        query = (
            select(Policy, Province.name)
            .outerjoin(Province, Policy.province_id == Province.id)
            .where(or_(Policy.effective_from.is_(None), Policy.effective_from <= today))
            .where(or_(Policy.effective_to.is_(None), Policy.effective_to >= today))
            .order_by(Policy.province_id.is_not(None), Policy.code)
        )
        if place:
            query = query.where(or_(Policy.province_id.is_(None), Province.name == place.name))
        else:
            query = query.where(Policy.province_id.is_(None))
        if level:
            any_level = exists().where(PolicyLevel.policy_id == Policy.id)
            this_level = exists().where(PolicyLevel.policy_id == Policy.id, PolicyLevel.level == level)
            query = query.where(or_(~any_level, this_level))
        if groups:
            any_group = exists().where(PolicyLearnerGroup.policy_id == Policy.id)
            these = exists().where(PolicyLearnerGroup.policy_id == Policy.id, PolicyLearnerGroup.learner_group.in_(groups))
            query = query.where(or_(~any_group, these))
            # policies naming the learner's group first, general ones after
            query = query.order_by(None).order_by(case((these, 0), else_=1), Policy.province_id.is_not(None), Policy.code)
        rows = session.execute(query).all()
        ids = [p.id for p, _ in rows]
        levels: dict[int, list[str]] = {}
        group_map: dict[int, list[str]] = {}
        if ids:
            for pid, lv in session.execute(
                select(PolicyLevel.policy_id, PolicyLevel.level).where(PolicyLevel.policy_id.in_(ids))
            ):
                levels.setdefault(pid, []).append(lv)
            for pid, gr in session.execute(
                select(PolicyLearnerGroup.policy_id, PolicyLearnerGroup.learner_group).where(
                    PolicyLearnerGroup.policy_id.in_(ids)
                )
            ):
                group_map.setdefault(pid, []).append(gr)
    return [
        PolicyInfo(
            code=p.code,
            title=p.title,
            benefit=p.benefit,
            eligibility=p.eligibility,
            legal_basis=p.legal_basis,
            scope=prov or schema.NATIONAL_SCOPE,
            levels=tuple(v for v in schema.LEVELS if v in levels.get(p.id, ())),
            learner_groups=tuple(v for v in schema.LEARNER_GROUPS if v in group_map.get(p.id, ())),
            effective_from=p.effective_from,
            effective_to=p.effective_to,
            source_url=p.source_url,
        )
        for p, prov in rows
    ]


# Word pairs every support policy shares: they say nothing about which policy is meant.
_POLICY_GENERIC_PAIRS = frozenset(
    "hoc phi|ho tro|duoc giam|duoc mien|mien hoc|giam hoc|hoc nghe|nguoi hoc|co duoc|trung cap|cao dang|so cap|"
    "chinh sach|duoc ho|tro hoc|hoc sinh|sinh vien|di hoc|theo hoc|co so|giao duc|duc nghe|nghe nghiep|"
    "khong a|duoc khong|co khong|hoc tai|tai co|em co|em duoc|nha em|con toi|chau nha".split("|")
)


_FUNCTION_WORDS = frozenset("co gi khong duoc la cua va cho thi em toi a o thi nao nhu the nay do voi cac nhung mot".split())


def _pairs(text: str) -> set[str]:
    words = folding.expand_teencode(text).split()
    pairs = {f"{a} {b}" for a, b in zip(words, words[1:]) if a not in _FUNCTION_WORDS and b not in _FUNCTION_WORDS}
    return pairs - _POLICY_GENERIC_PAIRS


def policies_mentioned(message: str, *, level: str | None = None, province: str | None = None) -> list[PolicyInfo]:
    """Policies in force whose own words the message uses ("tai nạn lao động", "vay vốn",
    "nặng nhọc, độc hại"), best first: for questions that name no learner group."""
    wanted = _pairs(message)
    if not wanted:
        return []
    scored = []
    for policy in find_policies(level=level, province=province):
        overlap = len(wanted & _pairs(f"{policy.title} {policy.eligibility} {policy.benefit}"))
        if overlap:
            scored.append((overlap, policy))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [policy for score, policy in sorted(scored, key=lambda item: -item[0]) if score == best]


# --- occupations and the labour market (format v1.1) --------------------------------------


def _occupation_info(o: Occupation) -> OccupationInfo:
    return OccupationInfo(
        code=o.code,
        name=o.name,
        field=o.field,
        aliases=tuple(o.aliases.split(";")) if o.aliases else (),
        description=o.description,
        suited_for=o.suited_for,
        riasec=o.riasec,
    )


def _occupations_by_keys(session: Session, keys: list[str]) -> list[OccupationInfo]:
    rows = session.scalars(select(Occupation).where(Occupation.name_key.in_(keys)).order_by(Occupation.code)).all()
    return sorted((_occupation_info(o) for o in rows), key=lambda o: keys.index(folding.key(o.name)))


def occupations_mentioned(message: str, *, typed: str | None = None, limit: int = 3) -> list[OccupationInfo]:
    """Occupations a free-text message names, by name or alias ("thợ hàn", "làm nail"), best first."""
    with db.reading() as session:
        index = _name_index(session, "occupations", Occupation.name_key)
        matches = matching.mentioned(message, index, limit=limit, typed=typed)
        keys = [m.key for m in matches if m.score >= matches[0].score - EQUALLY_NAMED]
        return _occupations_by_keys(session, keys) if keys else []


def find_occupation(name: str) -> OccupationInfo | None:
    """The occupation best matching a name people use (a programme name, an alias, a typo)."""
    with db.reading() as session:
        keys = _matched_keys(session, "occupations", Occupation.name_key, name, limit=1)
        found = _occupations_by_keys(session, keys) if keys else []
    return found[0] if found else None


def occupations_in_fields(fields: Sequence[str], *, types: str = "", per_field: int = 2) -> list[OccupationInfo]:
    """A few occupations of each field group, in the order of `fields`; within a field those
    whose Holland letters lead with one of `types` first (quiz results)."""
    for one in fields:
        _check(one, schema.FIELDS, "field")

    def fit(o: OccupationInfo) -> tuple:
        letters = o.riasec or ""
        lead = 0 if letters[:1] and letters[0] in types else 1 if set(letters) & set(types) else 2
        return lead, o.name

    out: list[OccupationInfo] = []
    with db.reading() as session:
        for one in fields:
            found = [_occupation_info(o) for o in session.scalars(select(Occupation).where(Occupation.field == one))]
            out += sorted(found, key=fit)[:per_field]
    return out


def programmes_of_occupation(
    code: str, *, province: str | None = None, level: str | None = None, limit: int = 20
) -> list[ProgrammeInfo]:
    """Programmes that train an occupation (by occupation_code, or by a 7-digit code ending
    in it), in a province when given; cheapest first."""
    _check(level, schema.LEVELS, "level")
    place = resolve_province(province)
    national_codes = [f"5{code}", f"6{code}"] if len(code) == 6 and code.isdigit() else []
    with db.reading() as session:
        query = _programmes_with_school().where(
            or_(
                Programme.occupation_code == code,
                and_(Programme.occupation_code.is_(None), Programme.code.in_(national_codes)),
            )
        )
        if place:
            query = query.where(Province.name == place.name)
        if level:
            query = query.where(Programme.level == level)
        query = query.order_by(
            Programme.tuition_vnd_per_year.is_(None), Programme.tuition_vnd_per_year, Institution.name, Programme.level
        ).limit(limit)
        return [_programme_info(*row) for row in session.execute(query).all()]


def _figures():
    return (
        select(LabourMarketFigure, Occupation, Province.name)
        .join(Occupation, LabourMarketFigure.occupation_id == Occupation.id)
        .outerjoin(Province, LabourMarketFigure.province_id == Province.id)
    )


def _figure(row) -> LabourFigure:
    figure, occupation, province = row
    return LabourFigure(
        occupation=_occupation_info(occupation),
        scope=province or schema.NATIONAL_SCOPE,
        period=figure.period,
        demand=figure.demand,
        income_min_vnd_per_month=figure.income_min_vnd_per_month,
        income_max_vnd_per_month=figure.income_max_vnd_per_month,
        note=figure.note,
        source=figure.source,
        source_url=figure.source_url,
    )


def labour_figure(occupation_code: str, province: str | None = None) -> LabourFigure | None:
    """The newest figure for an occupation in a province; the newest national one when the
    province has none (the caller says "số liệu toàn quốc": `LabourFigure.national`)."""
    place = resolve_province(province)
    with db.reading() as session:
        query = _figures().where(Occupation.code == occupation_code).order_by(LabourMarketFigure.period.desc())
        if place:
            row = session.execute(query.where(Province.name == place.name).limit(1)).first()
            if row:
                return _figure(row)
        row = session.execute(query.where(LabourMarketFigure.province_id.is_(None)).limit(1)).first()
    return _figure(row) if row else None


def in_demand(province: str | None = None, *, limit: int = 20) -> list[LabourFigure]:
    """Occupations in high demand (`demand` = cao) in a province, newest period of each, best
    paid first; national figures when the province has none."""
    place = resolve_province(province)
    with db.reading() as session:
        query = _figures().where(LabourMarketFigure.demand == "cao")
        rows = session.execute(query.where(Province.name == place.name)).all() if place else []
        if not rows:
            rows = session.execute(query.where(LabourMarketFigure.province_id.is_(None))).all()
        figures = [_figure(row) for row in rows]
    newest: dict[str, LabourFigure] = {}
    for figure in figures:
        kept = newest.get(figure.occupation.code)
        if kept is None or figure.period > kept.period:
            newest[figure.occupation.code] = figure
    ranked = sorted(
        newest.values(),
        key=lambda f: (-(f.income_max_vnd_per_month or f.income_min_vnd_per_month or 0), f.occupation.name),
    )
    return ranked[:limit]


# --- scholarships -------------------------------------------------------------------------


def schools_with_scholarships(*, province: str | None = None, limit: int = 20) -> list[InstitutionInfo]:
    """Schools that list scholarships of their own (format v1.1), in a province when given."""
    place = resolve_province(province)
    with db.reading() as session:
        query = _schools_with_province().where(Institution.scholarships.is_not(None))
        if place:
            query = query.where(Province.name == place.name)
        rows = session.execute(query.order_by(Institution.name, Institution.code).limit(limit)).all()
    return [_institution_info(inst, prov) for inst, prov in rows]


def scholarship_policies(*, level: str | None = None, province: str | None = None) -> list[PolicyInfo]:
    """State policies in force that pay a scholarship (học bổng in their title or benefit)."""
    return [p for p in find_policies(level=level, province=province) if "hoc bong" in folding.key(f"{p.title} {p.benefit}")]


# --- the public handbook (portal) ---------------------------------------------------------


def occupations_by_codes(codes: Iterable[str]) -> list[OccupationInfo]:
    """The occupations of the given codes (those of a province's programmes), by name."""
    wanted = sorted(set(codes))
    if not wanted:
        return []
    with db.reading() as session:
        rows = session.scalars(select(Occupation).where(Occupation.code.in_(wanted)).order_by(Occupation.name)).all()
    return [_occupation_info(o) for o in rows]


def get_occupation(code: str) -> OccupationInfo | None:
    with db.reading() as session:
        row = session.scalar(select(Occupation).where(Occupation.code == code))
    return _occupation_info(row) if row else None


def last_changed(institution_codes: Iterable[str] = ()) -> dt.datetime | None:
    """When the data behind a page last changed: the newest catalog import or change to any of
    these schools (office upload, rollback), as an aware UTC time; None when never recorded."""
    scopes = [CATALOG_SCOPE, *institution_codes]
    with db.reading() as session:
        changed = session.scalar(select(func.max(ChangeSet.at)).where(ChangeSet.institution_code.in_(scopes)))
        imported = session.scalar(select(CatalogMeta.last_import_at).where(CatalogMeta.id == 1))
    times = [t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc) for t in (changed, imported) if t is not None]
    return max(times) if times else None
