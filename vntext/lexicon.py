"""What a message is about, in catalog codes: level, field, learner group, the detail asked.

Students write "học trung cấp", "tc", "hệ cao đẳng", "em là người dân tộc",
"nhà em thuộc hộ nghèo", "học phí bn". These tables turn such phrases into the
codes of catalog.schema, using the same folding as everything else
(vntext.folding), so "dan toc" and "dân tộc" are one phrase. Phrases are matched
as whole words; longer phrases win.
"""

from __future__ import annotations

from collections.abc import Collection

from vntext import folding

LEVEL_PHRASES = {
    "so_cap": ["so cap", "ngan han", "khoa ngan", "hoc nghe ngan han", "3 thang"],
    "trung_cap": ["trung cap", "he trung cap", "tc"],
    "cao_dang": ["cao dang", "he cao dang", "cd"],
}

FIELD_PHRASES = {
    "co_khi": [
        "co khi",
        "tho han",
        "nghe han",
        "hoc han",
        "han dien",
        "tien phay",
        "o to",
        "oto",
        "xe may",
        "sua xe",
        "may moc",
        "sua may",
        "lap rap",
    ],
    "dien_dien_tu": ["dien", "dien tu", "dien lanh", "dieu hoa", "tu dong hoa"],
    "cong_nghe_thong_tin": [
        "may tinh",
        "may vi tinh",
        "tin hoc",
        "cong nghe thong tin",
        "cntt",
        "lap trinh",
        "phan mem",
        "it",
        "game",
        "choi game",
        "mang may tinh",
        "code",
    ],
    "xay_dung": ["xay dung", "xay nha", "tho xay", "kien truc", "noi that"],
    "kinh_te": ["ke toan", "kinh doanh", "ban hang", "quan tri", "tai chinh", "buon ban", "van phong", "marketing"],
    "du_lich_nha_hang": ["du lich", "khach san", "nha hang", "nau an", "dau bep", "lam banh", "pha che", "nau nuong"],
    "suc_khoe": [
        "y te",
        "dieu duong",
        "nganh duoc",
        "duoc si",
        "hoc duoc si",
        "benh vien",
        "cham soc nguoi benh",
        "y ta",
        "bac si",
    ],
    "nong_lam_thuy_san": ["nong nghiep", "trong trot", "chan nuoi", "thu y", "thuy san", "lam nghiep", "cay trong", "nuoi ca"],
    "may_thoi_trang_lam_dep": [
        "may va",
        "may mac",
        "tho may",
        "nghe may",
        "hoc may",
        "thoi trang",
        "lam dep",
        "trang diem",
        "spa",
        "nail",
        "cat toc",
        "lam toc",
    ],
    "van_tai_hang_hai": ["lai xe", "hang hai", "tau bien", "logistics", "van tai", "xuat nhap khau"],
    "mo_dia_chat": ["khai thac mo", "tho mo", "nganh mo", "ham lo", "dia chat", "khai thac than"],
    "nghe_thuat_thiet_ke": [
        "ve tranh",
        "thich ve",
        "hoi hoa",
        "thiet ke",
        "do hoa",
        "am nhac",
        "ca hat",
        "nhac cu",
        "mua hat",
        "nghe thuat",
        "my thuat",
    ],
    "ngoai_ngu": ["ngoai ngu", "tieng anh", "tieng han", "tieng nhat", "tieng trung", "tieng duc", "anh van"],
}

