"""Fuzzy, accent-insensitive matching of what users type against catalog names.

"cao dang viet han" → "Trường Cao đẳng Việt - Hàn …"; "dien cn" → "Điện công
nghiệp" (initials of consecutive words); "nấu ăn" → "Kỹ thuật chế biến món ăn"
(catalog/data/synonyms.yml). Works on names loaded from the catalog at query
time, so a programme an admissions office adds is found without retraining.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from vntext import folding

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yml"

# Words people put in front of a programme name that are not part of it.
_LEADING_FILLER = ("nganh nghe", "nganh", "nghe", "hoc nghe", "hoc nganh", "hoc", "lam", "khoa", "khoa hoc")
MATCH_MIN = 70.0
RELATIVE_WINDOW = 15.0
# One-word names that fold onto everyday words: "Dược" / "được", "Hàn" / "hạn", "May" / "máy".
# In a message they count only with matching diacritics, or after "ngành"/"nghề".
AMBIGUOUS_ONE_WORD = frozenset({"duoc", "han", "may", "mo", "ve", "tien", "hat", "mua", "toc", "than", "dien"})
MENTION_MIN = 0.6  # share of a name's distinctive weight a message must contain
# Words that say what kind of thing a name is, not which one.
GENERIC_WORDS = frozenset(
    "truong cao dang trung cap so nghe nganh ky thuat cong nghiep trung tam gdnn gdtx gdnn-gdtx va "
    "giao duc nghe nghiep thuong xuyen hoc vien tinh thanh pho tp".split()
)
TYPO_QUALITY = 0.85


@dataclass(frozen=True)
class Match:
    key: str  # catalog name key (vntext.folding.key of the name)
    score: float  # 0–100


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """alias key → canonical name keys (one alias may point to several names)."""
    with SYNONYMS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    index: dict[str, list[str]] = {}
    for canonical, aliases in raw.items():
        target = folding.key(canonical)
        for alias in [canonical, *(aliases or [])]:
            index.setdefault(folding.key(str(alias)), []).append(target)
            _ALIAS_WRITTEN.setdefault(folding.key(str(alias)), folding.normalize(str(alias)))
    return {alias: tuple(dict.fromkeys(targets)) for alias, targets in index.items()}


_ALIAS_WRITTEN: dict[str, str] = {}  # alias key → the alias as written in synonyms.yml


def clean_query(query: str) -> str:
    folded = folding.key(query)
    for filler in _LEADING_FILLER:
        if folded.startswith(filler + " "):
            return folded[len(filler) + 1 :]
    return folded


def _token_matches(token: str, name_tokens: list[str], used: set[int]) -> tuple[set[int], float] | None:
    """Name words this query word accounts for and how sure the match is (1 exact, less for typos)."""
    for i, word in enumerate(name_tokens):
        if i not in used and word == token:
            return {i}, 1.0
    # initials of consecutive words: "cn" = "cong nghiep", "cntt" = "cong nghe thong tin"
    if 2 <= len(token) <= 5 and token.isalpha():
        size = len(token)
        for start in range(len(name_tokens) - size + 1):
            span = range(start, start + size)
            if not used.intersection(span) and "".join(name_tokens[i][0] for i in span) == token:
                return set(span), 1.0
    if len(token) >= 4:  # typos: one slip (or a swap) per short word, two in long ones
        allowed = 1 if len(token) <= 6 else 2
        for i, word in enumerate(name_tokens):
            if i not in used and len(word) >= 3 and OSA.distance(token, word, score_cutoff=allowed) <= allowed:
                return {i}, TYPO_QUALITY
    return None


def score(query_key: str, name_key: str) -> float:
    """0–100: every query word must be found in the name; exact words and covering
    more of the name score higher ("dieu duog" → "Điều dưỡng" 92, "Điện dân dụng" 76)."""
    query_tokens = query_key.split()
    name_tokens = name_key.split()
    if not query_tokens or not name_tokens:
        return 0.0
    used: set[int] = set()
    quality = 0.0
    for token in query_tokens:
        found = _token_matches(token, name_tokens, used)
        if found is None:
            # a misspelt whole phrase still counts if it is very close
            whole = fuzz.ratio(query_key, name_key)
            return whole * 0.8 if whole >= 88 else 0.0
        used |= found[0]
        quality += found[1]
    coverage = len(used) / len(name_tokens)
    return 100 * (quality / len(query_tokens)) * (0.7 + 0.3 * coverage)


class NameIndex:
    """Catalog name keys prepared for matching: built once per catalog version by the
    query layer, so each lookup only scores a few likely candidates."""

    def __init__(self, name_keys: list[str], display: dict[str, str] | None = None):
        self.keys = list(dict.fromkeys(name_keys))
        self.display = display or {}  # key → the name as written (with diacritics)
        self.available = set(self.keys)
        self.postings: dict[str, list[int]] = {}
        for position, key in enumerate(self.keys):
            for token in set(key.split()):
                self.postings.setdefault(token, []).append(position)
        self.initials = ["".join(word[0] for word in key.split()) for key in self.keys]
        # rare words identify a name ("viet han", "robot"); words in every name do not
        total = max(1, len(self.keys))
        self.weights = {
            token: 0.0 if token in GENERIC_WORDS else math.log(1 + total / len(posting))
            for token, posting in self.postings.items()
        }

    def candidates(self, query_key: str, limit: int) -> list[str]:
        if len(self.keys) <= limit:
            return self.keys
        tokens = query_key.split()
        # names sharing words with the query, rarest words weigh most
        weight: dict[int, float] = {}
        for token in set(tokens):
            posting = self.postings.get(token, ())
            for position in posting:
                weight[position] = weight.get(position, 0.0) + 1.0 / len(posting)
        found = [p for p, _ in sorted(weight.items(), key=lambda item: -item[1])[: limit * 2]]
        # initials ("dien cn", "cntt")
        short = [t for t in tokens if 2 <= len(t) <= 5 and t not in self.postings]
        if short:
            found += [p for p, initials in enumerate(self.initials) if any(t in initials for t in short)][:limit]
        # typos: rapidfuzz in C over every name
        found += [
            p
            for _choice, _score, p in process.extract(
                query_key, self.keys, scorer=fuzz.token_set_ratio, limit=limit // 2, score_cutoff=60
            )
        ]
        return [self.keys[p] for p in dict.fromkeys(found)]


def best_matches(query: str, index: NameIndex | list[str], *, limit: int = 10, prefilter: int = 60) -> list[Match]:
    """Catalog names that match `query`, best first.

    Synonyms give exact hits; otherwise the index narrows a long list of names
    to a few candidates before the word-by-word `score`.
    """
    if not isinstance(index, NameIndex):
        index = NameIndex(index)
    query_key = clean_query(query)
    if not query_key:
        return []
    results: dict[str, float] = {}
    for alias, targets in synonyms().items():
        if _contains_phrase(query_key, alias):
            for target in targets:
                if target in index.available:
                    weight = 100.0 if alias == query_key else 80.0
                    results[target] = max(results.get(target, 0.0), weight)
    for key in index.candidates(query_key, prefilter):
        s = score(query_key, key)
        if s >= MATCH_MIN:
            results[key] = max(results.get(key, 0.0), s)
    ranked = sorted(results.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        return []
    # "dien cong nghiep" must not also bring "Điện dân dụng" (via the alias "điện"):
    # keep only names close to the best match.
    floor = ranked[0][1] - RELATIVE_WINDOW
    return [Match(k, s) for k, s in ranked[:limit] if s >= floor]


def _unambiguous(key: str, message: str, message_key: str, written: str | None) -> bool:
    """False for a one-word name that is probably the everyday word ("được" is not "Dược")."""
    if key not in AMBIGUOUS_ONE_WORD:
        return True
    cues = ("nganh", "nghe", "hoc nghe", "tho", "khoa") if key == "duoc" else ("nganh", "nghe", "tho", "khoa", "hoc", "day")
    if any(_contains_phrase(message_key, f"{cue} {key}") for cue in cues):  # "học điện", but "học được" is not Dược
        return True
    if written and folding.has_diacritics(message):
        return _contains_phrase(" ".join(folding.normalize(message).lower().split()), written.lower())
    return False


def _contains_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def mentioned(
    message: str, index: NameIndex, *, limit: int = 5, min_ratio: float = MENTION_MIN, min_words: int = 1
) -> list[Match]:
    """Catalog names a whole message talks about ("trường nào dạy điện công nghiệp ở QN?").

    Unlike best_matches (the query *is* a name), here the name must be inside the
    message: the whole name, a synonym phrase, or enough of its distinctive words
    (`min_ratio` of their weight and at least `min_words` of them).
    """
    message_key = folding.key(message)
    if not message_key:
        return []
    words = set(message_key.split())
    results: dict[str, float] = {}
    whole = [
        k
        for p in {p for w in words for p in index.postings.get(w, ())}
        if _contains_phrase(message_key, k := index.keys[p]) and _unambiguous(k, message, message_key, index.display.get(k))
    ]
    for key in whole:
        results[key] = 100.0
    for alias, targets in synonyms().items():
        # "điện" inside "điện công nghiệp" is not a second mention
        if (
            _contains_phrase(message_key, alias)
            and not any(_contains_phrase(k, alias) for k in whole)
            and _unambiguous(alias, message, message_key, _ALIAS_WRITTEN.get(alias))
        ):
            for target in targets:
                if target in index.available:
                    results[target] = max(results.get(target, 0.0), 90.0 + min(len(alias), 10) / 2)
    for position in {p for w in words for p in index.postings.get(w, ())}:
        key = index.keys[position]
        if key in results or not _unambiguous(key, message, message_key, index.display.get(key)):
            continue
        distinctive = [w for w in key.split() if index.weights.get(w, 0.0) > 0]
        total = sum(index.weights[w] for w in distinctive)
        hits = [w for w in distinctive if w in words]
        if total <= 0 or len(hits) < min(min_words, len(distinctive)):
            continue
        ratio = sum(index.weights[w] for w in hits) / total
        if ratio >= min_ratio:
            results[key] = 60.0 + 30.0 * ratio
    ranked = sorted(results.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
    if not ranked:
        return []
    floor = ranked[0][1] - RELATIVE_WINDOW
    return [Match(k, s) for k, s in ranked[:limit] if s >= floor]
