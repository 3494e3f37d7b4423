"""catalog.lookups: NLU lookup tables generated from the catalog."""

import yaml

from catalog.lookups import write_lookups
from tests.catalog.conftest import import_sample


def test_lookups_hold_catalog_names_with_and_without_diacritics(catalog_url, tmp_path):
    import_sample(catalog_url)
    counts = write_lookups(tmp_path, url=catalog_url)
    assert counts["school"] == 28  # 14 schools, two spellings each
    tables = {}
    for name in ("province", "programme", "school"):
        [entry] = yaml.safe_load((tmp_path / f"{name}.yml").read_text(encoding="utf-8"))["nlu"]
        assert entry["lookup"] == name
        tables[name] = [line[2:] for line in entry["examples"].splitlines()]
    assert {"hải dương", "hai duong", "sài gòn", "hcm"} <= set(tables["province"])
    assert {"điện công nghiệp", "dien cong nghiep"} <= set(tables["programme"])
    assert "truong cao dang viet han binh minh" in tables["school"]


def test_committed_lookups_match_the_sample_catalog(catalog_url, tmp_path):
    """data/nlu/lookups/ is generated from the sample catalog; regenerate with `make lookups`."""
    from pathlib import Path

    import_sample(catalog_url)
    write_lookups(tmp_path, url=catalog_url)
    committed = Path(__file__).resolve().parents[2] / "data" / "nlu" / "lookups"
    for name in ("province", "programme", "school"):
        assert (committed / f"{name}.yml").read_text(encoding="utf-8") == (tmp_path / f"{name}.yml").read_text(encoding="utf-8")
