"""The officers' pages: in headless Chromium (Playwright) on a phone-sized screen, and the
security rules of the forms over plain HTTP. Screenshots go to var/test-artifacts/office/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import update

from catalog import db, queries
from staff.models import WebSession
from staff.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from tests.staff.web.conftest import PASSWORD, SCHOOL_A, load_workbook, save_workbook, set_cell

ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "office"


def shot(page, name: str, backend: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)


def test_officer_updates_tuition_from_a_phone(office, browser, tmp_path):
    backend = "postgresql" if office.catalog_url.startswith("postgresql") else "sqlite"
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.goto(office.url + "/")
    assert page.url.endswith("/dang-nhap")
    page.fill("input[name=username]", "canbo.a")
    page.fill("input[name=password]", "sai-mat-khau-roi")
    page.click("button[type=submit]")
    assert "không đúng" in page.locator(".error").inner_text()
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(f"/truong/{SCHOOL_A}$"))
    shot(page, "1-trang-truong", backend)

    with page.expect_download() as download_info:
        page.click("text=Tải tệp Excel của trường")
    downloaded = tmp_path / "truong.xlsx"
    download_info.value.save_as(downloaded)
    original = downloaded.read_bytes()

    # First attempt: two mistakes, as people make them in Excel.
    workbook = load_workbook(original)
    set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", "mười triệu")
    set_cell(workbook, "programmes", {"code": "6480202"}, "application_deadline", "31/2/2027")  # no such day
    wrong = tmp_path / "co-loi.xlsx"
    wrong.write_bytes(save_workbook(workbook))
    page.set_input_files("input[type=file]", str(wrong))
    page.click("text=Kiểm tra tệp")
    errors = page.locator(".errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "2 lỗi" in text
    assert "tuition_vnd_per_year" in text and "application_deadline" in text
    rows = page.locator(".errors tbody tr")
    assert rows.count() == 2
    shot(page, "2-loi", backend)
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 9800000

    # Fixed: preview shows old → new, then confirm.
    workbook = load_workbook(original)
    set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 10200000)
    set_cell(workbook, "programmes", {"code": "6480202"}, "application_deadline", "2027-09-15")
    fixed = tmp_path / "da-sua.xlsx"
    fixed.write_bytes(save_workbook(workbook))
    page.set_input_files("input[type=file]", str(fixed))
    page.click("text=Kiểm tra tệp")
    page.locator(".summary").wait_for()
    assert "sửa 2" in page.locator(".summary").inner_text()
    assert page.locator("del", has_text="9.800.000 đ").count() == 1
    assert page.locator("ins", has_text="10.200.000 đ").count() == 1
    shot(page, "3-xem-truoc", backend)
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 9800000  # nothing written yet

    page.click("text=Xác nhận áp dụng")
    page.locator(".ok").wait_for()
    assert "Đã cập nhật" in page.locator("h1").inner_text()
    shot(page, "4-da-cap-nhat", backend)
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 10200000
    assert queries.get_programme(SCHOOL_A, "6480202").application_deadline == dt.date(2027, 9, 15)

    page.click("text=Về trang của trường")
    history = page.locator("table.history").inner_text()
    assert "canbo.a" in history and "da-sua.xlsx" in history
    shot(page, "5-lich-su", backend)
    page.click("text=Đăng xuất")
    page.wait_for_url(re.compile("/dang-nhap$"))
    page.goto(office.url + f"/truong/{SCHOOL_A}")
    assert page.url.endswith("/dang-nhap")  # the session is gone
    context.close()


def _login(client, username="canbo.a", password=PASSWORD):
    page = client.get("/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/dang-nhap", data={"username": username, "password": password, "csrf": csrf})


def test_pages_send_security_headers_and_safe_cookies(office):
    with office.client() as client:
        page = client.get("/dang-nhap")
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["cache-control"] == "no-store"
        response = _login(client)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie


def test_forms_without_the_csrf_token_are_refused(office):
    with office.client() as client:
        client.get("/dang-nhap")
        response = client.post("/dang-nhap", data={"username": "canbo.a", "password": PASSWORD, "csrf": "guess"})
        assert response.status_code == 403 and SESSION_COOKIE not in response.headers.get("set-cookie", "")
        assert _login(client).status_code == 303
        school = client.get(f"/truong/{SCHOOL_A}")
        assert school.status_code == 200
        upload = client.post(
            f"/truong/{SCHOOL_A}/tai-len", data={"csrf": "forged"}, files={"file": ("a.xlsx", b"PK", "application/octet-stream")}
        )
        assert upload.status_code == 403 and "không hợp lệ" in upload.text
    with office.client() as other_site:  # a cross-site form post carries no login CSRF cookie
        response = other_site.post("/dang-nhap", data={"username": "canbo.a", "password": PASSWORD, "csrf": "x"})
        assert response.status_code == 403
        assert LOGIN_CSRF_COOKIE not in other_site.cookies


def test_login_is_rate_limited(office):
    with office.client() as client:
        for _ in range(5):
            assert _login(client, password="sai-mat-khau").status_code == 401
        blocked = _login(client)  # even the right password, for a while
        assert blocked.status_code == 429 and "quá nhiều lần" in blocked.text
    with office.client() as client:
        assert _login(client, username="canbo.b").status_code == 303  # a colleague at the same address is not
        for attempt in range(15):  # but one address trying many names is stopped too
            _login(client, username=f"doan-{attempt}", password="sai-mat-khau")
        assert _login(client, username="quantri").status_code == 429


def test_expired_sessions_lead_back_to_login(office):
    with office.client() as client:
        assert _login(client).status_code == 303
        assert client.get(f"/truong/{SCHOOL_A}").status_code == 200
        with db.session(office.catalog_url) as session, session.begin():
            session.execute(update(WebSession).values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
        response = client.get(f"/truong/{SCHOOL_A}")
        assert response.status_code == 303 and response.headers["location"] == "/dang-nhap"


def test_officer_pages_stay_inside_their_school(office):
    with office.client() as client:
        assert _login(client).status_code == 303
        assert client.get("/truong/QN-MOHL").status_code == 404
        assert client.get("/truong/QN-MOHL/tai-ve").status_code == 404
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/truong/{SCHOOL_A}").text).group(1)
        rollback = client.post(f"/truong/{SCHOOL_A}/khoi-phuc", data={"csrf": csrf, "version": "0"})
        assert rollback.status_code == 403


def test_change_detail_and_rollback_from_the_pages(office):
    from tests.staff.web.test_api import download, upload

    with office.client("canbo.a") as api:
        workbook = download(api)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 12300000)
        applied = api.post(f"/api/uploads/{upload(api, save_workbook(workbook)).json()['upload_id']}/apply").json()
    with office.client() as client:
        assert _login(client).status_code == 303
        detail = client.get(f"/thay-doi/{applied['change_set_id']}")
        assert detail.status_code == 200
        assert "<del>9.800.000 đ</del>" in detail.text and "<ins>12.300.000 đ</ins>" in detail.text and "canbo.a" in detail.text
        assert client.get("/thay-doi/999999").status_code == 404
    with office.client() as admin:
        assert _login(admin, username="quantri").status_code == 303
        page = admin.get(f"/truong/{SCHOOL_A}")
        assert "Khôi phục về bản này" in page.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        done = admin.post(f"/truong/{SCHOOL_A}/khoi-phuc", data={"csrf": csrf, "version": "0"})
        assert done.status_code == 200 and "Đã khôi phục về phiên bản 0" in done.text
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 9800000