LEARNER_GROUP_PHRASES = {
    "dan_toc_thieu_so": [
        "dan toc thieu so",
        "dan toc",
        "dtts",
        "nguoi dan toc",
        "nguoi tay",
        "nguoi nung",
        "nguoi dao",
        "nguoi hmong",
        "nguoi h mong",
        "nguoi mong",
        "nguoi thai",
        "nguoi muong",
        "nguoi khmer",
        "nguoi e de",
        "nguoi gia rai",
        "nguoi ba na",
    ],
    "ho_ngheo": ["ho ngheo", "nha ngheo", "gia dinh ngheo", "so ngheo", "ngheo"],
    "ho_can_ngheo": ["can ngheo", "ho can ngheo"],
    "khuyet_tat": ["khuyet tat", "nguoi khuyet tat", "tan tat", "khiem thi", "khiem thinh"],
    "mo_coi": ["mo coi", "khong con cha me", "mat ca cha lan me", "mat cha me"],
    "nguoi_co_cong": ["nguoi co cong", "con liet si", "thuong binh", "con thuong binh", "gia dinh chinh sach", "co cong"],
    "bo_doi_xuat_ngu": ["bo doi xuat ngu", "xuat ngu", "ra quan", "nghia vu quan su", "bo doi"],
    "cong_an_xuat_ngu": ["cong an xuat ngu", "nghia vu cong an"],
    "lao_dong_nong_thon": ["lao dong nong thon", "nong thon", "nong dan"],
    "huong_bao_hiem_that_nghiep": ["that nghiep", "bao hiem that nghiep", "mat viec", "tro cap that nghiep"],
    "vung_dac_biet_kho_khan": [
        "vung kho khan",
        "dac biet kho khan",
        "vung cao",
        "vung sau vung xa",
        "mien nui",
        "bai ngang",
        "hai dao",
    ],
    "tot_nghiep_thcs": ["tot nghiep thcs", "xong lop 9", "het lop 9", "hoc xong lop 9", "lop 9"],
    "tot_nghiep_thpt": ["tot nghiep thpt", "xong lop 12", "het lop 12", "hoc xong lop 12", "lop 12", "tot nghiep cap 3"],
}

# What detail of a school or programme the user asks for.
DETAIL_PHRASES = {
    "address": [
        "dia chi",
        "o dau",
        "cho nao",
        "duong nao",
        "nam o dau",
        "xa nao",
        "phuong nao",
        "huyen nao",
        "quan nao",
        "o xa nao",
        "nam o xa nao",
    ],
    "phone": ["so dien thoai", "dien thoai", "sdt", "so dt", "goi", "lien he", "lien lac"],
    "admission_phone": [
        "hotline",
        "duong day nong",
        "so tuyen sinh",
        "phong tuyen sinh",
        "lien he tuyen sinh",
        "sdt tuyen sinh",
        "so dien thoai tuyen sinh",
        "dien thoai tuyen sinh",
        "so dien thoai phong tuyen sinh",
        "so dien thoai ban tuyen sinh",
        "goi tuyen sinh",
    ],
    "zalo": ["zalo", "za lo", "zl"],
    "email": ["email", "e mail", "mail", "thu dien tu"],
    "website": ["website", "trang web", "web"],
    "dormitory": ["ky tuc xa", "ktx", "cho o", "noi tru", "o lai truong", "phong o"],
    "ownership": ["cong lap", "tu thuc", "dan lap", "truong tu", "truong cong"],
    "tuition": ["hoc phi", "bao nhieu tien", "chi phi", "tien hoc", "dong tien", "mat bao nhieu", "hp"],
    "duration": [
        "bao lau",
        "may nam",
        "may thang",
        "thoi gian hoc",
        "bao nhieu nam",
        "bao nhieu thang",
        "hoc trong bao lau",
        "hoc may thang",
        "mat may thang",
        "keo dai",
    ],
    "entry": ["dieu kien", "dau vao", "yeu cau", "can bang gi", "tot nghiep gi", "dieu kien du tuyen"],
    "quota": ["chi tieu", "tuyen bao nhieu", "bao nhieu suat", "so luong"],
    "method": [
        "xet tuyen",
        "thi tuyen",
        "hinh thuc tuyen",
        "phuong thuc",
        "tuyen sinh the nao",
        "xet hoc ba",
        "thi dau vao",
        "nang khieu",
        "thi nang khieu",
        "co phai thi",
        "phai thi",
    ],
    "apply": [
        "dang ky the nao",
        "dang ky nhu the nao",
        "nop ho so the nao",
        "nop ho so nhu the nao",
        "cach dang ky",
        "cach nop",
        "nop o dau",
        "nop ho so o dau",
        "dang ky o dau",
        "lam sao de dang ky",
        "lam the nao de dang ky",
        "muon dang ky",
        "dang ky hoc",
        "dang ky xet tuyen",
        "nop ho so",
        "thu tuc",
    ],
    "documents": [
        "ho so nhap hoc",
        "giay to nhap hoc",
        "ho so",
        "giay to",
        "can nhung gi",
        "can mang gi",
        "can chuan bi gi",
        "chuan bi nhung gi",
        "ho so gom",
        "ho so can",
        "hoc ba",
        "anh the",
    ],
    "online": [
        "dang ky online o dau",
        "nop online o dau",
        "dang ky online",
        "nop online",
        "online",
        "onl",
        "truc tuyen",
        "qua mang",
        "link",
        "duong link",
        "dang ky tren mang",
    ],
    "scholarships": ["hoc bong"],
    "start": [
        "nhap hoc",
        "khai giang",
        "bat dau hoc",
        "khi nao hoc",
        "bao gio hoc",
        "ngay nhap hoc",
        "thang may hoc",
        "bat dau khoa",
        "khi nao di hoc",
        "bao gio di hoc",
    ],
    "deadline": ["han nop", "han chot", "het han", "den bao gio", "thoi han", "han dang ky", "han nop ho so", "nop ho so den"],
    "employment": [
        "viec lam",
        "co viec",
        "de xin viec",
        "xin viec",
        "kiem viec",
        "tim viec",
        "ty le co viec",
        "dau ra",
        "that nghiep",
        "gioi thieu viec",
        "can nguoi",
        "can nhieu nguoi",
        "thieu nguoi",
        "nhu cau tuyen",
        "dang hot",
        "tuyen nhieu",
    ],
    "income": ["thu nhap", "luong", "muc luong", "kiem duoc bao nhieu", "kiem bao nhieu", "bao nhieu mot thang", "tn", "lg"],
    "prospects": ["ra truong", "lam gi", "co hoi", "lam o dau", "lam viec o dau"],
    "description": ["hoc gi", "la gi", "la nghe gi", "hoc nhung gi", "gioi thieu"],
    "programmes": ["nganh gi", "nghe gi", "co nhung nganh", "dao tao nhung", "day nhung", "cac nganh", "dao tao gi"],
}


