"""The catalog interchange format v1.1 (docs/catalog-format.md) as data.

One place lists every file, column, whether it is required and how a cell is
parsed, so that the importer, the exporter, the template and the guide agree.
Parsers take the trimmed cell text and return a typed value or raise
`CellError` with a Vietnamese reason an admissions officer can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from catalog import provinces
from vntext import folding

FORMAT_VERSION = "1.1"

INSTITUTION_KINDS = ("cao_dang", "trung_cap", "trung_tam_gdnn_gdtx", "khac")
OWNERSHIPS = ("cong_lap", "tu_thuc")
LEVELS = ("so_cap", "trung_cap", "cao_dang")
ENTRY_REQUIREMENTS = ("thcs", "thpt", "khong")
FIELDS = (
    "co_khi",
    "dien_dien_tu",
    "cong_nghe_thong_tin",
    "xay_dung",
    "kinh_te",
    "du_lich_nha_hang",
    "suc_khoe",
    "nong_lam_thuy_san",
    "may_thoi_trang_lam_dep",
    "van_tai_hang_hai",
    "mo_dia_chat",
    "nghe_thuat_thiet_ke",
    "ngoai_ngu",
    "khac",
)
LEARNER_GROUPS = (
    "tot_nghiep_thcs",
    "tot_nghiep_thpt",
    "dan_toc_thieu_so",
    "ho_ngheo",
    "ho_can_ngheo",
    "khuyet_tat",
    "mo_coi",
    "nguoi_co_cong",
    "bo_doi_xuat_ngu",
    "cong_an_xuat_ngu",
    "lao_dong_nong_thon",
    "huong_bao_hiem_that_nghiep",
    "vung_dac_biet_kho_khan",
)
NATIONAL_SCOPE = "toan_quoc"
DEMANDS = ("cao", "trung_binh", "thap")
YES_NO = ("co", "khong")
RIASEC = "RIASEC"

# How people write each code of the enums above. Reading accepts the code or any of its
# labels, in any case, with or without diacritics or "_" ("cao đẳng", "Cao Dang" → cao_dang);
# export and the template always write the code. The first label names the code in messages.
LABELS: dict[str, tuple[str, ...]] = {
    "cao_dang": ("cao đẳng",),
    "trung_cap": ("trung cấp",),
    "so_cap": ("sơ cấp",),
    "trung_tam_gdnn_gdtx": ("trung tâm GDNN-GDTX", "trung tâm giáo dục nghề nghiệp - giáo dục thường xuyên"),
    "khac": ("khác",),
    "cong_lap": ("công lập",),
    "tu_thuc": ("tư thục",),
    "thcs": ("THCS", "trung học cơ sở"),
    "thpt": ("THPT", "trung học phổ thông"),
    "khong": ("không",),
    "co": ("có",),
    "co_khi": ("cơ khí",),
    "dien_dien_tu": ("điện - điện tử",),
    "cong_nghe_thong_tin": ("công nghệ thông tin",),
    "xay_dung": ("xây dựng",),
    "kinh_te": ("kinh tế",),
    "du_lich_nha_hang": ("du lịch - nhà hàng",),
    "suc_khoe": ("sức khỏe",),
    "nong_lam_thuy_san": ("nông - lâm - thủy sản",),
    "may_thoi_trang_lam_dep": ("may - thời trang - làm đẹp",),
    "van_tai_hang_hai": ("vận tải - hàng hải",),
    "mo_dia_chat": ("mỏ - địa chất",),
    "nghe_thuat_thiet_ke": ("nghệ thuật - thiết kế",),
    "ngoai_ngu": ("ngoại ngữ",),
    "tot_nghiep_thcs": ("tốt nghiệp THCS",),
    "tot_nghiep_thpt": ("tốt nghiệp THPT",),
    "dan_toc_thieu_so": ("dân tộc thiểu số",),
    "ho_ngheo": ("hộ nghèo",),
    "ho_can_ngheo": ("hộ cận nghèo",),
    "khuyet_tat": ("khuyết tật", "người khuyết tật"),
    "mo_coi": ("mồ côi",),
    "nguoi_co_cong": ("người có công",),
    "bo_doi_xuat_ngu": ("bộ đội xuất ngũ",),
    "cong_an_xuat_ngu": ("công an xuất ngũ",),
    "lao_dong_nong_thon": ("lao động nông thôn",),
    "huong_bao_hiem_that_nghiep": ("hưởng bảo hiểm thất nghiệp",),
    "vung_dac_biet_kho_khan": ("vùng đặc biệt khó khăn",),
    "cao": ("cao",),
    "trung_binh": ("trung bình",),
    "thap": ("thấp",),
    NATIONAL_SCOPE: ("toàn quốc",),
}

MAX_SHORT_TEXT = 255
MAX_LONG_TEXT = 5000
MAX_MONEY = 10**12  # a thousand billion đồng: more is a typing slip, and would not fit the database
MAX_QUOTA = 100_000  # one school's intake: more is a typing slip, and a 32-bit column would overflow

_CODE = re.compile(r"^[A-Za-z0-9_-]{2,32}$")
_PHONE = re.compile(r"^[0-9+.\- ]{3,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})$")
_GROUPED_INT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
# An amount in đồng: plain digits or groups of three ("10.500.000", "10,500,000", "10 500 000"),
# maybe with decimals ("10.500.000,00"); the currency ("đ", "VNĐ", "đồng") is removed before.
_AMOUNT = re.compile(r"^(?P<whole>\d{1,3}(?P<sep>[., ])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:(?P<point>[.,])(?P<fraction>\d+))?$")
_CURRENCY = re.compile(r"\s*(?:vnd|dong|d|₫)\.?$")  # on folded text: "VNĐ" → "vnd", "đ" → "d"


class CellError(ValueError):
    """A cell value that does not follow the format; the message is shown to the user."""


@dataclass(frozen=True)
class Warned:
    """A parsed value together with a warning to report (e.g. a former province name)."""

    value: Any
    warning: str


Parser = Callable[[str], Any]


def short_text(value: str) -> str:
    if len(value) > MAX_SHORT_TEXT:
        raise CellError(f"dài {len(value)} ký tự, tối đa {MAX_SHORT_TEXT}")
    return value


def long_text(value: str) -> str:
    if len(value) > MAX_LONG_TEXT:
        raise CellError(f"dài {len(value)} ký tự, tối đa {MAX_LONG_TEXT}")
    return value


def code(value: str) -> str:
    if not _CODE.match(value):
        raise CellError(f'mã "{value}" không hợp lệ: chỉ dùng chữ không dấu, số, "_" hoặc "-", dài 2–32 ký tự')
    return value


def _spellings(allowed: tuple[str, ...]) -> dict[str, str]:
    """Folded code or label → code, for the codes of one enum (see LABELS)."""
    table: dict[str, str] = {}
    for value in allowed:
        for spelling in (value, *LABELS.get(value, ())):
            if table.setdefault(folding.key(spelling), value) != value:
                raise ValueError(f'"{spelling}" would name both {table[folding.key(spelling)]} and {value}')
    return table


def _choices_text(allowed: tuple[str, ...]) -> str:
    """The codes for an error message, each with its label unless that is the code itself ("cao")."""
    named = (f"{value} ({LABELS[value][0]})" if value in LABELS and LABELS[value][0] != value else value for value in allowed)
    return ", ".join(named)


def enum(*allowed: str) -> Parser:
    """One code of `allowed`, written as the code or as one of its LABELS."""
    spellings = _spellings(allowed)

    def parse(value: str) -> str:
        found = spellings.get(folding.key(value))
        if found is None:
            raise CellError(f'giá trị "{value}" không hợp lệ; dùng một trong: {_choices_text(allowed)}')
        return found

    return parse


def enum_list(*allowed: str) -> Parser:
    """`;`-separated values (codes or labels), stored in the format's own order without duplicates."""
    spellings = _spellings(allowed)

    def parse(value: str) -> tuple[str, ...] | None:
        items = [item.strip() for item in value.split(";") if item.strip()]
        wrong = [item for item in items if folding.key(item) not in spellings]
        if wrong:
            raise CellError(
                f'giá trị "{", ".join(wrong)}" không hợp lệ; dùng các giá trị sau, ngăn cách bằng ";": ' + _choices_text(allowed)
            )
        found = {spellings[folding.key(item)] for item in items}
        return tuple(item for item in allowed if item in found) or None

    return parse


