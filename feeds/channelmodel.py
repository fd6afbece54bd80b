"""The channel tracker's plain records and file names: what the analyst hands ``feeds.channels``.

Kept apart from the rendering (as ``feeds.model`` is for the feeds) so the records read on their own and
the renderer stays one job. Plain data: this package knows nothing of the crawler.
"""

from __future__ import annotations

from dataclasses import dataclass

from feeds.svg import Mark

JSON_FILE, HTML_FILE, FEED_FILE, CSS_FILE = "channels.json", "channels.html", "channels.xml", "analyst.css"
STATE_WORDS = {
    "active": "Active",
    "suspended": "Suspended",
    "unanswered": "Requests unanswered",
    "unknown": "Unknown",
}


@dataclass(frozen=True, slots=True)
class ChannelEvent:
    """One event on a channel: what the tracker lists and charts."""

    date: str
    kind: str
    kind_name: str
    story: str
    title: str = ""
    participants: tuple[str, ...] = ()
    page: str | None = None  # the story page, relative to the published folder
    approximate: bool = False
    state: str = "unknown"  # the channel's state after this event


@dataclass(frozen=True, slots=True)
class ChannelChange:
    """A change of a channel's state: one entry of ``channels.xml``."""

    date: str
    state: str
    previous: str
    title: str
    story: str
    page: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelSummary:
    """A channel as the tracker shows it."""

    id: str
    name: str
    description: str
    state: str
    since: str | None
    last_contact: ChannelEvent | None
    last_breakdown: ChannelEvent | None
    events: tuple[ChannelEvent, ...]  # all, or the newest (``events_total`` says how many there are)
    changes: tuple[ChannelChange, ...]  # all, or the newest (``changes_total``)
    events_total: int | None = None  # None: ``events`` holds them all
    changes_total: int | None = None
    timeline: tuple[Mark, ...] = ()  # what the chart draws (each event, or monthly bins); () : the events
