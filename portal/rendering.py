"""The handbook's Jinja2 templates, shared by the pages and the PDF so both say the same thing.

Rendered to text (not a response) so that a page can be kept per catalog version
(portal.freshness) and the PDF built from the same sections.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

import settings
from portal import addresses, wording

TEMPLATES = Path(__file__).resolve().parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
)
environment.filters.update(wording.FILTERS)
environment.globals.update(
    UNKNOWN=wording.UNKNOWN,
    SAMPLE_LABEL=wording.SAMPLE_LABEL,
    LEVELS=wording.LEVELS,
    KINDS=wording.KINDS,
    OWNERSHIPS=wording.OWNERSHIPS,
    FIELDS=wording.FIELDS,
    GROUPS=wording.GROUPS,
    DEMAND=wording.DEMAND,
    contact=wording.contact,
    province_path=addresses.province_path,
    school_path=addresses.school_path,
    occupation_path=addresses.occupation_path,
    pdf_path=addresses.pdf_path,
)


def render_text(template: str, **context) -> str:
    return environment.get_template(template).render(base_url=settings.get().portal_base_url, **context)
