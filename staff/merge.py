"""No lost updates: an officer's edits (file vs. the version it was downloaded at) are
replayed on the rows as they are now; a row changed since then, differently, is a conflict.

A conflict says who changed the row since the download: often it is the officer
themself (an earlier upload of the same file, then more edits in it), and telling
them "someone else" changed it sends them looking for a colleague who does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalog import importer
from catalog.history import SCHOOL_SHEETS, State, key_text
from catalog.problems import Problem
from catalog.vietnam_time import vietnam_time


@dataclass(frozen=True)
class LaterChange:
    """A change to the school recorded after the officer's file was downloaded."""

    version: int
    actor: str
    mine: bool  # made by the officer who uploads the file
    at: dt.datetime
    rows: frozenset[tuple[str, str]]  # (sheet, row key as catalog.history records it)

    def touches(self, name: str, key: tuple) -> bool:
        return (name, key_text(key)[:80]) in self.rows


def replay_edits(
    base: State,
    current: State,
    wished: State,
    rows_of: dict,
    labels: dict,
    version_was: int,
    version_now: int,
    later: list[LaterChange],
) -> tuple[State, list[Problem]]:
    """(desired state, conflicts): the officer's changes from `base` applied on `current`."""
    desired = {name: dict(rows) for name, rows in current.items()}
    conflicts: list[Problem] = []
    for name, rows in wished.items():
        for key in sorted(set(base[name]) | set(rows)):
            mine, was, now = rows.get(key), base[name].get(key), current[name].get(key)
            if mine == was:
                continue  # the officer did not touch this row
            if now != was and now != mine:
                touching = [c for c in later if c.touches(name, key)]
                reason = _conflict_reason(key, touching, version_was, version_now)
                conflicts.append(Problem(labels[name], rows_of[name].get(key, 0), "", reason))
            elif mine is None:
                desired[name].pop(key, None)
            else:
                desired[name][key] = mine
    return desired, conflicts


def _conflict_reason(key: tuple, touching: list[LaterChange], version_was: int, version_now: int) -> str:
    row = f'dòng "{key_text(key)}"'
    again = "; hãy tải tệp mới về và sửa lại"
    others = [c for c in touching if not c.mine]
    if touching and not others:
        last = touching[-1]
        return (
            f"{row}: bạn đã cập nhật dòng này lúc {vietnam_time(last.at)} (phiên bản {last.version}), sau khi tải tệp "
            f"này về (phiên bản {version_was}); tệp vẫn còn giá trị cũ của dòng đó" + again
        )
    if others:
        last = others[-1]
        return (
            f"{row} đã được người khác sửa ({last.actor}, lúc {vietnam_time(last.at)}, phiên bản {last.version}) "
            f"sau khi bạn tải tệp (phiên bản {version_was}, nay là {version_now})" + again
        )
    return f"{row} đã được người khác sửa sau khi bạn tải tệp (phiên bản {version_was}, nay là {version_now})" + again


def table_plans(current: State, desired: State, ids: dict[str, dict[tuple, int]]) -> dict[str, importer.TablePlan]:
    """What the importer must write to turn `current` into `desired`."""
    plans: dict[str, importer.TablePlan] = {}
    for name in SCHOOL_SHEETS:
        old, new = current.get(name, {}), desired.get(name, {})
        plan = importer.TablePlan(ids=ids[name])
        for key in sorted(set(old) | set(new)):
            before, after = old.get(key), new.get(key)
            if before is None:
                plan.added.append(after)
            elif after is None:
                plan.removed.append(before)
            elif before != after:
                plan.changed.append((before, after))
            else:
                plan.unchanged += 1
        plans[name] = plan
    return plans
