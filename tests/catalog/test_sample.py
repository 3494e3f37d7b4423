"""The shipped catalogs: fictional sample schools (labelled) and the real national policies."""

from __future__ import annotations

import csv
from collections import Counter

from catalog import schema
from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR

NEEDS_CONFIRMATION = "Theo thông tin hiện có, cần xác nhận với nhà trường"


def rows(folder, name):
    with (folder / f"{name}.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_sample_size_and_coverage():
    institutions = rows(SAMPLE_DIR, "institutions")
    programmes = rows(SAMPLE_DIR, "programmes")
    events = rows(SAMPLE_DIR, "events")
    provinces = Counter(r["province"] for r in institutions)
    assert len(institutions) >= 12 and len(provinces) >= 5
    assert {"Quảng Ninh", "Hải Phòng", "Lạng Sơn", "Quảng Ngãi"} <= set(provinces)
    assert len(programmes) >= 60
    assert {r["field"] for r in programmes} == set(schema.FIELDS)
    assert {r["level"] for r in programmes} == set(schema.LEVELS)
    assert len(events) >= 6
    assert any(r["start_date"] < "2026-11-22" for r in events) and sum(r["start_date"] > "2027-01-01" for r in events) >= 3


def test_every_sample_row_says_it_is_fictional():
    for name in ("institutions", "programmes", "events"):
        for row in rows(SAMPLE_DIR, name):
            assert "minh họa" in row["description"], (name, row)


def test_sample_has_no_policies_and_national_has_only_policies_and_occupations():
    assert not (SAMPLE_DIR / "policies.csv").exists()
    assert sorted(p.name for p in NATIONAL_DIR.iterdir()) == ["occupations.csv", "policies.csv"]


def test_sample_labour_figures_say_they_are_illustrative_and_occupations_carry_no_figures():
    for row in rows(SAMPLE_DIR, "labour_market"):
        assert row["source"].startswith("Số liệu minh họa"), row
    for row in rows(NATIONAL_DIR, "occupations"):
        assert row["description"] and row["suited_for"] and row["riasec"], row
        assert "đ/tháng" not in row["description"] and "%" not in row["description"]


def test_the_sample_leaves_some_v1_1_values_empty_on_purpose():
    institutions = rows(SAMPLE_DIR, "institutions")
    programmes = rows(SAMPLE_DIR, "programmes")
    for column in ("admission_phone", "zalo", "how_to_apply", "application_documents", "scholarships"):
        values = [r[column] for r in institutions]
        assert any(values) and not all(values), column
    for column in ("intake_start", "employment_rate_percent", "graduate_income_vnd_per_month"):
        values = [r[column] for r in programmes]
        assert any(values) and not all(values), column


def test_national_policies_carry_legal_basis_and_source():
    policies = rows(NATIONAL_DIR, "policies")
    assert len(policies) >= 10
    for row in policies:
        assert row["legal_basis"] and row["source_url"].startswith("https://"), row["code"]
        assert row["scope"] == "toan_quoc"
    by_code = {r["code"]: r for r in policies}
    assert "Quyết định 53/2015/QĐ-TTg" in by_code["QD53-NOITRU"]["legal_basis"]
    assert "Nghị định 238/2025/NĐ-CP" in by_code["ND238-MIEN-KHUYETTAT"]["legal_basis"]


def test_partially_confirmed_policies_are_worded_as_needing_confirmation():
    """policies.md marks these [P]: they may only be stated with the confirmation wording."""
    policies = {r["code"]: r for r in rows(NATIONAL_DIR, "policies")}
    for code in ("ND238-MIEN-THCS-TC", "ND61-BODOI-XUATNGU", "BHTN-HOCNGHE"):
        assert policies[code]["benefit"].startswith(NEEDS_CONFIRMATION), code
        assert "cần xác nhận" in policies[code]["title"], code
    # the 80%/60% boarding rates are [P]; the 100% rate is [C]
    boarding = policies["QD53-NOITRU"]["benefit"]
    assert boarding.index("100% mức lương cơ sở") < boarding.index(NEEDS_CONFIRMATION) < boarding.index("80% và 60%")


def test_unconfirmed_items_are_left_out():
    text = " ".join(" ".join(r.values()) for r in rows(NATIONAL_DIR, "policies"))
    assert "10 tháng" not in text  # boarding months per year: [U]
    assert "khó tuyển sinh" not in text  # status under ND 238: [U]
