"""The counsellors' lists (staff/web/counsellors.py) in headless Chromium on a phone-sized screen:
big enough to tap, and written for people (school names, channel names, Vietnam time, questions
grouped by what they ask). Screenshots go to var/test-artifacts/counsellors/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from catalog import db
from counselling import handoff
from counselling.models import CounsellingRequest
from staff import accounts
from tests.counselling.unanswered import record_unanswered
from tests.staff.web.conftest import PASSWORD, SCHOOL_A

ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "counsellors"
TAP = 44  # px: the smallest comfortable tap target on a phone
PHONE = {"width": 390, "height": 844}
# 20:30 UTC on 4 December is 03:30 on 5 December in Vietnam.
CREATED = dt.datetime(2026, 12, 4, 20, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def counselling_office(office):
    """A counsellor, two call-back requests (website and Zalo) and a week of unanswered questions."""
    accounts.add_user("tuvan.qn", PASSWORD, "counsellor", [], url=office.catalog_url)
    ids = [
        handoff.create_request(
            sender_id=sender,
            channel=channel,
            contact="0977 123 456",
            question="em muốn học hàn thì học trường nào",
            institution_code=school,
            province="Quảng Ninh",
            url=office.catalog_url,
        )
        for sender, channel, school in (("hs1", "rest", SCHOOL_A), ("hs2", "zalo", None))
    ]
    with db.session(office.catalog_url) as session, session.begin():
        session.get(CounsellingRequest, ids[0]).created_at = CREATED
    now = dt.datetime.now(dt.timezone.utc)
    for text in (
        "hồ sơ gồm những gì",
        "nộp giấy tờ gì ạ",
        "can mang gi khi nhap hoc",
        "học hàn ở đâu",
        "nghề hàn là gì",
    ):
        record_unanswered(office.catalog_url, text, at=now)
    return office


@pytest.fixture
def phone(counselling_office, browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(counselling_office.url + "/dang-nhap")
    page.fill("input[name=username]", "tuvan.qn")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile("/tu-van$"))
    yield page
    context.close()


def small_targets(page, selector: str) -> list[tuple[str, float]]:
    """(text, height) of the visible links, buttons, menus and disclosures under `selector` lower than TAP px."""
    found = []
    targets = page.locator(f"{selector} a, {selector} button, {selector} select, {selector} summary")
    assert targets.count() > 0, f"nothing to tap in {selector}"
    for index in range(targets.count()):
        target = targets.nth(index)
        box = target.bounding_box() if target.is_visible() else None  # e.g. inside a closed <details>
        if box is not None and box["height"] < TAP:
            found.append((target.inner_text().strip() or target.get_attribute("name") or "?", round(box["height"], 1)))
    return found


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_counsellors_lists_are_easy_to_tap_on_a_phone(phone, counselling_office):
    page = phone
    assert small_targets(page, "ul.menu") == []
    page.goto(counselling_office.url + "/tu-van/yeu-cau")
    assert small_targets(page, "nav.filters") == []
    assert small_targets(page, "table.requests") == []
    shot(page, "dien-thoai-yeu-cau")
    page.goto(counselling_office.url + "/tu-van/cau-hoi-chua-tra-loi")
    assert small_targets(page, "form.inline") == []
    assert small_targets(page, "table.gaps") == []
    shot(page, "dien-thoai-cau-hoi")


def test_requests_show_school_names_channel_names_and_vietnam_time(phone, counselling_office):
    page = phone
    page.goto(counselling_office.url + "/tu-van/yeu-cau")
    rows = page.locator("table.requests tbody tr")
    website, zalo = rows.nth(1).inner_text(), rows.nth(0).inner_text()  # newest first
    assert "Trường Cao đẳng Việt - Hàn Bình Minh, Quảng Ninh" in website and SCHOOL_A not in website
    assert "qua Trang web" in website and "rest" not in website
    assert "03:30 05/12/2026" in website
    assert "qua Zalo" in zalo and "Quảng Ninh" in zalo
    assert "em muốn học hàn thì học trường nào" in website


def test_unanswered_questions_are_grouped_by_what_they_ask(phone, counselling_office):
    page = phone
    page.goto(counselling_office.url + "/tu-van/cau-hoi-chua-tra-loi")
    titles = page.locator("table.gaps .subject").all_inner_texts()
    assert titles == ["3 câu về hồ sơ nhập học", "2 câu về nghề Hàn"]
    documents = page.locator("table.gaps tbody tr", has_text="3 câu về hồ sơ nhập học")
    assert "nộp giấy tờ gì ạ" in documents.inner_text()
    assert documents.locator("button:has-text('Gán nhãn (3 câu)')").count() == 1
