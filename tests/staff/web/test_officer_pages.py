"""The admissions officer's pages as people use them (issue 15): money and times as read in
Vietnam, new rows shown before they are confirmed, Back/Reload after an upload, cancelling,
a second apply, one's own stale file, a phone that must not scroll sideways, and an admin's
rollback that asks first. Real service on a real port, real SQLite and PostgreSQL, headless
Chromium on a 390×844 screen."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select, update

from catalog import db, queries
from catalog.history_models import ChangeSet
from staff.models import Upload
from tests.staff.web.conftest import PASSWORD, SCHOOL_A, append_row, load_workbook, save_workbook, set_cell
from tests.staff.web.test_api import XLSX, download, upload
from tests.staff.web.test_pages import shot

PHONE = {"width": 390, "height": 844}
NEW_PROGRAMME = {
    "institution_code": SCHOOL_A,
    "code": "6510303",
    "name": "Công nghệ kỹ thuật điện tử",
    "level": "cao_dang",
    "field": "dien_dien_tu",
    "tuition_vnd_per_year": 10000000,
    "quota": 35,
}


def _phone(browser, office, username="canbo.a"):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto(office.url + "/dang-nhap")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/truong(/[A-Z-]+)?$"))
    return context, page


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"{page.url}: the page is {wide[0]} px wide on a {wide[1]} px screen"


def _login(client, username="canbo.a"):
    form = client.get("/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    assert client.post("/dang-nhap", data={"username": username, "password": PASSWORD, "csrf": csrf}).status_code == 303
    return re.search(r'name="csrf" value="([^"]+)"', client.get(f"/truong/{SCHOOL_A}").text).group(1)


def _upload_page(client, csrf: str, content: bytes, name="truong.xlsx"):
    return client.post(f"/truong/{SCHOOL_A}/tai-len", data={"csrf": csrf}, files={"file": (name, content, XLSX)})


def _uploads(catalog_url) -> int:
    with db.session(catalog_url) as session:
        return session.scalar(select(func.count()).select_from(Upload))


def test_preview_shows_money_and_the_new_rows_values_and_is_safe_to_reload(office, browser, tmp_path):
    with office.client("canbo.a") as api:
        workbook = download(api)
    set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 10500000)
    append_row(workbook, "programmes", NEW_PROGRAMME)
    edited = tmp_path / "hoc-phi.xlsx"
    edited.write_bytes(save_workbook(workbook))

    context, page = _phone(browser, office)
    page.set_input_files("input[type=file]", str(edited))
    page.click("text=Kiểm tra tệp")
    page.locator(".summary").wait_for()
    # Post/Redirect/Get: the preview has its own address, so Reload and Back send nothing again.
    assert re.search(r"/tai-len/[\w-]+$", page.url), page.url
    assert page.locator("del", has_text="9.800.000 đ").count() == 1
    assert page.locator("ins", has_text="10.500.000 đ").count() == 1
    assert "10500000" not in page.content()
    new_row = page.locator("tr.added").inner_text()
    for shown in ("Công nghệ kỹ thuật điện tử", "Học phí", "10.000.000 đ", "Chỉ tiêu tuyển sinh đợt này", "35", "cao_dang"):
        assert shown in new_row, (shown, new_row)
    _no_sideways_scroll(page)
    shot(page, "6-xem-truoc-dong-moi", "sqlite" if office.catalog_url.startswith("sqlite") else "postgresql")

    page.reload()
    page.locator(".summary").wait_for()
    assert "sửa 1" in page.locator(".summary").inner_text() and "thêm 1" in page.locator(".summary").inner_text()
    assert _uploads(office.catalog_url) == 1  # reloading kept the one pending upload
    page.go_back()
    page.wait_for_url(re.compile(f"/truong/{SCHOOL_A}$"))
    page.go_forward()
    page.locator(".summary").wait_for()
    assert _uploads(office.catalog_url) == 1

    page.click("text=Xác nhận áp dụng")
    page.locator(".ok").wait_for()
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 10500000
    page.click("text=Xem chi tiết lần thay đổi")
    page.locator("table.changes").wait_for()
    assert page.locator("ins", has_text="10.500.000 đ").count() == 1
    shot(page, "7-chi-tiet-thay-doi", "sqlite" if office.catalog_url.startswith("sqlite") else "postgresql")
    context.close()


def test_times_are_shown_in_vietnam_time(office):
    with office.client("canbo.a") as api:
        workbook = download(api)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 10500000)
        applied = api.post(f"/api/uploads/{upload(api, save_workbook(workbook)).json()['upload_id']}/apply").json()
    late_evening_utc = dt.datetime(2026, 12, 4, 20, 30, tzinfo=dt.timezone.utc)  # 03:30 the next day in Hà Nội
    with db.session(office.catalog_url) as session, session.begin():
        session.execute(update(ChangeSet).where(ChangeSet.id == applied["change_set_id"]).values(at=late_evening_utc))
    with office.client() as client:
        csrf = _login(client)
        school = client.get(f"/truong/{SCHOOL_A}").text
        assert "03:30 05/12/2026" in school and "20:30" not in school and "UTC" not in school
        detail = client.get(f"/thay-doi/{applied['change_set_id']}").text
        assert "03:30 05/12/2026" in detail and "UTC" not in detail

        workbook = load_workbook(client.get(f"/truong/{SCHOOL_A}/tai-ve").content)
        set_cell(workbook, "programmes", {"code": "6520227"}, "quota", 77)
        preview = client.get(_upload_page(client, csrf, save_workbook(workbook)).headers["location"])
        uploaded_utc = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
        with db.session(office.catalog_url) as session, session.begin():
            session.execute(update(Upload).values(created_at=uploaded_utc))
        preview = client.get(str(preview.url))
        in_vietnam = (uploaded_utc + dt.timedelta(hours=7)).strftime("%H:%M %d/%m/%Y")
        assert f"Tải lên lúc {in_vietnam}" in preview.text


def test_cancelling_discards_the_pending_upload(office):
    with office.client() as client:
        csrf = _login(client)
        workbook = load_workbook(client.get(f"/truong/{SCHOOL_A}/tai-ve").content)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 11200000)
        redirected = _upload_page(client, csrf, save_workbook(workbook))
        assert redirected.status_code == 303
        preview = client.get(redirected.headers["location"])
        cancel = re.search(r'formaction="(/tai-len/[^"]+/huy)"[^>]*>Hủy<', preview.text)
        assert cancel, "the preview's Hủy must be a form button that discards the upload"
        upload_id = cancel.group(1).split("/")[2]

        cancelled = client.post(cancel.group(1), data={"csrf": csrf})
        assert cancelled.status_code == 303 and cancelled.headers["location"] == f"/truong/{SCHOOL_A}"
        with db.session(office.catalog_url) as session:
            stored = session.scalar(select(Upload).where(Upload.public_id == upload_id))
            assert stored.status == "cancelled" and stored.content == b""

        again = client.get(f"/tai-len/{upload_id}")  # the next visit shows no pending change
        assert "Bản xem trước đã hủy" in again.text and "Xác nhận áp dụng" not in again.text
        refused = client.post(f"/tai-len/{upload_id}/ap-dung", data={"csrf": csrf})
        assert refused.status_code == 409 and "đã hủy" in refused.text
        assert client.post(f"/tai-len/{upload_id}/huy", data={"csrf": "forged"}).status_code == 403
    with office.client("canbo.a") as api:
        assert api.post(f"/api/uploads/{upload_id}/apply").status_code == 409
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 9800000


def test_a_second_apply_is_a_calm_notice_with_the_link_to_the_change(office):
    with office.client() as client:
        csrf = _login(client)
        workbook = load_workbook(client.get(f"/truong/{SCHOOL_A}/tai-ve").content)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 11200000)
        preview_url = _upload_page(client, csrf, save_workbook(workbook)).headers["location"]
        first = client.post(preview_url + "/ap-dung", data={"csrf": csrf})
        assert first.status_code == 200 and "Đã cập nhật" in first.text
        change_link = re.search(r'href="(/thay-doi/\d+)"', first.text).group(1)

        second = client.post(preview_url + "/ap-dung", data={"csrf": csrf})
        assert second.status_code == 200
        assert "đã được áp dụng" in second.text and 'class="notice"' in second.text
        assert 'role="alert"' not in second.text and 'class="error' not in second.text
        assert f'href="{change_link}"' in second.text
        back_to_preview = client.get(preview_url)  # Back to the preview after applying: the same notice
        assert "đã được áp dụng" in back_to_preview.text and "Xác nhận áp dụng" not in back_to_preview.text
    with office.client("canbo.a") as api:
        kinds = [h["kind"] for h in api.get(f"/api/institutions/{SCHOOL_A}/history").json()]
    assert kinds == ["upload", "baseline"]  # written once


def test_a_stale_file_names_the_officers_own_earlier_update(office):
    with office.client() as client:
        csrf = _login(client)
        original = client.get(f"/truong/{SCHOOL_A}/tai-ve").content  # version 0
        first = load_workbook(original)
        set_cell(first, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 11200000)
        applied = client.post(
            _upload_page(client, csrf, save_workbook(first)).headers["location"] + "/ap-dung", data={"csrf": csrf}
        )
        assert "Đã cập nhật" in applied.text

        # The same old file, now with another edit on the row the officer already updated.
        again = load_workbook(original)
        set_cell(again, "programmes", {"code": "6520227"}, "quota", 60)
        conflict = _upload_page(client, csrf, save_workbook(again))
        assert conflict.status_code == 409
        assert "bạn đã cập nhật dòng này lúc" in conflict.text and "phiên bản 1" in conflict.text
        assert "người khác" not in conflict.text

        # The same old file with an edit on another row merges; the preview says whose update is kept.
        other_row = load_workbook(original)
        set_cell(other_row, "programmes", {"code": "6480202"}, "quota", 45)
        preview = client.get(_upload_page(client, csrf, save_workbook(other_row)).headers["location"])
        assert "bạn đã cập nhật lúc" in preview.text and "người khác" not in preview.text

    # When someone else changed the row, the message still says so, and who.
    with office.client() as admin:
        admin_csrf = _login(admin, "quantri")
        colleague = load_workbook(admin.get(f"/truong/{SCHOOL_A}/tai-ve").content)
        set_cell(colleague, "programmes", {"code": "6480202"}, "quota", 50)
        applied = admin.post(
            _upload_page(admin, admin_csrf, save_workbook(colleague)).headers["location"] + "/ap-dung", data={"csrf": admin_csrf}
        )
        assert "Đã cập nhật" in applied.text
    with office.client() as client:
        csrf = _login(client)
        conflict = _upload_page(client, csrf, save_workbook(other_row))
        assert conflict.status_code == 409 and "người khác sửa (quantri" in conflict.text


def test_no_page_scrolls_sideways_on_a_phone(office, browser):
    with office.client("canbo.a") as api:
        workbook = download(api)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 10500000)
        append_row(
            workbook,
            "programmes",
            NEW_PROGRAMME | {"admission_method": "https://tuyensinh.example.vn/" + "xet-tuyen-hoc-ba-" * 8},
        )
        applied = api.post(f"/api/uploads/{upload(api, save_workbook(workbook)).json()['upload_id']}/apply").json()
        set_cell(workbook, "programmes", {"code": "6480202"}, "quota", 45)
        pending = upload(api, save_workbook(workbook)).json()["upload_id"]

    context, page = _phone(browser, office)
    for path in (f"/thay-doi/{applied['change_set_id']}", f"/truong/{SCHOOL_A}", f"/tai-len/{pending}"):
        page.goto(office.url + path)
        page.locator("h1").wait_for()
        _no_sideways_scroll(page)
    context.close()
    context, page = _phone(browser, office, "quantri")
    for path in (f"/truong/{SCHOOL_A}", f"/thay-doi/{applied['change_set_id']}", f"/truong/{SCHOOL_A}/khoi-phuc/0"):
        page.goto(office.url + path)
        page.locator("h1").wait_for()
        _no_sideways_scroll(page)
    context.close()


def test_rollback_asks_for_confirmation_and_shows_what_it_restores(office, browser):
    with office.client("canbo.a") as api:
        workbook = download(api)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 12300000)
        api.post(f"/api/uploads/{upload(api, save_workbook(workbook)).json()['upload_id']}/apply")

    context, page = _phone(browser, office, "quantri")
    page.goto(office.url + f"/truong/{SCHOOL_A}")
    assert page.locator(f"form[action='/truong/{SCHOOL_A}/khoi-phuc']").count() == 0  # no one-click rollback
    page.click("text=Khôi phục về bản này")
    page.wait_for_url(re.compile(f"/truong/{SCHOOL_A}/khoi-phuc/0$"))
    assert "Khôi phục về phiên bản 0?" in page.locator("h1").inner_text()
    assert page.locator("del", has_text="12.300.000 đ").count() == 1
    assert page.locator("ins", has_text="9.800.000 đ").count() == 1
    assert page.locator("form.confirm input[name=csrf]").count() == 1
    shot(page, "8-xac-nhan-khoi-phuc", "sqlite" if office.catalog_url.startswith("sqlite") else "postgresql")
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 12300000  # nothing restored yet
    page.click("text=Xác nhận khôi phục")
    page.locator(".ok").wait_for()
    assert "Đã khôi phục về phiên bản 0" in page.locator("h1").inner_text()
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 9800000
    context.close()

    with office.client() as officer:
        _login(officer)
        assert officer.get(f"/truong/{SCHOOL_A}/khoi-phuc/0").status_code == 403  # admins only
