"""Signing in and out, the API description and unknown addresses, against the real service
over HTTP (and in Chromium for the pages). Two clients are told apart by X-Forwarded-For,
which the service believes only with OFFICE_TRUST_PROXY=1, as behind the office's proxy."""

from __future__ import annotations

import re

import httpx
import pytest

from staff.web.auth import SESSION_COOKIE
from tests.staff.web.conftest import PASSWORD

STRANGER = "203.0.113.9"
OFFICER = "198.51.100.7"


@pytest.fixture
def behind_proxy(set_env):
    # A tiny delay ceiling: the tests check who gets in, never how long it takes.
    set_env(OFFICE_TRUST_PROXY="1", OFFICE_LOGIN_MAX_DELAY_SECONDS="0.01")


def _from(office, address: str) -> httpx.Client:
    client = office.client()
    client.headers["X-Forwarded-For"] = address
    return client


def _login(client: httpx.Client, username: str = "canbo.a", password: str = PASSWORD) -> httpx.Response:
    page = client.get("/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/dang-nhap", data={"username": username, "password": password, "csrf": csrf})


def _csrf_of(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


# --- login throttling ------------------------------------------------------------------------


def test_a_stranger_who_knows_the_name_cannot_lock_the_officer_out(office, behind_proxy):
    with _from(office, STRANGER) as stranger:
        for _ in range(5):
            assert _login(stranger, password="doan-mo-mat-khau").status_code == 401
        blocked = _login(stranger)  # from there, not even the right password, for a while
        assert blocked.status_code == 429
        assert "quá nhiều lần" in blocked.text and "15 phút" in blocked.text
        assert "từ mạng khác" in blocked.text and "vẫn đăng nhập được" in blocked.text
    with _from(office, OFFICER) as officer:
        assert _login(officer).status_code == 303
        assert officer.get("/truong/QN-VHBM").status_code == 200


def test_a_stranger_cannot_pose_as_the_officers_address(office, behind_proxy):
    with office.client() as stranger:
        # The stranger writes the officer's address; the office's proxy appends the real one.
        stranger.headers["X-Forwarded-For"] = f"{OFFICER}, {STRANGER}"
        for _ in range(5):
            assert _login(stranger, password="doan-mo-mat-khau").status_code == 401
        assert _login(stranger).status_code == 429
    with _from(office, OFFICER) as officer:
        assert _login(officer).status_code == 303


def test_guessing_one_name_from_many_addresses_does_not_lock_it(office, behind_proxy):
    for n in range(8):
        with _from(office, f"192.0.2.{n}") as guesser:
            for _ in range(4):  # below the limit per name and address: each is only slowed down
                assert _login(guesser, password="doan-mo-mat-khau").status_code == 401
    with _from(office, OFFICER) as officer:
        assert _login(officer).status_code == 303


def test_one_address_guessing_many_names_is_stopped_for_every_name(office, behind_proxy):
    with _from(office, STRANGER) as stranger:
        for n in range(20):
            assert _login(stranger, username=f"doan-{n}", password="doan-mo-mat-khau").status_code == 401
        blocked = _login(stranger, username="quantri")
        assert blocked.status_code == 429 and "mọi tài khoản" in blocked.text
    with _from(office, OFFICER) as officer:
        assert _login(officer, username="quantri").status_code == 303


def test_the_login_page_says_what_wrong_passwords_lead_to(office):
    with office.client() as client:
        page = client.get("/dang-nhap").text
    assert "Nhập sai 5 lần" in page and "15 phút" in page and "tài khoản không bị khóa" in page


# --- logout needs the session's CSRF token -------------------------------------------------------


def test_logout_without_the_token_keeps_the_session_and_says_so(office):
    with office.client() as client:
        assert _login(client).status_code == 303
        for forged in (client.get("/dang-xuat"), client.post("/dang-xuat"), client.post("/dang-xuat", data={"csrf": "x"})):
            assert forged.status_code in (200, 403)
            assert "text/html" in forged.headers["content-type"]
            assert "Bạn đang đăng nhập" in forged.text
            assert SESSION_COOKIE not in forged.headers.get("set-cookie", "")
        assert client.post("/dang-xuat", data={"csrf": "x"}).status_code == 403
        assert "Chưa đăng xuất" in client.post("/dang-xuat").text
        school = client.get("/truong/QN-VHBM")
        assert school.status_code == 200  # still signed in
        done = client.post("/dang-xuat", data={"csrf": _csrf_of(school)})
        assert done.status_code == 303 and done.headers["location"] == "/dang-nhap"
        assert client.get("/truong/QN-VHBM").status_code == 303  # now signed out


def test_another_site_cannot_sign_the_officer_out_in_the_browser(office, browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(office.url + "/dang-nhap")
    page.fill("input[name=username]", "canbo.a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile("/truong/QN-VHBM$"))
    page.goto(office.url + "/dang-xuat")  # a link, or another site's <img src>
    assert page.locator("h1").inner_text() == "Đăng xuất"
    page.goto(office.url + "/truong/QN-VHBM")
    assert page.url.endswith("/truong/QN-VHBM")  # still signed in
    page.goto(office.url + "/dang-xuat")
    page.locator("main button[type=submit]").click()  # the page's own form does sign out
    page.wait_for_url(re.compile("/dang-nhap$"))
    page.goto(office.url + "/truong/QN-VHBM")
    assert page.url.endswith("/dang-nhap")
    context.close()


# --- the API description is the administrators' ----------------------------------------------


def test_the_api_description_is_only_for_administrators(office):
    unknown = office.client().get("/khong-co-trang-nay")
    for path in ("/openapi.json", "/docs", "/redoc"):
        for who in (None, "canbo.a"):
            with office.client(who) as client:
                response = client.get(path)
                assert response.status_code == 404 and response.json() == unknown.json(), (path, who)
    with office.client("quantri") as admin:
        spec = admin.get("/openapi.json").json()
        assert "/api/institutions/{code}/uploads" in spec["paths"]
        docs = admin.get("/docs")
        assert docs.status_code == 200 and "/api/institutions/{code}/uploads" in docs.text
    with office.client() as client:
        assert _login(client, username="quantri").status_code == 303  # an administrator's session too
        assert client.get("/openapi.json").json()["openapi"].startswith("3.")
        client.cookies.clear()
        assert _login(client, username="canbo.a").status_code == 303
        assert client.get("/openapi.json").status_code == 404


# --- unknown addresses and wrong methods, in Vietnamese ------------------------------------------


def test_unknown_addresses_and_wrong_methods_answer_in_vietnamese(office):
    with office.client() as client:
        missing = client.get("/khong-co-trang-nay")
        assert missing.status_code == 404
        assert missing.json() == {"detail": "Không có trang hay địa chỉ này."}
        api_missing = client.get("/api/khong-co", headers={"Accept": "text/html"})  # the API always answers JSON
        assert api_missing.status_code == 404 and api_missing.json()["detail"].startswith("Không có")
        wrong = client.delete("/healthz")
        assert wrong.status_code == 405 and wrong.json() == {"detail": "Địa chỉ này không nhận phương thức DELETE."}
        assert wrong.headers["allow"] == "GET"
        page = client.get("/khong-co-trang-nay", headers={"Accept": "text/html"})
        assert page.status_code == 404 and "text/html" in page.headers["content-type"]
        assert "Không tìm thấy trang" in page.text and "Not Found" not in page.text
        unauthenticated = client.get("/api/institutions")  # the API's own refusals keep their words
        assert unauthenticated.status_code == 401 and "mã truy cập" in unauthenticated.json()["detail"]


def test_a_browser_sees_vietnamese_pages_for_unknown_addresses_and_methods(office, browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    response = page.goto(office.url + "/truong/QN-VHBM/khong-co")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="← Về trang chính").click()
    page.wait_for_url(re.compile("/dang-nhap$"))
    response = page.goto(office.url + "/truong/QN-VHBM/tai-len")  # a form's address, opened as a link
    assert response.status == 405
    assert page.locator("h1").inner_text() == "Không mở được theo cách này"
    assert "Method Not Allowed" not in page.content()
    context.close()
