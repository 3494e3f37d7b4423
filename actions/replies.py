"""How the bot words catalog data: short Vietnamese, Vietnamese number and date formats,
at most five items per message, "chưa có thông tin" plus the school's contact for
anything the catalog does not have. No catalog fact is ever guessed here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from catalog.queries import EventInfo, InstitutionInfo, PolicyInfo, ProgrammeInfo

PAGE = 5
UNKNOWN = "chưa có thông tin"
NEEDS_CONFIRMATION = "Theo thông tin hiện có, cần xác nhận với nhà trường"

LEVEL_NAMES = {"so_cap": "sơ cấp", "trung_cap": "trung cấp", "cao_dang": "cao đẳng"}
KIND_NAMES = {
    "cao_dang": "trường cao đẳng",
    "trung_cap": "trường trung cấp",
    "trung_tam_gdnn_gdtx": "trung tâm GDNN - GDTX",
    "khac": "cơ sở GDNN",
}
OWNERSHIP_NAMES = {"cong_lap": "công lập", "tu_thuc": "tư thục"}
ENTRY_NAMES = {"thcs": "tốt nghiệp THCS (xong lớp 9)", "thpt": "tốt nghiệp THPT (xong lớp 12)", "khong": "không yêu cầu bằng cấp"}
FIELD_NAMES = {
    "co_khi": "cơ khí (hàn, ô tô, máy)",
    "dien_dien_tu": "điện – điện tử",
    "cong_nghe_thong_tin": "công nghệ thông tin",
    "xay_dung": "xây dựng",
    "kinh_te": "kinh tế (kế toán, kinh doanh, bán hàng)",
    "du_lich_nha_hang": "du lịch, khách sạn, nhà hàng, nấu ăn",
    "suc_khoe": "sức khỏe (điều dưỡng, dược)",
    "nong_lam_thuy_san": "nông – lâm – thủy sản",
    "may_thoi_trang_lam_dep": "may, thời trang, làm đẹp",
    "van_tai_hang_hai": "vận tải, hàng hải, logistics",
    "mo_dia_chat": "mỏ, địa chất",
    "nghe_thuat_thiet_ke": "nghệ thuật, thiết kế",
    "ngoai_ngu": "ngoại ngữ",
    "khac": "nghề khác",
}
GROUP_NAMES = {
    "tot_nghiep_thcs": "người tốt nghiệp THCS",
    "tot_nghiep_thpt": "người tốt nghiệp THPT",
    "dan_toc_thieu_so": "người dân tộc thiểu số",
    "ho_ngheo": "người thuộc hộ nghèo",
    "ho_can_ngheo": "người thuộc hộ cận nghèo",
    "khuyet_tat": "người khuyết tật",
    "mo_coi": "người mồ côi",
    "nguoi_co_cong": "người có công và thân nhân",
    "bo_doi_xuat_ngu": "bộ đội xuất ngũ",
    "cong_an_xuat_ngu": "công an xuất ngũ",
    "lao_dong_nong_thon": "lao động nông thôn",
    "huong_bao_hiem_that_nghiep": "người hưởng bảo hiểm thất nghiệp",
    "vung_dac_biet_kho_khan": "người ở vùng đặc biệt khó khăn",
}


def money(amount: int | None) -> str:
    """9800000 → "9.800.000 đ"."""
    if amount is None:
        return UNKNOWN
    return f"{amount:,}".replace(",", ".") + " đ"


def tuition(p: ProgrammeInfo) -> str:
    """ "9.800.000 đ/năm", "miễn học phí", "chưa có thông tin"; a course shorter than a year
    is priced per course ("3.500.000 đ/khóa")."""
    amount = p.tuition_vnd_per_year
    if amount is None:
        return UNKNOWN
    if amount == 0:
        return "miễn học phí"
    per = "khóa" if p.level == "so_cap" or (p.duration_months is not None and p.duration_months < 12) else "năm"
    return f"{money(amount)}/{per}"


def short(title: str, limit: int = 40) -> str:
    """A button title that fits: cut at a word boundary, never mid-word."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" -–,(")
    return cut + "…"


def dormitory(school: InstitutionInfo) -> str:
    if school.dormitory is None:
        return UNKNOWN
    return "có ký túc xá" if school.dormitory else "không có ký túc xá"


def date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else UNKNOWN


def months(value: int | None) -> str:
    if value is None:
        return UNKNOWN
    if value >= 12 and value % 12 == 0:
        return f"{value // 12} năm"
    if value > 12 and value % 6 == 0:
        return f"{value / 12:.1f} năm".replace(".", ",")
    return f"{value} tháng"


def button(title: str, payload: str) -> dict:
    return {"title": title, "payload": payload}


def more_buttons(rest: list) -> list[dict]:
    """The "Xem thêm" button when a list has more than one page."""
    return [button("Xem thêm", "/show_more")] if rest else []


def contact(school: InstitutionInfo) -> str:
    """The line given whenever a value is missing: who to ask."""
    ways = []
    if school.phone:
        ways.append(f"gọi {school.phone}")
    if school.email:
        ways.append(f"e-mail {school.email}")
    if school.website:
        ways.append(f"xem {school.website}")
    if not ways:
        return f"Bạn hỏi trực tiếp {school.name} nhé."
    return f"Bạn liên hệ {school.name}: " + ", ".join(ways) + "."


LIST_CHARS = 500  # a list's items; with its header the message stays under 600 characters
POLICY_CHARS = 820  # policy answers stay under 900 with their header


def paged(lines: list[str], budget: int = LIST_CHARS) -> tuple[list[str], list[str]]:
    """(first page, the rest for "xem thêm"): at most five items and `budget` characters,
    never fewer than one item, so a phone screen shows the answer without scrolling."""
    first: list[str] = []
    used = 0
    for line in lines[:PAGE]:
        if first and used + len(line) + 1 > budget:
            break
        first.append(line)
        used += len(line) + 1
    return first, lines[len(first) :]


def school_line(school: InstitutionInfo) -> str:
    return f"• {school.name} ({OWNERSHIP_NAMES.get(school.ownership, school.ownership)}, {school.province})"


def programme_line(p: ProgrammeInfo, *, with_school: bool = True) -> str:
    where = f" – {p.institution.name}, {p.institution.province}" if with_school else ""
    return f"• {p.name} ({LEVEL_NAMES[p.level]}){where}: học phí {tuition(p)}"


def event_line(e: EventInfo) -> str:
    when = date(e.start_date) if not e.end_date or e.end_date == e.start_date else f"{date(e.start_date)} – {date(e.end_date)}"
    where = f", {e.location}" if e.location else ""
    return f"• {when}: {e.title} ({e.province}{where})"


def policy_text(p: PolicyInfo) -> str:
    """One policy in a list: what it gives and its legal basis (the title says who it is for),
    short enough that a 900-character answer shows several."""
    scope = "" if p.scope == "toan_quoc" else f" (riêng {p.scope})"
    benefit = short(p.benefit, 110)
    return "\n".join([f"• {p.title}{scope}", f"  Được hưởng: {benefit}", f"  Căn cứ: {p.legal_basis}"])


SCHOOL_DETAILS = ("address", "phone", "email", "website", "dormitory", "ownership")


def school_detail(school: InstitutionInfo, detail: str) -> str:
    value = {
        "address": school.address,
        "phone": school.phone,
        "email": school.email,
        "website": school.website,
        "dormitory": None if school.dormitory is None else dormitory(school),
        "ownership": f"trường {OWNERSHIP_NAMES.get(school.ownership)}, {KIND_NAMES.get(school.kind)}",
    }[detail]
    label = {
        "address": "Địa chỉ",
        "phone": "Điện thoại",
        "email": "E-mail",
        "website": "Trang web",
        "dormitory": "Ký túc xá",
        "ownership": "Loại hình",
    }[detail]
    return f"{label}: {value if value else UNKNOWN}"


def school_card(school: InstitutionInfo, details: Iterable[str] = ()) -> str:
    wanted = [d for d in details if d in SCHOOL_DETAILS] or ["ownership", "address", "phone", "dormitory"]
    lines = [f"{school.name} ({school.province})"] + [school_detail(school, d) for d in wanted]
    if any(school_detail(school, d).endswith(UNKNOWN) for d in wanted):
        lines.append(contact(school))
    return "\n".join(lines)


PROGRAMME_DETAILS = ("tuition", "duration", "entry", "quota", "method", "deadline", "start", "prospects", "description")


def programme_detail(p: ProgrammeInfo, detail: str) -> str:
    value, label = {
        "tuition": (tuition(p) if p.tuition_vnd_per_year is not None else None, "Học phí"),
        "duration": (months(p.duration_months) if p.duration_months else None, "Thời gian học"),
        "entry": (ENTRY_NAMES.get(p.entry_requirement) if p.entry_requirement else None, "Đầu vào"),
        "quota": (f"{p.quota:,}".replace(",", ".") + " chỉ tiêu" if p.quota is not None else None, "Chỉ tiêu"),
        "method": (p.admission_method, "Tuyển sinh"),
        "deadline": (date(p.application_deadline) if p.application_deadline else None, "Hạn nộp hồ sơ"),
        # not in catalog format v1: always "chưa có thông tin" and the school's contact
        "start": (None, "Ngày nhập học"),
        "prospects": (p.career_prospects, "Ra trường làm"),
        "description": (p.description, "Học gì"),
    }[detail]
    return f"{label}: {value if value else UNKNOWN}"


def programme_card(p: ProgrammeInfo, details: Iterable[str] = ()) -> str:
    wanted = [d for d in details if d in PROGRAMME_DETAILS] or ["description", "duration", "entry", "tuition", "deadline"]
    lines = [f"{p.name} – {LEVEL_NAMES[p.level]} – {p.institution.name} ({p.institution.province})"]
    lines += [programme_detail(p, d) for d in wanted]
    if any(programme_detail(p, d).endswith(UNKNOWN) for d in wanted):
        lines.append(contact(p.institution))
    return "\n".join(lines)
