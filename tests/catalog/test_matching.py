"""catalog.matching: names in queries and in whole messages."""

import pytest

from catalog.matching import NameIndex, Phrases, best_matches, mentioned, score
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


# --- the lookup tables: the same answers as scanning every name, at a cost set by the message ---


def _phrases_by_scan(text: str, phrases: list[str]) -> set[str]:
    return {p for p in phrases if f" {p} " in f" {text} "}


def test_phrases_are_found_by_the_runs_of_words_of_the_text_as_a_scan_finds_them():
    phrases = ["dien", "dien cong nghiep", "cong nghiep", "tieng han", "han", "a b c", "b c", "x  y", " lead", "", "c"]
    table = Phrases(phrases)
    texts = [
        "hoc dien cong nghiep o dau",
        "tieng han hay han",
        "a b c d",
        "dien dien cong",
        "x  y z",  # not a folding.key: compared phrase by phrase
        " lead in",
        "",
        "c",
        "nothing here",
    ]
    for text in texts:
        assert set(table.within(text)) == _phrases_by_scan(text, phrases), text
        assert len(table.within(text)) == len(set(table.within(text)))


def _slips(word: str) -> set[str]:
    letters = "abcdeghiklmnopqrstuvxy"
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    out |= {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters}
    out |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return out


def test_one_slip_finds_what_comparing_with_every_word_finds():
    from rapidfuzz.distance import OSA

    index = NameIndex([folding.key(n) for n in [*NAMES, "Điều khiển tàu biển", "Dịch vụ nhà hàng", "Điêu khắc gỗ"]])
    long_words = [t for t in index.postings if len(t) >= 5]
    tried = set()
    for word in long_words:
        tried |= _slips(word)
    tried |= {"duogn", "dieuu", "khacs", "robott", "abcdefg", "hanhh"}
    for word in sorted(tried):
        expected = {t for t in long_words if OSA.distance(word, t, score_cutoff=1) <= 1}
        assert set(index.one_slip(word)) == expected, word


def test_reading_a_message_looks_at_the_names_it_shares_words_with_not_at_every_name(monkeypatch):
    from catalog import matching

    many = [f"nghe thu {i:05d} {w}" for i in range(20000) for w in ["alpha"]]
    index = NameIndex([folding.key(n) for n in NAMES] + many, aliases=ALIASES).prepare()
    calls = {"phrase": 0, "agrees": 0}
    contains, agrees = matching._contains_phrase, matching._Typed.agrees

    def counting_contains(haystack, phrase):
        calls["phrase"] += 1
        return contains(haystack, phrase)

    def counting_agrees(self, written):
        calls["agrees"] += 1
        return agrees(self, written)

    monkeypatch.setattr(matching, "_contains_phrase", counting_contains)
    monkeypatch.setattr(matching._Typed, "agrees", counting_agrees)
    assert found(mentioned("trường nào dạy nghề điện công nghiệp ở Quảng Ninh", index)) == ["dien cong nghiep"]
    assert found(mentioned("em muốn học nấu ăn, dieu duogn", index)) == ["dieu duong", "ky thuat che bien mon an"]
    assert found(best_matches("đầu bếp", index)) == ["ky thuat che bien mon an"]
    assert calls["phrase"] < 100 and calls["agrees"] < 100, calls


def test_a_school_is_named_by_its_own_words_even_when_they_are_also_trade_words():
    from catalog.matching import mentioned

    schools = [
        "Trường Cao đẳng Vùng cao Mây Trắng",
        "Trường Trung cấp Kinh tế – Du lịch Ghe Lườn",
        "Trường Cao đẳng Việt - Hàn Bình Minh",
    ]
    trades = NameIndex([folding.key(n) for n in ["May thời trang", "Trang điểm", "Du lịch lữ hành", "Hàn", "Kinh doanh"]])
    index = NameIndex([folding.key(n) for n in schools], display={folding.key(n): n for n in schools}).prepare()

    def school(message: str) -> str | None:
        found = mentioned(
            message,
            index,
            limit=2,
            min_ratio=0.4,
            min_words=2,
            typed=message,
            common=trades.vocabulary,
            common_pairs=trades.pairs,
        )
        return index.display[found[0].key] if found else None

    assert school("trường Mây Trắng ạ") == schools[0]
    assert school("cd may trang co hb k ad") == schools[0]
    assert school("truong trung cap ghe luon o dau a") == schools[1]  # its own name, not its trade words
    assert school("truong viet han co nganh gi") == schools[2]
    assert school("học may trang điểm ở đâu") is None  # "trang điểm" is a trade: these words are not the school's
    assert school("trường du lịch ở đâu") is None


def _electric_index() -> NameIndex:
    names = ["Điện công nghiệp", "Điện dân dụng", "Điện tử công nghiệp", "Điện tử dân dụng", "Thương mại điện tử"]
    aliases = {
        "dien cong nghiep": ["điện"],
        "dien dan dung": ["điện"],
        "dien tu cong nghiep": ["điện tử", "điện"],
        "dien tu dan dung": ["điện tử", "điện"],
        "sua chua xe may": ["sửa xe máy"],
        "cong nghe o to": ["sửa xe"],
    }
    names += ["Sửa chữa xe máy", "Công nghệ ô tô", "May công nghiệp"]
    return NameIndex([folding.key(n) for n in names], display={folding.key(n): n for n in names}, aliases=aliases)


def test_a_name_with_words_between_the_querys_words_is_not_the_exact_name():
    index = _electric_index()
    # "Điện tử công nghiệp" holds the words of "điện công nghiệp", not the phrase: only the exact name
    assert found(best_matches("Điện công nghiệp", index)) == ["dien cong nghiep"]
    assert found(best_matches("Điện dân dụng", index)) == ["dien dan dung"]
    assert found(best_matches("Điện tử công nghiệp", index)) == ["dien tu cong nghiep"]
    assert found(best_matches("dien cn", index))[0] == "dien cong nghiep"  # initials still match


def test_a_longer_phrase_said_names_only_its_own_programmes():
    index = _electric_index()
    # "điện tử" is not every "điện" trade (the alias "điện" inside it does not count)
    assert set(found(mentioned("trường nào dạy điện tử", index))) == {"dien tu cong nghiep", "dien tu dan dung"}
    assert set(found(mentioned("trường nào dạy điện", index))) >= {"dien cong nghiep", "dien dan dung"}
    assert found(mentioned("trường nào dạy điện công nghiệp ở bắc ninh", index)) == ["dien cong nghiep"]
    assert found(mentioned("thương mại điện tử học ở đâu", index)) == ["thuong mai dien tu"]
    # "sửa xe" and "máy" inside "sửa xe máy" are not Công nghệ ô tô or May công nghiệp
    assert found(mentioned("học sửa xe máy ở đâu", index)) == ["sua chua xe may"]
