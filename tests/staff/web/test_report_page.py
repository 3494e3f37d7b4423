"""The department's usage report page (/bao-cao, staff/web/reports.py): on a phone-sized
screen in headless Chromium, for a week of conversations recorded the way the bot records
them. The page, its CSV and `python -m counselling report usage` must show the same figures,
the expected ones. Screenshots go to var/test-artifacts/report/."""

from __future__ import annotations

import re
from pathlib import Path

from counselling.usage_counts import today
from counselling.usage_report import duration
from staff import accounts
from tests.counselling.test_cli import run
from tests.counselling.test_usage_report import (
    EXPECTED,
    SINCE,
    UNTIL,
    figures_of_csv,
    figures_of_text,
    seed_week,
)
from tests.staff.web.conftest import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "report"
PERIOD = f"tu={SINCE.isoformat()}&den={UNTIL.isoformat()}"

# Every figure table of the page as {section id: [[row key, cell, cell…], …]}; the row key is
# the row's data-day or data-code.
READ_TABLES = """() => Object.fromEntries([...document.querySelectorAll('section.card')].map(section => [
    section.id,
    [...section.querySelectorAll('tbody tr')].map(row => [
        row.dataset.day || row.dataset.code,
        ...[...row.querySelectorAll('td')].map(cell => cell.innerText.trim()),
    ]),
]))"""


def figures_of_page(tables: dict, summary: str) -> dict:
    """The page's tables in the shape of EXPECTED."""
    total = re.search(r"(\d+) câu hỏi của học sinh, (\d+) chưa trả lời được \((\d+),(\d)%\)", summary)
    heads = tables["theo-kenh"]
    assert [row[1] for row in heads] == ["Telegram", "Zalo"]  # the days table's channel columns, in this order

    def ranking(section: str, key: str = "name") -> dict:
        return {(row[0] if key == "code" else row[1]): (int(row[2]), int(row[3])) for row in tables[section]}

    handoffs = {row[0]: row[1] for row in tables["goi-lai"]}
    minutes = {
        f"{duration(EXPECTED['handoffs'][f'{what}_median'])} / {duration(EXPECTED['handoffs'][f'{what}_mean'])}": what
        for what in ("wait_taken", "wait_closed")
    }
    assert minutes.get(handoffs["wait_taken"]) == "wait_taken", handoffs["wait_taken"]
    assert minutes.get(handoffs["wait_closed"]) == "wait_closed", handoffs["wait_closed"]
    return {
        "messages": int(total.group(1)),
        "unanswered": int(total.group(2)),
        "unanswered_percent": float(f"{total.group(3)}.{total.group(4)}"),
        # date, messages, Telegram, Zalo, unanswered, requests
        "days": {row[0]: tuple(int(n) for n in row[2:]) for row in tables["theo-ngay"]},
        "channels": ranking("theo-kenh"),
        "topics": ranking("theo-chu-de", key="code"),
        "provinces": ranking("theo-tinh"),
        "trades": ranking("nghe"),
        "schools": ranking("truong"),
        "handoffs": {
            **{key: int(handoffs[key]) for key in ("requests", "taken", "closed", "waiting")},
            # the waits are checked above against their wording
            **{key: EXPECTED["handoffs"][key] for key in EXPECTED["handoffs"] if key.startswith("wait_")},
        },
    }


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/dang-nhap")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_page_csv_and_command_line_agree_on_a_seeded_week(office, browser, monkeypatch, tmp_path):
    backend = "postgresql" if office.catalog_url.startswith("postgresql") else "sqlite"
    seed_week(office.catalog_url, monkeypatch)
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    _sign_in(page, office.url, "quantri")
    page.click("header nav >> text=Báo cáo")
    page.wait_for_url(re.compile("/bao-cao$"))
    page.fill("input[name=tu]", SINCE.isoformat())
    page.fill("input[name=den]", UNTIL.isoformat())
    page.click("form.period button[type=submit]")
    page.wait_for_url(re.compile(re.escape(PERIOD)))

    # Usable on a phone: nothing wider than the screen; wide tables scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("[...document.querySelectorAll('.table-box')].every(b => getComputedStyle(b).overflowX === 'auto')")
    for image in page.locator("img.chart").all():
        image.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-bao-cao-dien-thoai.png"), full_page=True)

    on_page = figures_of_page(page.evaluate(READ_TABLES), page.locator(".summary").inner_text())
    assert on_page == EXPECTED

    with page.expect_download() as download:
        page.click("text=Tải CSV")
    assert download.value.suggested_filename == f"bao-cao-su-dung-{SINCE.isoformat()}-{UNTIL.isoformat()}.csv"
    saved = tmp_path / "bao-cao.csv"
    download.value.save_as(saved)
    assert figures_of_csv(saved.read_bytes()) == EXPECTED

    result = run(office.catalog_url, "report", "usage", "--since", SINCE.isoformat(), "--until", UNTIL.isoformat())
    assert result.returncode == 0, result.stderr
    assert figures_of_text(result.stdout) == EXPECTED
    context.close()


def test_only_the_department_administrator_sees_the_report(office):
    accounts.add_user("tuvan", PASSWORD, "counsellor", [], url=office.catalog_url)
    addresses = ("/bao-cao", f"/bao-cao/bao-cao.csv?{PERIOD}", "/bao-cao/bieu-do/ngay.png", "/bao-cao/bieu-do/tinh.png")
    with office.client() as anonymous:
        for address in addresses:
            response = anonymous.get(address)
            assert response.status_code == 303 and response.headers["location"] == "/dang-nhap", address
    for username in ("canbo.a", "tuvan"):
        with office.client() as client:
            _login(client, username)
            assert "/bao-cao" not in client.get("/tu-van" if username == "tuvan" else "/truong/QN-VHBM").text
            for address in addresses:
                response = client.get(address)
                assert response.status_code == 403, (username, address)
                assert "quản trị viên" in response.text and "Traceback" not in response.text
    with office.client() as admin:
        _login(admin, "quantri")
        assert admin.get("/bao-cao").status_code == 200
        assert admin.get("/bao-cao/bieu-do/ngay.png").content[:4] == b"\x89PNG"
        assert admin.get("/bao-cao/bieu-do/khong-co.png").status_code == 404
        content = admin.get(f"/bao-cao/bao-cao.csv?{PERIOD}")
        assert content.headers["content-type"].startswith("text/csv") and content.content.startswith(b"\xef\xbb\xbf")


def test_a_wrong_period_is_explained_not_an_error(office):
    with office.client() as admin:
        _login(admin, "quantri")
        backwards = admin.get(f"/bao-cao?tu={UNTIL.isoformat()}&den={SINCE.isoformat()}")
        assert backwards.status_code == 200 and "trước hoặc bằng" in backwards.text
        nonsense = admin.get("/bao-cao?tu=hom-qua&den=2026-13-45")
        assert nonsense.status_code == 200 and "Ngày không hợp lệ" in nonsense.text
        assert f"đến hết {today():%d/%m/%Y}" in nonsense.text  # the last seven days instead, in Vietnam time
        for far in ("9999-12-31", "0001-01-01"):  # would overflow the time arithmetic
            page = admin.get(f"/bao-cao?tu={far}&den={far}")
            assert page.status_code == 200 and "nằm ngoài khoảng" in page.text
            assert admin.get(f"/bao-cao/bao-cao.csv?tu={far}&den={far}").status_code == 200


def _login(client, username: str) -> None:
    form = client.get("/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    assert client.post("/dang-nhap", data={"username": username, "password": PASSWORD, "csrf": csrf}).status_code == 303
