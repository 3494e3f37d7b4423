"""What one province's handbook holds, read from the catalog: the facts every page and the PDF
show, gathered once per catalog version (portal.freshness) rather than on every request.

Nothing is made up here: each value is a catalog value or absent (the templates then say
"chưa có thông tin" and give the school's contact). The pathways after lớp 9 and lớp 12 are
the province's programmes read by their entry requirement, with the policies the catalog
lists for those graduates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from catalog import provinces, queries, schema
from catalog.queries import EventInfo, InstitutionInfo, LabourFigure, OccupationInfo, PolicyInfo, ProgrammeInfo
from catalog.status import catalog_status
from portal import addresses
from vntext import folding

ALL = 100_000  # "every row": the handbook lists a province's whole catalog


@dataclass(frozen=True)
class FieldGroup:
    field: str
    programmes: list[ProgrammeInfo]


@dataclass(frozen=True)
class OccupationEntry:
    occupation: OccupationInfo
    figure: LabourFigure | None
    programmes: int  # how many of the province's programmes train it


@dataclass(frozen=True)
class Pathway:
    """What a graduate of one grade can study in the province, by level."""

    grade: str  # "thcs" | "thpt"
    by_level: dict[str, list[ProgrammeInfo]]
    policies: list[PolicyInfo]


@dataclass(frozen=True)
class ProvinceHandbook:
    province: str
    slug: str
    former_names: tuple[str, ...]
    schools: list[InstitutionInfo]
    fields: list[FieldGroup]
    events: list[EventInfo]
    policies: list[PolicyInfo]
    occupations: list[OccupationEntry]
    pathways: list[Pathway]
    unknown_entry: list[ProgrammeInfo]
    updated: dt.datetime | None
    is_demo: bool
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def programme_count(self) -> int:
        return sum(len(group.programmes) for group in self.fields)

    def programmes_of(self, code: str) -> list[ProgrammeInfo]:
        return [p for group in self.fields for p in group.programmes if p.institution.code == code]


@dataclass(frozen=True)
class SchoolPage:
    school: InstitutionInfo
    programmes: list[ProgrammeInfo]
    events: list[EventInfo]
    updated: dt.datetime | None
    is_demo: bool


@dataclass(frozen=True)
class OccupationPage:
    occupation: OccupationInfo
    figure: LabourFigure | None
    programmes: list[ProgrammeInfo]
    updated: dt.datetime | None
    is_demo: bool


def is_demo() -> bool:
    return catalog_status().is_demo


def province_handbook(province: str, today: dt.date | None = None) -> ProvinceHandbook:
    """The whole handbook of a current province name (catalog.provinces)."""
    today = today or dt.date.today()
    former = next((p.former_names for p in _provinces() if p.name == province), ())
    schools = queries.find_institutions(province=province, limit=ALL)
    programmes = queries.find_programmes(province=province, limit=ALL)
    by_field: dict[str, list[ProgrammeInfo]] = {}
    for programme in sorted(programmes, key=_programme_order):
        by_field.setdefault(programme.field, []).append(programme)
    fields = [FieldGroup(f, by_field[f]) for f in schema.FIELDS if f in by_field]
    policies = queries.find_policies(province=province, today=today)
    return ProvinceHandbook(
        province=province,
        slug=addresses.province_slug(province),
        former_names=tuple(former),
        schools=schools,
        fields=fields,
        events=queries.upcoming_events(province=province, today=today, limit=200),
        policies=policies,
        occupations=_occupations(programmes, province),
        pathways=[_pathway("thcs", programmes, policies), _pathway("thpt", programmes, policies)],
        unknown_entry=[p for p in programmes if p.entry_requirement is None],
        updated=queries.last_changed(s.code for s in schools),
        is_demo=is_demo(),
        today=today,
    )


def school_page(code: str, today: dt.date | None = None) -> SchoolPage | None:
    school = queries.get_institution(code)
    if school is None:
        return None
    programmes = sorted(queries.find_programmes(institution_code=code, limit=ALL), key=_programme_order)
    events = [
        e
        for e in queries.upcoming_events(province=school.province, today=today or dt.date.today(), limit=200)
        if e.institution_code == code
    ]
    return SchoolPage(school, programmes, events, queries.last_changed([code]), is_demo())


def occupation_page(code: str) -> OccupationPage | None:
    occupation = queries.get_occupation(code)
    if occupation is None:
        return None
    programmes = queries.programmes_of_occupation(code, limit=ALL)
    programmes.sort(key=lambda p: (p.institution.province, p.institution.name, _programme_order(p)))
    return OccupationPage(
        occupation,
        queries.labour_figure(code),
        programmes,
        queries.last_changed({p.institution.code for p in programmes}),
        is_demo(),
    )


def provinces_index() -> list[tuple[str, str, int, tuple[str, ...]]]:
    """(name, slug, number of schools, former names) of every current province, by name."""
    counts = dict(queries.provinces_with_schools())
    return sorted(
        ((p.name, addresses.province_slug(p.name), counts.get(p.name, 0), p.former_names) for p in _provinces()),
        key=lambda row: _collation(row[0]),
    )


def _provinces():
    return provinces.all_provinces()


def _collation(name: str) -> tuple:
    return (folding.key(name), name)


def _programme_order(p: ProgrammeInfo) -> tuple:
    return (_collation(p.name), schema.LEVELS.index(p.level), _collation(p.institution.name), p.code)


def _occupations(programmes: list[ProgrammeInfo], province: str) -> list[OccupationEntry]:
    counts: dict[str, int] = {}
    for p in programmes:
        if p.occupation_code:
            counts[p.occupation_code] = counts.get(p.occupation_code, 0) + 1
    found = queries.occupations_by_codes(counts)
    return [
        OccupationEntry(o, queries.labour_figure(o.code, province), counts[o.code])
        for o in sorted(found, key=lambda o: _collation(o.name))
    ]


def _pathway(grade: str, programmes: list[ProgrammeInfo], policies: list[PolicyInfo]) -> Pathway:
    """After lớp 9 a learner may enter what asks for THCS or nothing; after lớp 12 also what asks for THPT."""
    accepted = {"thcs": ("thcs", "khong"), "thpt": ("thcs", "thpt", "khong")}[grade]
    by_level: dict[str, list[ProgrammeInfo]] = {}
    for p in sorted(programmes, key=_programme_order):
        if p.entry_requirement in accepted:
            by_level.setdefault(p.level, []).append(p)
    group = f"tot_nghiep_{grade}"
    return Pathway(
        grade=grade,
        by_level={level: by_level[level] for level in schema.LEVELS if level in by_level},
        policies=[p for p in policies if group in p.learner_groups],
    )