def integer(low: int, high: int | None = None) -> Parser:
    def parse(value: str) -> int:
        digits = value
        if _GROUPED_INT.match(value):  # "9.800.000" as offices type it
            digits = re.sub(r"[.,\s]", "", value)
        if not re.fullmatch(r"-?\d+", digits):
            raise CellError(f'"{value}" không phải số nguyên')
        number = int(digits)
        if number < low or (high is not None and number > high):
            bound = f"từ {low} đến {high}" if high is not None else f"từ {low} trở lên"
            raise CellError(f"{number} nằm ngoài khoảng cho phép ({bound})")
        return number

    return parse


def money(value: str) -> int:
    """Whole đồng, as offices write amounts: "10500000", "10.500.000 đ", "10,500,000đ",
    "10 500 000 VNĐ", "10.500.000,00". Anything else after the decimal point is refused rather
    than guessed at: "10,5" may be ten and a half million or a slip of the finger, and
    "10,500.000" may be either ten thousand five hundred or ten and a half million."""
    text = _CURRENCY.sub("", folding.fold(value))
    match = _AMOUNT.match(text)
    if match is None and text.startswith("-") and _AMOUNT.match(text[1:].strip()):
        raise CellError(f'số tiền "{value}" không được âm')
    if match is None:
        raise CellError(f'"{value}" không phải số nguyên (số đồng); ghi ví dụ 10500000 hoặc 10.500.000 đ')
    fraction = match["fraction"]
    if fraction is not None and (match["point"] == match["sep"] or len(fraction) > 2 or fraction.strip("0")):
        raise CellError(
            f'số tiền "{value}" có phần thập phân hoặc không rõ dấu "{match["point"]}" là phần thập phân hay ngăn cách '
            "hàng nghìn; ghi đủ số đồng, ví dụ 10500000 hoặc 10.500.000"
        )
    amount = int(re.sub(r"[., ]", "", match["whole"]))
    if amount > MAX_MONEY:
        raise CellError(f'số tiền "{value}" quá lớn (tối đa {MAX_MONEY:,} đồng)'.replace(",", "."))
    return amount


def date(value: str) -> dt.date:
    """`YYYY-MM-DD` as the format writes it, or day first as people in Vietnam type it
    (31/08/2027, 6/9/2027, 31-08-2027, 31.08.2027). Excel date cells arrive here as ISO text."""
    if iso := _ISO_DATE.match(value):
        year_, month, day = iso.groups()
    elif day_first := _DAY_FIRST_DATE.match(value):
        day, _, month, year_ = day_first.groups()
        if len(year_) == 2:
            raise CellError(f'ngày "{value}": ghi năm đủ 4 chữ số, ví dụ 31/08/2027')
    else:
        raise CellError(f'ngày "{value}" không đúng dạng; ghi NGÀY/THÁNG/NĂM (31/08/2027) hoặc NĂM-THÁNG-NGÀY (2027-08-31)')
    try:
        return dt.date(int(year_), int(month), int(day))
    except ValueError:
        hint = " (ghi ngày trước, tháng sau: NGÀY/THÁNG/NĂM)" if not iso and int(month) > 12 >= int(day) else ""
        raise CellError(f'ngày "{value}" không tồn tại{hint}') from None


def phone(value: str) -> str:
    if not _PHONE.match(value) or not any(ch.isdigit() for ch in value):
        raise CellError(f'số điện thoại "{value}" chỉ được có chữ số, dấu cách, "+", "." và "-"')
    return value


def email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > MAX_SHORT_TEXT:
        raise CellError(f'"{value}" không phải địa chỉ e-mail')
    return value


def url(value: str) -> str:
    if not _URL.match(value) or len(value) > 512:
        raise CellError(f'"{value}" không phải địa chỉ web bắt đầu bằng http:// hoặc https://')
    return value


def year(value: str) -> int:
    if not re.fullmatch(r"\d{4}", value) or not 1990 <= int(value) <= 2100:
        raise CellError(f'năm "{value}" không hợp lệ; ghi 4 chữ số, ví dụ 2025')
    return int(value)


_PERIOD = re.compile(r"^(\d{4})(-Q([1-4]))?$")


def period(value: str) -> str:
    """`YYYY` or `YYYY-Qn`: the reference period of a labour-market figure."""
    match = _PERIOD.match(value.upper())
    if not match or not 1990 <= int(match.group(1)) <= 2100:
        raise CellError(f'kỳ số liệu "{value}" không hợp lệ; ghi NĂM (2025) hoặc NĂM-Qquý (2026-Q2)')
    return value.upper()


def riasec(value: str) -> str:
    letters = value.replace(" ", "").upper()
    if not 1 <= len(letters) <= 3 or any(ch not in RIASEC for ch in letters) or len(set(letters)) != len(letters):
        raise CellError(f'"{value}" không hợp lệ; ghi 1–3 chữ cái khác nhau trong R, I, A, S, E, C, mạnh nhất trước')
    return letters


def aliases(value: str) -> tuple[str, ...] | None:
    """`;`-separated names people use, kept in the order written, without repeats."""
    items = [" ".join(item.split()) for item in value.split(";") if item.strip()]
    too_long = [item for item in items if len(item) > 64]
    if too_long:
        raise CellError(f'tên gọi "{too_long[0][:40]}…" dài quá 64 ký tự')
    return tuple(dict.fromkeys(items)) or None


_yes_no = enum(*YES_NO)


def yes_no(value: str) -> bool:
    """`co` / `khong`, or "có" / "không" as people write them."""
    return _yes_no(value) == "co"


def province(value: str) -> str | Warned:
    match = provinces.resolve_official(value)
    if match is None:
        hint = provinces.resolve(value)
        suggestion = f' (ý bạn là "{hint.name}"?)' if hint else ""
        raise CellError(f'không có tỉnh/thành phố "{value}" trong danh sách 34 tỉnh, thành phố{suggestion}')
    if match.is_former:
        return Warned(match.name, f'"{value}" nay thuộc {match.name}; đã ghi là {match.name}')
    if match.name != value:
        return Warned(match.name, f'đã ghi "{value}" thành tên chuẩn "{match.name}"')
    return match.name


_national = _spellings((NATIONAL_SCOPE,))


def scope(value: str) -> str | Warned:
    if folding.key(value) in _national:  # "toan_quoc", "Toàn quốc"
        return NATIONAL_SCOPE
    try:
        return province(value)
    except CellError as error:
        raise CellError(f'phải là "{NATIONAL_SCOPE}" hoặc tên một tỉnh/thành phố: {error}') from None


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    parse: Parser
    description: str  # Vietnamese, shown in the template and the guide
    since: str = "1"  # format version that added the column; newer ones are exported only when used


@dataclass(frozen=True)
class FileSpec:
    name: str  # "programmes"
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def since(self) -> str:
        """Format version that added this file."""
        return self.columns[0].since

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


INSTITUTIONS = FileSpec(
    "institutions",
    (
        Column("code", True, code, "Mã cơ sở, cố định, duy nhất (chữ không dấu, số, _ -)"),
        Column("name", True, short_text, "Tên đầy đủ, ví dụ Trường Cao đẳng …"),
        Column("kind", True, enum(*INSTITUTION_KINDS), "Loại: " + ", ".join(INSTITUTION_KINDS)),
        Column("ownership", True, enum(*OWNERSHIPS), "Loại hình: cong_lap hoặc tu_thuc"),
        Column("province", True, province, "Tỉnh/thành phố (tên hiện hành)"),
        Column("address", False, long_text, "Địa chỉ"),
        Column("phone", False, phone, "Điện thoại tuyển sinh"),
        Column("email", False, email, "E-mail"),
        Column("website", False, url, "Trang web, bắt đầu bằng http:// hoặc https://"),
        Column("dormitory", False, yes_no, "Ký túc xá: co hoặc khong"),
        Column("description", False, long_text, "Giới thiệu ngắn"),
        Column("admission_phone", False, phone, "Đường dây nóng tuyển sinh, nếu khác số điện thoại chung", "1.1"),
        Column("zalo", False, short_text, "Zalo tuyển sinh: số điện thoại hoặc đường dẫn Zalo OA", "1.1"),
        Column("application_url", False, url, "Trang đăng ký xét tuyển trực tuyến (http:// hoặc https://)", "1.1"),
        Column("how_to_apply", False, long_text, "Cách nộp hồ sơ: trực tuyến, trực tiếp, qua bưu điện; các bước", "1.1"),
        Column("application_documents", False, long_text, "Hồ sơ xét tuyển gồm những giấy tờ gì", "1.1"),
        Column("scholarships", False, long_text, "Học bổng, ưu đãi riêng của trường (không ghi chính sách nhà nước)", "1.1"),
    ),
    key=("code",),
)

PROGRAMMES = FileSpec(
    "programmes",
    (
        Column("institution_code", True, code, "Mã cơ sở đào tạo (cột code của institutions)"),
        Column("code", True, code, "Mã ngành, nghề (7 chữ số nếu có mã quốc gia)"),
        Column("name", True, short_text, "Tên ngành, nghề, ví dụ Điện công nghiệp"),
        Column("level", True, enum(*LEVELS), "Trình độ: so_cap, trung_cap, cao_dang"),
        Column("field", True, enum(*FIELDS), "Nhóm ngành: " + ", ".join(FIELDS)),
        Column("duration_months", False, integer(1, 60), "Thời gian đào tạo (tháng, 1–60)"),
        Column("entry_requirement", False, enum(*ENTRY_REQUIREMENTS), "Đầu vào: thcs, thpt, khong"),
        Column("tuition_vnd_per_year", False, money, "Học phí (đồng/năm; 0 = miễn phí)"),
        Column("quota", False, integer(0, MAX_QUOTA), "Chỉ tiêu tuyển sinh đợt này"),
        Column("admission_method", False, long_text, "Phương thức tuyển sinh"),
        Column("application_deadline", False, date, "Hạn nộp hồ sơ (NĂM-THÁNG-NGÀY)"),
        Column("description", False, long_text, "Mô tả ngành, nghề"),
        Column("career_prospects", False, long_text, "Việc làm sau khi tốt nghiệp"),
        Column("occupation_code", False, code, "Mã nghề trong trang occupations (để trống: lấy 6 số cuối của mã 7 số)", "1.1"),
        Column("intake_start", False, date, "Ngày nhập học, bắt đầu học của khóa tuyển sinh này (NĂM-THÁNG-NGÀY)", "1.1"),
        Column("employment_rate_percent", False, integer(0, 100), "Tỷ lệ người tốt nghiệp có việc làm trong 12 tháng (%)", "1.1"),
        Column("employment_rate_year", False, year, "Năm tốt nghiệp mà tỷ lệ việc làm nói tới (bắt buộc khi có tỷ lệ)", "1.1"),
        Column(
            "graduate_income_vnd_per_month",
            False,
            money,
            "Thu nhập phổ biến của người tốt nghiệp (đồng/tháng, khảo sát của trường)",
            "1.1",
        ),
    ),
    key=("institution_code", "code"),
)

EVENTS = FileSpec(
    "events",
    (
        Column("code", True, code, "Mã sự kiện, duy nhất"),
        Column("title", True, short_text, "Tên sự kiện"),
        Column("start_date", True, date, "Ngày bắt đầu (NĂM-THÁNG-NGÀY)"),
        Column("end_date", False, date, "Ngày kết thúc (NĂM-THÁNG-NGÀY)"),
        Column("province", True, province, "Tỉnh/thành phố"),
        Column("location", False, long_text, "Địa điểm"),
        Column("institution_code", False, code, "Mã cơ sở tổ chức (nếu có)"),
        Column("description", False, long_text, "Mô tả"),
    ),
    key=("code",),
)

