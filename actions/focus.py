"""What the bot last showed, kept for follow-ups ("trường nào có ktx", "còn trường khác",
"thế còn ở Lạng Sơn", "trường thứ 2 ở đâu", "học mấy năm").

A focus is the list an answer showed: its items in the order shown (programme refs
"SCHOOL/CODE" or school codes), how many the user has seen, and the query that produced
it (trades, fields, level, province). It lives in the `focus` slot as a plain dict, so it
survives any tracker store, and follow-ups resolve against the catalog again at answer
time (a fee changed since is answered as it is now).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rasa_sdk.events import SlotSet

from catalog import queries

PROGRAMMES = "programmes"
SCHOOLS = "schools"
EVENTS = "events"


@dataclass
class Query:
    """What produced a list: enough to run it again elsewhere or further."""

    occupations: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    level: str | None = None
    province: str | None = None  # None: the whole catalog
    school: str | None = None  # a school's own programmes


@dataclass
class Focus:
    kind: str  # PROGRAMMES, SCHOOLS or EVENTS
    items: list[str]
    shown: int
    query: Query
    details: list[str] = field(default_factory=list)  # what the bot was asked and is still answering

    def slot(self) -> SlotSet:
        return SlotSet("focus", asdict(self))

    @property
    def seen(self) -> list[str]:
        return self.items[: self.shown]

    @property
    def unseen(self) -> list[str]:
        return self.items[self.shown :]


def load(value) -> Focus | None:
    """The focus kept in the slot, or None when there is none (or it is from an older bot)."""
    if not isinstance(value, dict):
        return None
    try:
        return Focus(
            kind=value["kind"],
            items=[str(i) for i in value["items"]],
            shown=int(value["shown"]),
            query=Query(**value.get("query") or {}),
            details=[str(d) for d in value.get("details") or []],
        )
    except (KeyError, TypeError, ValueError):
        return None


def of_programmes(found: list[queries.ProgrammeInfo], shown: int, query: Query) -> Focus:
    return Focus(PROGRAMMES, [ref(p) for p in found], shown, query)


def of_schools(found: list[queries.InstitutionInfo], shown: int, query: Query) -> Focus:
    return Focus(SCHOOLS, [s.code for s in found], shown, query)


def of_events(found: list[queries.EventInfo], shown: int, query: Query) -> Focus:
    return Focus(EVENTS, [e.code for e in found], shown, query)


def ref(p: queries.ProgrammeInfo) -> str:
    return f"{p.institution.code}/{p.code}"


def programme(value: str) -> queries.ProgrammeInfo | None:
    school, _, code = value.partition("/")
    return queries.get_programme(school, code) if code else None


def programmes(values: list[str]) -> list[queries.ProgrammeInfo]:
    """The programmes still in the catalog, in the order given (one query for the whole list)."""
    refs = [tuple(v.partition("/")[::2]) for v in values]
    return queries.get_programmes([r for r in refs if r[1]])


def schools(focus: Focus, values: list[str]) -> list[queries.InstitutionInfo]:
    """The distinct schools of the items given, in their order."""
    if focus.kind == SCHOOLS:
        found = [queries.get_institution(code) for code in values]
        return [s for s in found if s is not None]
    seen: dict[str, queries.InstitutionInfo] = {}
    for p in programmes(values):
        seen.setdefault(p.institution.code, p.institution)
    return list(seen.values())
