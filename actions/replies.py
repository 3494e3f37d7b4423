"""How the bot words catalog data: short Vietnamese, Vietnamese number and date formats,
at most five items per message, "chưa có thông tin" plus the school's contact for
anything the catalog does not have. No catalog fact is ever guessed here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from catalog.queries import EventInfo, InstitutionInfo, LabourFigure, OccupationInfo, PolicyInfo, ProgrammeInfo
from vntext import folding, lexicon

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


def fee(p: ProgrammeInfo) -> str:
    """ "học phí 9.800.000 đ/năm", "miễn học phí", "học phí chưa có thông tin" (in a list line)."""
    said = tuition(p)
    return said if p.tuition_vnd_per_year == 0 else f"học phí {said}"


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
    if school.admission_phone:
        ways.append(f"gọi tuyển sinh {school.admission_phone}")
    if school.phone:
        ways.append(f"gọi {school.phone}")
    if school.zalo:
        ways.append(f"Zalo {school.zalo}")
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


_SCHOOL_PREFIXES = (
    "trung tam giao duc nghe nghiep - giao duc thuong xuyen ",
    "trung tam giao duc nghe nghiep – giao duc thuong xuyen ",
    "trung tam giao duc nghe nghiep ",
    "trung tam gdnn - gdtx ",
    "trung tam gdnn-gdtx ",
    "truong cao dang ",
    "truong trung cap ",
    "trung tam ",
    "truong ",
)


def school_short_name(name: str) -> str:
    """ "Trường Cao đẳng Công nghệ Sao Biển" → "Công nghệ Sao Biển": what tells schools apart on a button."""
    lowered = folding.fold(name).lower()
    for prefix in _SCHOOL_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix) :].strip() or name
    return name


def programme_button_title(p: ProgrammeInfo) -> str:
    """A programme's button names the programme and its level, then the school as far as it fits."""
    head = f"{p.name} ({LEVEL_NAMES[p.level]})"
    return short(f"{head} – {school_short_name(p.institution.name)}", 64)


def unique_buttons(buttons: list[dict]) -> list[dict]:
    """No two buttons with the same title (the second would say nothing new)."""
    seen: set[str] = set()
    out = []
    for b in buttons:
        if b["title"] not in seen:
            seen.add(b["title"])
            out.append(b)
    return out


def cheapest_first(found: list[ProgrammeInfo]) -> bool:
    """True when the list really is in order of fee (unknown fees last): only then may it say so."""
    fees = [p.tuition_vnd_per_year for p in found]
    known = [f for f in fees if f is not None]
    return known == sorted(known) and fees[: len(known)] == known


def school_line(school: InstitutionInfo) -> str:
    return f"• {school.name} ({OWNERSHIP_NAMES.get(school.ownership, school.ownership)}, {school.province})"


def programme_line(p: ProgrammeInfo, *, with_school: bool = True) -> str:
    where = f" – {p.institution.name}, {p.institution.province}" if with_school else ""
    return f"• {p.name} ({LEVEL_NAMES[p.level]}){where}: {fee(p)}"


def event_line(e: EventInfo) -> str:
    when = date(e.start_date) if not e.end_date or e.end_date == e.start_date else f"{date(e.start_date)} – {date(e.end_date)}"
    where = f", {e.location}" if e.location else ""
    return f"• {when}: {e.title} ({e.province}{where})"


def policy_text(p: PolicyInfo, *, full: bool = False, groups: Iterable[str] = (), denied: Iterable[str] = ()) -> str:
    """One policy in a list: what it gives and its legal basis (the title says who it is for),
    short enough that a 900-character answer shows several. For the learner's own groups, the
    clauses of the benefit that name those groups are given whole (never cut), with the lead-in
    and any "cần xác nhận"; `full` gives the whole benefit."""
    scope = "" if p.scope == "toan_quoc" else f" (riêng {p.scope})"
    if full:
        benefit = p.benefit
    elif groups:
        benefit = applying_clauses(p.benefit, set(groups), set(denied))
    else:
        benefit = short(p.benefit, 110)
    return "\n".join([f"• {p.title}{scope}", f"  Được hưởng: {benefit}", f"  Căn cứ: {p.legal_basis}"])


