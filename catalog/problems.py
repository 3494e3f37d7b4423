"""Errors and warnings found in a catalog file, located the way a spreadsheet user finds them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str  # "programmes.csv", or "catalog.xlsx#programmes" for a sheet
    row: int  # spreadsheet row number, header = 1; 0 = the file as a whole
    column: str  # column name, or "" for the whole row/file
    reason: str  # Vietnamese
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


class CatalogFileError(Exception):
    """The import cannot go on; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
