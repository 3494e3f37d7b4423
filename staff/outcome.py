"""What a preview or an applied change looks like to the officer and to API clients."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from catalog.history import RowChange, counts, summary
from catalog.problems import Problem
from staff.errors import problems_as_dicts
from staff.merge import LaterChange


@dataclass
class Outcome:
    """A preview (nothing written yet) or an applied change."""

    institution_code: str
    changes: list[RowChange]
    warnings: list[Problem] = field(default_factory=list)
    upload_id: str | None = None
    version: int | None = None  # the school version the data is at (after apply: the new one)
    change_set_id: int | None = None
    merged_from_version: int | None = None  # the file's version when it was older than the current one
    # For the pages (not part of the API's answer):
    filename: str | None = None
    uploaded_at: dt.datetime | None = None
    changed_since: list[LaterChange] = field(default_factory=list)  # changes after the file's version, oldest first

    def counts(self) -> dict[str, int]:
        return counts(self.changes)

    def summary(self) -> str:
        return summary(self.changes)

    @property
    def changed_since_only_by_me(self) -> bool:
        """Every change since the file was downloaded was the uploader's own (an earlier upload)."""
        return bool(self.changed_since) and all(c.mine for c in self.changed_since)

    def as_dict(self) -> dict:
        return {
            "institution_code": self.institution_code,
            "upload_id": self.upload_id,
            "version": self.version,
            "change_set_id": self.change_set_id,
            "merged_from_version": self.merged_from_version,
            "counts": self.counts(),
            "changes": [c.as_dict() for c in self.changes],
            "warnings": problems_as_dicts(self.warnings),
        }
