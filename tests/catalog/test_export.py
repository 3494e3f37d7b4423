"""catalog.exporter: lossless round trip, formula escaping, the .xlsx template."""

from __future__ import annotations

import filecmp
from pathlib import Path

import openpyxl

from catalog import db, schema
from catalog.exporter import export_catalog
from catalog.importer import import_catalog
from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR, institution, programme


def test_export_import_export_gives_identical_files(catalog_url, tmp_path):
    import_catalog(NATIONAL_DIR, url=catalog_url)
    import_catalog(SAMPLE_DIR, url=catalog_url)
    first = tmp_path / "first"
    export_catalog(first, url=catalog_url)

    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    import_catalog(first, url=empty)
    second = tmp_path / "second"
    export_catalog(second, url=empty)
    db.get_engine(empty).dispose()

    names = sorted(p.name for p in first.iterdir())
    assert names == [
        "events.csv",
        "institutions.csv",
        "labour_market.csv",
        "occupations.csv",
        "policies.csv",
        "programmes.csv",
    ]
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert len((first / "programmes.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 69


def test_cells_that_spreadsheets_would_execute_are_escaped_and_round_trip(catalog_url, make_catalog, tmp_path):
    dangerous = ["=SUM(A1:A9)", "+84 203 000 0001", "-giảm 50%", "@cmd", "'trích dẫn"]
    folder = make_catalog(institutions=[institution(code=f"C{i}", description=value) for i, value in enumerate(dangerous)])
    import_catalog(folder, url=catalog_url)
    out = tmp_path / "out"
    export_catalog(out, url=catalog_url)
    exported = (out / "institutions.csv").read_text(encoding="utf-8-sig")
    for value in dangerous:
        assert f",'{value}" in exported or f",\"'{value}" in exported
    for line in exported.splitlines()[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line.split(","))

    again = f"sqlite:///{tmp_path / 'again.sqlite3'}"
    import_catalog(out, url=again)
    from catalog import snapshot

    with db.session(again) as session:
        stored = {k[0]: v["description"] for k, v in snapshot.load(session, "institutions").items()}
    db.get_engine(again).dispose()
    assert stored == {f"C{i}": value for i, value in enumerate(dangerous)}


def test_an_escaped_cell_typed_by_hand_is_unescaped_on_import(catalog_url, make_catalog):
    import_catalog(make_catalog(institutions=[institution(description="'=không phải công thức")]), url=catalog_url)
    from catalog import snapshot

    with db.session(catalog_url) as session:
        assert snapshot.load(session, "institutions")[("QN-A",)]["description"] == "=không phải công thức"


def test_xlsx_export_has_every_sheet_and_imports_back(catalog_url, make_catalog, tmp_path):
    import_catalog(make_catalog(institutions=[institution()], programmes=[programme(description="=1+1")]), url=catalog_url)
    path = tmp_path / "catalog.xlsx"
    export_catalog(path, url=catalog_url)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["huong_dan", "institutions", "programmes", "events", "policies"]
    sheet = workbook["programmes"]
    header = [c.value for c in sheet[1]]
    assert header == [c.name for c in schema.PROGRAMMES.columns if c.since == "1"]  # no v1.1 value: v1 columns only
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert row["tuition_vnd_per_year"] == 9800000  # a number, so Excel can sum it
    assert row["description"] == "'=1+1"
    assert sheet["D2"].data_type == "s"

    result = import_catalog(path, url=catalog_url)
    assert result.touched == 0


def test_empty_template_has_headers_and_dropdowns_only(catalog_url, tmp_path):
    path = tmp_path / "mau.xlsx"
    export_catalog(path, url=catalog_url, empty=True)
    workbook = openpyxl.load_workbook(path)
    for name, spec in schema.FILES.items():
        sheet = workbook[name]
        assert [c.value for c in sheet[1]] == list(spec.column_names)
        assert sheet.max_row == 1
    lists = {dv.formula1 for dv in workbook["programmes"].data_validations.dataValidation}
    assert '"so_cap,trung_cap,cao_dang"' in lists
    guide = " ".join(str(c.value) for row in workbook["huong_dan"].iter_rows() for c in row if c.value)
    assert "NGÀY/THÁNG/NĂM" in guide and "cao đẳng" in guide and "Tên ngành, nghề" in guide


def test_committed_template_matches_the_format(tmp_path):
    """docs/mau-danh-muc.xlsx is what admissions offices download; it must follow the current format."""
    template = Path(__file__).resolve().parents[2] / "docs" / "mau-danh-muc.xlsx"
    workbook = openpyxl.load_workbook(template)
    for name, spec in schema.FILES.items():
        assert [c.value for c in workbook[name][1]] == list(spec.column_names)
