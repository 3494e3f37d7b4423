"""Jinja2 templates of the staff pages and the one way to render them.

Every page shows times and money the way people read them here, through two filters:
`{{ at|vn_time }}` → "14:05 04/12/2026" (Vietnam time; the database keeps UTC) and
`{{ amount|money }}` → "10.500.000 đ". `{{ value|cell(column) }}` shows one catalog cell
(money columns as money, an empty cell as "(trống)").
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from catalog import schema
from catalog.history import ACTIONS
from catalog.vietnam_time import vietnam_time

KINDS = {
    "baseline": "ban đầu",
    "upload": "tải lên",
    "rollback": "khôi phục",
    "outside": "nhập ngoài trang",
    "import": "nhập bằng lệnh",
}

# Catalog columns that hold amounts of đồng (tuition, incomes): shown as money.
MONEY_COLUMNS = frozenset(c.name for spec in schema.FILES.values() for c in spec.columns if "_vnd" in c.name)


def money(value) -> str:
    """10500000 or "10500000" → "10.500.000 đ" (dots between thousands); text that is not a
    whole number of đồng is shown as it is, never guessed at."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return text
    return f"{int(text):,}".replace(",", ".") + " đ"


def cell(value, column: str) -> str:
    """One catalog cell as the officer reads it."""
    if value is None or value == "":
        return "(trống)"
    return money(value) if column in MONEY_COLUMNS else str(value)


templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["vn_time"] = vietnam_time
templates.env.filters["money"] = money
templates.env.filters["cell"] = cell
templates.env.globals["ACTIONS"] = ACTIONS
templates.env.globals["KINDS"] = KINDS
templates.env.globals["TABLES"] = {
    "institutions": "Cơ sở",
    "programmes": "Ngành, nghề",
    "events": "Sự kiện",
    "policies": "Chính sách",
}


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def message_page(request: Request, status: int, title: str, message: str, **context) -> HTMLResponse:
    return render(request, "message.html", status, title=title, message=message, **context)
