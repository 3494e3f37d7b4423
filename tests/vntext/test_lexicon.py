"""vntext.lexicon: levels, fields, learner groups and details in what students type."""

import pytest

from vntext import lexicon


@pytest.mark.parametrize(
    "message, level",
    [
        ("học trung cấp", "trung_cap"),
        ("hoc tc", "trung_cap"),
        ("hệ cao đẳng", "cao_dang"),
        ("khóa ngắn hạn", "so_cap"),
        ("học nghề gì", None),
    ],
)
def test_level(message, level):
    assert lexicon.level_in(message) == level


@pytest.mark.parametrize(
    "message, groups",
    [
        ("em là người dân tộc thiểu số", ["dan_toc_thieu_so"]),
        ("nha e ho ngheo", ["ho_ngheo"]),
        ("nhà em cận nghèo", ["ho_can_ngheo"]),
        ("anh em bo doi xuat ngu", ["bo_doi_xuat_ngu"]),
        ("em người khuyết tật, mồ côi", ["khuyet_tat", "mo_coi"]),
    ],
)
def test_learner_groups(message, groups):
    assert lexicon.learner_groups_in(message) == groups


def test_fields_prefer_longer_phrases():
    assert lexicon.fields_in("em thích máy tính") == ["cong_nghe_thong_tin"]
    assert lexicon.fields_in("có được không") == []


def test_details():
    assert lexicon.details_in("học phí bao nhiêu, học mấy năm") == ["tuition", "duration"]
    assert lexicon.details_in("hp bn") == ["tuition"]
    assert lexicon.details_in("trường có ktx k") == ["dormitory"]


def test_grade():
    assert lexicon.grade_in("em học xong lớp 9") == 9
    assert lexicon.grade_in("hs lop 12") == 12
