"""The channel tracker's files: ``channels.json`` (for scripts), ``channels.html`` and ``channels.xml``.

The analyst's question is "are the two militaries talking, at which level": one row per channel with
its state, last contact, last breakdown and a timeline of every event (inline SVG, no JavaScript), and
a feed with one entry per change of state. ``channels.json`` is a contract scripts read: its keys
(id, name, state, last_contact, last_breakdown, events) stay; more may be added. Files are written
with ``atomic_write``, like the feeds. Built from plain records: this package knows nothing of the
crawler.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from feeds.channelmodel import (
    CSS_FILE,
    FEED_FILE,
    HTML_FILE,
    JSON_FILE,
    STATE_WORDS,
    ChannelChange,
    ChannelEvent,
    ChannelSummary,
)
from feeds.model import Entry, Feed
from feeds.render import render_atom
from feeds.sanitize import escape, one_line
from feeds.svg import Mark, span, timeline_svg
from feeds.write import atomic_write

__all__ = [  # the records are re-exported: the analyst imports them here
    "CSS_FILE",
    "FEED_FILE",
    "HTML_FILE",
    "JSON_FILE",
    "STATE_WORDS",
    "ChannelChange",
    "ChannelEvent",
    "ChannelSummary",
    "changes_feed",
    "channels_html",
    "channels_json",
    "write_channels",
]
LISTED = 60  # events listed under each channel, newest first (channels.json has more)


def _point(event: ChannelEvent | None) -> dict[str, Any] | None:
    if event is None:
        return None
    return {
        "date": event.date,
        "kind": event.kind,
        "story": event.story,
        "title": event.title,
        "page": event.page,
        "approximate": event.approximate,
    }


def channels_json(channels: Sequence[ChannelSummary], updated: datetime) -> bytes:
    """The tracker for scripts: ``{"channels": [{id, name, state, last_contact, last_breakdown, events}]}``.

    A contract: these keys stay (more may be added)."""
    data = {
        "updated": updated.astimezone(UTC).isoformat(),
        "channels": [
            {
                "id": c.id,
                "name": c.name,
                "description": c.description,
                "state": c.state if c.state in STATE_WORDS else "unknown",
                "since": c.since,
                "last_contact": _point(c.last_contact),
                "last_breakdown": _point(c.last_breakdown),
                "events_total": _total(c.events_total, c.events),
                "events": [
                    {
                        "date": e.date,
                        "kind": e.kind,
                        "story": e.story,
                        "participants": list(e.participants),
                        "title": e.title,
                        "page": e.page,
                        "approximate": e.approximate,
                    }
                    for e in c.events
                ],
                "changes_total": _total(c.changes_total, c.changes),
                "changes": [
                    {
                        "date": x.date,
                        "state": x.state,
                        "previous": x.previous,
                        "title": x.title,
                        "story": x.story,
                    }
                    for x in c.changes
                ],
            }
            for c in channels
        ],
    }
    # compact: json's C encoder (an indented dump takes the pure-Python one, ten times slower)
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _total(total: int | None, shown: Sequence[Any]) -> int:
    return len(shown) if total is None else total


def _when(day: str | None, approximate: bool = False) -> str:
    if not day:
        return "—"
    return f"about {day}" if approximate else day


def _event_link(event: ChannelEvent | None, root: str = "") -> str:
    if event is None:
        return '<span class="none">none known</span>'
    label = f"{escape(event.kind_name)}, {_when(event.date, event.approximate)}"
    title = f' <span class="what">{escape(one_line(event.title, 140))}</span>' if event.title else ""
    if event.page:
        return f'<a href="{escape(root + event.page)}">{label}</a>{title}'
    return label + title


def _state_badge(channel: ChannelSummary) -> str:
    word = STATE_WORDS.get(channel.state, "Unknown")
    since = f" since {escape(channel.since)}" if channel.since and channel.state != "unknown" else ""
    return f'<span class="state state-{escape(channel.state)}">{escape(word)}{since}</span>'


def _marks(channel: ChannelSummary) -> list[Mark]:
    """What the chart draws: the summary's timeline (each event or monthly bins), else its events."""
    if channel.timeline:
        return list(channel.timeline)
    return [
        Mark(
            date.fromisoformat(e.date),
            e.kind,
            e.state,
            f"{e.date} {e.kind_name}: {one_line(e.title, 120)}",
            e.page,
        )
        for e in channel.events
    ]


