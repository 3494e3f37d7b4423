"""How the handbook writes catalog values in Vietnamese: money, fees, durations, dates, levels.

The same rules as the bot's replies (a course shorter than a year is priced per course, an empty
cell is "chưa có thông tin"), kept here because the portal may not import the actions; only
the catalog's own values are shown, never a guess.
"""

from __future__ import annotations

import datetime as dt

from catalog import schema
from catalog.queries import InstitutionInfo, LabourFigure, ProgrammeInfo
from catalog.vietnam_time import vietnam_time

UNKNOWN = "chưa có thông tin"
SAMPLE_LABEL = "DỮ LIỆU MINH HỌA"

LEVELS = {"so_cap": "Sơ cấp", "trung_cap": "Trung cấp", "cao_dang": "Cao đẳng"}
KINDS = {
    "cao_dang": "Trường cao đẳng",
    "trung_cap": "Trường trung cấp",
    "trung_tam_gdnn_gdtx": "Trung tâm GDNN-GDTX",
    "khac": "Cơ sở khác",
}
OWNERSHIPS = {"cong_lap": "công lập", "tu_thuc": "tư thục"}
ENTRY = {"thcs": "Tốt nghiệp THCS (lớp 9)", "thpt": "Tốt nghiệp THPT (lớp 12)", "khong": "Không yêu cầu bằng cấp"}
DEMAND = {"cao": "cao", "trung_binh": "trung bình", "thap": "thấp"}
FIELDS = {
    "co_khi": "Cơ khí, hàn, ô tô",
    "dien_dien_tu": "Điện – điện tử",
    "cong_nghe_thong_tin": "Công nghệ thông tin",
    "xay_dung": "Xây dựng",
    "kinh_te": "Kinh tế, kế toán, quản trị",
    "du_lich_nha_hang": "Du lịch, khách sạn, nhà hàng",
    "suc_khoe": "Sức khỏe",
    "nong_lam_thuy_san": "Nông – lâm – thủy sản",
    "may_thoi_trang_lam_dep": "May, thời trang, làm đẹp",
    "van_tai_hang_hai": "Vận tải, hàng hải, logistics",
    "mo_dia_chat": "Mỏ – địa chất",
    "nghe_thuat_thiet_ke": "Nghệ thuật, thiết kế",
    "ngoai_ngu": "Ngoại ngữ",
    "khac": "Nghề khác",
}
GROUPS = {code: labels[0] for code, labels in schema.LABELS.items() if code in schema.LEARNER_GROUPS}


def money(amount: int | None) -> str:
    """9800000 → "9.800.000 đ"."""
    if amount is None:
        return UNKNOWN
    return f"{amount:,}".replace(",", ".") + " đ"


def tuition(p: ProgrammeInfo) -> str:
    """ "9.800.000 đ/năm", "3.500.000 đ/khóa" (a course shorter than a year), "miễn học phí" or
    "chưa có thông tin" — the catalog's amount as it is."""
    amount = p.tuition_vnd_per_year
    if amount is None:
        return UNKNOWN
    if amount == 0:
        return "miễn học phí"
    per = "khóa" if p.level == "so_cap" or (p.duration_months is not None and p.duration_months < 12) else "năm"
    return f"{money(amount)}/{per}"


def months(value: int | None) -> str:
    if value is None:
        return UNKNOWN
    if value >= 12 and value % 12 == 0:
        return f"{value // 12} năm"
    if value > 12 and value % 6 == 0:
        return f"{value / 12:.1f} năm".replace(".", ",")
    return f"{value} tháng"


def date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else UNKNOWN


def day_of(value: dt.datetime | None) -> str:
    """An aware UTC time as the day it was in Vietnam ("04/12/2026")."""
    return vietnam_time(value).split(" ")[-1] if value else UNKNOWN


def when(value: dt.datetime | None) -> str:
    """ "14:05 04/12/2026" (Vietnam time)."""
    return vietnam_time(value) if value else UNKNOWN


def dormitory(school: InstitutionInfo) -> str:
    if school.dormitory is None:
        return UNKNOWN
    return "Có ký túc xá" if school.dormitory else "Không có ký túc xá"


def entry(value: str | None) -> str:
    return ENTRY.get(value or "", UNKNOWN)


def income(figure: LabourFigure) -> str:
    low, high = figure.income_min_vnd_per_month, figure.income_max_vnd_per_month
    if low is None and high is None:
        return UNKNOWN
    if low is not None and high is not None and low != high:
        return f"{money(low)} – {money(high)}/tháng"
    return f"{money(low if low is not None else high)}/tháng"


def period(value: str) -> str:
    """ "2026" → "năm 2026", "2026-Q2" → "quý 2/2026"."""
    if "-Q" in value:
        year, quarter = value.split("-Q", 1)
        return f"quý {quarter}/{year}"
    return f"năm {value}"


def contact(school: InstitutionInfo) -> list[str]:
    """Every way to reach a school's admissions office the catalog holds, in the order to try."""
    ways = []
    if school.admission_phone:
        ways.append(f"Điện thoại tuyển sinh: {school.admission_phone}")
    if school.phone:
        ways.append(f"Điện thoại: {school.phone}")
    if school.zalo:
        ways.append(f"Zalo: {school.zalo}")
    if school.email:
        ways.append(f"E-mail: {school.email}")
    if school.website:
        ways.append(f"Trang web: {school.website}")
    return ways


FILTERS = {
    "money": money,
    "tuition": tuition,
    "months": months,
    "date": date,
    "day_of": day_of,
    "when": when,
    "dormitory": dormitory,
    "entry": entry,
    "income": income,
    "period": period,
}
