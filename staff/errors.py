"""Why a staff change was refused. The web layer maps each to one HTTP answer (staff.web.errors)."""

from __future__ import annotations

from catalog.history import NotFound
from catalog.problems import CatalogFileError, Problem

__all__ = ["CatalogFileError", "Conflict", "Forbidden", "NotFound", "problems_as_dicts"]


class Forbidden(Exception):
    """The file touches rows the account may not change."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Conflict(Exception):
    """Someone else changed the same rows, or the upload was already applied."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def problems_as_dicts(problems: list[Problem]) -> list[dict]:
    return [{"file": p.file, "row": p.row, "column": p.column, "reason": p.reason} for p in problems]
