"""Static SVG charts drawn at build time: burn-up, funnel and bar.

The reports are private files opened from disk, often offline, so they fetch
nothing: every chart is a small inline SVG string written here. Each chart
carries a <title> and text labels, and the numbers also appear in a table
next to it, so nothing depends on seeing colours.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from markupsafe import Markup, escape

from sferum_onboard import percent
from sferum_onboard.dates import date_text
from sferum_onboard.messages import REPORTS

# Colours with at least 4.5:1 contrast on white for text, 3:1 for lines.
STATUS_COLOURS = {"met": "#1b7a3a", "on_track": "#1d5fa8", "at_risk": "#b3261e", "no_data": "#5f6368"}
GRID, INK, MUTED, TARGET = "#d0d4da", "#1f2328", "#5f6368", "#8a4b00"
MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def burnup(
    series: Sequence[tuple[dt.date, float]],
    target: float,
    due: dt.date,
    forecast: float | None,
    status: str,
    title: str,
    width: int = 560,
    height: int = 200,
) -> Markup:
    """Share done over time, the target line, the due date and the forecast to it."""
    left, right, top, bottom = 44, 16, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    start = series[0][0] if series else due
    as_of = series[-1][0] if series else due
    end = max(due, as_of)
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return left + plot_w * (day - start).days / span

    def y(share: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, share)) / 100)

    colour = STATUS_COLOURS.get(status, INK)
    parts = [
        f'<svg class="chart burnup" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for level in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_num(y(level))}" y2="{_num(y(level))}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{_num(y(level) + 4)}" text-anchor="end" font-size="11" '
                     f'fill="{MUTED}">{percent.text(level)}</text>')
    for day in _month_starts(start, end):
        parts.append(f'<text x="{_num(x(day))}" y="{height - 10}" text-anchor="middle" font-size="11" '
                     f'fill="{MUTED}">{MONTHS[day.month - 1]}</text>')
    ty = _num(y(target))
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" stroke="{TARGET}" '
                 f'stroke-width="1.5" stroke-dasharray="6 4"/>')
    parts.append(f'<text x="{left + 4}" y="{_num(y(target) - 4 if target > 8 else y(target) + 13)}" font-size="11" '
                 f'fill="{TARGET}">{escape(REPORTS["chart-target"].format(value=percent.text(target)))}</text>')
    dx = _num(x(due))
    parts.append(f'<line x1="{dx}" x2="{dx}" y1="{top}" y2="{top + plot_h}" stroke="{TARGET}" stroke-width="1"/>')
    parts.append(f'<text x="{_num(x(due) - 4)}" y="{top + plot_h - 4}" text-anchor="end" font-size="11" '
                 f'fill="{TARGET}">{escape(REPORTS["chart-due"].format(date=date_text(due)))}</text>')
    if series:
        points = []
        previous = None
        for day, share in series:
            if previous is not None:
                points.append(f"{_num(x(day))},{_num(y(previous))}")  # a step: the value holds until it changes
            points.append(f"{_num(x(day))},{_num(y(share))}")
            previous = share
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        last_x, last_y = x(as_of), y(series[-1][1])
        parts.append(f'<circle cx="{_num(last_x)}" cy="{_num(last_y)}" r="3.5" fill="{colour}"/>')
        if forecast is not None and as_of < due:
            parts.append(f'<line x1="{_num(last_x)}" y1="{_num(last_y)}" x2="{dx}" y2="{_num(y(forecast))}" '
                         f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="2 4"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    # Long spans get every other month so labels never overlap.
    return months if len(months) <= 12 else months[::2]


def funnel(stages: Sequence[tuple[str, int | None]], total: int, title: str, width: int = 560) -> Markup:
    """Horizontal bars, one per milestone, each labelled with its count and share."""
    label_w, bar_h, gap = 150, 18, 8
    shown = [(label, n) for label, n in stages if n is not None]
    height = len(shown) * (bar_h + gap) + gap
    bar_space = width - label_w - 110
    parts = [
        f'<svg class="chart funnel" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, n) in enumerate(shown):
        top = gap + i * (bar_h + gap)
        share = n / total if total else 0.0
        parts.append(f'<text x="{label_w - 8}" y="{top + 13}" text-anchor="end" font-size="12" '
                     f'fill="{INK}">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{top}" width="{bar_space}" height="{bar_h}" fill="#eef1f4"/>')
        parts.append(f'<rect x="{label_w}" y="{top}" width="{_num(bar_space * share)}" height="{bar_h}" '
                     f'fill="{STATUS_COLOURS["on_track"]}"/>')
        parts.append(f'<text x="{label_w + bar_space + 8}" y="{top + 13}" font-size="12" fill="{INK}">'
                     f'{n} · {percent.text(100 * share)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar(share: float | None, width: int = 120, height: int = 12) -> Markup:
    """A small bar for a table cell (SVG, so it prints without background graphics)."""
    filled = 0.0 if share is None else width * max(0.0, min(100.0, share)) / 100
    return Markup(
        f'<svg class="bar" viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg"><rect width="{width}" height="{height}" fill="#eef1f4"/>'
        f'<rect width="{_num(filled)}" height="{height}" fill="{STATUS_COLOURS["on_track"]}"/></svg>'
    )
