"""Fuzzy, accent-insensitive matching of what users type against catalog names.

"cao dang viet han" → "Trường Cao đẳng Việt - Hàn …"; "dien cn" → "Điện công
nghiệp" (initials of consecutive words); "nấu ăn" → "Kỹ thuật chế biến món ăn"
(an alias of the occupation in the catalog's occupations sheet). Works on names and
aliases loaded from the catalog at query time, so a programme an admissions office adds,
or an alias the department adds, is found without retraining.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from vntext import folding

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
TRADE_WORD_WEIGHT = 0.3  # in a school's name, a word of the catalog's trades


@dataclass(frozen=True)
class Match:
    key: str  # catalog name key (vntext.folding.key of the name)
    score: float  # 0–100


def alias_table(aliases: Mapping[str, list[str]]) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """(alias key → name keys, alias key → the alias as written) from name keys → aliases as
    written (one alias may point to several names: "điện")."""
    targets: dict[str, list[str]] = {}
    written: dict[str, str] = {}
    for name_key, names in aliases.items():
        for alias in names:
            alias_key = folding.key(alias)
            if alias_key:
                targets.setdefault(alias_key, []).append(name_key)
                written.setdefault(alias_key, folding.normalize(alias))
    return {alias: tuple(dict.fromkeys(keys)) for alias, keys in targets.items()}, written


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


class Phrases:
    """A set of phrases (name or alias keys) found inside a text by looking up the text's runs
    of words, so the cost follows the text's length, not the number of phrases."""

    def __init__(self, phrases: Iterable[str]):
        self.regular: set[str] = set()  # single-spaced words: a run of the text's words or nothing
        self.irregular: list[str] = []  # anything else (never a folding.key): compared one by one
        sizes: set[int] = set()
        for phrase in dict.fromkeys(phrases):
            words = phrase.split()
            if words and " ".join(words) == phrase:
                self.regular.add(phrase)
                sizes.add(len(words))
            else:
                self.irregular.append(phrase)
        self.sizes = sorted(sizes)

    def within(self, text: str) -> list[str]:
        """Every phrase p with `_contains_phrase(text, p)`, each once."""
        words = text.split()
        if " ".join(words) == text:
            found = [
                run
                for start in range(len(words))
                for size in self.sizes
                if start + size <= len(words) and (run := " ".join(words[start : start + size])) in self.regular
            ]
        else:
            found = [p for p in self.regular if _contains_phrase(text, p)]
        found += [p for p in self.irregular if _contains_phrase(text, p)]
        return list(dict.fromkeys(found))


