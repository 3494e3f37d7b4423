"""The usage report's charts as PNG images (matplotlib, no display needed): messages per day
by channel, by topic and by province asked about. Drawn from the same UsageReport as the
tables, so a chart never shows another figure than its table."""

from __future__ import annotations

import io

from counselling.usage_report import UsageReport

BLUE, RED = "#1d5fa8", "#d9534f"
CHANNEL_COLOURS = ("#1d5fa8", "#0f9d58", "#f4a300", "#7b61ff", "#8a94a6")
BARS = 10  # topics and provinces drawn; the tables list them all


def _figure(width: float, height: float):
    """A figure that is not registered with pyplot: the page's charts are drawn in several
    threads at once, and pyplot's global state is not thread-safe (matplotlib's advice for web servers)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.subplots()


def _integer_locator():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def days(report: UsageReport) -> bytes:
    """Stacked bars: each day's messages, one colour per channel."""
    figure, axes = _figure(max(6, len(report.days) * 0.35), 3.5)
    positions = list(range(len(report.days)))
    bottom = [0] * len(report.days)
    for index, channel in enumerate(report.channels):
        values = [day.by_channel.get(channel.code, 0) for day in report.days]
        axes.bar(positions, values, bottom=bottom, color=CHANNEL_COLOURS[index % len(CHANNEL_COLOURS)], label=channel.name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(report.days) // 12)
    labels = [day.day.strftime("%d/%m") for day in report.days]
    axes.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
    axes.yaxis.set_major_locator(_integer_locator())
    axes.set_ylabel("Số câu hỏi")
    axes.set_title("Câu hỏi mỗi ngày, theo kênh")
    if report.channels:
        figure.legend(loc="outside lower center", ncol=len(report.channels), frameon=False)
    return _png(figure)


def _ranking(rows, title: str) -> bytes:
    """Horizontal bars, largest on top: answered and unanswered parts of each row."""
    shown = list(reversed(rows[:BARS]))
    figure, axes = _figure(7, max(2.5, 0.45 * len(shown) + 1))
    positions = list(range(len(shown)))
    answered = [r.messages - r.unanswered for r in shown]
    axes.barh(positions, answered, color=BLUE, label="Trả lời được")
    axes.barh(positions, [r.unanswered for r in shown], left=answered, color=RED, label="Chưa trả lời được")
    axes.set_yticks(positions, [_short(r.name) for r in shown])
    axes.xaxis.set_major_locator(_integer_locator())
    axes.set_title(f"{title} (số câu hỏi)")
    if shown:
        figure.legend(loc="outside lower center", ncol=2, frameon=False)
    else:
        axes.text(0.5, 0.5, "Chưa có câu hỏi nào", ha="center", va="center", transform=axes.transAxes)
    return _png(figure)


def _short(name: str, limit: int = 38) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def topics(report: UsageReport) -> bytes:
    return _ranking(report.topics, "Chủ đề được hỏi nhiều nhất")


def provinces(report: UsageReport) -> bytes:
    return _ranking(report.provinces, "Tỉnh, thành được hỏi nhiều nhất")


CHARTS = {"ngay": days, "chu-de": topics, "tinh": provinces}
