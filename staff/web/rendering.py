"""Jinja2 templates of the staff pages and the one way to render them."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from catalog.history import ACTIONS

KINDS = {
    "baseline": "ban đầu",
    "upload": "tải lên",
    "rollback": "khôi phục",
    "outside": "nhập ngoài trang",
    "import": "nhập bằng lệnh",
}

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
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
