"""How to apply and which documents, asked with no school in view ("hồ sơ nhập học cần những
gì", "thủ tục đăng ký học trung cấp cho con thế nào"): what the schools' own lists have in
common, that the rest depends on the school, and the schools as buttons. Only the catalog's
words are used: an item is "common" when most schools that list documents list it."""

from __future__ import annotations

from collections import Counter

from actions import focus as focus_
from actions import replies
from actions.focus import Query
from actions.request import Request, remember
from catalog import queries
from vntext import folding

COMMON_SHARE = 0.6  # an item most schools ask for
MIN_SCHOOLS = 2
SAMPLE = 200  # schools read to find the common items (enough for any province)


# What an item of a school's list is about: schools word the same document differently
# ("Bản sao học bạ THCS", "Học bạ THCS hoặc THPT (bản sao)"), so items are compared by these.
DOCUMENT_KINDS = (
    ("phieu dang ky", "don dang ky", "phieu xet tuyen", "don xet tuyen"),
    ("hoc ba",),
    ("bang tot nghiep", "giay chung nhan tot nghiep", "chung nhan tot nghiep", "bang thcs", "bang thpt"),
    ("can cuoc", "cccd", "cmnd", "chung minh nhan dan"),
    ("giay khai sinh", "khai sinh"),
    ("anh 3x4", "anh 4x6", "anh the", "anh"),
    ("giay kham suc khoe", "kham suc khoe", "suc khoe"),
    ("uu tien",),
    ("cu tru", "ho khau"),
)


def _kind(item_key: str) -> str:
    padded = f" {item_key} "
    for kind in DOCUMENT_KINDS:
        if any(f" {word} " in padded for word in kind):
            return kind[0]
    return item_key


def common_documents(schools: list[queries.InstitutionInfo]) -> list[str]:
    """The documents most schools list (as the first school wrote them), in that school's order;
    items are compared by what they are about, so different wordings of one document count once."""
    listed = [s for s in schools if s.application_documents]
    if len(listed) < MIN_SCHOOLS:
        return []
    counts: Counter[str] = Counter()
    written: dict[str, str] = {}
    order: list[str] = []
    for school in listed:
        items: dict[str, str] = {}
        for item in school.application_documents.replace("\n", ";").split(";"):
            key = folding.key(item)
            if key:
                items.setdefault(_kind(key), item.strip().rstrip("."))
        counts.update(items.keys())
        for kind, text in items.items():
            if kind not in written:
                written[kind] = text
                order.append(kind)
    needed = COMMON_SHARE * len(listed)
    return [written[k] for k in order if counts[k] >= needed]


def application_answer(dispatcher, request: Request) -> list:
    """The common core, "tùy trường", and the schools (of the province when known) as buttons."""
    schools = queries.find_institutions(province=request.province_name, limit=SAMPLE)
    core = common_documents(schools)
    where = f" ở {request.province_name}" if request.province_name else ""
    parts = []
    if core:
        parts.append(f"Hồ sơ các trường{where} thường gồm:\n" + "\n".join(f"• {item[:1].upper()}{item[1:]}" for item in core))
        parts.append("Mỗi trường có thể cần thêm giấy tờ riêng và có cách nộp riêng.")
    else:
        parts.append(f"Hồ sơ và cách nộp tùy từng trường{where}.")
    parts.append("Bạn chọn trường để xem đúng hồ sơ và cách nộp của trường đó:")
    detail = "documents" if "documents" in request.details or "apply" not in request.details else "apply"
    dispatcher.utter_message(
        text="\n".join(parts),
        buttons=[
            replies.button(
                replies.short(replies.school_short_name(s.name)),
                f'/ask_school_info{{"school_code":"{s.code}","detail":"{detail}"}}',
            )
            for s in schools[:4]
        ],
    )
    offered = focus_.of_schools(schools[:4], len(schools[:4]), Query(province=request.province_name))
    offered.details = [detail]
    return remember(request, topic="apply") + [offered.slot()]
