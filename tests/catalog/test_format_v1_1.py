"""Catalog format v1.1: new institution and programme columns, the occupations and
labour_market sheets, their import rules, and exports that stay v1 when v1.1 is unused."""

from __future__ import annotations

import filecmp

import pytest

from catalog import db, snapshot
from catalog.exporter import export_catalog
from catalog.importer import import_catalog
from catalog.problems import CatalogFileError
from tests.catalog.conftest import institution, programme


def occupation(**overrides) -> dict:
    row = {
        "code": "520227",
        "name": "Điện công nghiệp",
        "field": "dien_dien_tu",
        "aliases": "thợ điện; điện nhà máy",
        "description": "Lắp đặt, vận hành hệ thống điện nhà máy.",
        "suited_for": "Thích kỹ thuật, cẩn thận.",
        "riasec": "RI",
    }
    row.update(overrides)
    return row


def figure(**overrides) -> dict:
    row = {
        "occupation_code": "520227",
        "scope": "Quảng Ninh",
        "period": "2026-Q2",
        "demand": "cao",
        "income_min_vnd_per_month": "8000000",
        "income_max_vnd_per_month": "12000000",
        "source": "Bản tin thị trường lao động quý II/2026 (thử)",
    }
    row.update(overrides)
    return row


V11_INSTITUTION = {
    "admission_phone": "0203 000 9999",
    "zalo": "https://zalo.me/0203000999",
    "application_url": "https://thu.example.vn/dang-ky",
    "how_to_apply": "Đăng ký trực tuyến hoặc nộp tại phòng tuyển sinh.",
    "application_documents": "Phiếu đăng ký; bản sao học bạ.",
    "scholarships": "Học bổng khuyến khích học tập cho 10% sinh viên.",
}
V11_PROGRAMME = {
    "intake_start": "2027-09-15",
    "employment_rate_percent": "92",
    "employment_rate_year": "2025",
    "graduate_income_vnd_per_month": "9.500.000",
}


def rows(url: str, name: str) -> dict:
    with db.session(url) as session:
        return dict(snapshot.load(session, name))


