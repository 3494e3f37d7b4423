"""Province names as people write them, resolved to the 34 current provinces.

Users and spreadsheets still use former provinces ("Hải Dương", "Kon Tum"),
short forms ("HCM", "Sài Gòn", "HP") and names without diacritics. The data
comes from catalog/data/provinces.csv (a copy of the shared reference list)
and catalog/data/province_aliases.csv (short forms, kept by hand).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vntext import folding

DATA_DIR = Path(__file__).resolve().parent / "data"
_PREFIXES = ("thanh pho ", "tp ", "tinh ")


@dataclass(frozen=True)
class ProvinceMatch:
    name: str  # current official name, e.g. "Hải Phòng"
    former_name: str | None = None  # set when the user named a merged province, e.g. "Hải Dương"
    via_short_form: bool = False  # matched "HP", "Sài Gòn"… rather than a full name

    @property
    def is_former(self) -> bool:
        return self.former_name is not None


@dataclass(frozen=True)
class Province:
    name: str
    kind: str
    former_names: tuple[str, ...]


@lru_cache(maxsize=1)
def all_provinces() -> tuple[Province, ...]:
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8") as handle:
        return tuple(
            Province(
                name=folding.normalize(row["name"]),
                kind=row["kind"].strip(),
                former_names=tuple(folding.normalize(n) for n in row["former_provinces"].split(";") if n.strip()),
            )
            for row in csv.DictReader(handle)
        )


def _strip_prefix(folded: str) -> str:
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


@lru_cache(maxsize=1)
def _official_index() -> dict[str, ProvinceMatch]:
    """Current and former names only: what the import format accepts."""
    index: dict[str, ProvinceMatch] = {}
    for province in all_provinces():
        index[folding.key(province.name)] = ProvinceMatch(province.name)
        for former in province.former_names:
            index[folding.key(former)] = ProvinceMatch(province.name, former_name=former)
    return index


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, ProvinceMatch]:
    """Official names plus short forms and spelling variants: what the bot accepts."""
    index = dict(_official_index())
    current = {p.name for p in all_provinces()}
    former_to_current = {f: p.name for p in all_provinces() for f in p.former_names}
    with (DATA_DIR / "province_aliases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            target = folding.normalize(row["province"])
            alias = folding.key(row["alias"])
            if target in current:
                index.setdefault(alias, ProvinceMatch(target, via_short_form=True))
            elif target in former_to_current:
                index.setdefault(alias, ProvinceMatch(former_to_current[target], former_name=target, via_short_form=True))
            else:
                raise ValueError(f"province_aliases.csv: unknown province {target!r}")
    return index


def resolve_official(name: str) -> ProvinceMatch | None:
    """Exact current or former name, ignoring case, diacritics and a "Tỉnh"/"Thành phố" prefix."""
    folded = folding.key(name)
    index = _official_index()
    return index.get(folded) or index.get(_strip_prefix(folded))


def resolve(name: str) -> ProvinceMatch | None:
    """A province as a user writes it: official names, former names and short forms."""
    folded = folding.key(name)
    index = _alias_index()
    return index.get(folded) or index.get(_strip_prefix(folded))


@lru_cache(maxsize=1)
def _alias_ngrams() -> tuple[int, dict[str, ProvinceMatch]]:
    index = _alias_index()
    return max(len(k.split()) for k in index), index


def find_in_text(message: str) -> ProvinceMatch | None:
    """The first province named anywhere in a message ("hoc nghe o hai duong" -> Hải Phòng).

    Longest match wins so "Bà Rịa - Vũng Tàu" beats "Vũng Tàu"; one- and
    two-letter short forms ("hn", "hp") only count as whole words.
    """
    return split_province(message)[0]


def split_province(message: str) -> tuple[ProvinceMatch | None, str]:
    """(the province named in a message, the message's folded words without it), so that
    "Hải Dương" is not also read as part of a programme name ("Điều dưỡng")."""
    longest, index = _alias_ngrams()
    words = folding.tokens(message)
    for start in range(len(words)):
        for size in range(min(longest, len(words) - start), 0, -1):
            candidate = " ".join(words[start : start + size])
            match = index.get(candidate)
            if match is not None and size == 1 and short_form_is_fee(words, start):
                continue  # "hp bn": học phí, not Hải Phòng
            if match is not None:
                return match, " ".join(words[:start] + words[start + size :])
    return None, " ".join(words)


# Short forms that chat also uses for a fee: "hp" is Hải Phòng or học phí
# (shared/research/student-language.md).
FEE_SHORT_FORMS = frozenset({"hp"})
# After it, a question about an amount: "hp bn", "hp bao nhiêu", "hp 1 năm", "hp mấy triệu".
FEE_AMOUNT_AFTER = frozenset("bn bao bnh bnhieu bnhiu nhieu nhiu may khoang tam ntn mot 1 het dat re ky nam thang trieu".split())
# After it, words that ask about the fee unless "hp" follows "ở"/"tại": "hp có đắt không",
# "hp của ngành này", "hp là bao", but "ở hp có trường nào".
_FEE_WORDS_AFTER = frozenset("the la co cua nganh".split())
# Before it, a fee word: "mức hp", "đóng hp", "miễn hp", "tiền hp".
FEE_BEFORE = frozenset("muc dong nop mien giam tien phi bnhieu bn".split())
# Before it, a place word: "ở hp bao nhiêu trường" is the city.
_PLACE_BEFORE = frozenset("o tai den ve tp pho".split())


def short_form_is_fee(words: list[str], at: int) -> bool:
    """Whether the short form at `words[at]` (folded words) says a fee rather than a province:
    "hp" right after a fee word or followed by an amount question ("hp bn", "mức hp"); followed
    by "có", "là", "của"… or (with at most one word more) alone, unless after "ở"/"tại"."""
    if words[at] not in FEE_SHORT_FORMS:
        return False
    before = words[at - 1] if at > 0 else ""
    after = words[at + 1] if at + 1 < len(words) else ""
    then = words[at + 2] if at + 2 < len(words) else ""
    if after in FEE_AMOUNT_AFTER or before in FEE_BEFORE or (after in _FEE_WORDS_AFTER and then in FEE_AMOUNT_AFTER):
        return True  # "hp là bao", "hp có mắc"
    return before not in _PLACE_BEFORE and (after in _FEE_WORDS_AFTER or len(words) <= 2)


def current_names() -> list[str]:
    return [p.name for p in all_provinces()]
