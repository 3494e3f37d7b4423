"""The offices' API over real HTTP on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from sqlalchemy import update

import settings
from catalog import db, exporter, history, queries
from staff import accounts
from staff.models import ApiToken
from tests.staff.web.conftest import (
    SCHOOL_A,
    SCHOOL_B,
    append_row,
    delete_row,
    load_workbook,
    save_workbook,
    set_cell,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, code=SCHOOL_A):
    response = client.get(f"/api/institutions/{code}/workbook")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return load_workbook(response.content)


def upload(client, content: bytes, code=SCHOOL_A, name="truong.xlsx"):
    return client.post(f"/api/institutions/{code}/uploads", files={"file": (name, content, XLSX)})


def tuition(catalog_url, code, programme_code):
    return next(
        p for p in queries.find_programmes(institution_code=code, limit=50) if p.code == programme_code
    ).tuition_vnd_per_year


def whole_catalog(catalog_url):
    return exporter.catalog_rows(catalog_url)


def test_officer_downloads_edits_previews_and_applies_and_the_bot_sees_it(office):
    with office.client("canbo.a") as client:
        workbook = download(client)
        assert workbook.sheetnames[:1] == ["huong_dan"] and "programmes" in workbook.sheetnames
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 11500000)
        set_cell(workbook, "programmes", {"code": "6520227"}, "application_deadline", "2027-09-30")
        delete_row(workbook, "programmes", {"code": "SC-DDD"})
        append_row(
            workbook,
            "programmes",
            {
                "institution_code": SCHOOL_A,
                "code": "6510303",
                "name": "Công nghệ kỹ thuật điện tử",
                "level": "cao_dang",
                "field": "dien_dien_tu",
                "tuition_vnd_per_year": 10000000,
            },
        )
        content = save_workbook(workbook)
        before = whole_catalog(office.catalog_url)

        preview = upload(client, content)
        assert preview.status_code == 200, preview.text
        body = preview.json()
        assert body["counts"] == {"added": 1, "changed": 1, "removed": 1}
        changed = next(c for c in body["changes"] if c["action"] == "changed")
        assert changed["key"] == f"{SCHOOL_A}/6520227"
        assert sorted(changed["changed_columns"]) == ["application_deadline", "tuition_vnd_per_year"]
        assert changed["before"]["tuition_vnd_per_year"] == "9800000" and changed["after"]["tuition_vnd_per_year"] == "11500000"
        assert whole_catalog(office.catalog_url) == before  # a preview writes nothing

        applied = client.post(f"/api/uploads/{body['upload_id']}/apply")
        assert applied.status_code == 200, applied.text
        assert applied.json()["version"] == 1

        again = client.post(f"/api/uploads/{body['upload_id']}/apply")
        assert again.status_code == 409

        # The bot's query layer answers with the new figures at once (no restart, no retraining).
        assert tuition(office.catalog_url, SCHOOL_A, "6520227") == 11500000
        codes = {p.code for p in queries.find_programmes(institution_code=SCHOOL_A, limit=50)}
        assert "6510303" in codes and "SC-DDD" not in codes
        found = queries.find_programmes(occupation="điện tử", province="Quảng Ninh")
        assert any(p.code == "6510303" for p in found)

        history = client.get(f"/api/institutions/{SCHOOL_A}/history").json()
        assert [h["version"] for h in history] == [1, 0]
        assert history[0]["actor"] == "canbo.a" and history[0]["kind"] == "upload"
        assert history[0]["file_sha256"] == hashlib.sha256(content).hexdigest()
        detail = client.get(f"/api/change-sets/{history[0]['id']}").json()
        rows = {(r["action"], r["key"]): r for r in detail["rows"]}
        assert rows[("changed", f"{SCHOOL_A}/6520227")]["after"]["application_deadline"] == "2027-09-30"
        assert rows[("removed", f"{SCHOOL_A}/SC-DDD")]["after"] is None
        assert rows[("added", f"{SCHOOL_A}/6510303")]["before"] is None


def test_rows_of_another_school_are_refused_as_a_whole(office):
    with office.client("canbo.a") as client:
        workbook = download(client)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 1)
        append_row(
            workbook,
            "programmes",
            {
                "institution_code": SCHOOL_B,
                "code": "6520227",
                "name": "Điện công nghiệp",
                "level": "cao_dang",
                "field": "dien_dien_tu",
                "tuition_vnd_per_year": 1,
            },
        )
        before = whole_catalog(office.catalog_url)
        response = upload(client, save_workbook(workbook))
        assert response.status_code == 403
        errors = response.json()["errors"]
        assert any(e["column"] == "institution_code" and SCHOOL_B in e["reason"] for e in errors)
        assert whole_catalog(office.catalog_url) == before  # checked row by row, every table

        # Another school's page, a province event, the school's own record, policies: all refused.
        assert upload(client, save_workbook(download(office.client("canbo.b"), SCHOOL_B)), code=SCHOOL_B).status_code == 403
        assert client.get(f"/api/institutions/{SCHOOL_B}/workbook").status_code == 403

        workbook = download(client)
        append_row(
            workbook, "events", {"code": "EV-NEW", "title": "Ngày hội", "start_date": "2027-05-01", "province": "Quảng Ninh"}
        )
        assert upload(client, save_workbook(workbook)).status_code == 403

        workbook = download(client)
        set_cell(workbook, "institutions", {"code": SCHOOL_A}, "phone", "0999 999 999")
        response = upload(client, save_workbook(workbook))
        assert response.status_code == 403 and "quản trị viên" in response.text

        workbook = download(client)
        workbook.create_sheet("policies").append(["code", "title", "benefit", "eligibility", "legal_basis", "scope"])
        workbook["policies"].append(["X", "Miễn học phí", "100%", "mọi người", "QĐ 1", "toan_quoc"])
        assert upload(client, save_workbook(workbook)).status_code == 403

        workbook = download(client)  # an event code that belongs to another school
        append_row(
            workbook,
            "events",
            {
                "code": "EV-HP-2026-10",
                "title": "Chiếm mã",
                "start_date": "2027-05-01",
                "province": "Quảng Ninh",
                "institution_code": SCHOOL_A,
            },
        )
        assert upload(client, save_workbook(workbook)).status_code == 403
        assert whole_catalog(office.catalog_url) == before

    with office.client("quantri") as admin:  # the administrator may change the school's own record
        workbook = download(admin)
        set_cell(workbook, "institutions", {"code": SCHOOL_A}, "phone", "0999 999 999")
        preview = upload(admin, save_workbook(workbook))
        assert preview.status_code == 200
        assert admin.post(f"/api/uploads/{preview.json()['upload_id']}/apply").status_code == 200
        assert queries.get_institution(SCHOOL_A).phone == "0999 999 999"


def test_an_office_keeps_its_own_application_details_and_programme_outcomes(office):
    """Format v1.1: the downloaded file has every column; the office fills how to apply,
    documents, Zalo, scholarships of its own row and the outcomes of its programmes."""
    with office.client("canbo.a") as client:
        workbook = download(client)
        header = [c.value for c in workbook["institutions"][1]]
        assert "application_documents" in header and "zalo" in header
        set_cell(workbook, "institutions", {"code": SCHOOL_A}, "scholarships", "Học bổng 50% học phí năm đầu")
        set_cell(workbook, "institutions", {"code": SCHOOL_A}, "zalo", "0912 111 222")
        set_cell(workbook, "programmes", {"code": "6520227"}, "graduate_income_vnd_per_month", 10500000)
        set_cell(workbook, "programmes", {"code": "6520227"}, "intake_start", "2027-09-20")
        preview = upload(client, save_workbook(workbook))
        assert preview.status_code == 200, preview.text
        assert client.post(f"/api/uploads/{preview.json()['upload_id']}/apply").status_code == 200
    school = queries.get_institution(SCHOOL_A)
    assert (school.scholarships, school.zalo) == ("Học bổng 50% học phí năm đầu", "0912 111 222")
    programme = queries.get_programme(SCHOOL_A, "6520227")
    assert programme.graduate_income_vnd_per_month == 10500000 and str(programme.intake_start) == "2027-09-20"

    with office.client("canbo.a") as client:  # the department's sheets stay refused
        workbook = download(client)
        workbook.create_sheet("labour_market").append(["occupation_code", "scope", "period", "source"])
        workbook["labour_market"].append(["520227", "Quảng Ninh", "2026-Q2", "Tự ghi"])
        response = upload(client, save_workbook(workbook))
        assert response.status_code == 403 and "thị trường lao động" in response.text


def test_another_officer_cannot_apply_someone_elses_preview(office):
    with office.client("canbo.a") as client:
        workbook = download(client)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 1)
        upload_id = upload(client, save_workbook(workbook)).json()["upload_id"]
    with office.client("canbo.b") as other:
        assert other.post(f"/api/uploads/{upload_id}/apply").status_code == 404
    assert tuition(office.catalog_url, SCHOOL_A, "6520227") == 9800000


@pytest.mark.parametrize("how", ["missing", "forged", "malformed", "revoked", "expired", "disabled"])
def test_bad_credentials_get_401(office, how):
    token = office.tokens["canbo.a"]
    headers = {
        "missing": {},
        "forged": {"Authorization": "Bearer gdnn_" + "A" * 43},
        "malformed": {"Authorization": "Basic Y2FuYm8uYTpwYXNz"},
        "revoked": {"Authorization": f"Bearer {token}"},
        "expired": {"Authorization": f"Bearer {token}"},
        "disabled": {"Authorization": f"Bearer {token}"},
    }[how]
    digest = hashlib.sha256(token.encode()).hexdigest()
    if how == "revoked":
        token_id = accounts.list_tokens("canbo.a")[0]["id"]
        accounts.revoke_token(token_id)
    elif how == "expired":
        with db.session(office.catalog_url) as session, session.begin():
            session.execute(
                update(ApiToken)
                .where(ApiToken.token_hash == digest)
                .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1))
            )
    elif how == "disabled":
        accounts.set_disabled("canbo.a", True)
    with office.client() as client:
        for method, path in (
            ("GET", "/api/me"),
            ("GET", f"/api/institutions/{SCHOOL_A}/workbook"),
            ("POST", "/api/uploads/abc/apply"),
        ):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, (how, path, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
    with office.client("canbo.b") as still_valid:
        assert still_valid.get("/api/me").status_code == 200


def test_two_uploads_for_the_same_school_at_once_both_land(office):
    with office.client("canbo.a") as client:
        base = save_workbook(download(client))
        first, second = load_workbook(base), load_workbook(base)
        set_cell(first, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 12000000)
        set_cell(second, "programmes", {"code": "6480202"}, "application_deadline", "2027-10-01")
        ids = [upload(client, save_workbook(wb)).json()["upload_id"] for wb in (first, second)]

    barrier = threading.Barrier(2)
    results: dict[int, object] = {}

    def apply(index: int) -> None:
        with office.client("canbo.a") as client:
            barrier.wait()
            results[index] = client.post(f"/api/uploads/{ids[index]}/apply")

    threads = [threading.Thread(target=apply, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i].status_code for i in range(2)] == [200, 200], [results[i].text for i in range(2)]
    assert sorted(results[i].json()["version"] for i in range(2)) == [1, 2]
    # Neither update is lost: the second was merged onto the first, not written over it.
    programmes = {p.code: p for p in queries.find_programmes(institution_code=SCHOOL_A, limit=50)}
    assert programmes["6520227"].tuition_vnd_per_year == 12000000
    assert programmes["6480202"].application_deadline == dt.date(2027, 10, 1)

    # A third file from the same old download that edits the same row differently is a conflict.
    third = load_workbook(base)
    set_cell(third, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 5000000)
    with office.client("canbo.a") as client:
        response = upload(client, save_workbook(third))
        assert response.status_code == 409
        assert "bạn đã cập nhật dòng này" in response.json()["errors"][0]["reason"]  # both earlier uploads were canbo.a's
    assert tuition(office.catalog_url, SCHOOL_A, "6520227") == 12000000


def test_rollback_restores_exactly_an_earlier_version(office):
    versions = {0: history.school_cells(SCHOOL_A, office.catalog_url)}
    with office.client("canbo.a") as client:
        for version, edit in ((1, "first"), (2, "second")):
            workbook = download(client)
            if edit == "first":
                set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", 1)
                delete_row(workbook, "programmes", {"code": "SC-DDD"})
                append_row(
                    workbook,
                    "events",
                    {
                        "code": "EV-VHBM",
                        "title": "Ngày hội mở",
                        "start_date": "2027-04-01",
                        "province": "Quảng Ninh",
                        "institution_code": SCHOOL_A,
                    },
                )
            else:
                set_cell(workbook, "programmes", {"code": "6480202"}, "description", "Mô tả mới ='hỏi' +1")
                append_row(
                    workbook,
                    "programmes",
                    {"institution_code": SCHOOL_A, "code": "NEW1", "name": "Ngành mới", "level": "so_cap", "field": "khac"},
                )
            preview = upload(client, save_workbook(workbook))
            assert preview.status_code == 200, preview.text
            assert client.post(f"/api/uploads/{preview.json()['upload_id']}/apply").json()["version"] == version
            versions[version] = history.school_cells(SCHOOL_A, office.catalog_url)
        assert client.post(f"/api/institutions/{SCHOOL_A}/rollback", json={"version": 0}).status_code == 403

    others_before = {k: v for k, v in whole_catalog(office.catalog_url).items()}
    with office.client("quantri") as admin:
        response = admin.post(f"/api/institutions/{SCHOOL_A}/rollback", json={"version": 0})
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 3
        assert history.school_cells(SCHOOL_A, office.catalog_url) == versions[0]
        assert admin.post(f"/api/institutions/{SCHOOL_A}/rollback", json={"version": 1}).json()["version"] == 4
        assert history.school_cells(SCHOOL_A, office.catalog_url) == versions[1]
        assert admin.post(f"/api/institutions/{SCHOOL_A}/rollback", json={"version": 99}).status_code == 404
        kinds = [h["kind"] for h in admin.get(f"/api/institutions/{SCHOOL_A}/history").json()]
        assert kinds == ["rollback", "rollback", "upload", "upload", "baseline"]
    after = whole_catalog(office.catalog_url)
    for name in ("policies",):
        assert after[name] == others_before[name]
    other_programmes = [r for r in after["programmes"] if r[0] != SCHOOL_A]
    assert other_programmes == [r for r in others_before["programmes"] if r[0] != SCHOOL_A]


def test_changes_made_outside_the_service_are_versioned_before_an_upload(office, tmp_path):
    with office.client("canbo.a") as client:
        download(client)  # records version 0
    folder = tmp_path / "ngoai"
    folder.mkdir()
    (folder / "programmes.csv").write_text(
        "institution_code,code,name,level,field,tuition_vnd_per_year\n"
        f"{SCHOOL_A},6520227,Điện công nghiệp,cao_dang,dien_dien_tu,7000000\n",
        encoding="utf-8",
    )
    from catalog import importer

    importer.import_catalog(folder)
    with office.client("canbo.a") as client:
        workbook = download(client)
        history = client.get(f"/api/institutions/{SCHOOL_A}/history").json()
    assert [h["kind"] for h in history] == ["outside", "baseline"]
    assert "sửa 1" in history[0]["summary"]
    assert workbook["phien_ban"]["B2"].value == 1


@pytest.mark.parametrize("case", ["broken", "formula", "wrong-type", "too-many-rows", "empty", "bad-value"])
def test_bad_files_get_every_error_and_nothing_is_written(office, monkeypatch, case):
    with office.client("canbo.a") as client:
        workbook = download(client)
        name, content = "truong.xlsx", None
        if case == "broken":
            content = b"PK\x03\x04 this is not really a workbook"
        elif case == "formula":
            set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", "=1000000*10")
        elif case == "wrong-type":
            name, content = "truong.pdf", b"%PDF-1.4"
        elif case == "too-many-rows":
            monkeypatch.setenv("OFFICE_MAX_UPLOAD_ROWS", "3")
            settings.reload()
        elif case == "empty":
            content = b""
        elif case == "bad-value":
            set_cell(workbook, "programmes", {"code": "6520227"}, "level", "dai_hoc")
            set_cell(workbook, "programmes", {"code": "6480202"}, "application_deadline", "31/02/2027")  # no such day
        before = whole_catalog(office.catalog_url)
        response = upload(client, content if content is not None else save_workbook(workbook), name=name)
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert errors and all(e["reason"] for e in errors)
        if case == "formula":
            assert errors[0]["column"] == "tuition_vnd_per_year" and errors[0]["row"] >= 2
        if case == "bad-value":
            assert {e["column"] for e in errors} == {"level", "application_deadline"}
        assert whole_catalog(office.catalog_url) == before


def test_uploads_over_the_size_limit_are_refused_before_reading(office, monkeypatch):
    monkeypatch.setenv("OFFICE_MAX_UPLOAD_BYTES", str(100 * 1024))
    settings.reload()
    with office.client("canbo.a") as client:
        response = upload(client, b"x" * (300 * 1024))
        assert response.status_code == 413
        assert "quá lớn" in response.json()["detail"]
        assert client.get("/api/me").status_code == 200  # the service is fine afterwards


def test_secrets_do_not_reach_the_logs(office, caplog):
    caplog.set_level("DEBUG")
    with office.client("canbo.a") as client:
        client.get("/api/me")
        client.get("/api/institutions/%00/history")
    with office.client() as client:
        client.get("/api/me", headers={"Authorization": "Bearer gdnn_forged"})
    for secret in office.tokens.values():
        assert secret not in caplog.text
