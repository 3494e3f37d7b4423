"""Support policies: how far a negation reaches over the learner's groups, and which policies
come first for the groups and level a message states."""

from __future__ import annotations

import pytest

from actions.policies import ActionPolicies
from actions.policy_rules import excluded, fit
from actions.request import Request
from actions.schools import ActionSearch
from catalog import queries
from tests.actions.conftest import run
from vntext import lexicon

POOR = {"ho_ngheo", "ho_can_ngheo"}


@pytest.mark.parametrize(
    "message",
    [
        "không thuộc hộ nghèo hay cận nghèo",
        "không thuộc hộ nghèo hoặc cận nghèo",
        "không thuộc hộ nghèo và cận nghèo",
        "không thuộc hộ nghèo hay là cận nghèo",
        "không thuộc hộ nghèo, cũng không cận nghèo",
        "không phải hộ nghèo, cận nghèo",
        "nhà không nghèo",
    ],
)
def test_a_negation_denies_every_group_of_the_list_after_it(message):
    said, denied = lexicon.learner_groups_said(f"Nhà là người Kinh, {message}.")
    assert POOR <= set(denied) and "dan_toc_thieu_so" in denied and not said


def test_a_negation_stops_where_the_list_ends():
    assert lexicon.learner_groups_said("nhà không thuộc hộ nghèo nhưng là dân tộc Tày") == (["dan_toc_thieu_so"], ["ho_ngheo"])
    # the legal category denied alone leaves near-poor as said
    assert lexicon.learner_groups_said("nhà cận nghèo, không thuộc hộ nghèo") == (["ho_can_ngheo"], ["ho_ngheo"])
    assert lexicon.learner_groups_said("nhà nghèo, không phải dân tộc") == (["ho_ngheo"], ["dan_toc_thieu_so"])


def test_a_title_lists_alternatives_of_one_condition_and_separate_conditions():
    assert lexicon.group_conditions("Miễn học phí cho người học dân tộc thiểu số thuộc hộ nghèo, cận nghèo") == [
        {"dan_toc_thieu_so"},
        POOR,
    ]
    assert lexicon.group_conditions("Giảm 70% học phí cho người dân tộc thiểu số ở vùng đặc biệt khó khăn") == [
        {"dan_toc_thieu_so"},
        {"vung_dac_biet_kho_khan"},
    ]


def _policy(title: str, groups: tuple[str, ...], levels: tuple[str, ...] = ()) -> queries.PolicyInfo:
    return queries.PolicyInfo(
        "X", title, "Miễn 100% học phí.", "", "Nghị định 1/2025", "toan_quoc", levels, groups, None, None, None
    )


DTTS_POOR = _policy("Miễn học phí cho người học dân tộc thiểu số thuộc hộ nghèo, cận nghèo", ("dan_toc_thieu_so",))
DTTS_AREA = _policy(
    "Giảm 70% học phí cho người dân tộc thiểu số ở vùng đặc biệt khó khăn", ("dan_toc_thieu_so", "vung_dac_biet_kho_khan")
)
BOARDING = _policy(
    "Chính sách nội trú", ("dan_toc_thieu_so", "ho_ngheo", "ho_can_ngheo", "khuyet_tat"), ("trung_cap", "cao_dang")
)
SHORT = _policy("Hỗ trợ học sơ cấp", ("dan_toc_thieu_so", "ho_can_ngheo"), ("so_cap",))
DISABLED = _policy("Miễn học phí cho người học khuyết tật", ("khuyet_tat",))


def test_a_policy_whose_groups_are_all_denied_or_unstated_is_never_presented():
    kinh_not_poor = Request("", "ask_policies", groups=[], excluded_groups=["dan_toc_thieu_so", "ho_ngheo", "ho_can_ngheo"])
    assert excluded(DTTS_POOR, kinh_not_poor) and excluded(BOARDING, kinh_not_poor) and excluded(DISABLED, kinh_not_poor)
    near_poor_not_poor = Request("", "ask_policies", groups=["dan_toc_thieu_so", "ho_can_ngheo"], excluded_groups=["ho_ngheo"])
    assert not excluded(DTTS_POOR, near_poor_not_poor)  # near-poor is one of the title's alternatives


def test_the_policy_fitting_every_stated_group_and_the_level_comes_first():
    muong = Request("", "ask_policies", groups=["dan_toc_thieu_so", "ho_can_ngheo", "tot_nghiep_thcs"])
    ranked = sorted([SHORT, DTTS_AREA, BOARDING, DTTS_POOR], key=lambda p: fit(p, muong))
    assert ranked[:2] == [DTTS_POOR, BOARDING]  # sơ cấp after lớp 9, or an area not stated: later
    muong.level = "so_cap"
    assert sorted([BOARDING, SHORT], key=lambda p: fit(p, muong)) == [SHORT, BOARDING]


def test_support_part_for_a_kinh_family_neither_poor_nor_near_poor(catalog):
    text, _, _ = run(
        ActionSearch(),
        "nhà ở Hạ Long Quảng Ninh, con gái lớp 12 muốn học kế toán hệ cao đẳng, có được hỗ trợ gì không? "
        "Nhà là người Kinh, không thuộc hộ nghèo hay cận nghèo.",
        "ask_schools",
    )
    assert "53/2015" not in text and "dân tộc thiểu số thuộc hộ nghèo" not in text and "hỗ trợ" in text.lower()


def test_support_part_for_an_ethnic_near_poor_family_after_grade_9(catalog):
    text, _, _ = run(
        ActionSearch(),
        "Tôi là người dân tộc Mường ở Lạng Sơn, nhà thuộc hộ cận nghèo. Con trai tôi đã tốt nghiệp lớp 9, "
        "muốn học điện công nghiệp. Trường nào dạy, con tôi được miễn giảm học phí thế nào?",
        "ask_schools",
    )
    support = text[text.index("Hỗ trợ:") :]
    first = support.split("\n")[1]
    assert first.startswith("• Miễn học phí cho người học dân tộc thiểu số thuộc hộ nghèo, cận nghèo") and "238/2025" in first
    assert "53/2015" in support
    for later in ("Giảm 70%", "46/2015"):
        assert later not in support or support.index(later) > support.index("238/2025")


def test_policies_answer_for_an_ethnic_near_poor_family_puts_the_fitting_one_first(catalog):
    text, _, _ = run(
        ActionPolicies(),
        "Tôi là người dân tộc Mường, nhà thuộc hộ cận nghèo. Con tôi tốt nghiệp lớp 9, được miễn giảm học phí thế nào?",
        "ask_policies",
    )
    assert text.index("Miễn học phí cho người học dân tộc thiểu số") < text.index("53/2015")
    assert "Giảm 70%" not in text.split("53/2015")[0] and "46/2015" not in text.split("53/2015")[0]


def test_a_bare_list_after_a_negation_joins_only_groups_of_one_kind():
    # "học xong lớp 9" after "không thuộc hộ nghèo," is a new statement, not denied
    said, denied = lexicon.learner_groups_said("Cháu là người Kinh, nhà không thuộc hộ nghèo, học xong lớp 9.")
    assert said == ["tot_nghiep_thcs"] and set(denied) == {"ho_ngheo", "dan_toc_thieu_so"}
    assert lexicon.learner_groups_said("em không khuyết tật hay mồ côi")[1] == ["khuyet_tat", "mo_coi"]
    assert lexicon.learner_groups_said("nhà không nghèo và cháu học xong lớp 9")[0] == ["tot_nghiep_thcs"]
