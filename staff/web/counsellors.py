"""Pages for counsellors (role `counsellor`, or `admin`): try the bot in a web chat with the
details of what it understood, see what it could not answer and label it with the intent it
should have had (exported as training data), and work the call-back requests."""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

import settings
from bot.rasa_client import RasaClient, RasaUnavailable, last_turn
from counselling import conversation_log, handoff, labels, usage_counts
from staff.web.auth import CounsellorForm, CounsellorIn, CsrfFailed, catalog_url
from staff.web.rendering import message_page, render
from staff.web.security import same_secret

router = APIRouter(include_in_schema=False)
CHAT_COOKIE = "gdnn_chat"
CHAT_CHANNEL = "webchat"  # left out of the unanswered-questions figures
MAX_MESSAGE_CHARS = 2000
# What the web chat's details call the entities and slots a turn recognised. The NLU finds few
# entities itself: the province, trade and school of a message are mostly set as slots by the
# actions, so both are shown. Slots the dialogue keeps for itself (counters, codes of the topic
# and programme under discussion, the hand-off form with the student's phone number) are left out.
RECOGNISED_NAMES = {
    "province": "tỉnh",
    "occupation": "ngành, nghề",
    "field": "nhóm ngành",
    "level": "trình độ",
    "learner_group": "đối tượng",
    "learner_groups": "đối tượng",
    "school_code": "trường",
    "last_school": "trường",
    "detail": "hỏi về",
    "parent": "phụ huynh",
    "riasec": "nhóm sở thích",
}


