"""Fuzzy, accent-insensitive matching of what users type against catalog names.

"cao dang viet han" → "Trường Cao đẳng Việt - Hàn …"; "dien cn" → "Điện công
nghiệp" (initials of consecutive words); "nấu ăn" → "Kỹ thuật chế biến món ăn"
(catalog/data/synonyms.yml). Works on names loaded from the catalog at query
time, so a programme an admissions office adds is found without retraining.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from catalog import text

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yml"

# Words people put in front of a programme name that are not part of it.
_LEADING_FILLER = ("nganh nghe", "nganh", "nghe", "hoc nghe", "hoc nganh", "hoc", "lam", "khoa", "khoa hoc")
MATCH_MIN = 70.0
RELATIVE_WINDOW = 15.0
TYPO_QUALITY = 0.85


@dataclass(frozen=True)
class Match:
    key: str  # catalog name key (catalog.text.key of the name)
    score: float  # 0–100


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """alias key → canonical name keys (one alias may point to several names)."""
    with SYNONYMS_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    index: dict[str, list[str]] = {}
    for canonical, aliases in raw.items():
        target = text.key(canonical)
        for alias in [canonical, *(aliases or [])]:
            index.setdefault(text.key(str(alias)), []).append(target)
    return {alias: tuple(dict.fromkeys(targets)) for alias, targets in index.items()}


def clean_query(query: str) -> str:
    folded = text.key(query)
    for filler in _LEADING_FILLER:
        if folded.startswith(filler + " "):
            return folded[len(filler) + 1:]
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


def best_matches(query: str, name_keys: list[str], *, limit: int = 10, prefilter: int = 50) -> list[Match]:
    """Catalog names that match `query`, best first.

    Synonyms give exact hits; otherwise rapidfuzz narrows a long list of names
    to a few candidates before the word-by-word `score`.
    """
    query_key = clean_query(query)
    if not query_key:
        return []
    available = set(name_keys)
    results: dict[str, float] = {}
    for alias, targets in synonyms().items():
        if _contains_phrase(query_key, alias):
            for target in targets:
                if target in available:
                    weight = 100.0 if alias == query_key else 80.0
                    results[target] = max(results.get(target, 0.0), weight)
    if len(name_keys) > prefilter:
        candidates = [
            choice for choice, _s, _i in process.extract(
                query_key, name_keys, scorer=fuzz.token_set_ratio, limit=prefilter, score_cutoff=40
            )
        ]
        # initials-style queries ("dien cn") score low on token_set_ratio: add names sharing any word
        query_words = set(query_key.split())
        candidates += [k for k in name_keys if query_words.intersection(k.split())][:prefilter * 4]
    else:
        candidates = name_keys
    for key in dict.fromkeys(candidates):
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


def _contains_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "
