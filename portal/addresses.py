"""The handbook's addresses: one stable, readable path per province, school and occupation.

A province is its current name without diacritics ("/quang-ninh"); whatever else names it
(a former province, a short form, the name with diacritics) is read with the catalog's own
province resolver and redirected there, so old links and printed QR codes keep working.
A school is its catalog code under its province, an occupation its catalog code under /nghe.
"""

from __future__ import annotations

from urllib.parse import quote

from catalog import provinces
from vntext import folding


def province_slug(name: str) -> str:
    """ "Quảng Ninh" → "quang-ninh"."""
    return "-".join(folding.key(name).split())


def resolve_province(slug: str) -> provinces.ProvinceMatch | None:
    """The province a path segment names: its slug, a former or short name, with or without diacritics."""
    text = " ".join(slug.replace("-", " ").replace("_", " ").split())
    if not text or len(text) > 80:
        return None
    return provinces.resolve(text)


def province_path(name: str) -> str:
    return f"/{province_slug(name)}"


def school_path(province: str, code: str) -> str:
    return f"/{province_slug(province)}/{quote(code)}"


def occupation_path(code: str) -> str:
    return f"/nghe/{quote(code)}"


def pdf_path(province: str) -> str:
    return f"/{province_slug(province)}.pdf"
