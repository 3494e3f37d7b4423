"""Vietnamese text handling shared by the catalog, the actions and the Rasa-side plugins.

Students type fast, often without diacritics and with teencode; admissions
offices paste text from Word and Excel. Everything that compares Vietnamese
text goes through this module so that "Điện công nghiệp", "dien cong nghiep"
and "Ðiện  Công Nghiệp" (with a Croatian Đ) are the same thing everywhere.

Pure standard library on purpose: it is imported from both environments
(Python 3.10 for Rasa, 3.11+ for everything else).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that look like Vietnamese đ/Đ but are other code points (Croatian
# Đ U+0110 is the same as Vietnamese; Icelandic eth Ð U+00D0 is often typed by
# mistake on some keyboards).
_D_LIKE = str.maketrans({"Ð": "Đ", "ð": "đ"})
_FOLD_D = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[0-9a-z]+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")  # "chàoooo", "ơiiii": a letter held down

# Teencode and chat abbreviations, folded (no diacritics), mapped to the
# folded full form. Only unambiguous ones: "k" alone means "không" in chat.
TEENCODE: dict[str, str] = {
    "ko": "khong",
    "k": "khong",
    "kh": "khong",
    "khg": "khong",
    "hok": "khong",
    "hong": "khong",
    "hem": "khong",
    "dc": "duoc",
    "dk": "duoc",
    "j": "gi",
    "gj": "gi",
    "ntn": "nhu the nao",
    "bn": "bao nhieu",
    "bnh": "bao nhieu",
    "mk": "minh",
    "mik": "minh",
    "e": "em",
    "ak": "a",
    "ah": "a",
    "vs": "voi",
    "ms": "moi",
    "z": "vay",
    "v": "vay",
    "r": "roi",
    "ns": "noi",
    "nt": "nhan tin",
    "trg": "truong",
    "hs": "hoc sinh",
    "sv": "sinh vien",
    "ph": "phu huynh",
    "hcm": "ho chi minh",
    "tphcm": "ho chi minh",
    "cd": "cao dang",
    "tc": "trung cap",
    "sc": "so cap",
    "thcs": "thcs",
    "thpt": "thpt",
    "cntt": "cong nghe thong tin",
    "ktx": "ky tuc xa",
    "nhiu": "nhieu",
    "lm": "lam",
    "ng": "nguoi",
    "nc": "nuoc",
    "bik": "biet",
    "pk": "biet",
    "ik": "di",
    "cx": "cung",
    "cg": "cung",
    "hk": "khong",
    "uk": "u",
    "oke": "ok",
    "okie": "ok",
    # chat spellings seen in students' messages (shared/research/student-language.md)
    "hc": "hoc",
    "vc": "viec",
    "mun": "muon",
    "bit": "biet",
    "wa": "qua",
    "wen": "quen",
    "dh": "dai hoc",
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "dki": "dang ky",
    "dky": "dang ky",
    "dangky": "dang ky",
    "ki": "ky",
    "khum": "khong",
    "hum": "khong",
    "chx": "chua",
    "bh": "bao gio",
    "bgio": "bao gio",
    "rui": "roi",
    "oy": "roi",
    "trc": "truoc",
    "thik": "thich",
    "lp": "lop",
    "tg": "thoi gian",
    "kq": "ket qua",
    "bnhiu": "bao nhieu",
    "bnhieu": "bao nhieu",
    "gium": "giup",
    "zay": "vay",
    "dzay": "vay",
    "xkld": "xuat khau lao dong",
    "tcn": "trung cap nghe",
    "cdn": "cao dang nghe",
    "mn": "moi nguoi",
    "b": "ban",
    "mng": "moi nguoi",
    "gv": "giao vien",
    "hso": "ho so",
    "tt": "thong tin",
    "xt": "xet tuyen",
    "ts": "tuyen sinh",
    "nv": "nguyen vong",
    "lt": "lien thong",
    "qtkd": "quan tri kinh doanh",
    "dcn": "dien cong nghiep",
    "hn": "ha noi",
    "sg": "sai gon",
    "ntnao": "nhu the nao",
    "hnay": "hom nay",
    "tks": "cam on",
    "thanks": "cam on",
    "oki": "ok",
    "okii": "ok",
    "c3": "cap 3",
    "c2": "cap 2",
    "dag": "dang",
    "onl": "online",
    "hb": "hoc bong",
    "koo": "khong",
    "kg": "khong",
    "nhg": "nhung",
    "nhug": "nhung",
    "qtks": "quan tri khach san",
}


def normalize(text: str) -> str:
    """NFC, visually-equal letters unified, control characters dropped, spaces collapsed.

    Keeps case and diacritics: this is the form text is *stored* in.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_D_LIKE)
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower-case, no diacritics, single spaces: the form text is *compared* in.

    "Trường Cao đẳng Việt - Hàn" -> "truong cao dang viet - han".
    Handles both tone-mark placements ("hòa" and "hoà") because all marks go.
    """
    text = normalize(text).translate(_FOLD_D)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()


def tokens(text: str) -> list[str]:
    """Folded words, punctuation dropped: "Việt - Hàn (Quảng Ninh)" -> ["viet", "han", "quang", "ninh"]."""
    return _WORD.findall(fold(text))


def key(text: str) -> str:
    """A compact comparison key: folded words joined by single spaces."""
    return " ".join(tokens(text))


def expand_teencode(text: str) -> str:
    """Folded text with chat abbreviations spelled out ("ko dc" -> "khong duoc")."""
    words = (_swap_letters(untelex(_STRETCHED.sub(r"\1", tok))) for tok in tokens(text))
    return " ".join(TEENCODE.get(tok, tok) for tok in words)


# A Vietnamese syllable without diacritics: onset, vowels, final consonant.
_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$")
_TONE_LETTERS = "sfrxj"


def untelex(word: str) -> str:
    """A word typed with Telex switched off keeps its tone and vowel keys: "truwowngf" → "truong",
    "hocj" → "hoc", "toans" → "toan", "dieeuf" → "dieu". Changed only when the word is not a
    Vietnamese syllable and becomes one ("logistics", "ktx", "spa" stay as they are)."""
    if not word.isascii() or not word.isalpha() or _SYLLABLE.match(word):
        return word
    plain = re.sub(r"(?<=[aou])w", "", word.replace("dd", "d"))
    plain = re.sub(r"([aeo])\1", r"\1", plain)
    if plain and plain[-1] in _TONE_LETTERS and len(plain) > 2:
        plain = plain[:-1]
    return plain if plain != word and _SYLLABLE.match(plain) else word


_ASCII_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z]+(?![^\W\d_])")


def untelex_text(text: str) -> str:
    """The text with Telex leftovers undone word by word (words with diacritics untouched)."""

    def fix(match: re.Match) -> str:
        word = match.group(0)
        plain = untelex(word.lower())
        return plain if plain != word.lower() else word

    return _ASCII_WORD.sub(fix, text)


_FOREIGN = frozenset("web website wifi facebook fanpage fb free form file font word windowsway".split())


def _swap_letters(word: str) -> str:
    """Fast typing's letter swaps, where Vietnamese has no such letter: "fí" → "phi",
    "wá" → "qua", "jờ" → "gio", "nka" → "nha"."""
    if len(word) < 2 or word in TEENCODE or word in _FOREIGN or not word.isalpha():
        return word
    if word[0] == "f":
        word = "ph" + word[1:]
    elif word[0] == "w":
        word = "qu" + word[1:]
    elif word[0] == "j":
        word = ("g" if word[1] == "i" else "gi") + word[1:]
    return word.replace("nk", "nh")


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (used to split evaluation sets)."""
    return fold(text) != normalize(text).lower()
