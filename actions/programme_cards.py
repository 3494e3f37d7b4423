"""A programme's card with what the school has not reported filled in from the trade's labour
market (said as such, with its source and period)."""

from __future__ import annotations

from actions import replies
from catalog import queries


def programme_card(p: queries.ProgrammeInfo, details) -> str:
    """A programme's card; when its own graduates' pay or employment is asked but the school has
    not reported it, the trade's labour-market figures follow, with their source and period."""
    details = list(details)
    text = replies.programme_card(p, details)
    missing = ("income" in details and p.graduate_income_vnd_per_month is None) or (
        "employment" in details and p.employment_rate_percent is None
    )
    if missing and p.occupation_code:
        figure = queries.labour_figure(p.occupation_code, p.institution.province)
        if figure is not None:
            text += "\n\nSố liệu chung của nghề (không riêng trường này):\n" + replies.labour_text(figure, p.institution.province)
    return text
