"""bot/channels/zalo_gateway.py over real HTTP: signed webhook events in, OA v3 sends out
to a fake Zalo OpenAPI/OAuth server, the real Rasa in between."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import threading
import time

import httpx
import pytest

from bot.channels.rate_limit import SLOW_DOWN
from bot.channels.store import open_channel_store
from bot.rasa_client import APOLOGY, TEXT_ONLY
from tests.bot.channels.conftest import RATE_LIMIT, ZALO_APP_ID, ZALO_OA_SECRET, ZaloHarness, free_port
from tests.bot.channels.fake_zalo import FakeZalo
from tests.bot.channels.test_telegram_gateway import SilentRasa

users = itertools.count(8_000_000_000_000_000_000)
message_ids = itertools.count(1)


def text_event(user: str, text: str, msg_id: str | None = None, timestamp_ms: int | None = None) -> dict:
    return {
        "app_id": ZALO_APP_ID,
        "user_id_by_app": "u" + user,
        "event_name": "user_send_text",
        "timestamp": str(timestamp_ms or int(time.time() * 1000)),
        "sender": {"id": user},
        "recipient": {"id": "579745863508352884"},
        "message": {"msg_id": msg_id or f"msg{next(message_ids)}", "text": text},
    }


def signature(raw: bytes, timestamp: str, secret: str = ZALO_OA_SECRET) -> str:
    return "mac=" + hashlib.sha256(ZALO_APP_ID.encode() + raw + timestamp.encode() + secret.encode()).hexdigest()


def post(
    zalo, event: dict, *, sign: str | None = "good", raw: bytes | None = None, content_type: str = "application/json"
) -> httpx.Response:
    raw = raw if raw is not None else json.dumps(event, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": content_type}
    if sign == "good":
        headers["X-ZEvent-Signature"] = signature(raw, str(event.get("timestamp", "")))
    elif sign == "forged":
        headers["X-ZEvent-Signature"] = signature(raw, str(event.get("timestamp", "")), secret="wrong-secret")
    return httpx.post(zalo.url, content=raw, headers=headers, timeout=10)


def new_user() -> str:
    return str(next(users))


def wait_texts(zalo, user: str, count: int = 1) -> str:
    zalo.fake.wait_for(lambda: len(zalo.fake.messages_to(user)) >= count)
    time.sleep(0.3)
    return zalo.fake.texts_to(user)


def test_question_in_catalog_answer_out_with_buttons(zalo):
    user = new_user()
    started = time.monotonic()
    response = post(zalo, text_event(user, "trường nào dạy điện công nghiệp ở Quảng Ninh"))
    assert response.status_code == 200 and time.monotonic() - started < 1.0  # acknowledged at once
    reply = wait_texts(zalo, user)
    assert "Trường Cao đẳng Việt - Hàn Bình Minh" in reply
    with_buttons = [m for m in zalo.fake.messages_to(user) if "attachment" in m]
    buttons = with_buttons[-1]["attachment"]["payload"]["buttons"]
    # oa.query.hide: a tap must not show the payload (/ask_school_info{...}) as the student's message
    assert 1 <= len(buttons) <= 5 and all(b["type"] == "oa.query.hide" for b in buttons)
    assert all(len(m["text"]) <= 2000 for m in zalo.fake.messages_to(user))


def test_button_payload_comes_back_as_text(zalo):
    user = new_user()
    post(zalo, text_event(user, '/ask_school_info{"school_code":"LS-TCMS"}'))
    assert "Trường Trung cấp Nghề Mẫu Sơn" in wait_texts(zalo, user)


def test_missing_forged_and_stale_signatures_are_refused(zalo):
    user = new_user()
    event = text_event(user, "xin chào")
    assert post(zalo, event, sign=None).status_code == 401
    assert post(zalo, event, sign="forged").status_code == 401
    stale = text_event(user, "xin chào", timestamp_ms=int((time.time() - 11 * 60) * 1000))
    assert post(zalo, stale).status_code == 401
    tampered = json.dumps(event, ensure_ascii=False).encode()
    response = httpx.post(
        zalo.url,
        content=tampered.replace("xin chào".encode(), "tạm biệt".encode()),
        headers={"Content-Type": "application/json", "X-ZEvent-Signature": signature(tampered, event["timestamp"])},
        timeout=10,
    )
    assert response.status_code == 401
    time.sleep(1.5)
    assert zalo.fake.messages_to(user) == []


def test_same_event_three_times_one_answer(zalo):
    user = new_user()
    event = text_event(user, "tạm biệt", msg_id="redelivered-1")
    assert [post(zalo, event).status_code for _ in range(3)] == [200, 200, 200]
    wait_texts(zalo, user)
    time.sleep(2)
    assert len(zalo.fake.messages_to(user)) == 1


def test_redelivery_after_a_restart_is_still_dropped(zalo):
    user = new_user()
    event = text_event(user, "tạm biệt", msg_id="survives-restart")
    post(zalo, event)
    wait_texts(zalo, user)
    zalo.stop()
    zalo.start()
    assert post(zalo, event).status_code == 200
    time.sleep(2)
    assert len(zalo.fake.messages_to(user)) == 1


def test_follow_gets_a_welcome_and_echoes_are_ignored(zalo):
    user = new_user()
    follow = {
        "app_id": ZALO_APP_ID,
        "oa_id": "579745863508352884",
        "event_name": "follow",
        "follower": {"id": user},
        "timestamp": str(int(time.time() * 1000)),
    }
    assert post(zalo, follow).status_code == 200
    assert "Chào bạn" in wait_texts(zalo, user)
    for name in ("oa_send_text", "user_received_message", "user_seen_message"):
        echo = text_event(user, "một tin của OA")
        echo["event_name"] = name
        assert post(zalo, echo).status_code == 200
    time.sleep(2)
    assert len(zalo.fake.messages_to(user)) == 1


def test_image_gets_text_only_notice(zalo):
    user = new_user()
    event = text_event(user, "")
    event["event_name"] = "user_send_image"
    event["message"] = {"msg_id": f"img{next(message_ids)}", "attachments": [{"type": "image", "payload": {"url": "http://x"}}]}
    post(zalo, event)
    assert wait_texts(zalo, user) == TEXT_ONLY


def test_rasa_down_then_back(zalo, rasa_proxy):
    user = new_user()
    rasa_proxy.down()
    try:
        post(zalo, text_event(user, "xin chào"))
        assert wait_texts(zalo, user) == APOLOGY
        assert zalo.alive()
    finally:
        rasa_proxy.up()
    post(zalo, text_event(user, "trường nào dạy điện công nghiệp ở Quảng Ninh"))
    assert "Việt - Hàn" in wait_texts(zalo, user, 2)


def test_expired_token_is_refreshed_once_and_the_message_delivered(zalo):
    fake = zalo.fake
    refreshes_before = len(fake.refreshes)
    fake.access_token = "rotated-by-zalo"  # the gateway's token is now invalid (-216)
    fake.refresh_token = _current_refresh_token(zalo)
    user = new_user()
    post(zalo, text_event(user, "tạm biệt"))
    assert "Khi cần tìm trường" in wait_texts(zalo, user)
    assert len(fake.refreshes) == refreshes_before + 1
    stored = json.loads((zalo.state_dir / "tokens.json").read_text())
    assert stored["access_token"] == fake.access_token and stored["refresh_token"] == fake.refresh_token


def _current_refresh_token(zalo) -> str:
    path = zalo.state_dir / "tokens.json"
    return json.loads(path.read_text())["refresh_token"] if path.exists() else "refresh-1"


def test_send_retried_on_5xx_and_rate_limit_but_not_after_success(zalo):
    user = new_user()
    zalo.fake.fail_next += ["500", "rate"]
    post(zalo, text_event(user, "tạm biệt"))
    wait_texts(zalo, user)
    time.sleep(1.5)
    assert len(zalo.fake.messages_to(user)) == 1 and zalo.fake.fail_next == []


def test_fifty_users_at_once_all_answered_each_in_order(zalo):
    people = [new_user() for _ in range(50)]

    def converse(user):
        post(zalo, text_event(user, "xin chào"))
        post(zalo, text_event(user, "tạm biệt"))

    threads = [threading.Thread(target=converse, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    zalo.fake.wait_for(lambda: all(len(zalo.fake.messages_to(u)) >= 2 for u in people), timeout=240)
    for user in people:
        texts = [m["text"] for m in zalo.fake.messages_to(user)]
        greeting = next(i for i, t in enumerate(texts) if "Chào bạn" in t)
        goodbye = next(i for i, t in enumerate(texts) if "Khi cần tìm trường" in t)
        assert greeting < goodbye


def test_malformed_wrong_type_and_huge_bodies_are_4xx(zalo):
    assert post(zalo, {}, raw=b"{not json", sign=None).status_code == 400
    assert post(zalo, {}, raw=b'"just a string"', sign=None).status_code == 400
    assert post(zalo, {}, raw=b"event=1", content_type="application/x-www-form-urlencoded", sign=None).status_code == 415
    huge = b'{"x":"' + b"a" * (5 * 1024 * 1024) + b'"}'
    assert post(zalo, {}, raw=huge, sign=None).status_code == 413
    assert post(zalo, {}, raw=b"{}", sign=None).status_code == 200  # Zalo's registration check
    assert httpx.get(zalo.url.replace("/zalo/webhook", "/health"), timeout=5).status_code == 200


def test_secrets_are_not_logged(zalo):
    from tests.bot.channels.conftest import ROOT

    log = (ROOT / "test-artifacts" / "channel-logs" / "zalo.log").read_text(errors="replace")
    assert ZALO_OA_SECRET not in log and "app-secret-for-tests" not in log


def test_token_is_refreshed_before_it_expires(zalo):
    fake = zalo.fake
    zalo.stop()
    tokens = {"access_token": fake.access_token, "refresh_token": fake.refresh_token, "expires_at": time.time() + 30}
    (zalo.state_dir / "tokens.json").write_text(json.dumps(tokens))
    refreshes, rejected = len(fake.refreshes), len(fake.rejected_tokens)
    zalo.start()
    user = new_user()
    post(zalo, text_event(user, "tạm biệt"))
    wait_texts(zalo, user)
    assert len(fake.refreshes) == refreshes + 1
    assert len(fake.rejected_tokens) == rejected  # refreshed before Zalo had to refuse it


def test_many_sends_with_an_expired_token_refresh_only_once(zalo):
    fake = zalo.fake
    fake.access_token = "rotated-again"
    fake.refresh_token = _current_refresh_token(zalo)
    refreshes = len(fake.refreshes)
    people = [new_user() for _ in range(5)]
    threads = [threading.Thread(target=post, args=(zalo, text_event(u, "tạm biệt"))) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fake.wait_for(lambda: all(fake.messages_to(u) for u in people))
    assert len(fake.refreshes) == refreshes + 1


# --- exactly once and nothing lost: the outbox -----------------------------------------------


def wait_queued(zalo, user: str, timeout: float = 60) -> None:
    """Until the gateway has Rasa's reply for `user` in its outbox (read as a restarted gateway would)."""

    async def queued() -> bool:
        store = open_channel_store("zalo", zalo.state_dir, zalo.redis_url or None)
        try:
            return user in await store.pending_users()
        finally:
            await store.close()

    deadline = time.monotonic() + timeout
    while not asyncio.run(queued()):
        assert time.monotonic() < deadline, "the reply never reached the outbox"
        time.sleep(0.2)