class NameIndex:
    """Catalog name keys prepared for matching: built once per catalog version by the
    query layer, so each lookup only scores a few likely candidates and reading a message
    costs the same whatever the size of the catalog (`prepare` builds the lookup tables)."""

    def __init__(
        self,
        name_keys: list[str],
        display: dict[str, str] | None = None,
        aliases: Mapping[str, list[str]] | None = None,
    ):
        """`aliases`: name key → other names people use for it, as written ("nấu ăn", "đầu bếp")."""
        self.keys = list(dict.fromkeys(name_keys))
        self.display = display or {}  # key → the name as written (with diacritics)
        self.aliases, self.alias_written = alias_table(aliases or {})
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

    def prepare(self) -> NameIndex:
        """Builds every lookup table now (the query layer does, once per catalog version),
        rather than on the first message that needs it."""
        for table in ("vocabulary", "pairs", "name_phrases", "alias_phrases", "_near", "_profiles"):
            getattr(self, table)
        return self

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of every name."""
        return frozenset(self.postings)

    @cached_property
    def pairs(self) -> frozenset[str]:
        """Every two adjacent words of every name and alias ("du lich", "may cong")."""
        phrases = [*self.keys, *self.aliases]
        return frozenset(f"{a} {b}" for phrase in phrases for a, b in zip(phrase.split(), phrase.split()[1:]))

    @cached_property
    def name_phrases(self) -> Phrases:
        return Phrases(self.keys)

    @cached_property
    def alias_phrases(self) -> Phrases:
        return Phrases(self.aliases)

    @cached_property
    def _near(self) -> dict[str, tuple[str, ...]]:
        """Words of five letters or more under themselves and under each of their one-letter
        deletions: two words one slip apart (a letter changed, added, dropped or two swapped)
        share an entry, so `one_slip` compares a word with a few names' words, not all."""
        table: dict[str, list[str]] = {}
        for token in self.postings:
            if len(token) >= 5:
                for variant in {token, *_deletions(token)}:
                    table.setdefault(variant, []).append(token)
        return {variant: tuple(tokens) for variant, tokens in table.items()}

    def one_slip(self, word: str) -> list[str]:
        """Words of five letters or more in the names that are at most one slip from `word`
        (OSA distance ≤ 1)."""
        near = self._near
        candidates = dict.fromkeys(t for variant in {word, *_deletions(word)} for t in near.get(variant, ()))
        return [t for t in candidates if OSA.distance(word, t, score_cutoff=1) <= 1]

    @cached_property
    def _profiles(self) -> list[tuple[list[str], float]]:
        """Per name: its distinctive words (weight > 0, in order) and their total weight."""
        profiles = []
        for key in self.keys:
            distinctive = [w for w in key.split() if self.weights.get(w, 0.0) > 0]
            profiles.append((distinctive, sum(self.weights[w] for w in distinctive)))
        return profiles

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


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def best_matches(query: str, index: NameIndex | list[str], *, limit: int = 10, prefilter: int = 60) -> list[Match]:
    """Catalog names that match `query`, best first.

    Aliases give exact hits; otherwise the index narrows a long list of names
    to a few candidates before the word-by-word `score`.
    """
    if not isinstance(index, NameIndex):
        index = NameIndex(index)
    query_key = clean_query(query)
    if not query_key:
        return []
    results: dict[str, float] = {}
    for alias in index.alias_phrases.within(query_key):
        for target in index.aliases[alias]:
            if target in index.available:
                weight = 100.0 if alias == query_key else 80.0
                results[target] = max(results.get(target, 0.0), weight)
    for key in index.candidates(query_key, prefilter):
        s = score(query_key, key)
        if s >= MATCH_MIN:
            results[key] = max(results.get(key, 0.0), s)
    # the query as a name or an alias, or as a run of a name's words, beats names that only hold
    # its words apart: "Điện công nghiệp" is not "Điện tử công nghiệp" (words in between)
    strong = {key for key in results if _contains_phrase(key, query_key) or key in index.aliases.get(query_key, ())}
    if strong:
        results = {key: s for key, s in results.items() if key in strong}
    ranked = sorted(results.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        return []
    # "dien cong nghiep" must not also bring "Điện dân dụng" (via the alias "điện"):
    # keep only names close to the best match.
    floor = ranked[0][1] - RELATIVE_WINDOW
    return [Match(k, s) for k, s in ranked[:limit] if s >= floor]


class _Typed:
    """What the user typed, prepared once per message for the diacritics checks
    (`_unambiguous`, `typed_agrees`) that run for every name a message might mention."""

    def __init__(self, message: str):
        self.diacritics = folding.has_diacritics(message)
        if self.diacritics:
            self.words = ["".join(ch for ch in w if ch.isalnum()) for w in folding.normalize(message).lower().split()]
            self.folded = [folding.fold(w) for w in self.words]
            self.marked = [folding.has_diacritics(w) for w in self.words]
            # words without their punctuation: "điều dưỡng hoặc dược, học phí" says "dược"
            self.text = " ".join(w for w in self.words if w)

    def agrees(self, written: str | None) -> bool:
        """False when the user typed the phrase's letters with other diacritics ("nhà thuộc hộ
        nghèo" does not say "nhà thuốc"). Words typed without diacritics agree with anything."""
        if not written or not self.diacritics:
            return True
        phrase, target = _written_phrase(written)
        size = len(target)
        found = False
        for start in range(len(self.folded) - size + 1):
            if self.folded[start : start + size] == target:
                found = True
                if all(not self.marked[start + i] or self.words[start + i] == w for i, w in enumerate(phrase)):
                    return True
        return not found


@lru_cache(maxsize=16384)
def _written_phrase(written: str) -> tuple[tuple[str, ...], list[str]]:
    """A name or alias as written: its words lower-cased without punctuation, and folded."""
    phrase = tuple(w for w in ("".join(ch for ch in w if ch.isalnum()) for w in folding.normalize(written).lower().split()) if w)
    return phrase, [folding.fold(w) for w in phrase]


def _unambiguous(key: str, message: str, message_key: str, written: str | None, typed: _Typed | None = None) -> bool:
    """False for a one-word name that is probably the everyday word ("được" is not "Dược").

    A trade word after "ngành"/"nghề" always counts; typed with diacritics, the diacritics
    decide ("học điện" yes, "học mấy năm" is not May); typed without, "học/dạy điện" counts,
    but "hoc may" and "hoc duoc" stay everyday words ("học mấy năm", "học được không")."""
    if key not in AMBIGUOUS_ONE_WORD:
        return True
    if any(_contains_phrase(message_key, f"{cue} {key}") for cue in ("nganh", "nghe", "hoc nghe", "tho", "khoa")):
        return True
    typed = typed or _Typed(message)
    if typed.diacritics:
        return bool(written) and _contains_phrase(typed.text, written.lower())
    loose = () if key in ("duoc", "may") else ("hoc", "day")
    return any(_contains_phrase(message_key, f"{cue} {key}") for cue in loose)


def _contains_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def corrected(message_key: str, index: NameIndex) -> str:
    """Misspelt words of a message replaced by the name word they are one slip from
    ("dieu duogn" → "dieu duong"); short words are left alone (too many near neighbours)."""
    words = message_key.split()
    for i, word in enumerate(words):
        if len(word) < 5 or word in index.postings or not word.isalpha():
            continue
        near = index.one_slip(word)
        if len(near) == 1:
            words[i] = near[0]
    return " ".join(words)


def mentioned(
    message: str,
    index: NameIndex,
    *,
    limit: int = 5,
    min_ratio: float = MENTION_MIN,
    min_words: int = 1,
    typed: str | None = None,
    common: frozenset[str] = frozenset(),
    common_pairs: frozenset[str] = frozenset(),
) -> list[Match]:
    """Catalog names a whole message talks about ("trường nào dạy điện công nghiệp ở QN?").

    Unlike best_matches (the query *is* a name), here the name must be inside the
    message: the whole name, a synonym phrase, or enough of its distinctive words
    (`min_ratio` of their weight and at least `min_words` of them, one of which is not in
    `common`: "du lịch" names the trade, not the "Trường Trung cấp Du lịch Vịnh Ngọc").
    Diacritics the user typed must agree ("nhà thuộc" is not the alias "nhà thuốc").
    The work follows the message's length, not the catalog's size: whole names and aliases
    are looked up by the message's runs of words, and only names that share a distinctive
    word with the message are weighed.
    """
    message_key = corrected(folding.key(message), index)
    if not message_key:
        return []
    message = message if typed is None else typed  # diacritics are read from what the user typed
    said = _Typed(message)
    words = set(message_key.split())
    results: dict[str, float] = {}

    def fits(key: str, written: str | None) -> bool:
        return _unambiguous(key, message, message_key, written, said) and said.agrees(written)

    whole = [k for k in index.name_phrases.within(message_key) if k.split() and fits(k, index.display.get(k))]
    aliases = [a for a in index.alias_phrases.within(message_key) if fits(a, index.alias_written.get(a))]
    # "hàn" inside "tiếng hàn": the longer phrase is what the user means
    whole = [k for k in whole if not any(a != k and _contains_phrase(a, k) and k not in index.aliases[a] for a in aliases)]
    # "điện" inside "điện tử": the alias of the longer phrase said, not every "điện" trade
    aliases = [a for a in aliases if not any(b != a and _contains_phrase(b, a) for b in aliases)]
    said_phrases = [p for p in (*whole, *aliases) if len(p.split()) > 1]
    for key in whole:
        results[key] = 100.0
    for alias in aliases:
        # "điện" inside "điện công nghiệp" is not a second mention
        if not any(_contains_phrase(k, alias) for k in whole):
            for target in index.aliases[alias]:
                if target in index.available:
                    results[target] = max(results.get(target, 0.0), 90.0 + min(len(alias), 10) / 2)
    # a name qualifies only with one of its distinctive words in the message (ratio > 0)
    weighed = words if min_ratio <= 0 else {w for w in words if index.weights.get(w, 0.0) > 0}
    profiles = index._profiles
    for position in {p for w in weighed for p in index.postings.get(w, ())}:
        key = index.keys[position]
        if key in results:
            continue
        distinctive, total = profiles[position]
        hits = [w for w in distinctive if w in words]
        if common:
            # a school's trade words not said ("Kinh tế – Du lịch") count less against its own name
            # said ("Ghe Lườn"); trade words alone name the trade unless they are the school's own pair
            total = sum(index.weights[w] * (TRADE_WORD_WEIGHT if w in common and w not in words else 1.0) for w in distinctive)
            if set(hits) <= common and not _own_pair(key, message_key, set(hits), common_pairs):
                continue
        if total <= 0 or len(hits) < min(min_words, len(distinctive)):
            continue
        if any(set(hits) <= set(p.split()) and not _contains_phrase(key, p) for p in said_phrases):
            continue  # "điện" of "điện tử" said is not "Điện công nghiệp"
        if min_words > 1 and len(distinctive) > 1 and not _adjacent_pair(key, message_key, index):
            continue  # "Ngọc … mới được" is not "Ngọc Linh Mới": two of the name's words must be side by side
        ratio = sum(index.weights[w] for w in hits) / total
        if ratio >= min_ratio and fits(key, index.display.get(key)):
            results[key] = 60.0 + 30.0 * ratio
    ranked = sorted(results.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
    if not ranked:
        return []
    floor = ranked[0][1] - RELATIVE_WINDOW
    return [Match(k, s) for k, s in ranked[:limit] if s >= floor]


def _own_pair(key: str, message_key: str, hits: set[str], trade_pairs: frozenset[str]) -> bool:
    """Two of the name's words side by side in the message that are not a trade's own pair:
    "Mây Trắng" is a school, "du lịch" a trade."""
    said = message_key.split()
    said_pairs = {f"{a} {b}" for a, b in zip(said, said[1:])}
    in_trades = {w for pair in said_pairs & trade_pairs for w in pair.split()}  # "trang điểm": a trade's words
    names = key.split()
    pairs = {f"{a} {b}" for a, b in zip(names, names[1:]) if {a, b} <= hits - in_trades} - trade_pairs
    return bool(pairs & said_pairs)


def _adjacent_pair(key: str, message_key: str, index: NameIndex) -> bool:
    names = key.split()
    pairs = {f"{a} {b}" for a, b in zip(names, names[1:]) if index.weights.get(a) or index.weights.get(b)}
    said = message_key.split()
    return bool(pairs & {f"{a} {b}" for a, b in zip(said, said[1:])})


def typed_agrees(message: str, written: str | None) -> bool:
    """False when the user typed the phrase's letters with other diacritics ("nhà thuộc hộ
    nghèo" does not say "nhà thuốc"). Words typed without diacritics agree with anything."""
    return _Typed(message).agrees(written)