def _since(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else usage_counts.today() - dt.timedelta(days=7)
    except ValueError:
        return usage_counts.today() - dt.timedelta(days=7)


def _request_scope(actor) -> tuple[str, ...] | None:
    """Counsellors tied to schools see those schools' requests; others see all."""
    if actor.is_admin or not actor.institution_codes:
        return None
    return tuple(actor.institution_codes)


@router.get("/tu-van")
def dashboard(request: Request, signed: CounsellorIn):
    return render(
        request,
        "counsellor_home.html",
        actor=signed.actor,
        csrf=signed.csrf,
        open_requests=handoff.open_count(_request_scope(signed.actor), catalog_url(request)),
    )


@router.get("/tu-van/tro-chuyen")
def chat_page(request: Request, signed: CounsellorIn):
    response = render(request, "chat.html", actor=signed.actor, csrf=signed.csrf)
    if not request.cookies.get(CHAT_COOKIE):
        response.set_cookie(CHAT_COOKIE, secrets.token_urlsafe(12), httponly=True, samesite="strict")
    return response


def _recognised(tracker: dict, details: dict, url: str | None) -> list[list[str]]:
    """[[what, value]…] the latest turn recognised: the parse's entities, then the slots set
    after the student's message, e.g. [["tỉnh", "Quảng Ninh"], ["trường", "Trường Cao đẳng …"]]."""
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    found = [(e.get("entity"), e.get("value")) for e in details.get("entities") or []]
    found += [(e.get("name"), e.get("value")) for e in events[last_user + 1 :] if e.get("event") == "slot"]
    shown: list[list[str]] = []
    for name, value in found:
        if name not in RECOGNISED_NAMES or value in (None, "", [], False):
            continue
        if name in ("school_code", "last_school"):
            value = handoff.institution_names([str(value)], url=url).get(str(value), value)
        text = ", ".join(map(str, value)) if isinstance(value, list) else "có" if value is True else str(value)
        if [RECOGNISED_NAMES[name], text] not in shown:
            shown.append([RECOGNISED_NAMES[name], text])
    return shown


async def _ask_bot(sender: str, message: str, url: str | None) -> dict:
    """{"messages": [{"text", "buttons"}…], "details": {...}} for one message of the web chat."""
    config = settings.get()
    async with RasaClient(config.rasa_base_url, timeout=60, token=config.rasa_api_token) as client:
        replies = await client.send(sender, message[:MAX_MESSAGE_CHARS], CHAT_CHANNEL)
        tracker = await client.tracker(sender)
    details = last_turn(tracker)
    if details:
        details["recognised"] = await run_in_threadpool(_recognised, tracker, details, url)  # reads school names
    messages = [
        {
            "text": m.get("text") or "",
            "buttons": [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in m.get("buttons") or []
                if isinstance(b, dict)
            ],
        }
        for m in replies
    ]
    return {"messages": messages, "details": details}


@router.post("/tu-van/tro-chuyen/gui")
async def chat_send(request: Request, signed: CounsellorIn):
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not same_secret(request.headers.get("x-csrf-token"), signed.csrf):
        raise CsrfFailed
    conversation = request.cookies.get(CHAT_COOKIE) or secrets.token_urlsafe(12)
    sender = f"webchat-{signed.actor.username}-{conversation[:16]}"
    try:
        result = await _ask_bot(sender, str(body.get("message") or ""), catalog_url(request))
    except RasaUnavailable:
        return JSONResponse({"error": "Bot đang không trả lời (Rasa chưa chạy?). Thử lại sau ít phút."}, status_code=503)
    response = JSONResponse(result)
    if not request.cookies.get(CHAT_COOKIE):
        response.set_cookie(CHAT_COOKIE, conversation, httponly=True, samesite="strict")
    return response


@router.post("/tu-van/tro-chuyen/lam-moi")
def chat_reset(signed: CounsellorForm):
    response = RedirectResponse("/tu-van/tro-chuyen", status_code=303)
    response.set_cookie(CHAT_COOKIE, secrets.token_urlsafe(12), httponly=True, samesite="strict")
    return response


@router.get("/tu-van/cau-hoi-chua-tra-loi")
def gaps_page(request: Request, signed: CounsellorIn, tu: str | None = None):
    since = _since(tu)
    url = catalog_url(request)
    counts = conversation_log.daily_counts(since, url=url)
    return render(
        request,
        "gaps.html",
        actor=signed.actor,
        csrf=signed.csrf,
        since=since,
        groups=conversation_log.gaps(since, url=url),
        answered=sum(a for _, a, _ in counts),
        unanswered=sum(u for _, _, u in counts),
        kinds=conversation_log.KINDS,
        choices=labels.choices(),
        describe=labels.describe,
    )


def _message_ids(value: str) -> list[int]:
    """The group's message ids as the page wrote them ("12,15,31"); anything else is a forged form."""
    try:
        ids = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise CsrfFailed from None
    if not ids:
        raise CsrfFailed
    return ids


@router.post("/tu-van/cau-hoi-chua-tra-loi/gan-nhan")
def label_gap(
    request: Request,
    signed: CounsellorForm,
    ids: Annotated[str, Form(max_length=100_000)],
    intent: Annotated[str, Form(max_length=64)] = "",
    tu: Annotated[str, Form(max_length=10)] = "",
):
    """Labels the messages the form names: a whole group (one row per subject or close wording,
    learnt together) or, from "Gán nhãn từng câu", one wording of a group that mixes questions."""
    try:
        labels.set_label(_message_ids(ids), intent, signed.actor.username, url=catalog_url(request))
    except labels.LabelError:
        return message_page(
            request,
            400,
            "Chưa gán được nhãn",
            "Ý định này không còn trong danh sách của bot. Hãy tải lại trang rồi chọn lại.",
            actor=signed.actor,
            csrf=signed.csrf,
        )
    return RedirectResponse(f"/tu-van/cau-hoi-chua-tra-loi?tu={_since(tu).isoformat()}", status_code=303)


@router.get("/tu-van/bieu-do.png")
def gaps_chart(request: Request, _signed: CounsellorIn, tu: str | None = None):
    counts = conversation_log.daily_counts(_since(tu), url=catalog_url(request))
    with tempfile.TemporaryDirectory() as folder:
        content = conversation_log.write_chart(Path(folder) / "c.png", counts).read_bytes()
    return Response(content, media_type="image/png")


@router.get("/tu-van/yeu-cau")
def requests_page(request: Request, signed: CounsellorIn, trang_thai: str | None = None):
    status = trang_thai if trang_thai in handoff.STATUSES else None
    rows = handoff.list_requests(_request_scope(signed.actor), status=status, url=catalog_url(request))
    return render(
        request,
        "requests.html",
        actor=signed.actor,
        csrf=signed.csrf,
        rows=rows,
        current_status=status,
        statuses=handoff.STATUSES,
        callback=handoff.callback_promise(),
    )


@router.post("/tu-van/yeu-cau/{request_id}/{action}")
def request_action(
    request: Request, request_id: int, action: str, signed: CounsellorForm, note: Annotated[str, Form(max_length=1000)] = ""
):
    if action not in ("nhan", "dong"):
        raise CsrfFailed
    scope = _request_scope(signed.actor)
    try:
        if action == "nhan":
            handoff.claim(request_id, signed.actor.username, scope, url=catalog_url(request))
        else:
            handoff.close(request_id, signed.actor.username, note, scope, url=catalog_url(request))
    except handoff.HandoffError as error:
        return message_page(request, 409, "Chưa làm được", f"Không thể cập nhật: {error}.", actor=signed.actor, csrf=signed.csrf)
    return RedirectResponse("/tu-van/yeu-cau", status_code=303)