def texts_of(zalo, user: str) -> list[str]:
    return [m["text"] for m in zalo.fake.messages_to(user)]


def test_oa_api_down_for_a_minute_the_answer_arrives_once_when_it_returns(zalo):
    user = new_user()
    zalo.oa_api.down()
    try:
        assert post(zalo, text_event(user, "tạm biệt")).status_code == 200
        wait_queued(zalo, user)
        time.sleep(60)  # the gateway keeps trying all along
        assert zalo.fake.messages_to(user) == []
    finally:
        zalo.oa_api.up()
    wait_texts(zalo, user)
    time.sleep(3)
    texts = texts_of(zalo, user)
    assert len(texts) == 1 and "Khi cần tìm trường" in texts[0]


@pytest.mark.parametrize("backend", ["zalo", "zalo_redis"])
def test_restart_with_replies_pending_loses_none_and_repeats_none(backend, request):
    zalo = request.getfixturevalue(backend)
    user = new_user()
    zalo.oa_api.down()
    try:
        post(zalo, text_event(user, "xin chào"))
        post(zalo, text_event(user, "tạm biệt"))
        wait_queued(zalo, user)
        time.sleep(3)  # both turns answered by Rasa, both replies waiting
        zalo.stop()
        zalo.start()  # still down: the restarted gateway must pick the queue up by itself
        time.sleep(2)
    finally:
        zalo.oa_api.up()
    zalo.fake.wait_for(lambda: any("Khi cần tìm trường" in t for t in texts_of(zalo, user)))
    time.sleep(3)
    texts = texts_of(zalo, user)
    assert len(texts) == len(set(texts)), texts  # nothing twice
    greeting = next(i for i, t in enumerate(texts) if "Chào bạn" in t)
    goodbye = next(i for i, t in enumerate(texts) if "Khi cần tìm trường" in t)
    assert greeting < goodbye  # and in order


