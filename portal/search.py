"""The handbook's search box: schools, programmes and occupations, read the way the bot reads
a message — without diacritics, with teencode and Telex leftovers ("truong cd o qn", "hoc nghe
han", "dien cn"), and a province named anywhere narrows the results.

The reading is the catalog's (catalog.matching through catalog.queries, vntext.folding), so the
search finds what the bot would talk about and nothing it would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog import provinces, queries
from catalog.queries import InstitutionInfo, OccupationInfo, ProgrammeInfo
from vntext import folding

MAX_QUERY_CHARS = 200
LIMIT = 30
# Words that only say what kind of thing is sought ("trường", "học nghề"), not which one.
_FILLER = frozenset("truong nganh nghe hoc lam o tai tim kiem co khong cho em minh muon ve cac nhung gi".split())


@dataclass(frozen=True)
class Results:
    query: str
    province: str | None = None
    former_name: str | None = None
    schools: list[InstitutionInfo] = field(default_factory=list)
    programmes: list[ProgrammeInfo] = field(default_factory=list)
    occupations: list[OccupationInfo] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.schools or self.programmes or self.occupations)


def clean(query: str) -> str:
    """The query as typed, NFC, control characters gone, cut to a sane length."""
    return folding.normalize(query or "")[:MAX_QUERY_CHARS]


def search(query: str) -> Results:
    query = clean(query)
    expanded = folding.expand_teencode(query)
    if not expanded:
        return Results(query)
    place, rest = provinces.split_province(expanded)
    province = place.name if place else None
    words = [w for w in rest.split() if w not in _FILLER]
    wanted = " ".join(words)
    schools: list[InstitutionInfo] = []
    programmes: list[ProgrammeInfo] = []
    occupations: list[OccupationInfo] = []
    if wanted:
        named = queries.institution_mentioned(rest)
        if named and (province is None or named.province == province):
            schools.append(named)
        schools += queries.find_institutions(name=wanted, province=province, limit=LIMIT)
        names = queries.programme_names_mentioned(rest, limit=5) or [wanted]
        programmes = queries.find_programmes(occupation=names, province=province, limit=LIMIT)
        occupations = queries.occupations_mentioned(rest) or [o for o in [queries.find_occupation(wanted)] if o]
    elif province:
        schools = queries.find_institutions(province=province, limit=LIMIT)
    return Results(
        query=query,
        province=province,
        former_name=place.former_name if place else None,
        schools=list({s.code: s for s in schools}.values()),
        programmes=programmes,
        occupations=list({o.code: o for o in occupations}.values()),
    )
