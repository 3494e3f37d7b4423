"""The department's usage report (role `admin`): the /bao-cao page with its tables and charts,
its CSV, and the charts as PNG images. The figures are counselling.usage_report's, the same
as `python -m counselling report usage` prints; they identify no student."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from counselling import privacy, usage_charts, usage_report
from staff.web.auth import Signed, SignedIn, catalog_url
from staff.web.rendering import message_page, render

router = APIRouter(include_in_schema=False)


class NotAdmin(Exception):
    def __init__(self, signed: Signed):
        self.signed = signed


def _admin(signed: SignedIn) -> Signed:
    if not signed.actor.is_admin:
        raise NotAdmin(signed)
    return signed


AdminIn = Annotated[Signed, Depends(_admin)]


def install(app: FastAPI) -> None:
    """The answer to a signed-in account that is not the department's administrator."""

    @app.exception_handler(NotAdmin)
    async def not_admin(request: Request, error: NotAdmin):
        if request.url.path.endswith((".png", ".csv")):
            return JSONResponse({"error": "Báo cáo dành cho quản trị viên của Sở."}, status_code=403)
        return message_page(
            request,
            403,
            "Không có quyền",
            "Báo cáo sử dụng dành cho quản trị viên của Sở.",
            actor=error.signed.actor,
            csrf=error.signed.csrf,
        )


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _report(request: Request, tu: str | None, den: str | None) -> usage_report.UsageReport:
    """The report of the days asked for; a period that cannot be reported falls back to the
    last seven days (the page says why)."""
    try:
        return usage_report.usage(_day(tu), _day(den), catalog_url(request), retention_days=privacy.retention_days())
    except usage_report.BadPeriod:
        return usage_report.usage(None, None, catalog_url(request), retention_days=privacy.retention_days())


def _period_error(tu: str | None, den: str | None) -> str | None:
    if (tu and _day(tu) is None) or (den and _day(den) is None):
        return "Ngày không hợp lệ; đang xem 7 ngày gần nhất."
    try:
        usage_report.period(_day(tu), _day(den))
    except usage_report.BadPeriod as error:
        return f"{error} Đang xem 7 ngày gần nhất."
    return None


@router.get("/bao-cao")
def report_page(request: Request, signed: AdminIn, tu: str | None = None, den: str | None = None):
    report = _report(request, tu, den)
    query = urlencode({"tu": report.since.isoformat(), "den": report.until.isoformat()})
    return render(
        request,
        "report.html",
        actor=signed.actor,
        csrf=signed.csrf,
        report=report,
        query=query,
        error=_period_error(tu, den),
        duration=usage_report.duration,
        percent_text=usage_report.percent_text,
        retention_days=privacy.retention_days(),
    )


@router.get("/bao-cao/bao-cao.csv")
def report_csv(request: Request, _signed: AdminIn, tu: str | None = None, den: str | None = None):
    report = _report(request, tu, den)
    return Response(
        usage_report.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{usage_report.csv_name(report)}"'},
    )


@router.get("/bao-cao/bieu-do/{name}.png")
def report_chart(request: Request, name: str, _signed: AdminIn, tu: str | None = None, den: str | None = None):
    draw = usage_charts.CHARTS.get(name)
    if draw is None:
        return JSONResponse({"error": "Không có biểu đồ này."}, status_code=404)
    return Response(draw(_report(request, tu, den)), media_type="image/png")