def test_oa_api_slower_than_the_timeout_one_answer(zalo):
    """The gateway waits 5 s (ZALO_SEND_TIMEOUT_SECONDS); Zalo delivers at once but answers after 12 s.
    The outcome is unknown, so the message is not sent again; the next one is sent normally."""
    user = new_user()
    zalo.fake.slow_next.append(12)
    post(zalo, text_event(user, "tạm biệt"))
    wait_texts(zalo, user)
    time.sleep(14)
    assert len(zalo.fake.messages_to(user)) == 1
    post(zalo, text_event(user, "tạm biệt"))
    wait_texts(zalo, user, 2)
    time.sleep(1)
    assert len(zalo.fake.messages_to(user)) == 2


def test_too_many_messages_get_one_polite_notice(zalo):
    user = new_user()
    for _ in range(RATE_LIMIT + 3):
        assert post(zalo, text_event(user, "tạm biệt")).status_code == 200
    zalo.fake.wait_for(lambda: len(zalo.fake.messages_to(user)) >= RATE_LIMIT + 1)
    time.sleep(3)
    texts = texts_of(zalo, user)
    assert texts.count(SLOW_DOWN) == 1
    assert sum("Khi cần tìm trường" in t for t in texts) == RATE_LIMIT and len(texts) == RATE_LIMIT + 1


