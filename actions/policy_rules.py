"""Which policies may be presented to a learner, and in what order: never one for a group the
message says the learner is not in ("nhà không thuộc hộ nghèo", "em là người Kinh"); those that
fit everything the message states (groups and level) before those that fit only some."""

from __future__ import annotations

from actions.request import Request
from catalog import queries
from vntext import lexicon

GRADE_GROUPS = frozenset({"tot_nghiep_thcs", "tot_nghiep_thpt"})
# A learner who names a school year finished ("xong lớp 9") asks about a full programme
_AFTER_A_GRADE = frozenset({"trung_cap", "cao_dang"})


def excluded(policy: queries.PolicyInfo, request: Request) -> bool:
    """A policy only for groups the message says the learner is not in ("nhà không thuộc hộ
    nghèo", "em là người Kinh") is never presented as applying."""
    groups, denied = set(policy.learner_groups), set(request.excluded_groups)
    if any(condition <= denied for condition in lexicon.group_conditions(policy.title)):
        return True  # "… dân tộc thiểu số thuộc hộ nghèo, cận nghèo" for someone Kinh, or neither poor nor near-poor
    if groups and denied:
        # once the message says who the learner is not, a policy is shown only when it is open to
        # everyone or to a group the message states
        return not groups & (set(request.groups) - denied)
    return False


def level_fits(policy: queries.PolicyInfo, request: Request) -> bool:
    """Whether the policy is open at the level asked ("học trung cấp"), or, with no level asked
    but a school year finished ("tốt nghiệp lớp 9"), at trung cấp or cao đẳng."""
    if not policy.levels:
        return True
    if request.level:
        return request.level in policy.levels
    if set(request.groups) & GRADE_GROUPS:
        return bool(set(policy.levels) & _AFTER_A_GRADE)
    return True


def fit(policy: queries.PolicyInfo, request: Request) -> tuple[int, int, int]:
    """Sort key, best first: policies whose every condition in the title the message states and
    that are open at the learner's level; then those restricted to a level not asked, or to a
    group or area the message did not state ("ở vùng đặc biệt khó khăn"); within each, those
    matching more of the stated groups, then those with fewest other groups."""
    stated = set(request.groups) - set(request.excluded_groups)
    conditions = lexicon.group_conditions(policy.title)
    unmet = any(not condition & stated for condition in conditions)
    matched = (set(policy.learner_groups).union(*conditions)) & stated
    partial = unmet or not level_fits(policy, request)
    return (int(partial), -len(matched), len(policy.learner_groups))
