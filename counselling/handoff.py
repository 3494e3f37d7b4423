"""Students' requests to talk to a person: recorded by the bot, worked by counsellors.

A request is routed to the school the student was asking about, else to the
province; counsellor accounts tied to schools see their schools' requests,
the others see all. The contact number is the only identifier kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, or_, select

import settings
from catalog import db
from catalog.models import Institution, utcnow
from counselling import privacy
from counselling.models import CounsellingRequest, UnansweredMessage

STATUSES = {"new": "mới", "claimed": "đang xử lý", "closed": "đã xong"}
# Channels as counsellors know them (the recorded value is Rasa's input channel or the
# gateway's name): "rest" is the website's chat box, "webchat" the counsellors' own try-out.
CHANNEL_NAMES = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "rest": "Trang web",
    "webchat": "Trò chuyện thử",
    "kiem-tra": "Kiểm tra hội thoại",
    "cmdline": "Dòng lệnh",
    "khac": "Kênh khác",
}


def channel_name(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "khac", channel or "")


class HandoffError(ValueError):
    pass


def callback_promise() -> str:
    return settings.get().handoff_callback_time


def create_request(
    *,
    sender_id: str,
    channel: str,
    contact: str,
    question: str,
    institution_code: str | None,
    province: str | None,
    url: str | None = None,
) -> int:
    phone = privacy.normalise_phone(contact)
    if phone is None:
        raise HandoffError("số điện thoại không hợp lệ")
    with db.session(url) as session, session.begin():
        request = CounsellingRequest(
            sender_key=privacy.sender_key(sender_id),
            channel=(channel or "khac")[:32],
            contact=phone,
            question=privacy.mask(question or "")[:2000],
            institution_code=institution_code or None,
            province=province or None,
            status="new",
        )
        session.add(request)
        session.flush()
        return request.id


def delete_for_sender(sender_id: str, url: str | None = None) -> dict[str, int]:
    """Everything the student left: requests and recorded questions."""
    key = privacy.sender_key(sender_id)
    with db.session(url) as session, session.begin():
        return {
            "counselling_requests": session.execute(
                delete(CounsellingRequest).where(CounsellingRequest.sender_key == key)
            ).rowcount,
            "unanswered_messages": session.execute(delete(UnansweredMessage).where(UnansweredMessage.sender_key == key)).rowcount,
        }


def _visible(query, scope: Iterable[str] | None):
    """scope: the institution codes a counsellor may see; None = every request."""
    if scope is None:
        return query
    return query.where(CounsellingRequest.institution_code.in_(sorted(scope)))


def list_requests(scope: Iterable[str] | None = None, status: str | None = None, url: str | None = None) -> list[dict]:
    query = select(CounsellingRequest).order_by(CounsellingRequest.created_at.desc())
    if status:
        query = query.where(CounsellingRequest.status == status)
    with db.session(url) as session:
        rows = session.scalars(_visible(query, scope)).all()
    names = institution_names({r.institution_code for r in rows if r.institution_code}, url=url)
    return [_as_dict(r, names.get(r.institution_code)) for r in rows]


def institution_names(codes: Iterable[str], url: str | None = None) -> dict[str, str]:
    """School code → name in the catalog, for the codes that are in it: counsellors read names."""
    with db.session(url) as session:
        return dict(session.execute(select(Institution.code, Institution.name).where(Institution.code.in_(sorted(codes)))).all())


def _as_dict(r: CounsellingRequest, institution_name: str | None = None) -> dict:
    """One request as pages and the command line show it; `institution_name` is the school's
    name in the catalog (None when the request has no school or the school has left the catalog)."""
    return {
        "id": r.id,
        "created_at": r.created_at,
        "channel": r.channel,
        "channel_name": channel_name(r.channel),
        "contact": r.contact,
        "question": r.question,
        "institution_code": r.institution_code,
        "institution_name": institution_name,
        "province": r.province,
        "status": r.status,
        "status_text": STATUSES.get(r.status, r.status),
        "claimed_by": r.claimed_by,
        "note": r.note,
    }


def _get(session, request_id: int, scope: Iterable[str] | None) -> CounsellingRequest:
    query = _visible(select(CounsellingRequest).where(CounsellingRequest.id == request_id), scope)
    request = session.scalar(query)
    if request is None:
        raise HandoffError(f"không có yêu cầu số {request_id}")
    return request


def claim(request_id: int, by: str, scope: Iterable[str] | None = None, url: str | None = None) -> dict:
    with db.session(url) as session, session.begin():
        request = _get(session, request_id, scope)
        if request.status == "closed":
            raise HandoffError(f"yêu cầu số {request_id} đã xong")
        if request.status == "claimed" and request.claimed_by != by:
            raise HandoffError(f"yêu cầu số {request_id} đã do {request.claimed_by} nhận")
        request.status, request.claimed_by, request.claimed_at = "claimed", by, utcnow()
        return _as_dict(request)


def close(request_id: int, by: str, note: str = "", scope: Iterable[str] | None = None, url: str | None = None) -> dict:
    with db.session(url) as session, session.begin():
        request = _get(session, request_id, scope)
        request.status, request.closed_at = "closed", utcnow()
        request.claimed_by = request.claimed_by or by
        request.note = (note or "")[:1000] or request.note
        return _as_dict(request)


def open_count(scope: Iterable[str] | None = None, url: str | None = None) -> int:
    with db.session(url) as session:
        query = _visible(
            select(CounsellingRequest.id).where(or_(CounsellingRequest.status == "new", CounsellingRequest.status == "claimed")),
            scope,
        )
        return len(session.scalars(query).all())