def applying_clauses(benefit: str, groups: set[str], denied: set[str] = frozenset()) -> str:
    """The parts of a benefit that apply to these groups: "Hỗ trợ chi phí … mỗi khóa: người dân
    tộc thiểu số, … 3 triệu đồng. Theo thông tin hiện có, cần xác nhận…", whole clauses only;
    the whole text when no clause names a group (it applies as a whole)."""
    kept: list[str] = []
    matched = False
    for sentence in [x.strip() for x in benefit.split(". ") if x.strip()]:
        lead, colon, rest = sentence.partition(": ")
        clauses = [c.strip() for c in (rest if colon else sentence).split("; ")]
        hits = [
            c for c in clauses if set(lexicon.learner_groups_in(c)) & groups and not set(lexicon.learner_groups_in(c)) & denied
        ]
        if hits:
            matched = True
            kept.append((f"{lead}: " if colon else "") + "; ".join(hits))
        elif "xac nhan" in folding.key(sentence) or not any(lexicon.learner_groups_in(c) for c in clauses):
            # (a sentence naming only groups the learner is not in, or denied, is left out)
            kept.append(sentence)  # a condition or a caveat for everyone
    if not matched:
        return benefit
    text = ". ".join(k.rstrip(".") for k in kept)
    return text + ("" if text.endswith(".") else ".")


SCHOOL_DETAILS = (
    "address",
    "phone",
    "admission_phone",
    "zalo",
    "email",
    "website",
    "dormitory",
    "ownership",
    "apply",
    "online",
    "documents",
    "scholarships",
)
# What a school decides for every programme: asked about a programme, answered from the school.
APPLICATION_DETAILS = ("admission_phone", "zalo", "apply", "online", "documents", "scholarships")


def _how_to_apply(school: InstitutionInfo) -> str | None:
    online = f"Đăng ký trực tuyến: {school.application_url}" if school.application_url else ""
    if school.how_to_apply and online:
        return f"{school.how_to_apply} {online}"
    return school.how_to_apply or online or None


def _admission_phone(school: InstitutionInfo) -> str | None:
    if school.admission_phone:
        general = f" (số chung của trường: {school.phone})" if school.phone and school.phone != school.admission_phone else ""
        return school.admission_phone + general
    return f"{school.phone} (số chung của trường)" if school.phone else None