def problems(error: CatalogFileError) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_a_v1_1_catalog_round_trips_identically(catalog_url, make_catalog, tmp_path):
    folder = make_catalog(
        institutions=[institution(**V11_INSTITUTION)],
        programmes=[programme(**V11_PROGRAMME), programme(code="SC-DIEN", level="so_cap", occupation_code="520227")],
        occupations=[occupation(), occupation(code="520123", name="Hàn", field="co_khi", aliases="thợ hàn; hàn xì")],
        labour_market=[
            figure(),
            figure(scope="toan_quoc", period="2025", demand="trung_binh", source_url="https://nso.gov.vn/x"),
        ],
    )
    import_catalog(folder, url=catalog_url)
    first, second = tmp_path / "first", tmp_path / "second"
    export_catalog(first, url=catalog_url)
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    import_catalog(first, url=empty)
    export_catalog(second, url=empty)
    db.get_engine(empty).dispose()

    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(
        ["institutions.csv", "programmes.csv", "events.csv", "policies.csv", "occupations.csv", "labour_market.csv"]
    )
    assert filecmp.cmpfiles(first, second, names, shallow=False)[1:] == ([], [])
    assert "graduate_income_vnd_per_month" in (first / "programmes.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "thợ hàn;hàn xì" in (first / "occupations.csv").read_text(encoding="utf-8-sig")
    stored = rows(catalog_url, "programmes")[("QN-A", "6520227")]
    assert stored["graduate_income_vnd_per_month"] == 9500000 and stored["occupation_code"] is None  # derived, not stored


def test_a_v1_catalog_exports_without_any_v1_1_file_or_column(catalog_url, make_catalog, tmp_path):
    import_catalog(make_catalog(institutions=[institution()], programmes=[programme()]), url=catalog_url)
    out = tmp_path / "out"
    export_catalog(out, url=catalog_url)
    assert sorted(p.name for p in out.iterdir()) == ["events.csv", "institutions.csv", "policies.csv", "programmes.csv"]
    header = (out / "institutions.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "code,name,kind,ownership,province,address,phone,email,website,dormitory,description"


def test_one_used_v1_1_column_is_exported_alone(catalog_url, make_catalog, tmp_path):
    import_catalog(make_catalog(institutions=[institution(zalo="0912 000 000")]), url=catalog_url)
    out = tmp_path / "out"
    export_catalog(out, url=catalog_url)
    header = (out / "institutions.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-1] == "zalo" and "scholarships" not in header


def test_each_v1_1_rule_is_reported_at_its_row_and_column(catalog_url, make_catalog):
    folder = make_catalog(
        institutions=[institution()],
        programmes=[
            programme(occupation_code="khong-co"),
            programme(code="5520227", level="trung_cap", employment_rate_percent="90"),
            programme(code="SC-1", level="so_cap", employment_rate_percent="101", employment_rate_year="25"),
        ],
        occupations=[occupation(riasec="RX"), occupation(code="520123", name="Hàn", field="han")],
        labour_market=[
            figure(income_min_vnd_per_month="9000000", income_max_vnd_per_month="8000000"),
            figure(occupation_code="999999", period="2026-Q5"),
            figure(scope="Sao Hỏa", source=""),
        ],
    )
    with pytest.raises(CatalogFileError) as error:
        import_catalog(folder, url=catalog_url)
    found = problems(error)
    for expected in (
        'programmes.csv:2:occupation_code: không có nghề mã "khong-co"',
        "programmes.csv:3:employment_rate_year: có tỷ lệ việc làm thì phải ghi năm",
        "programmes.csv:4:employment_rate_percent: 101 nằm ngoài khoảng",
        "programmes.csv:4:employment_rate_year: năm",
        "occupations.csv:2:riasec:",
        "occupations.csv:3:field:",
        "labour_market.csv:2:income_max_vnd_per_month: thu nhập cao nhất nhỏ hơn thu nhập thấp nhất",
        "labour_market.csv:3:period:",
        "labour_market.csv:4:scope:",
        "labour_market.csv:4:source: ô bắt buộc đang trống",
    ):
        assert any(p.startswith(expected) for p in found), (expected, found)
    assert rows(catalog_url, "institutions") == {}  # nothing written


def test_labour_market_may_refer_to_occupations_already_in_the_catalog(catalog_url, make_catalog):
    import_catalog(make_catalog(occupations=[occupation()]), url=catalog_url)
    import_catalog(make_catalog(labour_market=[figure()]), url=catalog_url)
    with pytest.raises(CatalogFileError) as error:
        import_catalog(make_catalog(labour_market=[figure(occupation_code="520123")]), url=catalog_url)
    assert problems(error) == [
        'labour_market.csv:2:occupation_code: không có nghề mã "520123" trong tệp occupations hay trong danh mục'
    ]


def test_upsert_by_key_and_prune_per_sheet(catalog_url, make_catalog):
    hàn = occupation(code="520123", name="Hàn", field="co_khi", aliases="")
    import_catalog(
        make_catalog(occupations=[occupation(), hàn], labour_market=[figure(), figure(period="2025", scope="toan_quoc")]),
        url=catalog_url,
    )
    again = import_catalog(
        make_catalog(occupations=[occupation(), hàn], labour_market=[figure(), figure(period="2025", scope="toan_quoc")]),
        url=catalog_url,
    )
    assert again.touched == 0

    changed = import_catalog(make_catalog(labour_market=[figure(demand="thap")]), url=catalog_url, prune=True)
    plan = changed.plans["labour_market"]
    assert (len(plan.changed), len(plan.removed), "occupations" in changed.plans) == (1, 1, False)
    assert list(rows(catalog_url, "labour_market")) == [("520227", "Quảng Ninh", "2026-Q2")]
    assert len(rows(catalog_url, "occupations")) == 2  # not in the file, so not pruned


def test_v1_1_summary_names_the_new_sheets(catalog_url, make_catalog):
    from catalog.importer import summary_line

    result = import_catalog(make_catalog(occupations=[occupation()], labour_market=[figure()]), url=catalog_url)
    assert "nghề: thêm 1" in summary_line(result) and "số liệu thị trường lao động: thêm 1" in summary_line(result)


def test_a_file_without_a_column_leaves_that_column_alone(catalog_url, make_catalog):
    import_catalog(make_catalog(institutions=[institution(**V11_INSTITUTION)]), url=catalog_url)
    result = import_catalog(make_catalog(institutions=[institution(address="Số 1 đường Mới")]), url=catalog_url)
    assert len(result.plans["institutions"].changed) == 1
    stored = rows(catalog_url, "institutions")[("QN-A",)]
    assert stored["address"] == "Số 1 đường Mới" and stored["zalo"] == V11_INSTITUTION["zalo"]
    import_catalog(make_catalog(institutions=[institution(zalo="")]), url=catalog_url)
    assert rows(catalog_url, "institutions")[("QN-A",)]["zalo"] is None  # an empty cell clears it
