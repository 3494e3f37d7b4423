"""The pages in Chromium (Playwright) at a phone's 390 px and at desktop width: nothing runs off
the side, the search works, axe-core finds no serious or critical accessibility issue, and the
chat box talks to the real bot (Rasa + action server of tests/conftest.py)."""

from __future__ import annotations

from importlib import resources

import pytest

from tests.portal.conftest import ARTIFACTS

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
PAGES = ("/", "/quang-ninh", "/quang-ninh/QN-VHBM", "/nghe/520227", "/tim-kiem?q=dien+cn", "/khung-chat")
AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(params=list(WIDTHS))
def page(request, browser):
    context = browser.new_context(viewport=WIDTHS[request.param], locale="vi-VN")
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    page.evaluate(AXE)  # the bundled axe.min.js: nothing fetched (the CSP would refuse it anyway)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_pages_fit_the_screen_and_pass_axe(portal, page):
    for path in PAGES:
        page.goto(portal.url + path)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} at {page.width_name}: {width}"
        assert axe_violations(page) == [], path
    if page.width_name == "phone":
        page.goto(portal.url + "/quang-ninh")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "cam-nang-quang-ninh-390px.png"), full_page=False)


def test_search_from_the_box_finds_programmes_typed_without_accents(portal, page):
    page.goto(portal.url + "/quang-ninh")
    page.fill("#q", "dien cn")
    page.click(".search button")
    page.wait_for_url("**/tim-kiem?q=dien+cn")
    assert "Điện công nghiệp" in page.inner_text("main")


def test_the_chat_box_talks_to_the_real_bot(portal, page, bot_url, set_env):
    set_env(RASA_URL=bot_url)
    page.goto(portal.url + "/quang-ninh")
    page.fill("#chat-input", "học phí ngành điện công nghiệp ở Quảng Ninh")
    page.press("#chat-input", "Enter")
    page.wait_for_selector("#chat-log .bubble.bot:not(.waiting) >> nth=1", timeout=60_000)
    replies = page.inner_text("#chat-log")
    assert "Điện công nghiệp" in replies or "điện công nghiệp" in replies.lower(), replies
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["gdnn_cam_nang_chat"]["httpOnly"] and "gdnn_cam_nang_chat" not in page.url
    page.fill("#chat-input", "")
    page.press("#chat-input", "Enter")
    assert "Bạn gõ câu hỏi" in page.inner_text("#chat-log")
