"""Counsellors label unanswered questions on /tu-van/cau-hoi-chua-tra-loi: in headless Chromium
on a phone-sized screen, and the form's rules over plain HTTP. Screenshots go to
var/test-artifacts/counsellors/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog import db
from counselling.models import UnansweredMessage
from staff import accounts
from tests.counselling.unanswered import record_unanswered
from tests.staff.web.conftest import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "counsellors"
QUESTION = "nhà nước có đỡ đần tiền học nghề không"
PAGE = "/tu-van/cau-hoi-chua-tra-loi"


@pytest.fixture
def questions(office):
    """A counsellor account and what students asked today: two wordings of one question, one other."""
    accounts.add_user("tuvan.qn", PASSWORD, "counsellor", [], url=office.catalog_url)
    now = dt.datetime.now(dt.timezone.utc)
    for text in (QUESTION, "nha nuoc co do dan tien hoc nghe ko", "zxqv plmo 0912 345 678"):
        record_unanswered(office.catalog_url, text, at=now)
    return office


def stored_labels(url: str) -> dict[str, tuple[str | None, str | None]]:
    with db.session(url) as session:
        rows = session.execute(select(UnansweredMessage.text, UnansweredMessage.label, UnansweredMessage.labelled_by)).all()
    return {text: (label, by) for text, label, by in rows}


def _login(client, username: str) -> str:
    """Signs in over HTTP; returns the CSRF token of the unanswered-questions page."""
    login = client.get("/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    assert client.post("/dang-nhap", data={"username": username, "password": PASSWORD, "csrf": csrf}).status_code == 303
    page = client.get(PAGE)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def test_counsellor_labels_a_question_on_the_page(questions, browser):
    office = questions
    backend = "postgresql" if office.catalog_url.startswith("postgresql") else "sqlite"
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(office.url + "/dang-nhap")
    page.fill("input[name=username]", "tuvan.qn")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile("/tu-van$"))
    page.goto(office.url + PAGE)

    row = page.locator("table.gaps tbody tr", has_text=QUESTION)
    select_box = row.locator(".group-label select[name=intent]")
    options = select_box.locator("option").all_inner_texts()
    assert any("ngoài phạm vi" in o and "out_of_scope" in o for o in options)
    assert any("miễn giảm học phí" in o and "ask_policies" in o for o in options)
    assert not any("quiz_answer" in o or "nlu_fallback" in o for o in options)
    select_box.select_option("ask_policies")
    row.locator(".group-label button").click()
    page.wait_for_url(re.compile(re.escape(PAGE) + r"\?tu="))

    row = page.locator("table.gaps tbody tr", has_text=QUESTION)
    label = row.locator(".label").inner_text()
    assert "chính sách" in label and "ask_policies" in label and "tuvan.qn" in label
    assert row.locator(".group-label select[name=intent]").input_value() == "ask_policies"
    other = page.locator("table.gaps tbody tr", has_text="zxqv plmo")
    assert other.locator(".label").count() == 0
    shot_path = ARTIFACTS / f"{backend}-5-gan-nhan.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot_path), full_page=True)
    # Both wordings of the group got the label, with who gave it; the other question did not.
    assert stored_labels(office.catalog_url) == {
        QUESTION: ("ask_policies", "tuvan.qn"),
        "nha nuoc co do dan tien hoc nghe ko": ("ask_policies", "tuvan.qn"),
        "zxqv plmo [số điện thoại]": (None, None),
    }

    other.locator("select[name=intent]").select_option("out_of_scope")
    other.locator("button:has-text('Gán nhãn')").click()
    page.wait_for_url(re.compile(re.escape(PAGE) + r"\?tu="))
    assert "ngoài phạm vi" in page.locator("table.gaps tbody tr", has_text="zxqv plmo").locator(".label").inner_text()

    row = page.locator("table.gaps tbody tr", has_text=QUESTION)
    row.locator("button:has-text('Bỏ nhãn')").click()
    page.wait_for_url(re.compile(re.escape(PAGE) + r"\?tu="))
    assert page.locator("table.gaps tbody tr", has_text=QUESTION).locator(".label").count() == 0
    assert stored_labels(office.catalog_url)[QUESTION] == (None, None)
    assert stored_labels(office.catalog_url)["zxqv plmo [số điện thoại]"] == ("out_of_scope", "tuvan.qn")
    context.close()


def test_labelling_needs_the_csrf_token_a_counsellor_and_a_real_intent(questions):
    office = questions
    with db.session(office.catalog_url) as session:
        ids = ",".join(str(i) for i in session.scalars(select(UnansweredMessage.id)))
    with office.client() as client:
        csrf = _login(client, "tuvan.qn")
        refused = client.post(PAGE + "/gan-nhan", data={"ids": ids, "intent": "ask_policies"})
        assert refused.status_code == 403 and "không hợp lệ" in refused.text
        forged = client.post(PAGE + "/gan-nhan", data={"ids": ids, "intent": "ask_policies", "csrf": "doan-bua"})
        assert forged.status_code == 403
        unknown = client.post(PAGE + "/gan-nhan", data={"ids": ids, "intent": "quiz_answer", "csrf": csrf})
        assert unknown.status_code == 400 and "không còn trong danh sách" in unknown.text
        garbage = client.post(PAGE + "/gan-nhan", data={"ids": "1,x", "intent": "ask_policies", "csrf": csrf})
        assert garbage.status_code == 403
        assert set(stored_labels(office.catalog_url).values()) == {(None, None)}
        done = client.post(PAGE + "/gan-nhan", data={"ids": ids, "intent": "ask_events", "csrf": csrf, "tu": "2026-11-01"})
        assert done.status_code == 303 and done.headers["location"] == PAGE + "?tu=2026-11-01"
        assert set(stored_labels(office.catalog_url).values()) == {("ask_events", "tuvan.qn")}
    with office.client() as officer:  # an admissions officer is not a counsellor
        login = officer.get("/dang-nhap")
        csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
        officer.post("/dang-nhap", data={"username": "canbo.a", "password": PASSWORD, "csrf": csrf})
        school = officer.get("/truong/QN-VHBM")
        csrf = re.search(r'name="csrf" value="([^"]+)"', school.text).group(1)
        assert officer.get(PAGE).status_code == 403
        assert officer.post(PAGE + "/gan-nhan", data={"ids": ids, "intent": "", "csrf": csrf}).status_code == 403
    with office.client() as stranger:
        response = stranger.post(PAGE + "/gan-nhan", data={"ids": ids, "intent": ""})
        assert response.status_code == 303 and response.headers["location"] == "/dang-nhap"
    assert set(stored_labels(office.catalog_url).values()) == {("ask_events", "tuvan.qn")}


def test_one_wording_of_a_group_can_be_labelled_alone(office, browser):
    """A group gathered by what it names may hold questions needing different labels: "học hàn
    ở đâu" (where to study) and "nghề hàn là gì" (what the trade is) are both about welding."""
    accounts.add_user("tuvan.qn", PASSWORD, "counsellor", [], url=office.catalog_url)
    now = dt.datetime.now(dt.timezone.utc)
    for text in ("học hàn ở đâu", "học hàn ở đâu", "nghề hàn là gì"):
        record_unanswered(office.catalog_url, text, at=now)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(office.url + "/dang-nhap")
    page.fill("input[name=username]", "tuvan.qn")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile("/tu-van$"))
    page.goto(office.url + PAGE)

    row = page.locator("table.gaps tbody tr", has_text="3 câu về nghề Hàn")
    row.locator("summary:has-text('Gán nhãn từng câu')").click()
    wording = row.locator("form.wording-label", has_text="nghề hàn là gì")
    wording.locator("select[name=intent]").select_option("ask_occupation")
    wording.locator("button").click()
    page.wait_for_url(re.compile(re.escape(PAGE) + r"\?tu="))
    with db.session(office.catalog_url) as session:
        rows = session.execute(select(UnansweredMessage.text, UnansweredMessage.label)).all()
    assert sorted(rows) == [("học hàn ở đâu", None), ("học hàn ở đâu", None), ("nghề hàn là gì", "ask_occupation")]
    labels = page.locator("table.gaps tbody tr", has_text="3 câu về nghề Hàn").locator(".label").inner_text()
    assert "chưa gán: 2" in labels and "ask_occupation: 1" in labels
    context.close()
