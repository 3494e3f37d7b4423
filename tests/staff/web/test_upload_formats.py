"""Uploads as officers really make them, over real HTTP (API and pages): the blank template,
dates typed day first, Vietnamese labels instead of codes, money with separators and "đ",
and files whose name or kind is not the expected .xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl

from catalog import queries
from tests.staff.web.conftest import SCHOOL_A, append_row, save_workbook, set_cell
from tests.staff.web.test_api import XLSX, download, upload, whole_catalog
from tests.staff.web.test_pages import _login

TEMPLATE = Path(__file__).resolve().parents[3] / "docs" / "mau-danh-muc.xlsx"
NEW_PROGRAMME = {
    "institution_code": SCHOOL_A,
    "code": "6510303",
    "name": "Công nghệ kỹ thuật điện",
    "level": "cao_dang",
    "field": "dien_dien_tu",
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how every Excel 97-2003 .xls file starts


def blank_template() -> openpyxl.Workbook:
    workbook = openpyxl.load_workbook(TEMPLATE)
    assert {"policies", "occupations", "labour_market"} <= set(workbook.sheetnames)  # the department's, empty
    return workbook


def page_upload(client, name: str, content: bytes, content_type: str = XLSX):
    """The school page's form, as the browser posts it (and follows to the preview)."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/truong/{SCHOOL_A}").text).group(1)
    return client.post(
        f"/truong/{SCHOOL_A}/tai-len",
        data={"csrf": csrf},
        files={"file": (name, content, content_type)},
        follow_redirects=True,
    )


def apply(client, preview) -> None:
    assert preview.status_code == 200, preview.text
    assert client.post(f"/api/uploads/{preview.json()['upload_id']}/apply").status_code == 200


def test_the_blank_template_with_one_row_of_the_school_is_accepted(office):
    workbook = blank_template()
    append_row(workbook, "programmes", NEW_PROGRAMME)
    with office.client() as browser:
        assert _login(browser).status_code == 303
        page = page_upload(browser, "mau-danh-muc.xlsx", save_workbook(workbook))
        assert page.status_code == 200, page.text
        assert "6510303" in page.text and "Xác nhận áp dụng" in page.text
        assert "không xóa dòng nào" in page.text  # the officer is told what a template upload does
    with office.client("canbo.a") as client:
        preview = upload(client, save_workbook(workbook), name="mau-danh-muc.xlsx")
        # only what the file lists: the school's other programmes and events are not removed
        assert [(c["action"], c["key"]) for c in preview.json()["changes"]] == [("added", f"{SCHOOL_A}/6510303")]
        apply(client, preview)
    assert queries.get_programme(SCHOOL_A, "6510303").name == "Công nghệ kỹ thuật điện"

    # A department sheet that does carry rows is still refused as a whole.
    workbook = blank_template()
    append_row(workbook, "programmes", NEW_PROGRAMME)
    append_row(
        workbook,
        "policies",
        {"code": "X", "title": "Miễn", "benefit": "100%", "eligibility": "ai", "legal_basis": "QĐ 1", "scope": "toan_quoc"},
    )
    with office.client("canbo.a") as client:
        refused = upload(client, save_workbook(workbook), name="mau-danh-muc.xlsx")
        assert refused.status_code == 403
        assert [e["file"] for e in refused.json()["errors"]] == ["mau-danh-muc.xlsx#policies"]


def test_dates_and_labels_typed_as_officers_type_them(office):
    with office.client("canbo.a") as client:
        workbook = download(client)
        set_cell(workbook, "programmes", {"code": "6480202"}, "application_deadline", "31/08/2027")
        set_cell(workbook, "programmes", {"code": "6480202"}, "intake_start", "6-9-2027")
        set_cell(workbook, "programmes", {"code": "6520227"}, "intake_start", dt.datetime(2027, 9, 20))  # a real date cell
        set_cell(workbook, "programmes", {"code": "6520227"}, "application_deadline", "5/9/2027")
        set_cell(workbook, "programmes", {"code": "6480202"}, "level", "Cao Đẳng")
        set_cell(workbook, "programmes", {"code": "5520227"}, "level", "trung cap")
        set_cell(workbook, "programmes", {"code": "5520227"}, "entry_requirement", "Trung học cơ sở")
        set_cell(workbook, "programmes", {"code": "6520227"}, "field", "Điện - điện tử")
        set_cell(workbook, "programmes", {"code": "SC-DDD"}, "entry_requirement", "không")
        set_cell(workbook, "institutions", {"code": SCHOOL_A}, "dormitory", "có")  # unchanged: it already is "co"
        preview = upload(client, save_workbook(workbook))
        assert preview.status_code == 200, preview.text
        changed = {c["key"]: c for c in preview.json()["changes"]}
        assert set(changed) == {f"{SCHOOL_A}/6480202", f"{SCHOOL_A}/6520227"}  # labels of unchanged values change nothing
        apply(client, preview)
        it = queries.get_programme(SCHOOL_A, "6480202")
        assert (it.application_deadline, it.intake_start, it.level) == (dt.date(2027, 8, 31), dt.date(2027, 9, 6), "cao_dang")
        electric = queries.get_programme(SCHOOL_A, "6520227")
        assert (electric.application_deadline, electric.intake_start) == (dt.date(2027, 9, 5), dt.date(2027, 9, 20))

        again = download(client)  # the export keeps writing the format's codes and dates
        header = [c.value for c in again["programmes"][1]]
        row = next(r for r in again["programmes"].iter_rows(min_row=2, values_only=True) if r[header.index("code")] == "6480202")
        assert row[header.index("level")] == "cao_dang" and row[header.index("application_deadline")] == "2027-08-31"


