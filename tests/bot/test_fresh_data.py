"""An officer's applied upload reaches the running bot at once (no restart, no retraining),
and an administrator's rollback takes it back — against the real Rasa and action server."""

from __future__ import annotations

import pytest

from staff import accounts
from staff.web.app import create_app
from tests.bot_servers import Chat
from tests.staff.web.conftest import ServerThread, load_workbook, save_workbook, set_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUESTION = "trường nào dạy điện công nghiệp ở Quảng Ninh"


@pytest.fixture(scope="module")
def office_for_the_bot(bot_url, bot_catalog_url):
    tokens = {}
    for name, role, schools in (("canbo.vhbm", "school", ["QN-VHBM"]), ("quantri.so", "admin", [])):
        if name not in {u["username"] for u in accounts.list_users(url=bot_catalog_url)}:
            accounts.add_user(name, "mat-khau-du-dai-1", role, schools, url=bot_catalog_url)
        tokens[name] = accounts.issue_token(name, url=bot_catalog_url)
    with ServerThread(create_app(bot_catalog_url)) as url:
        yield url, tokens


def test_the_bot_answers_with_new_figures_right_after_apply_and_after_rollback(office_for_the_bot, bot_url):
    import httpx

    url, tokens = office_for_the_bot
    assert "9.800.000 đ" in Chat(bot_url).say(QUESTION)
    officer = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['canbo.vhbm']}"}, timeout=60)
    workbook = load_workbook(officer.get("/api/institutions/QN-VHBM/workbook").content)
    set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 11500000)
    preview = officer.post(
        "/api/institutions/QN-VHBM/uploads", files={"file": ("vhbm.xlsx", save_workbook(workbook), XLSX)}
    ).json()
    applied = officer.post(f"/api/uploads/{preview['upload_id']}/apply").json()

    reply = Chat(bot_url).say(QUESTION)
    assert "11.500.000 đ" in reply and "9.800.000 đ" not in reply

    admin = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['quantri.so']}"}, timeout=60)
    rolled = admin.post("/api/institutions/QN-VHBM/rollback", json={"version": applied["version"] - 1})
    assert rolled.status_code == 200, rolled.text
    reply = Chat(bot_url).say(QUESTION)
    assert "9.800.000 đ" in reply and "11.500.000 đ" not in reply