def test_a_gateway_killed_after_its_200_answers_the_event_once_after_the_restart(rasa_proxy, tmp_path):
    """Zalo never resends an event it got 200 for: the inbox keeps it across the crash."""
    silent = SilentRasa()  # the turn is in the middle when the gateway dies
    harness = ZaloHarness(FakeZalo(), free_port(), tmp_path, silent)
    harness.start()
    try:
        user = new_user()
        event = text_event(user, "trường nào dạy hàn ở Quảng Ninh")
        assert post(harness, event).status_code == 200
        deadline = time.monotonic() + 30
        while not silent.accepted and time.monotonic() < deadline:
            time.sleep(0.1)
        assert silent.accepted, "the turn never reached Rasa"
        harness.process.kill()  # no clean stop: as a crash or an OOM kill
        harness.process.wait()
        assert harness.fake.messages_to(user) == []

        harness.proxy = rasa_proxy
        harness.start()
        reply = wait_texts(harness, user)
        assert post(harness, event).status_code == 200  # a late redelivery changes nothing
        time.sleep(3)
        texts = [m["text"] for m in harness.fake.messages_to(user)]
        assert "Quảng Ninh" in reply and len(texts) == len(set(texts)), texts  # answered, once
    finally:
        harness.stop()
        harness.oa_api.down()
        silent.close()
        harness.fake.close()
