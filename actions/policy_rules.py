"""Which policies may be presented to a learner: never one for a group the message says the
learner is not in ("nhà không thuộc hộ nghèo", "em là người Kinh")."""

from __future__ import annotations

from actions.request import Request
from catalog import queries
from vntext import lexicon


def excluded(policy: queries.PolicyInfo, request: Request) -> bool:
    """A policy only for groups the message says the learner is not in ("nhà không thuộc hộ
    nghèo", "em là người Kinh") is never presented as applying."""
    groups, denied = set(policy.learner_groups), set(request.excluded_groups)
    if set(lexicon.learner_groups_in(policy.title)) & denied:
        return True  # "… dân tộc thiểu số thuộc hộ nghèo" for someone who is Kinh, or not poor
    if not groups & denied:
        return False
    return not groups & (set(request.groups) - denied)
