"""Issue 23: reminders sent by the notifier, against the fake Telegram and Zalo servers, with a
clock the test moves."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, select, update

from actions.counselling import ActionDeleteMyData
from actions.reminders import ActionStopReminders, ActionSubscribeReminder
from catalog import db
from catalog.models import Event, Programme
from counselling import reminders
from counselling.reminder_models import ReminderOutbox, ReminderSubscription
from notifier.service import Notifier

ROOT = Path(__file__).resolve().parents[2]
EVENT = "EV-QN-2027-03"  # Ngày hội tư vấn tuyển sinh GDNN Quảng Ninh 2027, 20/03/2027
EVENT_DAY = dt.date(2027, 3, 20)


def run_round(clock) -> object:
    async def once():
        notifier = Notifier(now=clock)
        try:
            notifier.start()
            return await notifier.round()
        finally:
            await notifier.close()

    return asyncio.run(once())


def subscribe(sender: str, clock, kind: str = reminders.EVENT, code: str = EVENT, title: str = "Ngày hội QN 2027") -> None:
    assert reminders.subscribe(sender, kind, code, title, now=clock())


def outbox_rows() -> list[ReminderOutbox]:
    with db.session() as session:
        return list(session.scalars(select(ReminderOutbox).order_by(ReminderOutbox.id)))


def texts(fake, chat: int) -> list[str]:
    return [m["text"] for m in fake.messages_to(chat)]


def tracker(sender: str, text: str = "", intent: str = "", entities: dict | None = None) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def act(action, sender: str, text: str = "", intent: str = "", entities: dict | None = None) -> tuple[str, list[dict]]:
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, tracker(sender, text, intent, entities), {})
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), [
        b for m in dispatcher.messages for b in m.get("buttons") or []
    ]


def test_subscribed_event_is_reminded_7_days_and_1_day_before_with_current_facts(channels, clock):
    telegram, _ = channels
    clock.set(dt.date(2027, 1, 10), 15)
    subscribe("telegram:501", clock)
    clock.set(dt.date(2027, 3, 13), 7, 59)  # D-7, before the sending hours
    run_round(clock)
    assert texts(telegram, 501) == []
    clock.set(dt.date(2027, 3, 13), 8, 0)
    result = run_round(clock)
    assert result.sent == 1
    [first] = telegram.messages_to(501)
    assert "còn 7 ngày nữa" in first["text"] and "20/03/2027 – 21/03/2027" in first["text"]
    assert "Ngày hội tư vấn tuyển sinh GDNN Quảng Ninh 2027" in first["text"] and "20/03/2027" in first["text"]
    assert any(b[0].get("callback_data") == "/stop_reminders" for b in first["reply_markup"]["inline_keyboard"])
    run_round(clock)  # the same time again: nothing more
    clock.set(dt.date(2027, 3, 19), 8, 30)
    run_round(clock)
    assert [("ngày mai" in t) for t in texts(telegram, 501)] == [False, True]
    assert {r.state for r in outbox_rows()} == {"sent"}
    assert [(c.code, c.active, c.subscribed, c.sent) for c in reminders.counts()] == [(EVENT, 1, 1, 2)]


def test_outside_the_hours_it_waits_for_08_00_and_a_missed_window_is_dropped_with_a_log_line(channels, clock, caplog):
    telegram, _ = channels
    clock.set(dt.date(2027, 3, 12), 22)
    subscribe("telegram:502", clock)
    clock.set(dt.date(2027, 3, 13), 6)
    run_round(clock)
    assert texts(telegram, 502) == []
    clock.set(dt.date(2027, 3, 13), 8)
    run_round(clock)
    assert len(texts(telegram, 502)) == 1
    # the notifier was down all of D-1: that reminder is dropped, never sent late
    clock.set(dt.date(2027, 3, 19), 21, 5)
    with caplog.at_level(logging.WARNING, logger="notifier"):
        run_round(clock)
    assert len(texts(telegram, 502)) == 1
    assert "dropped" in caplog.text and "not sent late" in caplog.text
    assert [(r.kind, r.state, r.reason) for r in outbox_rows()] == [("before_7", "sent", None), ("before_1", "dropped", "late")]


def test_a_moved_date_moves_the_reminders(channels, clock):
    telegram, _ = channels
    clock.set(dt.date(2027, 1, 10), 10)
    subscribe("telegram:503", clock)
    run_round(clock)  # planned for 20/03
    with db.session() as session, session.begin():
        session.execute(update(Event).where(Event.code == EVENT).values(start_date=dt.date(2027, 4, 3), end_date=None))
    clock.set(dt.date(2027, 3, 13), 9)  # the old D-7: nothing
    run_round(clock)
    assert texts(telegram, 503) == []
    clock.set(dt.date(2027, 3, 27), 9)  # the new D-7
    run_round(clock)
    [text] = texts(telegram, 503)
    assert "03/04/2027" in text
    assert sorted((r.target_date.isoformat(), r.state) for r in outbox_rows()) == [
        ("2027-03-20", "superseded"),
        ("2027-03-20", "superseded"),
        ("2027-04-03", "pending"),
        ("2027-04-03", "sent"),
    ]


def test_a_cancelled_event_sends_one_notice_and_a_past_deadline_sends_nothing(channels, clock):
    telegram, _ = channels
    clock.set(dt.date(2027, 1, 10), 10)
    subscribe("telegram:504", clock)
    with db.session() as session:
        programme = session.execute(select(Programme).where(Programme.application_deadline.is_not(None))).scalars().first()
        ref = f"{programme.institution.code}/{programme.code}"
    subscribe("telegram:504", clock, reminders.PROGRAMME, ref, "Một ngành")
    run_round(clock)
    with db.session() as session, session.begin():
        session.execute(delete(Event).where(Event.code == EVENT))
        session.execute(update(Programme).where(Programme.id == programme.id).values(application_deadline=dt.date(2027, 1, 5)))
    clock.set(dt.date(2027, 1, 10), 11)
    run_round(clock)
    run_round(clock)
    [notice] = texts(telegram, 504)
    assert "Sự kiện đã hủy/đổi" in notice and "Ngày hội QN 2027" in notice
    with db.session() as session:
        ended = dict(session.execute(select(ReminderSubscription.target_kind, ReminderSubscription.ended_reason)).all())
    assert ended == {"event": "removed", "programme": "past"}


def test_telegram_403_ends_the_subscriptions_and_429_is_obeyed(channels, clock):
    telegram, _ = channels
    clock.set(dt.date(2027, 1, 10), 10)
    subscribe("telegram:505", clock)
    subscribe("telegram:506", clock)
    telegram.blocked.add(505)
    telegram.retry_next.append(1)
    clock.set(dt.date(2027, 3, 13), 8)
    first = run_round(clock)
    second = run_round(clock)  # the one refused with 429 goes now
    assert first.outcomes.get("blocked") == 1 and first.outcomes.get("not_delivered") == 1 and second.sent == 1
    assert len(texts(telegram, 506)) == 1 and texts(telegram, 505) == []
    assert reminders.active_for_sender("telegram:505") == []
    assert {r.reason for r in outbox_rows() if r.subscription_id == 1} == {"blocked"}


def test_zalo_only_inside_the_window_after_the_students_last_message(channels, clock):
    _, zalo = channels
    clock.set(dt.date(2027, 3, 1), 10)
    subscribe("zalo:9001", clock)
    clock.set(dt.date(2027, 3, 13), 8)  # 12 days after the last message
    run_round(clock)
    assert zalo.messages_to("9001") == []
    assert [(r.state, r.reason) for r in outbox_rows() if r.kind == "before_7"] == [("pending", "zalo_window")]
    reminders.touch("zalo:9001", clock())  # the student writes at 08:00
    clock.set(dt.date(2027, 3, 13), 9)
    run_round(clock)
    assert "còn 7 ngày nữa" in zalo.texts_to("9001")
    clock.set(dt.date(2027, 3, 19), 21, 30)  # D-1 passed without a message inside the window
    run_round(clock)
    assert [(r.kind, r.state, r.reason) for r in outbox_rows()] == [("before_7", "sent", None), ("before_1", "dropped", "late")]


def test_a_notifier_killed_mid_batch_loses_nothing_and_sends_nothing_twice(channels, clock, set_env, catalog_url):
    telegram, _ = channels
    clock.set(dt.date(2027, 1, 10), 10)
    chats = list(range(601, 607))
    for chat in chats:
        subscribe(f"telegram:{chat}", clock)
    clock.set(dt.date(2027, 3, 13), 8)
    telegram.hold_at = 3  # the 3rd message is delivered, its answer never comes
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CATALOG_DATABASE_URL": catalog_url,
        "NOTIFIER_TELEGRAM_PER_SECOND": "2",
    }
    first = subprocess.Popen([sys.executable, "-m", "tests.notifier.run_once", clock().isoformat()], cwd=ROOT, env=env)
    try:
        telegram.wait_for(lambda: len(telegram.sent) == 3, timeout=60)
    finally:
        first.kill()
        first.wait()
    telegram.release()
    assert any(r.state == "pending" for r in outbox_rows())  # killed mid-batch
    second = subprocess.run(
        [sys.executable, "-m", "tests.notifier.run_once", clock().isoformat()], cwd=ROOT, env=env, timeout=120
    )
    assert second.returncode == 0
    assert sorted(m["chat_id"] for m in telegram.sent) == chats  # each once
    assert sorted(r.state for r in outbox_rows() if r.kind == "before_7") == ["sent"] * 5 + ["unknown"]


def test_subscribing_listing_cancelling_and_deleting_from_the_chat(channels, clock):
    text, buttons = act(ActionSubscribeReminder(), "telegram:701", intent="subscribe_reminder", entities={"event_code": EVENT})
    assert "Mình sẽ nhắc bạn" in text and "13/03/2027" in text and "19/03/2027" in text and "Tắt nhắc" in text
    assert [b["title"] for b in buttons] == ["Tắt nhắc"]
    text, _ = act(ActionSubscribeReminder(), "zalo:702", intent="subscribe_reminder", entities={"event_code": EVENT})
    assert "Zalo chỉ cho phép nhắc trong 48 giờ sau tin nhắn gần nhất của bạn" in text
    text, _ = act(ActionSubscribeReminder(), "rest-terminal", intent="subscribe_reminder", entities={"event_code": EVENT})
    assert "Telegram và Zalo" in text and reminders.active_for_sender("rest-terminal") == []

    text, buttons = act(ActionStopReminders(), "telegram:701", "tắt nhắc", "stop_reminders")
    assert "Ngày hội tư vấn tuyển sinh GDNN Quảng Ninh 2027" in text
    [one, every] = buttons
    assert one["payload"].startswith('/stop_reminders{"reminder_id":"') and every["title"] == "Tắt tất cả"
    act(ActionStopReminders(), "zalo:702", one["payload"], "stop_reminders", {"reminder_id": one["payload"].split('"')[3]})
    assert len(reminders.active_for_sender("telegram:701")) == 1  # another chat cannot cancel it
    text, _ = act(
        ActionStopReminders(), "telegram:701", one["payload"], "stop_reminders", {"reminder_id": one["payload"].split('"')[3]}
    )
    assert "đã tắt" in text and reminders.active_for_sender("telegram:701") == []

    act(ActionSubscribeReminder(), "telegram:701", intent="subscribe_reminder", entities={"event_code": EVENT})
    clock.set(dt.date(2027, 1, 10), 10)
    run_round(clock)
    text, _ = act(ActionDeleteMyData(), "telegram:701", "xóa thông tin của em", "delete_my_data")
    assert "nhắc lịch" in text
    with db.session() as session:
        senders = set(session.scalars(select(ReminderSubscription.sender_id)))
        left = session.scalars(select(ReminderOutbox.subscription_id)).all()
    assert senders == {"zalo:702"}
    assert all(reminders.active_for_sender("zalo:702")[0].id == sid for sid in left)


def test_the_department_sees_counts_per_event_and_programme_without_identities(channels, clock):
    from counselling import usage_report
    from counselling.cli import main as counselling_cli

    clock.set(dt.date(2027, 1, 10), 10)
    subscribe("telegram:801", clock)
    subscribe("zalo:802", clock)
    clock.set(dt.date(2027, 3, 13), 8)
    reminders.touch("zalo:802", clock())
    run_round(clock)
    report = usage_report.usage(dt.date(2027, 3, 1), dt.date(2027, 3, 13))
    [counted] = report.reminders
    assert (counted.code, counted.active, counted.subscribed, counted.sent) == (EVENT, 2, 2, 2)
    lines = "\n".join(usage_report.as_text(report))
    assert "đang đăng ký 2, lượt đăng ký 2, tin nhắc đã gửi 2" in lines
    assert "801" not in lines and "802" not in lines
    csv = usage_report.to_csv(report).decode("utf-8-sig")
    assert "Tin nhắc đã gửi" in csv and "telegram:" not in csv
    assert counselling_cli(["report", "usage", "--since", "2027-03-01", "--until", "2027-03-13"]) == 0


def test_the_retention_purge_deletes_ended_subscriptions_of_silent_chats_only(channels, clock):
    clock.set(dt.date(2027, 1, 10), 10)
    subscribe("telegram:901", clock)
    subscribe("telegram:902", clock)
    reminders.cancel("telegram:901")
    assert reminders.purge(180, now=clock() + dt.timedelta(days=10)) == 0
    assert reminders.purge(180, now=clock() + dt.timedelta(days=181)) == 1
    with db.session() as session:
        assert set(session.scalars(select(ReminderSubscription.sender_id))) == {"telegram:902"}


def test_a_programme_with_a_deadline_ahead_is_confirmed_once_and_one_without_is_refused(channels):
    today = dt.date.today()
    with db.session() as session:
        ahead = session.scalars(select(Programme).where(Programme.application_deadline > today + dt.timedelta(days=10))).first()
        ref = f"{ahead.institution.code}/{ahead.code}"
        session.execute(update(Programme).where(Programme.id != ahead.id).values(application_deadline=None))
        session.commit()
        other = session.scalars(select(Programme).where(Programme.id != ahead.id)).first()
        other_ref = f"{other.institution.code}/{other.code}"
    text, _ = act(ActionSubscribeReminder(), "telegram:711", intent="subscribe_reminder", entities={"programme_ref": ref})
    assert f"hạn nộp hồ sơ ngành {ahead.name}" in text and ahead.application_deadline.strftime("%d/%m/%Y") in text
    text, _ = act(ActionSubscribeReminder(), "telegram:711", intent="subscribe_reminder", entities={"programme_ref": ref})
    assert text.startswith("Bạn đã đăng ký nhắc này rồi.")
    text, _ = act(ActionSubscribeReminder(), "telegram:711", intent="subscribe_reminder", entities={"programme_ref": other_ref})
    assert "chưa có hạn nộp hồ sơ" in text
    assert [s.target_code for s in reminders.active_for_sender("telegram:711")] == [ref]


def test_subscribing_again_after_cancelling_plans_the_reminders_again_but_never_resends(channels, clock):
    telegram, _ = channels
    clock.set(dt.date(2027, 1, 10), 10)
    subscribe("telegram:721", clock)
    clock.set(dt.date(2027, 3, 13), 8)
    run_round(clock)
    reminders.cancel("telegram:721")
    clock.set(dt.date(2027, 3, 13), 9)
    subscribe("telegram:721", clock)  # the 1-day reminder comes back; the 7-day one was sent already
    clock.set(dt.date(2027, 3, 19), 8)
    run_round(clock)
    assert [("ngày mai" in t) for t in texts(telegram, 721)] == [False, True]
