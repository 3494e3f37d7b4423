"""Builders for catalog files used across the catalog tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from catalog import schema

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "catalog" / "sample"
NATIONAL_DIR = Path(__file__).resolve().parents[2] / "catalog" / "national"


def import_sample(url: str, **options):
    """The sample schools need the national occupations (their programmes point at them): national first."""
    from catalog.importer import import_catalog

    import_catalog(NATIONAL_DIR, url=url)
    return import_catalog(SAMPLE_DIR, url=url, **options)


def institution(**overrides) -> dict:
    row = {
        "code": "QN-A",
        "name": "Trường Cao đẳng Thử Nghiệm A",
        "kind": "cao_dang",
        "ownership": "cong_lap",
        "province": "Quảng Ninh",
        "phone": "0203 000 0001",
        "dormitory": "co",
    }
    row.update(overrides)
    return row


def programme(**overrides) -> dict:
    row = {
        "institution_code": "QN-A",
        "code": "6520227",
        "name": "Điện công nghiệp",
        "level": "cao_dang",
        "field": "dien_dien_tu",
        "duration_months": "30",
        "entry_requirement": "thpt",
        "tuition_vnd_per_year": "9800000",
        "application_deadline": "2027-08-15",
    }
    row.update(overrides)
    return row


def event(**overrides) -> dict:
    row = {"code": "EV1", "title": "Ngày hội tuyển sinh", "start_date": "2027-03-20", "province": "Quảng Ninh"}
    row.update(overrides)
    return row


def policy(**overrides) -> dict:
    row = {
        "code": "POL1",
        "title": "Chính sách thử",
        "benefit": "Miễn 100% học phí.",
        "eligibility": "Người học khuyết tật.",
        "legal_basis": "Nghị định 238/2025/NĐ-CP",
        "scope": "toan_quoc",
        "learner_groups": "khuyet_tat",
    }
    row.update(overrides)
    return row


def write_csv(folder: Path, name: str, rows: list[dict], *, header: list[str] | None = None, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if header is None:
        header = [c for c in schema.FILES[name].column_names if any(c in r for r in rows)]
        for row in rows:
            header += [k for k in row if k not in header]
    path = folder / f"{name}.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
    return path


def write_catalog(folder: Path, **files: list[dict]) -> Path:
    for name, rows in files.items():
        write_csv(folder, name, rows)
    return folder


@pytest.fixture
def make_catalog(tmp_path):
    """make_catalog(institutions=[...], programmes=[...]) → a folder of CSV files."""
    counter = iter(range(1000))

    def make(**files: list[dict]) -> Path:
        return write_catalog(tmp_path / f"cat{next(counter)}", **files)

    return make