def test_money_with_separators_and_dong(office):
    with office.client("canbo.a") as client:
        workbook = download(client)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", "10.500.000 đ")
        set_cell(workbook, "programmes", {"code": "6480202"}, "tuition_vnd_per_year", "10,500,000đ")
        set_cell(workbook, "programmes", {"code": "6220211"}, "tuition_vnd_per_year", "10 500 000 VNĐ")
        set_cell(workbook, "programmes", {"code": "6520227"}, "graduate_income_vnd_per_month", "8.000.000 vnd")
        apply(client, upload(client, save_workbook(workbook)))
    for code in ("6520227", "6480202", "6220211"):
        assert queries.get_programme(SCHOOL_A, code).tuition_vnd_per_year == 10500000
    assert queries.get_programme(SCHOOL_A, "6520227").graduate_income_vnd_per_month == 8000000

    with office.client("canbo.a") as client:
        workbook = download(client)
        set_cell(workbook, "programmes", {"code": "6520227"}, "tuition_vnd_per_year", "10,5")
        before = whole_catalog(office.catalog_url)
        refused = upload(client, save_workbook(workbook), name="hoc-phi.xlsx")
        assert refused.status_code == 422
        [error] = refused.json()["errors"]
        assert (error["file"], error["column"]) == ("hoc-phi.xlsx#programmes", "tuition_vnd_per_year") and error["row"] >= 2
        assert "10,5" in error["reason"] and "thập phân" in error["reason"]
        assert whole_catalog(office.catalog_url) == before


def _programmes_csv(workbook, tuition: int) -> bytes:
    """The school's programmes sheet saved as "CSV UTF-8" the way Excel does, one tuition changed."""
    sheet = workbook["programmes"]
    header = [c.value for c in sheet[1]]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in sheet.iter_rows(min_row=2, values_only=True):
        cells = ["" if v is None else str(v) for v in row]
        if cells[header.index("code")] == "6520227":
            cells[header.index("tuition_vnd_per_year")] = str(tuition)
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def test_csv_files_are_read_whatever_excel_named_them(office):
    with office.client("canbo.a") as client:
        content = _programmes_csv(download(client), 11000000)
        for name in ("truong-QN-VHBM.csv", "programmes (1).csv", "danh-muc.xlsx"):
            preview = upload(client, content, name=name)
            assert preview.status_code == 200, (name, preview.text)
            assert [c["key"] for c in preview.json()["changes"]] == [f"{SCHOOL_A}/6520227"]
        apply(client, preview)
    assert queries.get_programme(SCHOOL_A, "6520227").tuition_vnd_per_year == 11000000

    with office.client("canbo.a") as client:  # a misspelt column: the sheet is still recognised, the column named
        typo = f"institution_code,code,name,level,field,hoc_phi\n{SCHOOL_A},6520227,Điện,cao_dang,dien_dien_tu,1\n"
        refused = upload(client, typo.encode(), name="Book1.csv")
        assert refused.status_code == 422
        [error] = refused.json()["errors"]
        assert (error["file"], error["row"], error["column"]) == ("Book1.csv#programmes", 1, "hoc_phi")

    with office.client("canbo.a") as client:  # a CSV that is no sheet of the format: said so, under its own name
        refused = upload(client, "họ tên,lớp\nAn,9A\n".encode(), name="danh-sach.csv")
        assert refused.status_code == 422
        [error] = refused.json()["errors"]
        assert error["file"] == "danh-sach.csv" and "programmes.csv" in error["reason"] and ".xlsx" in error["reason"]
        policies = upload(client, b"code,title,benefit,eligibility,legal_basis,scope\nX,A,B,C,D,toan_quoc\n", name="cs.csv")
        assert policies.status_code == 403 and "quản trị viên của Sở" in policies.text


def test_old_excel_files_are_explained_under_their_own_name(office):
    old_excel = OLE2_MAGIC + b"\0" * 4096
    with office.client("canbo.a") as client:
        for name in ("truong.xls", "truong.xlsx"):  # as saved, and renamed by hand
            refused = upload(client, old_excel, name=name)
            assert refused.status_code == 422
            [error] = refused.json()["errors"]
            assert error["file"] == name and "upload.xlsx" not in refused.text
            assert "97-2003" in error["reason"] and "Excel Workbook (*.xlsx)" in error["reason"]
        broken = upload(client, b"PK\x03\x04 not really a workbook", name="so-lieu.xlsx")
        assert broken.json()["errors"][0]["file"] == "so-lieu.xlsx" and "upload.xlsx" not in broken.text
        other = upload(client, b"%PDF-1.4", name="truong.pdf")
        assert other.status_code == 422 and ".xlsx" in other.json()["errors"][0]["reason"]
    with office.client() as browser:  # the page says the same
        assert _login(browser).status_code == 303
        page = page_upload(browser, "truong.xls", old_excel, "application/vnd.ms-excel")
        assert page.status_code == 422 and "truong.xls" in page.text and "97-2003" in page.text
        assert "upload.xlsx" not in page.text
