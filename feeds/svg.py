"""A channel's timeline as inline SVG: state bands along a time axis, one marker per event, no JavaScript.

Why SVG and not a list: a reader sees at a glance when a channel went quiet and when it came back.
Every channel on the tracker shares one time axis, so rows line up year by year; each marker links to
its story page and carries a ``<title>`` (the browser's tooltip). Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from feeds.sanitize import escape

WIDTH, HEIGHT = 760, 64
LEFT, RIGHT = 12, 12
AXIS_Y, BAND_Y, BAND_H = 46, 22, 10
STATE_COLOURS = {"active": "#2e8b57", "suspended": "#c0392b", "unanswered": "#e08e0b", "unknown": "#c8ccd2"}
CONTACTS = frozenset({"call", "video-call", "meeting", "talks", "hotline"})


@dataclass(frozen=True, slots=True)
class Mark:
    """One event on the timeline: its day, kind, state after it, label and link."""

    day: date
    kind: str
    state: str
    label: str
    href: str | None = None
    count: int = 1  # events it stands for: a month's bin on a long timeline


def span(days: Sequence[date], today: date) -> tuple[date, date]:
    """The axis: from the January before the first event to ``today`` (at least a year wide)."""
    first = min(days, default=today)
    start = date(first.year, 1, 1)
    end = max(today, *(days or [today]))
    if (end - start).days < 365:
        start = date(end.year - 1, end.month, 1)
    return start, end


def _x(day: date, start: date, end: date) -> float:
    total = max(1, (end - start).days)
    return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / total, 1)


def timeline_svg(marks: Sequence[Mark], start: date, end: date, title: str) -> str:
    """The SVG element for one channel: state bands between changes, markers, year ticks."""
    ordered = sorted(marks, key=lambda m: m.day)
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{BAND_Y}" width="{WIDTH - LEFT - RIGHT}" height="{BAND_H}" rx="3" '
        f'fill="{STATE_COLOURS["unknown"]}"/>',
    ]
    for index, mark in enumerate(ordered):  # each state lasts until the next mark (or the axis end)
        until = ordered[index + 1].day if index + 1 < len(ordered) else end
        x0, x1 = _x(mark.day, start, end), _x(until, start, end)
        colour = STATE_COLOURS.get(mark.state, STATE_COLOURS["unknown"])
        width = max(1.0, round(x1 - x0, 1))
        parts.append(f'<rect x="{x0}" y="{BAND_Y}" width="{width}" height="{BAND_H}" fill="{colour}"/>')
    parts.append(_axis(start, end))
    for mark in ordered:
        parts.append(_marker(mark, _x(mark.day, start, end)))
    parts.append("</svg>")
    return "\n".join(parts)


def _axis(start: date, end: date) -> str:
    ticks = [f'<line x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}" stroke="#8a9099"/>']
    for year in range(start.year + (start.month > 1 or start.day > 1), end.year + 1):
        x = _x(date(year, 1, 1), start, end)
        ticks.append(f'<line x1="{x}" y1="{AXIS_Y - 3}" x2="{x}" y2="{AXIS_Y + 3}" stroke="#8a9099"/>')
        ticks.append(
            f'<text x="{x}" y="{HEIGHT - 3}" font-size="10" text-anchor="middle" fill="#5b6470">{year}</text>'
        )
    return "\n".join(ticks)


def _marker(mark: Mark, x: float) -> str:
    """A circle for a contact, a square for a breakdown, a diamond for an agreement to restore."""
    y = BAND_Y + BAND_H / 2
    tip = f"<title>{escape(mark.label)}</title>"
    if mark.kind in CONTACTS:
        style = 'fill="#ffffff" stroke="#1f6f43" stroke-width="2.5"'
        radius = 6 if mark.count == 1 else 7 + min(3, mark.count.bit_length() // 2)  # a bin: larger
        shape = f'<circle cx="{x}" cy="{y}" r="{radius}" {style}>{tip}</circle>'
    elif mark.kind == "restored":
        points = f"{x},{y - 8} {x + 7},{y} {x},{y + 8} {x - 7},{y}"
        shape = (
            f'<polygon points="{points}" fill="#2c6fbb" stroke="#ffffff" stroke-width="1.5">{tip}</polygon>'
        )
    else:
        shape = (
            f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="#ffffff" stroke="#a93226" '
            f'stroke-width="2.5">{tip}</rect>'
        )
    if mark.href:
        return f'<a href="{escape(mark.href)}">{shape}</a>'
    return shape
