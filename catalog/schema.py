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
RIASEC = "RIASEC"

MAX_SHORT_TEXT = 255
MAX_LONG_TEXT = 5000

_CODE = re.compile(r"^[A-Za-z0-9_-]{2,32}$")
_PHONE = re.compile(r"^[0-9+.\- ]{3,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GROUPED_INT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


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


def enum(*allowed: str) -> Parser:
    def parse(value: str) -> str:
        if value not in allowed:
            raise CellError(f'giá trị "{value}" không hợp lệ; dùng một trong: {", ".join(allowed)}')
        return value

    return parse


def enum_list(*allowed: str) -> Parser:
    """`;`-separated values, stored in the format's own order without duplicates."""

    def parse(value: str) -> tuple[str, ...] | None:
        items = [item.strip() for item in value.split(";") if item.strip()]
        wrong = [item for item in items if item not in allowed]
        if wrong:
            raise CellError(
                f'giá trị "{", ".join(wrong)}" không hợp lệ; dùng các giá trị sau, ngăn cách bằng ";": ' + ", ".join(allowed)
            )
        return tuple(item for item in allowed if item in items) or None

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


def date(value: str) -> dt.date:
    if not _DATE.match(value):
        raise CellError(f'ngày "{value}" không đúng dạng NĂM-THÁNG-NGÀY, ví dụ 2026-12-15')
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CellError(f'ngày "{value}" không tồn tại') from None


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


def yes_no(value: str) -> bool:
    if value not in ("co", "khong"):
        raise CellError(f'giá trị "{value}" không hợp lệ; dùng "co" hoặc "khong"')
    return value == "co"


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


def scope(value: str) -> str | Warned:
    if value == NATIONAL_SCOPE:
        return value
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
        Column("tuition_vnd_per_year", False, integer(0), "Học phí (đồng/năm; 0 = miễn phí)"),
        Column("quota", False, integer(0), "Chỉ tiêu tuyển sinh đợt này"),
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
            integer(0),
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
        Column("income_min_vnd_per_month", False, integer(0), "Thu nhập thấp nhất (đồng/tháng)", "1.1"),
        Column(
            "income_max_vnd_per_month", False, integer(0), "Thu nhập cao nhất (đồng/tháng, không nhỏ hơn mức thấp nhất)", "1.1"
        ),
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