# Words that ask where something is taught (a search), not about one programme.
WHERE_PHRASES = {
    "where": [
        "truong nao",
        "hoc o dau",
        "o dau day",
        "o dau co",
        "noi nao",
        "cho nao day",
        "co truong nao",
        "nhung truong",
        "cac truong",
        "co dao tao",
        "co day",
    ]
}

# Words that name an event (a fair, an open day), not a school or a trade.
EVENT_PHRASES = {
    "event": ["hoi cho", "ngay hoi", "ngay mo cua", "tham quan truong", "hoi thao tuyen sinh", "su kien", "le hoi nghe"]
}

# Words that ask about state support rather than a school's own fees.
SUPPORT_PHRASES = {
    "support": [
        "ho tro",
        "mien hoc phi",
        "giam hoc phi",
        "mien giam",
        "hoc bong",
        "chinh sach",
        "tro cap",
        "vay von",
        "tien an",
        "mien phi",
        "duoc mien",
        "duoc giam",
        "uu dai",
    ]
}


def _index(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    pairs = [(folding.key(phrase), code) for code, phrases in table.items() for phrase in phrases]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_LEVELS = _index(LEVEL_PHRASES)
_FIELDS = _index(FIELD_PHRASES)
_GROUPS = _index(LEARNER_GROUP_PHRASES)
_DETAILS = _index(DETAIL_PHRASES)
_SUPPORT = _index(SUPPORT_PHRASES)
_WHERE = _index(WHERE_PHRASES)
_EVENT = _index(EVENT_PHRASES)


def _find_all(message: str, index: list[tuple[str, str]]) -> list[str]:
    """Codes whose phrases occur as whole words, longest phrases first; each word used once."""
    words = folding.expand_teencode(message).split()
    padded = f" {' '.join(words)} "
    found: list[str] = []
    for phrase, code in index:
        needle = f" {phrase} "
        if needle in padded:
            padded = padded.replace(needle, " # ")
            if code not in found:
                found.append(code)
    return found


def level_in(message: str) -> str | None:
    found = _find_all(message, _LEVELS)
    return found[0] if found else None


def fields_in(message: str) -> list[str]:
    return _find_all(message, _FIELDS)


def learner_groups_in(message: str) -> list[str]:
    return _find_all(message, _GROUPS)


def details_in(message: str) -> list[str]:
    return _find_all(message, _DETAILS)


def grade_in(message: str) -> int | None:
    """9 or 12 when the user says which school year they finish ("xong lớp 9", "học sinh lớp 12")."""
    words = folding.expand_teencode(message).split()
    for i, word in enumerate(words):
        if word in ("9", "12") and i > 0 and words[i - 1] in ("lop", "khoi"):
            return int(word)
    if "thcs" in words or "cap 2" in " ".join(words):
        return 9
    if "thpt" in words or "cap 3" in " ".join(words):
        return 12
    return None


def asks_support(message: str) -> bool:
    return bool(_find_all(message, _SUPPORT))


def asks_event(message: str) -> bool:
    return bool(_find_all(message, _EVENT))


def asks_where(message: str) -> bool:
    return bool(_find_all(message, _WHERE))


# "rẻ nhất", "nhanh nhất": comparisons, whose words are not names ("nhất" is not "Tiếng Nhật").
_SUPERLATIVES = _index(
    {
        "superlative": [
            "re nhat",
            "nhanh nhat",
            "ngan nhat",
            "lau nhat",
            "dat nhat",
            "gan nhat",
            "tot nhat",
            "cao nhat",
            "thap nhat",
            "it nhat",
            "nhieu nhat",
            "xa nhat",
            "hon ca",
            "thu nhat",
        ]
    }
)


def without_details(message: str) -> str:
    """The message (teencode spelled out) without the words that ask for a detail or compare,
    so "số điện thoại" is not read as the trade "điện", "học mấy năm" as "May", nor "rẻ
    nhất" as "Tiếng Nhật"."""
    padded = f" {folding.expand_teencode(message)} "
    for phrase, _code in _DETAILS + _SUPERLATIVES:
        padded = padded.replace(f" {phrase} ", " ")
    return " ".join(padded.split())


BACK_REFERENCES = ("o do", "truong do", "truong nay", "truong ay", "o truong", "o day", "truong day", "ben do", "cho do")


_BACK = _index({"back": list(BACK_REFERENCES)})


def refers_back(message: str) -> bool:
    """ "ở đó", "trường đó", "trường này": the school just discussed."""
    return bool(_find_all(message, _BACK))


ELSEWHERE = ("ngoai", "khac", "con tinh nao", "con truong nao", "so sanh", "re hon", "re nhat", "gan hon", "tot hon")


_ELSEWHERE = _index({"elsewhere": list(ELSEWHERE)})


def asks_elsewhere(message: str) -> bool:
    """ "ngoài Hải Phòng", "tỉnh khác", "rẻ hơn": a comparison across places, not one search."""
    return bool(_find_all(message, _ELSEWHERE))


# --- what a message excludes ----------------------------------------------------------------

# Words that, just before a group's phrase, deny it: "nhà không thuộc hộ nghèo", "cháu không phải
# dân tộc", "chưa tốt nghiệp".
_NEGATIONS = frozenset({"khong", "chang", "chua", "cha", "ko", "k", "hong", "hem", "khum"})
# Phrases that name the majority, so exclude the minority group: "em là người Kinh".
_MAJORITY = {"dan_toc_thieu_so": ["nguoi kinh", "dan toc kinh", "la kinh"]}
_MAJORITY_INDEX = _index(_MAJORITY)


# Words that join groups into one list ("hộ nghèo hay cận nghèo", "hộ nghèo, cận nghèo", "hộ nghèo
# và cũng không cận nghèo"): a negation before the first denies them all, and in a policy's
# title they are alternatives of one condition.
_LIST_WORDS = frozenset({"hay", "hoac", "va", "voi", "lan", "cung"})
# A colloquial "poor" denied ("nhà không nghèo") denies near-poor too; "không thuộc hộ nghèo"
# (the legal category) does not.
_DENIES_TOO = {"ngheo": ("ho_can_ngheo",), "nha ngheo": ("ho_can_ngheo",), "gia dinh ngheo": ("ho_can_ngheo",)}


def _group_occurrences(message: str) -> tuple[list[str], list[tuple[int, int, str, str]]]:
    """(words, [(start, end, code, phrase)] in order): each group phrase as whole words, longest
    phrases first, each word used once."""
    words = folding.expand_teencode(message).split()
    taken = [False] * len(words)
    found: list[tuple[int, int, str, str]] = []
    for phrase, code in _GROUPS:
        needle = phrase.split()
        n = len(needle)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == needle and not any(taken[i : i + n]):
                taken[i : i + n] = [True] * n
                found.append((i, i + n, code, phrase))
    return words, sorted(found)


# Groups of one kind, which a bare list ("hộ nghèo, cận nghèo", "hộ nghèo và cận nghèo") joins;
# across kinds only "hay"/"hoặc" do ("nhà không thuộc hộ nghèo, học xong lớp 9": the school year
# is not denied).
_GROUP_KINDS = {"ho_ngheo": "income", "ho_can_ngheo": "income", "tot_nghiep_thcs": "school", "tot_nghiep_thpt": "school"}


def _joins(gap: list[str], first: str, second: str) -> bool:
    """Whether the words between two groups only join them into one list: "hay", "hoặc", "hay
    là" (any two groups), or nothing, "và", "cũng không" (two groups of one kind)."""
    for i, word in enumerate(gap):
        prev = gap[i - 1] if i else ""
        if word in _LIST_WORDS or word in _NEGATIONS:
            continue
        if word == "la" and prev in ("hay", "hoac"):
            continue
        if word in ("thuoc", "phai") and prev in _NEGATIONS:
            continue
        return False
    if "hay" in gap or "hoac" in gap:
        return True
    return _GROUP_KINDS.get(first, first) == _GROUP_KINDS.get(second, second)


def group_conditions(text: str) -> list[set[str]]:
    """The conditions a text (a policy's title) puts on the learner's groups, each a set of
    alternatives: "dân tộc thiểu số thuộc hộ nghèo, cận nghèo" → [{dân tộc thiểu số}, {hộ nghèo,
    hộ cận nghèo}]; "dân tộc thiểu số ở vùng đặc biệt khó khăn" → two conditions."""
    words, found = _group_occurrences(text)
    conditions: list[set[str]] = []
    last: tuple[int, str] | None = None  # (end, code) of the previous group
    for start, end, code, _phrase in found:
        if conditions and last is not None and _joins(words[last[0] : start], last[1], code):
            conditions[-1].add(code)
        else:
            conditions.append({code})
        last = (end, code)
    return conditions


def learner_groups_said(message: str) -> tuple[list[str], list[str]]:
    """(groups the message says the learner belongs to, groups it says they do not).

    "nhà không thuộc hộ nghèo" excludes ho_ngheo; "không thuộc hộ nghèo hay cận nghèo", "không
    phải hộ nghèo, cận nghèo" exclude both groups of the list; "nhà không nghèo" excludes poor and
    near-poor; "cháu là người Kinh" excludes dan_toc_thieu_so; a group both said and denied
    counts as denied (the message is unsure, so no policy is presented as applying)."""
    words, found = _group_occurrences(message)
    said: list[str] = []
    denied: list[str] = []
    last: tuple[int, str, bool] | None = None  # (end, code, negated) of the previous group
    for start, end, code, phrase in found:
        # the negation of a group before this one is not this one's ("không nghèo và học xong lớp 9")
        since = max(0, start - 3, last[0] if last else 0)
        negated = any(w in _NEGATIONS for w in words[since:start])
        if not negated and last is not None and last[2] and _joins(words[last[0] : start], last[1], code):
            negated = True  # "không thuộc hộ nghèo hay cận nghèo": the negation covers the list
        codes = (code, *_DENIES_TOO.get(phrase, ())) if negated else (code,)
        target = denied if negated else said
        for c in codes:
            if c not in target:
                target.append(c)
        last = (end, code, negated)
    for _phrase, code in [(p, c) for p, c in _MAJORITY_INDEX if f" {p} " in f" {' '.join(words)} "]:
        if code not in denied:
            denied.append(code)
    return [g for g in said if g not in denied], denied


# --- follow-ups over what the bot just showed ----------------------------------------------

FOLLOW_UP_PHRASES = {
    "cheapest": ["re nhat", "thap nhat", "it tien nhat", "hoc phi thap nhat", "re hon ca", "do ton nhat", "tiet kiem nhat"],
    "shortest": ["nhanh nhat", "ngan nhat", "it thoi gian nhat", "hoc nhanh", "hoc ngan", "nhanh ra nghe", "ra nghe nhanh"],
    "free": ["mien hoc phi", "mien phi", "khong mat hoc phi", "khong mat tien", "khong ton tien", "0 dong"],
    "more": [
        "truong khac",
        "con truong nao",
        "con truong khac",
        "noi khac",
        "cho khac",
        "con nua khong",
        "con nua",
        "con gi nua",
        "con noi nao",
        "con cho nao",
        "them truong",
        "truong nao nua",
        "con khong",
        "xem them",
        "het chua",
    ],
    "which": ["truong nao", "cai nao", "noi nao", "nganh nao", "nao co", "nao thi", "cho nao co"],
}
_FOLLOW_UP = _index(FOLLOW_UP_PHRASES)
_ORDINAL_WORDS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_ORDINAL_NOUNS = ("truong", "cai", "noi", "nganh", "so", "dong", "muc", "thang")


def follow_up_cues(message: str) -> list[str]:
    """ "cheapest", "more", "which": how a message points back at a list just shown."""
    return _find_all(message, _FOLLOW_UP)


def ordinal_in(message: str) -> int | None:
    """1-based position named in "trường thứ 2", "cái thứ hai", "trường đầu tiên"; -1 for "cuối"."""
    words = folding.expand_teencode(message).split()
    for i, word in enumerate(words):
        if word == "thu" and i + 1 < len(words) and words[i + 1] in _ORDINAL_WORDS and (i == 0 or words[i - 1] in _ORDINAL_NOUNS):
            return _ORDINAL_WORDS[words[i + 1]]
        if word == "dau" and i + 1 < len(words) and words[i + 1] == "tien" and i > 0 and words[i - 1] in _ORDINAL_NOUNS:
            return 1
        if word == "cuoi" and i > 0 and words[i - 1] in _ORDINAL_NOUNS:
            return -1
    return None


_CHOICE = _index(
    {
        "choice": [
            "nen hoc cai nao",
            "nen chon",
            "nen hoc",
            "chon cai nao",
            "cai nao tot hon",
            "cai nao hon",
            "hoc gi thi hon",
            "nen theo",
            "hay hon",
            "khac nhau the nao",
            "khac nhau",
        ]
    }
)


def asks_choice(message: str) -> bool:
    """ "con tôi nên học cái nào", "cái nào tốt hơn": the user wants help choosing, not only facts."""
    return bool(_find_all(message, _CHOICE))


_WHICH_TRADE = _index(
    {"which_trade": ["nghe nao", "nganh nao", "nghe gi", "nganh gi", "nhung nghe", "nhung nganh", "cac nghe", "cac nganh"]}
)


def asks_which_trade(message: str) -> bool:
    """ "nghề nào đang cần nhiều người", "ngành gì dễ xin việc": the trade is what is asked."""
    return bool(_find_all(message, _WHICH_TRADE))


_PATHWAY = _index(
    {
        "pathway": [
            "9 cong",
            "lien thong",
            "trung hoc nghe",
            "van hoa",
            "khac nhau",
            "so cap",
            "trinh do",
            "sau lop 9",
            "sau lop 12",
            "xong lop",
            "het lop",
            "truot",
            "dai hoc",
            "bang cap",
        ]
    }
)


def names_pathway(message: str) -> bool:
    """ "9+", "liên thông", "trung cấp với cao đẳng khác nhau", "xong lớp 9": a question about the
    pathway, not about the list the bot just showed."""
    return "9+" in message.replace(" ", "") or bool(_find_all(message, _PATHWAY))


# Words before a commune, ward or district name: the next words are a place, not a trade or a
# province ("xã Quảng Điền" is not the trade "điện", "huyện Thạch Hà" is not Hà Nội). Typed with
# diacritics they are unambiguous; without, only those that are not everyday words ("ban" is
# also "bạn", "xa" also "xa nhà").
PLACE_PREFIXES = ("xã", "phường", "huyện", "quận", "thị trấn", "thị xã", "thôn", "bản", "ấp")
PLAIN_PLACE_PREFIXES = ("phuong", "huyen", "thi tran", "thi xa")


def without_local_places(message: str) -> str:
    """The message (folded) without a commune's, ward's or district's
    name: the one or two words after "xã", "phường", "huyện"…"""
    typed = [w.strip(".,;:!?()") for w in folding.normalize(message).lower().split()]
    prefixes = PLACE_PREFIXES if folding.has_diacritics(message) else PLAIN_PLACE_PREFIXES
    keep: list[str] = []
    i = 0
    while i < len(typed):
        two = " ".join(typed[i : i + 2])
        prefix = two if two in prefixes else typed[i] if typed[i] in prefixes else None
        if prefix and i + len(prefix.split()) < len(typed):
            i += len(prefix.split()) + 2  # the prefix and a (usually two-word) name
            continue
        keep.append(typed[i])
        i += 1
    return folding.key(" ".join(keep))  # folded only: "hồng" stays a name, not the teencode "hong" (không)


def alternatives(message: str) -> list[str]:
    """ "hàn hoặc sửa ô tô", "điều dưỡng hay dược": the parts a message offers as alternatives
    (folded), or [] when it offers none."""
    return split_at(folding.expand_teencode(message).split(), ("hoac", "hay"))


def split_at(words: list[str], joins: Collection[str]) -> list[str]:
    """The non-empty runs of words between joining words, or [] when no joining word splits
    them (shared by alternatives and the reading of trades named side by side)."""
    parts, current = [], []
    for word in words:
        if word in joins:
            parts.append(" ".join(current))
            current = []
        else:
            current.append(word)
    parts.append(" ".join(current))
    return [p for p in parts if p] if len(parts) > 1 else []
