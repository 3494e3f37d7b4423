"""No lost updates: an officer's edits (file vs. the version it was downloaded at) are
replayed on the rows as they are now; a row someone else changed differently is a conflict."""

from __future__ import annotations

from catalog import importer
from catalog.history import SCHOOL_SHEETS, State, key_text
from catalog.problems import Problem


def replay_edits(
    base: State, current: State, wished: State, rows_of: dict, labels: dict, version_was: int, version_now: int
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
                conflicts.append(
                    Problem(
                        labels[name],
                        rows_of[name].get(key, 0),
                        "",
                        f'dòng "{key_text(key)}" đã được người khác sửa sau khi bạn tải tệp (phiên bản {version_was}, '
                        f"nay là {version_now}); hãy tải tệp mới về và sửa lại",
                    )
                )
            elif mine is None:
                desired[name].pop(key, None)
            else:
                desired[name][key] = mine
    return desired, conflicts


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