POLICIES = FileSpec(
    "policies",
    (
        Column("code", True, code, "Mã chính sách, duy nhất"),
        Column("title", True, short_text, "Tên chính sách"),
        Column("benefit", True, long_text, "Người học được hưởng gì, mức bao nhiêu"),
        Column("eligibility", True, long_text, "Ai được hưởng"),
        Column("legal_basis", True, long_text, "Căn cứ pháp lý (số văn bản)"),
        Column("scope", True, scope, "toan_quoc hoặc tên tỉnh/thành phố"),
        Column("levels", False, enum_list(*LEVELS), "Trình độ áp dụng, ngăn cách bằng ;"),
        Column("learner_groups", False, enum_list(*LEARNER_GROUPS), "Nhóm người học, ngăn cách bằng ;"),
        Column("effective_from", False, date, "Hiệu lực từ (NĂM-THÁNG-NGÀY)"),
        Column("effective_to", False, date, "Hết hiệu lực (để trống nếu còn hiệu lực)"),
        Column("source_url", False, url, "Nguồn (địa chỉ web)"),
    ),
    key=("code",),
)

OCCUPATIONS = FileSpec(
    "occupations",
    (
        Column("code", True, code, "Mã nghề, duy nhất; mã 6 số quốc gia nếu có (mã ngành bỏ chữ số trình độ)", "1.1"),
        Column("name", True, short_text, "Tên nghề, ví dụ Hàn, Điện công nghiệp", "1.1"),
        Column("field", True, enum(*FIELDS), "Nhóm ngành: " + ", ".join(FIELDS), "1.1"),
        Column("aliases", False, aliases, "Những tên người học hay gọi, ngăn cách bằng ; (thợ hàn; hàn xì)", "1.1"),
        Column("description", False, long_text, "Nghề này làm gì, làm ở đâu", "1.1"),
        Column("suited_for", False, long_text, "Hợp với ai: sở thích, khả năng, sức khỏe", "1.1"),
        Column("riasec", False, riasec, "1–3 chữ cái Holland R I A S E C, mạnh nhất trước", "1.1"),
    ),
    key=("code",),
)

LABOUR_MARKET = FileSpec(
    "labour_market",
    (
        Column("occupation_code", True, code, "Mã nghề (cột code của occupations)", "1.1"),
        Column("scope", True, scope, "toan_quoc hoặc tên tỉnh/thành phố", "1.1"),
        Column("period", True, period, "Kỳ số liệu: NĂM (2025) hoặc NĂM-Qquý (2026-Q2)", "1.1"),
        Column("demand", False, enum(*DEMANDS), "Nhu cầu tuyển dụng: cao, trung_binh, thap", "1.1"),
        Column("income_min_vnd_per_month", False, money, "Thu nhập thấp nhất (đồng/tháng)", "1.1"),
        Column("income_max_vnd_per_month", False, money, "Thu nhập cao nhất (đồng/tháng, không nhỏ hơn mức thấp nhất)", "1.1"),
        Column("note", False, long_text, "Ghi chú", "1.1"),
        Column("source", True, long_text, "Nguồn: cơ quan công bố và tên bản tin, khảo sát", "1.1"),
        Column("source_url", False, url, "Địa chỉ web của nguồn", "1.1"),
    ),
    key=("occupation_code", "scope", "period"),
)

FILES: dict[str, FileSpec] = {
    spec.name: spec for spec in (INSTITUTIONS, PROGRAMMES, EVENTS, POLICIES, OCCUPATIONS, LABOUR_MARKET)
}

# Spreadsheets execute cells starting with these; export prefixes them with "'"
# and import removes that prefix again, so a round trip is lossless.
FORMULA_TRIGGERS = ("=", "+", "-", "@")


def escape_cell(value: str) -> str:
    if value.startswith(FORMULA_TRIGGERS + ("'",)):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    if value.startswith("'") and value[1:2] in FORMULA_TRIGGERS + ("'",):
        return value[1:]
    return value


def clean_cell(value: str) -> str:
    """What every cell goes through before parsing: NFC, trimmed, formula escape undone."""
    return unescape_cell(folding.normalize(value))
