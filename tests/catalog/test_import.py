"""catalog.importer (with catalog.reader and catalog.validator): every rule of the format,
atomicity, idempotence, --prune and --dry-run, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

import settings
from catalog import db, queries, snapshot
from catalog.importer import import_catalog
from catalog.problems import CatalogFileError
from catalog.status import catalog_status
from tests.catalog.conftest import event, institution, policy, programme, write_csv


def problems_of(path: Path, url: str) -> list[str]:
    with pytest.raises(CatalogFileError) as caught:
        import_catalog(path, url=url)
    return [str(p) for p in caught.value.problems]


def dump(url: str) -> dict:
    """Every row of the catalog, for before/after comparisons."""
    with db.session(url) as session:
        return {name: dict(snapshot.load(session, name)) for name in ("institutions", "programmes", "events", "policies")}


def test_valid_catalog_is_imported(catalog_url, make_catalog):
    folder = make_catalog(
        institutions=[institution()],
        programmes=[programme(), programme(code="5520227", level="trung_cap", entry_requirement="thcs")],
        events=[event(institution_code="QN-A")],
        policies=[policy(levels="trung_cap;cao_dang")],
    )
    result = import_catalog(folder, url=catalog_url)
    assert result.applied
    assert [len(result.plans[n].added) for n in ("institutions", "programmes", "events", "policies")] == [1, 2, 1, 1]
    rows = dump(catalog_url)
    assert rows["programmes"][("QN-A", "6520227")]["tuition_vnd_per_year"] == 9800000
    assert rows["programmes"][("QN-A", "6520227")]["application_deadline"] == dt.date(2027, 8, 15)
    assert rows["institutions"][("QN-A",)]["dormitory"] is True
    assert rows["policies"][("POL1",)]["levels"] == ("trung_cap", "cao_dang")
    assert rows["events"][("EV1",)]["institution_code"] == "QN-A"


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"institutions": [{k: v for k, v in institution().items() if k != "kind"}]},
            "institutions.csv:1:kind: thiếu cột bắt buộc",
        ),
        ({"institutions": [institution(hotline="0203")]}, "institutions.csv:1:hotline: cột không có trong định dạng"),
        ({"institutions": [institution(kind="truong_nghe")]}, 'institutions.csv:2:kind: giá trị "truong_nghe" không hợp lệ'),
        (
            {"institutions": [institution()], "programmes": [programme(application_deadline="15 tháng 8")]},
            'programmes.csv:2:application_deadline: ngày "15 tháng 8" không đúng dạng',
        ),
        (
            {"institutions": [institution()], "programmes": [programme(application_deadline="2027-02-30")]},
            'programmes.csv:2:application_deadline: ngày "2027-02-30" không tồn tại',
        ),
        (
            {"institutions": [institution()], "programmes": [programme(tuition_vnd_per_year="chín triệu")]},
            'programmes.csv:2:tuition_vnd_per_year: "chín triệu" không phải số nguyên',
        ),
        (
            {"institutions": [institution()], "programmes": [programme(duration_months="61")]},
            "programmes.csv:2:duration_months: 61 nằm ngoài khoảng cho phép",
        ),
        (
            {"institutions": [institution(), institution(name="Trùng mã")]},
            'institutions.csv:3:code: mã "QN-A" bị trùng với dòng 2',
        ),
        (
            {"institutions": [institution()], "programmes": [programme(), programme(name="Khác")]},
            'programmes.csv:3:code: mã "QN-A/6520227" bị trùng với dòng 2',
        ),
        (
            {"programmes": [programme(institution_code="KHONG-CO")]},
            'programmes.csv:2:institution_code: không có cơ sở mã "KHONG-CO"',
        ),
        (
            {"institutions": [institution(province="Tỉnh Mây Trắng")]},
            'institutions.csv:2:province: không có tỉnh/thành phố "Tỉnh Mây Trắng"',
        ),
        ({"institutions": [institution(name="")]}, "institutions.csv:2:name: ô bắt buộc đang trống"),
        (
            {"institutions": [institution(email="khong-phai-email")]},
            'institutions.csv:2:email: "khong-phai-email" không phải địa chỉ e-mail',
        ),
        ({"institutions": [institution(website="www.truong.vn")]}, "institutions.csv:2:website:"),
        ({"institutions": [institution(phone="goi 0203")]}, "institutions.csv:2:phone:"),
        ({"institutions": [institution(dormitory="có chứ")]}, 'institutions.csv:2:dormitory: giá trị "có chứ" không hợp lệ'),
        ({"institutions": [institution(code="mã có dấu")]}, 'institutions.csv:2:code: mã "mã có dấu" không hợp lệ'),
        ({"events": [event(end_date="2027-03-01")]}, "events.csv:2:end_date: ngày kết thúc trước ngày bắt đầu"),
        (
            {"policies": [policy(learner_groups="khuyet_tat;sinh_vien")]},
            'policies.csv:2:learner_groups: giá trị "sinh_vien" không hợp lệ',
        ),
        ({"policies": [policy(scope="mien_bac")]}, 'policies.csv:2:scope: phải là "toan_quoc" hoặc tên một tỉnh/thành phố'),
    ],
    ids=lambda value: None if isinstance(value, dict) else value.split(":")[2] if ":" in value else value,
)
def test_each_format_rule_is_reported_and_nothing_written(catalog_url, make_catalog, files, expected):
    folder = make_catalog(**files)
    found = problems_of(folder, catalog_url)
    assert any(line.startswith(expected) for line in found), found
    assert catalog_status(catalog_url).institutions == 0


def test_all_problems_are_reported_not_just_the_first(catalog_url, make_catalog):
    folder = make_catalog(
        institutions=[institution(kind="x"), institution(code="QN-B", ownership="y", email="z")],
        programmes=[programme(level="dai_hoc", tuition_vnd_per_year="-5")],
    )
    found = problems_of(folder, catalog_url)
    assert {line.split(": ")[0] for line in found} >= {
        "institutions.csv:2:kind",
        "institutions.csv:3:ownership",
        "institutions.csv:3:email",
        "programmes.csv:2:level",
        "programmes.csv:2:tuition_vnd_per_year",
    }


def test_former_province_is_mapped_with_a_warning(catalog_url, make_catalog):
    folder = make_catalog(institutions=[institution(province="Hải Dương")], events=[event(province="Kon Tum")])
    result = import_catalog(folder, url=catalog_url)
    assert [str(w) for w in result.warnings] == [
        'institutions.csv:2:province: "Hải Dương" nay thuộc Hải Phòng; đã ghi là Hải Phòng',
        'events.csv:2:province: "Kon Tum" nay thuộc Quảng Ngãi; đã ghi là Quảng Ngãi',
    ]
    assert dump(catalog_url)["institutions"][("QN-A",)]["province"] == "Hải Phòng"


def test_national_code_of_another_level_is_a_warning(catalog_url, make_catalog):
    folder = make_catalog(institutions=[institution()], programmes=[programme(code="5520227", level="cao_dang")])
    result = import_catalog(folder, url=catalog_url)
    assert result.applied
    assert [w.column for w in result.warnings] == ["level"]


def test_utf8_bom_as_excel_writes_it(catalog_url, tmp_path):
    folder = tmp_path / "bom"
    write_csv(folder, "institutions", [institution()], encoding="utf-8-sig")
    assert (folder / "institutions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    import_catalog(folder, url=catalog_url)
    assert dump(catalog_url)["institutions"][("QN-A",)]["name"] == "Trường Cao đẳng Thử Nghiệm A"


def test_text_is_stored_nfc_and_trimmed(catalog_url, make_catalog):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "  Trường Cao đẳng Thử  ")
    folder = make_catalog(institutions=[institution(name=decomposed)])
    import_catalog(folder, url=catalog_url)
    assert dump(catalog_url)["institutions"][("QN-A",)]["name"] == "Trường Cao đẳng Thử"


def test_xlsx_with_the_same_content_gives_the_same_catalog(catalog_url, make_catalog, tmp_path, monkeypatch):
    rows = {
        "institutions": [institution()],
        "programmes": [programme(), programme(code="SC-1", level="so_cap", tuition_vnd_per_year="0")],
        "policies": [policy(levels="so_cap;trung_cap")],
    }
    import_catalog(make_catalog(**rows), url=catalog_url)
    from_csv = dump(catalog_url)

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, items in rows.items():
        sheet = workbook.create_sheet(name)
        header = list(dict.fromkeys(k for item in items for k in item))
        sheet.append(header)
        for item in items:
            values = [item.get(c, "") or None for c in header]
            # as Excel stores them: numbers as numbers, dates as dates
            for i, column in enumerate(header):
                if column in ("tuition_vnd_per_year", "duration_months") and values[i] is not None:
                    values[i] = float(values[i])
                if column == "application_deadline" and values[i]:
                    values[i] = dt.datetime.fromisoformat(values[i])
            sheet.append(values)
    xlsx = tmp_path / "catalog.xlsx"
    workbook.save(xlsx)

    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    import_catalog(xlsx, url=other)
    assert dump(other) == from_csv
    db.get_engine(other).dispose()


def test_one_bad_cell_in_row_500_of_1000_writes_nothing(catalog_url, make_catalog):
    good = make_catalog(institutions=[institution()])
    import_catalog(good, url=catalog_url)
    before = dump(catalog_url)
    items = [programme(code=f"P{i:04d}", name=f"Nghề số {i}") for i in range(1000)]
    items[498]["quota"] = "nhiều"  # spreadsheet row 500
    folder = make_catalog(institutions=[institution(name="Tên mới")], programmes=items)
    found = problems_of(folder, catalog_url)
    assert found == ['programmes.csv:500:quota: "nhiều" không phải số nguyên']
    assert dump(catalog_url) == before


def test_second_import_changes_nothing(catalog_url):
    sample = Path(__file__).resolve().parents[2] / "catalog" / "sample"
    import_catalog(sample.parent / "national", url=catalog_url)
    first = import_catalog(sample, url=catalog_url)
    version = catalog_status(catalog_url).version
    before = dump(catalog_url)
    second = import_catalog(sample, url=catalog_url)
    assert first.touched > 60
    assert second.touched == 0
    assert all(len(p.changed) == 0 for p in second.plans.values())
    assert dump(catalog_url) == before
    assert catalog_status(catalog_url).version == version


def test_changed_rows_are_updated_with_old_and_new_values(catalog_url, make_catalog):
    import_catalog(make_catalog(institutions=[institution()], programmes=[programme()]), url=catalog_url)
    result = import_catalog(make_catalog(programmes=[programme(tuition_vnd_per_year="10.500.000")]), url=catalog_url)
    [(before, after)] = result.plans["programmes"].changed
    assert (before["tuition_vnd_per_year"], after["tuition_vnd_per_year"]) == (9800000, 10500000)
    assert queries.find_programmes(occupation="điện công nghiệp")[0].tuition_vnd_per_year == 10500000


def test_without_prune_missing_rows_stay(catalog_url, make_catalog):
    import_catalog(
        make_catalog(institutions=[institution()], programmes=[programme(), programme(code="P2", name="Hàn")]), url=catalog_url
    )
    result = import_catalog(make_catalog(programmes=[programme()]), url=catalog_url)
    assert result.plans["programmes"].removed == []
    assert len(dump(catalog_url)["programmes"]) == 2


def test_prune_removes_unlisted_rows_of_imported_institutions_only(catalog_url, make_catalog):
    import_catalog(
        make_catalog(
            institutions=[institution(), institution(code="HP-B", name="Trường B", province="Hải Phòng")],
            programmes=[programme(), programme(code="P2", name="Hàn"), programme(institution_code="HP-B", code="P9", name="May")],
            events=[event(), event(code="EV2")],
            policies=[policy(), policy(code="POL2")],
        ),
        url=catalog_url,
    )
    folder = make_catalog(programmes=[programme()], events=[event()], policies=[policy()])

    dry = import_catalog(folder, url=catalog_url, prune=True, dry_run=True)
    assert [len(dry.plans[n].removed) for n in ("programmes", "events", "policies")] == [1, 1, 1]
    assert len(dump(catalog_url)["programmes"]) == 3  # dry run wrote nothing

    result = import_catalog(folder, url=catalog_url, prune=True)
    assert [r["code"] for r in result.plans["programmes"].removed] == ["P2"]
    rows = dump(catalog_url)
    assert set(rows["programmes"]) == {("QN-A", "6520227"), ("HP-B", "P9")}  # school B untouched
    assert set(rows["events"]) == {("EV1",)}
    assert set(rows["policies"]) == {("POL1",)}
    assert set(rows["institutions"]) == {("QN-A",), ("HP-B",)}


def test_prune_can_be_refused_at_confirmation(catalog_url, make_catalog):
    import_catalog(
        make_catalog(institutions=[institution()], programmes=[programme(), programme(code="P2", name="Hàn")]), url=catalog_url
    )
    asked = []
    result = import_catalog(
        make_catalog(programmes=[programme(tuition_vnd_per_year="1")]),
        url=catalog_url,
        prune=True,
        confirm=lambda plans: asked.append(len(plans["programmes"].removed)) or False,
    )
    assert asked == [1] and not result.applied
    rows = dump(catalog_url)["programmes"]
    assert len(rows) == 2 and rows[("QN-A", "6520227")]["tuition_vnd_per_year"] == 9800000


def test_dry_run_reports_and_writes_nothing(catalog_url, make_catalog):
    result = import_catalog(make_catalog(institutions=[institution()]), url=catalog_url, dry_run=True)
    assert len(result.plans["institutions"].added) == 1 and not result.applied
    assert catalog_status(catalog_url).institutions == 0


def test_policy_levels_and_groups_are_replaced_on_change(catalog_url, make_catalog):
    import_catalog(make_catalog(policies=[policy(levels="so_cap", learner_groups="khuyet_tat;mo_coi")]), url=catalog_url)
    import_catalog(make_catalog(policies=[policy(levels="cao_dang", learner_groups="ho_ngheo")]), url=catalog_url)
    row = dump(catalog_url)["policies"][("POL1",)]
    assert (row["levels"], row["learner_groups"]) == (("cao_dang",), ("ho_ngheo",))


def test_demo_flag(catalog_url, make_catalog):
    import_catalog(make_catalog(institutions=[institution()]), url=catalog_url, demo=True)
    assert catalog_status(catalog_url).is_demo
    import_catalog(make_catalog(institutions=[institution(name="Đổi tên")]), url=catalog_url)
    assert catalog_status(catalog_url).is_demo  # an ordinary import leaves the flag alone


# --- bad input --------------------------------------------------------------------------


def test_binary_file_renamed_csv(catalog_url, tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "institutions.csv").write_bytes(bytes(range(256)) * 20)
    assert problems_of(folder, catalog_url) == ["institutions.csv:0:: tệp nhị phân, không phải tệp CSV văn bản"]


def test_xlsx_renamed_csv(catalog_url, tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    workbook = openpyxl.Workbook()
    workbook.save(folder / "institutions.csv")
    [line] = problems_of(folder, catalog_url)
    assert "đây là tệp Excel" in line


def test_non_utf8_csv_says_which_encoding_to_use(catalog_url, tmp_path):
    folder = tmp_path / "cp"
    write_csv(folder, "institutions", [institution(name="Truong A", province="Quang Ninh")])
    content = (folder / "institutions.csv").read_text(encoding="utf-8").replace("Truong A", "Trương Đăng A")
    (folder / "institutions.csv").write_bytes(content.encode("cp1258"))
    [line] = problems_of(folder, catalog_url)
    assert line.startswith("institutions.csv:2::") and "UTF-8" in line and "CSV UTF-8" in line


def test_file_over_the_size_limit(catalog_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOG_IMPORT_MAX_BYTES", str(1024 * 1024))
    settings.reload()
    folder = tmp_path / "big"
    write_csv(folder, "institutions", [institution(code=f"C{i:06d}", description="x" * 100) for i in range(12000)])
    [line] = problems_of(folder, catalog_url)
    assert line.startswith("institutions.csv:0::") and "tệp quá lớn" in line
    assert catalog_status(catalog_url).institutions == 0


def test_default_limit_refuses_a_50_mb_file_quickly(catalog_url, tmp_path):
    folder = tmp_path / "huge"
    folder.mkdir()
    with (folder / "programmes.csv").open("wb") as handle:
        handle.write(b"institution_code,code,name,level,field\n")
        handle.write((b"QN-A,P1,Dien,cao_dang,khac\n") * (50 * 1024 * 1024 // 27))
    [line] = problems_of(folder, catalog_url)
    assert "tệp quá lớn (50.0 MB), giới hạn 30 MB" in line


def test_formulas_in_xlsx_are_text_never_evaluated(catalog_url, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "institutions"
    sheet.append(["code", "name", "kind", "ownership", "province", "description"])
    sheet.append(["QN-A", "Trường A", "cao_dang", "cong_lap", "Quảng Ninh", '=HYPERLINK("http://evil.example","bấm")'])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    import_catalog(path, url=catalog_url)
    assert dump(catalog_url)["institutions"][("QN-A",)]["description"] == '=HYPERLINK("http://evil.example","bấm")'


def test_formula_in_a_number_column_is_an_error(catalog_url, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "programmes"
    sheet.append(["institution_code", "code", "name", "level", "field", "tuition_vnd_per_year"])
    sheet.append(["QN-A", "P1", "Hàn", "so_cap", "co_khi", "=1000*2"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    found = problems_of(path, catalog_url)
    assert [line.split(" (")[0] for line in found] == ['f.xlsx#programmes:2:tuition_vnd_per_year: "=1000*2" không phải số nguyên']


def test_excel_date_cells_and_typed_labels_in_xlsx(catalog_url, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "events"
    sheet.append(["code", "title", "start_date", "end_date", "province"])
    sheet.append(["EV1", "Ngày hội", dt.datetime(2027, 3, 20), dt.date(2027, 3, 21), "Quảng Ninh"])
    sheet["C2"].number_format = sheet["D2"].number_format = "dd/mm/yyyy"
    sheet.append(["EV2", "Ngày mở cửa", "20/04/2027", "21-04-2027", "Quảng Ninh"])
    policies = workbook.create_sheet("policies")
    policies.append(["code", "title", "benefit", "eligibility", "legal_basis", "scope", "levels", "effective_from"])
    policies.append(["POL1", "Thử", "Miễn", "Ai đó", "QĐ 1", "Toàn quốc", "Trung cấp; Cao đẳng", "1/1/2026"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    import_catalog(path, url=catalog_url)
    rows = dump(catalog_url)
    assert (rows["events"][("EV1",)]["start_date"], rows["events"][("EV1",)]["end_date"]) == (
        dt.date(2027, 3, 20),
        dt.date(2027, 3, 21),
    )
    assert rows["events"][("EV2",)]["end_date"] == dt.date(2027, 4, 21)
    policy = rows["policies"][("POL1",)]
    assert (policy["scope"], policy["levels"], policy["effective_from"]) == (
        "toan_quoc",
        ("trung_cap", "cao_dang"),
        dt.date(2026, 1, 1),
    )


def test_old_excel_files_are_explained(catalog_url, tmp_path):
    for name in ("cu.xls", "doi-ten.xlsx"):
        path = tmp_path / name
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
        [line] = problems_of(path, catalog_url)
        assert line.startswith(f"{name}:0:: đây là tệp Excel 97-2003 (.xls)") and "Excel Workbook (*.xlsx)" in line


def test_html_and_script_are_stored_as_plain_text(catalog_url, make_catalog):
    script = '<script>alert("x")</script><b>Trường</b>'
    import_catalog(make_catalog(institutions=[institution(description=script)]), url=catalog_url)
    assert dump(catalog_url)["institutions"][("QN-A",)]["description"] == script


def test_broken_xlsx(catalog_url, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    [line] = problems_of(path, catalog_url)
    assert line.startswith("broken.xlsx:0::") and "bị hỏng" in line


def test_zip_bomb_xlsx_is_refused(catalog_url, tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (400 * 1024 * 1024))
    [line] = problems_of(path, catalog_url)
    assert "nghi là tệp nén độc hại" in line


def test_unknown_file_and_sheet_names_are_errors(catalog_url, tmp_path):
    folder = tmp_path / "typo"
    write_csv(folder, "institutions", [institution()])
    shutil.copy(folder / "institutions.csv", folder / "programme.csv")
    assert problems_of(folder, catalog_url)[0].startswith("programme.csv:0:: tên tệp không thuộc định dạng")


def test_unbalanced_quotes_are_a_structure_error(catalog_url, tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "institutions.csv").write_text('code,name\nQN-A,"Trường A\n', encoding="utf-8")
    [line] = problems_of(folder, catalog_url)
    assert "cấu trúc" in line


def test_empty_folder(catalog_url, tmp_path):
    (tmp_path / "empty").mkdir()
    [line] = problems_of(tmp_path / "empty", catalog_url)
    assert "không có tệp .csv nào" in line


def test_imports_are_audited_with_who_file_hash_and_rows(catalog_url, make_catalog):
    from sqlalchemy import select

    from staff.models import ChangeSet

    folder = make_catalog(institutions=[institution()], programmes=[programme()])
    import_catalog(folder, url=catalog_url)
    import_catalog(folder, url=catalog_url)  # unchanged: nothing to audit
    (folder / "programmes.csv").write_text(
        (folder / "programmes.csv").read_text(encoding="utf-8-sig").replace("9800000", "9900000"), encoding="utf-8"
    )
    import_catalog(folder, url=catalog_url)
    with db.session(catalog_url) as session:
        changes = session.scalars(select(ChangeSet).where(ChangeSet.institution_code == "*").order_by(ChangeSet.version)).all()
        assert [c.version for c in changes] == [1, 2]
        assert changes[0].actor.startswith("lệnh import") and changes[0].kind == "import"
        assert {(r.table_name, r.action) for r in changes[0].rows} == {("institutions", "added"), ("programmes", "added")}
        edit = changes[1].rows
        assert len(edit) == 1 and edit[0].action == "changed"
        assert '"9800000"' in edit[0].before and '"9900000"' in edit[0].after
        assert len(changes[1].file_sha256) == 64 and changes[1].file_sha256 != changes[0].file_sha256
