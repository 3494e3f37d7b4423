"""catalog.matching: names in queries and in whole messages."""

import pytest

from catalog.matching import NameIndex, best_matches, mentioned, score
from vntext import folding

NAMES = [
    "Điện công nghiệp",
    "Điện dân dụng",
    "Dược",
    "Hàn",
    "Kỹ thuật chế biến món ăn",
    "Công nghệ ô tô",
    "Điều dưỡng",
    "Vận hành robot công nghiệp",
]
# aliases as the occupations sheet gives them (name key → names people use)
ALIASES = {
    "ky thuat che bien mon an": ["nấu ăn", "đầu bếp"],
    "cong nghe o to": ["ô tô", "oto", "sửa xe"],
    "dien cong nghiep": ["điện"],
    "dien dan dung": ["điện", "sửa điện"],
}
INDEX = NameIndex([folding.key(n) for n in NAMES], display={folding.key(n): n for n in NAMES}, aliases=ALIASES)


def found(matches):
    return [m.key for m in matches]


def test_initials_and_typos_score():
    assert score("dien cn", "dien cong nghiep") > 90
    assert score("dieu duog", "dieu duong") > score("dieu duog", "dien dan dung")
    assert score("robot", "dien cong nghiep") == 0


@pytest.mark.parametrize(
    "query, expected",
    [
        ("dien cn", ["dien cong nghiep"]),
        ("nấu ăn", ["ky thuat che bien mon an"]),
        ("oto", ["cong nghe o to"]),
        ("robot", ["van hanh robot cong nghiep"]),
    ],
)
def test_best_matches(query, expected):
    assert found(best_matches(query, INDEX)) == expected


@pytest.mark.parametrize(
    "message, expected",
    [
        ("trường nào dạy điện công nghiệp ở Quảng Ninh", ["dien cong nghiep"]),
        ("em muon hoc nau an", ["ky thuat che bien mon an"]),
        ("có học ngành Dược ở Hà Nội không", ["duoc"]),
        ("hoc nganh duoc o dau", ["duoc"]),
        ("có trường nào dạy vận hành robot không", ["van hanh robot cong nghiep"]),
        ("em học nghề hàn", ["han"]),
    ],
)
def test_mentioned(message, expected):
    assert found(mentioned(message, INDEX)) == expected


@pytest.mark.parametrize(
    "message",
    [
        "trường nghề ở đâu cũng được",
        "truong nao cung duoc",
        "hạn nộp hồ sơ đến bao giờ",
        "em muốn học cái gì đó",
    ],
)
def test_everyday_words_are_not_programme_names(message):
    assert found(mentioned(message, INDEX)) == []


def test_an_alias_names_every_programme_it_belongs_to_and_a_longer_name_wins():
    assert found(best_matches("điện", INDEX)) == ["dien cong nghiep", "dien dan dung"]
    assert found(mentioned("em muốn học sửa điện", INDEX))[0] == "dien dan dung"
    assert found(mentioned("học điện công nghiệp", INDEX)) == ["dien cong nghiep"]


def test_without_aliases_only_names_match():
    bare = NameIndex([folding.key(n) for n in NAMES])
    assert found(best_matches("đầu bếp", bare)) == []
    assert found(best_matches("đầu bếp", INDEX)) == ["ky thuat che bien mon an"]