def _row(channel: ChannelSummary, start: date, end: date) -> str:
    marks = _marks(channel)
    total = _total(channel.events_total, channel.events)
    items = "\n".join(
        f'<li><time datetime="{escape(e.date)}">{_when(e.date, e.approximate)}</time> '
        f'<span class="kind kind-{escape(e.kind)}">{escape(e.kind_name)}</span> '
        + (
            f'<a href="{escape(e.page)}">{escape(one_line(e.title, 160) or e.story)}</a>'
            if e.page
            else escape(e.title)
        )
        + (f' <span class="who">{escape(", ".join(e.participants))}</span>' if e.participants else "")
        + "</li>"
        for e in list(reversed(channel.events))[:LISTED]
    )
    if total > LISTED:
        more = f"the newest {len(channel.events)} are in" if total > len(channel.events) else "see"
        items += f'\n<li class="none">{total - LISTED} earlier events: {more} {JSON_FILE}</li>'
    summary = f"<summary>{total} events</summary>"
    details = f'<details>{summary}\n<ol class="events">\n{items}\n</ol>\n</details>'
    return f"""<section class="channel" id="{escape(channel.id)}">
<div class="channel-head">
<h2>{escape(channel.name)}</h2>
{_state_badge(channel)}
</div>
<p class="desc">{escape(channel.description)}</p>
{timeline_svg(marks, start, end, f"{channel.name}: timeline")}
<dl class="facts">
<dt>Last contact</dt><dd>{_event_link(channel.last_contact)}</dd>
<dt>Last refusal or suspension</dt><dd>{_event_link(channel.last_breakdown)}</dd>
</dl>
{details if channel.events else '<p class="none">No event on this channel yet.</p>'}
</section>"""


def channels_html(channels: Sequence[ChannelSummary], updated: datetime, title: str, today: date) -> bytes:
    """The tracker page: one section per channel with its state, facts and timeline."""
    days = [m.day for c in channels for m in (c.timeline or ())]
    days += [date.fromisoformat(e.date) for c in channels for e in (() if c.timeline else c.events)]
    start, end = span(days, today)
    rows = (
        "\n".join(_row(c, start, end) for c in channels) or '<p class="none">No channels are configured.</p>'
    )
    legend = (
        '<p class="legend"><span class="swatch s-active"></span>active '
        '<span class="swatch s-suspended"></span>suspended '
        '<span class="swatch s-unanswered"></span>requests unanswered <span class="swatch s-unknown">'
        "</span>unknown · ○ contact · □ refusal or suspension · ◇ agreed to restore</p>"
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Channels · {escape(title)}</title>
<link rel="stylesheet" href="style.css">
<link rel="stylesheet" href="{CSS_FILE}">
<link rel="alternate" type="application/atom+xml" title="Channel changes" href="{FEED_FILE}">
</head>
<body class="analyst">
<header class="masthead">
<p class="kicker"><a href="index.html">{escape(title)}</a></p>
<h1>Are they talking?</h1>
<p class="lede">Each military channel between the United States and China: its state, the last contact,
the last refusal or suspension, and every event we found, with the reporting behind it.</p>
<nav class="subscribe"><a class="pill" href="{FEED_FILE}">Changes (Atom)</a>
<a class="pill" href="{JSON_FILE}">JSON</a> <a class="pill" href="index.html">Stories</a></nav>
<p class="updated">Updated {updated.astimezone(UTC):%Y-%m-%d %H:%M} UTC</p>
{legend}
</header>
<main>
{rows}
</main>
<footer>Event dates are when the contact happened, read from the reports; "about" marks an estimate.</footer>
</body>
</html>
"""
    return page.encode("utf-8")


def changes_feed(channels: Sequence[ChannelSummary], meta: Feed) -> Feed:
    """``channels.xml``: one entry per change of a channel's state, newest first, linked to its story."""
    entries = []
    for channel in channels:
        for change in channel.changes:
            moment = datetime.combine(date.fromisoformat(change.date), datetime.min.time(), UTC)
            link = meta.link.rstrip("/") + "/" + (change.page or f"{HTML_FILE}#{channel.id}")
            text = (
                f"{change.title}.\n\nChannel: {channel.name}. "
                f"State: {STATE_WORDS.get(change.state, change.state)}"
                f" (was {STATE_WORDS.get(change.previous, change.previous)}).\n\nTracker: "
                f"{meta.link.rstrip('/')}/{HTML_FILE}#{channel.id}"
            )
            entries.append(
                Entry(
                    id=f"urn:hotline:channel:{channel.id}:{change.date}:{change.state}:{change.story}",
                    title=change.title,
                    link=link,
                    published=moment,
                    updated=moment,
                    text=text,
                    summary=change.title,
                    categories=(channel.id, change.state),
                    reason=f"{channel.name}: {change.previous} → {change.state}",
                )
            )
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    updated = max((e.updated for e in entries), default=meta.updated)
    return Feed(
        id=meta.id,
        title=meta.title,
        description=meta.description,
        link=meta.link,
        entries=tuple(entries),
        self_link=meta.self_link,
        language=meta.language,
        updated=updated,
    )


def write_channels(
    directory: Path, channels: Sequence[ChannelSummary], meta: Feed, title: str, today: date
) -> list[Path]:
    """Write the stylesheet, ``channels.json``, ``channels.xml`` and ``channels.html`` atomically."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    updated = meta.updated or datetime(1970, 1, 1, tzinfo=UTC)
    css = resources.files("feeds").joinpath("static", CSS_FILE).read_bytes()
    feed = changes_feed(channels, meta)
    outputs = (
        (CSS_FILE, css),
        (JSON_FILE, channels_json(channels, updated)),
        (FEED_FILE, render_atom(feed, self_link=meta.link.rstrip("/") + "/" + FEED_FILE)),
        (HTML_FILE, channels_html(channels, updated, title, today)),
    )
    paths = []
    for name, data in outputs:
        atomic_write(directory / name, data)
        paths.append(directory / name)
    return paths