def school_detail(school: InstitutionInfo, detail: str) -> str:
    value = {
        "address": school.address,
        "phone": school.phone,
        "admission_phone": _admission_phone(school),
        "zalo": school.zalo,
        "apply": _how_to_apply(school),
        "online": school.application_url,
        "documents": school.application_documents,
        "scholarships": school.scholarships,
        "email": school.email,
        "website": school.website,
        "dormitory": None if school.dormitory is None else dormitory(school),
        "ownership": f"trường {OWNERSHIP_NAMES.get(school.ownership)}, {KIND_NAMES.get(school.kind)}",
    }[detail]
    label = {
        "address": "Địa chỉ",
        "phone": "Điện thoại",
        "admission_phone": "Điện thoại tuyển sinh",
        "zalo": "Zalo tuyển sinh",
        "apply": "Cách nộp hồ sơ",
        "online": "Đăng ký trực tuyến",
        "documents": "Hồ sơ gồm",
        "scholarships": "Học bổng của trường",
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


PROGRAMME_DETAILS = (
    "tuition",
    "duration",
    "entry",
    "quota",
    "method",
    "deadline",
    "start",
    "employment",
    "income",
    "prospects",
    "description",
)


def employment(p: ProgrammeInfo) -> str | None:
    if p.employment_rate_percent is None:
        return None
    return f"{p.employment_rate_percent}% người tốt nghiệp năm {p.employment_rate_year} có việc làm trong 12 tháng (số liệu trường báo cáo)"


def graduate_income(p: ProgrammeInfo) -> str | None:
    if p.graduate_income_vnd_per_month is None:
        return None
    return f"khoảng {money(p.graduate_income_vnd_per_month)}/tháng (khảo sát người tốt nghiệp của trường)"


def programme_detail(p: ProgrammeInfo, detail: str) -> str:
    value, label = {
        "tuition": (tuition(p) if p.tuition_vnd_per_year is not None else None, "Học phí"),
        "duration": (months(p.duration_months) if p.duration_months else None, "Thời gian học"),
        "entry": (ENTRY_NAMES.get(p.entry_requirement) if p.entry_requirement else None, "Đầu vào"),
        "quota": (f"{p.quota:,}".replace(",", ".") + " chỉ tiêu" if p.quota is not None else None, "Chỉ tiêu"),
        "method": (p.admission_method, "Tuyển sinh"),
        "deadline": (date(p.application_deadline) if p.application_deadline else None, "Hạn nộp hồ sơ"),
        "start": (date(p.intake_start) if p.intake_start else None, "Ngày nhập học"),
        "employment": (employment(p), "Việc làm"),
        "income": (graduate_income(p), "Thu nhập sau tốt nghiệp"),
        "prospects": (p.career_prospects, "Ra trường làm"),
        "description": (p.description, "Học gì"),
    }[detail]
    return f"{label}: {value if value else UNKNOWN}"


def programme_card(p: ProgrammeInfo, details: Iterable[str] = ()) -> str:
    """The programme's asked details; details the school sets for all its programmes
    (documents, how to apply, Zalo…) come from the school."""
    details = list(details)
    wanted = [d for d in details if d in PROGRAMME_DETAILS]
    from_school = [d for d in details if d in APPLICATION_DETAILS]
    if not wanted and not from_school:
        wanted = ["description", "duration", "entry", "tuition", "deadline"]
    lines = [f"{p.name} – {LEVEL_NAMES[p.level]} – {p.institution.name} ({p.institution.province})"]
    lines += [programme_detail(p, d) for d in wanted] + [school_detail(p.institution, d) for d in from_school]
    if any(line.endswith(UNKNOWN) for line in lines):
        lines.append(contact(p.institution))
    return "\n".join(lines)


DEMAND_NAMES = {"cao": "cao (đang cần nhiều người)", "trung_binh": "trung bình", "thap": "thấp"}
RIASEC_NAMES = {"R": "Kỹ thuật", "I": "Nghiên cứu", "A": "Nghệ thuật", "S": "Xã hội", "E": "Quản lý", "C": "Nghiệp vụ"}


def period(value: str) -> str:
    """ "2026-Q2" → "quý 2/2026"; "2025" → "năm 2025"."""
    if "-Q" in value:
        year, quarter = value.split("-Q")
        return f"quý {quarter}/{year}"
    return f"năm {value}"


def income_range(f: LabourFigure) -> str | None:
    low, high = f.income_min_vnd_per_month, f.income_max_vnd_per_month
    if low is not None and high is not None:
        return f"{money(low)} – {money(high)}/tháng".replace(" đ – ", " – ")
    if low is not None:
        return f"từ {money(low)}/tháng"
    if high is not None:
        return f"đến {money(high)}/tháng"
    return None


def source_line(f: LabourFigure) -> str:
    link = f" ({f.source_url})" if f.source_url else ""
    return f"Nguồn: {f.source}{link}, kỳ số liệu {period(f.period)}."


def national_figures(asked_place: str | None) -> str:
    """Said whenever a national figure answers: for a province question, that it is not the province's."""
    return "số liệu toàn quốc" + (f" (mình chưa có số liệu riêng của {asked_place})" if asked_place else "")


def labour_text(f: LabourFigure, asked_place: str | None) -> str:
    """Demand and income of one occupation with where the figure is from; a national figure
    given for a province says so."""
    if f.national:
        head = f"Nghề {f.occupation.name} – {national_figures(asked_place)}"
    else:
        head = f"Nghề {f.occupation.name} ở {f.scope}"
    lines = [
        head + ":",
        f"• Nhu cầu tuyển dụng: {DEMAND_NAMES.get(f.demand, UNKNOWN) if f.demand else UNKNOWN}",
        f"• Thu nhập: {income_range(f) or UNKNOWN}",
    ]
    if f.note:
        lines.append(f"• {f.note}")
    lines.append(source_line(f))
    return "\n".join(lines)


def demand_line(f: LabourFigure) -> str:
    pay = income_range(f)
    return f"• {f.occupation.name}" + (f": {pay}" if pay else "")


def occupation_text(o: OccupationInfo) -> str:
    kinds = ", ".join(f"{letter} – {RIASEC_NAMES[letter]}" for letter in o.riasec) if o.riasec else None
    lines = [
        f"Nghề {o.name}",
        f"• Công việc: {o.description or UNKNOWN}",
        f"• Hợp với: {o.suited_for or UNKNOWN}",
    ]
    if kinds:
        lines.append(f"• Nhóm sở thích (Holland): {kinds}")
    return "\n".join(lines)
