"""The channel tracker: from every story's event, each channel's last contact, last breakdown and state.

A channel is active after a contact, suspended after a suspension, unanswered after a
refused or unanswered request, unknown before anything is known. Each change of state is kept (with
the story that caused it) because that is the news: "Theatre commanders: first contact since August
2022". Events are taken in date order (story id breaks ties), so the result does not depend on the
order stories were crawled in. Pure: no IO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from crawler.core.events import CONTACTS, KIND_NAMES, Event, channel_state

UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Point:
    """One event on a channel's timeline."""

    date: str
    kind: str
    story: str
    participants: tuple[str, ...] = ()
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """A channel's state changed with this story's event."""

    channel: str
    date: str
    state: str
    previous: str
    title: str
    story: str
    kind: str


@dataclass(frozen=True, slots=True)
class Mark:
    """A point of a channel's drawn timeline: one event, or a month's events of one class (a bin)."""

    date: str  # the event's day; for a bin, the day of its last event
    kind: str  # the event's kind; for a bin, the kind of its last event
    state: str  # the channel's state after it
    count: int = 1
    story: str | None = None  # the story of a single event
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class ChannelView:
    """A channel's current state (since when), last contact, last breakdown, its events (all, or the
    newest ``keep``) with the state after each, its changes, and the drawn timeline's series."""

    id: str
    name: str
    state: str
    since: str | None
    last_contact: Point | None
    last_breakdown: Point | None
    events: tuple[Point, ...]
    changes: tuple[Change, ...]
    total: int = 0  # events on the channel (``events`` may hold only the newest)
    states: tuple[str, ...] = ()  # the state after each of ``events``
    series: tuple[Mark, ...] = ()  # each event, or monthly bins when there are more than SERIES_LIMIT
    changes_total: int = 0


def month_year(day: str) -> str:
    """``2022-08-05`` → ``August 2022``."""
    return date.fromisoformat(day).strftime("%B %Y")


def change_title(name: str, state: str, previous: str, since: str | None, point: Point) -> str:
    """The feed title of a change: what happened to the channel, in a few words."""
    if state == "restored":
        return f"{name}: both sides agreed to restore it ({point.date})"
    if state == "active" and previous in ("suspended", "unanswered") and since:
        return f"{name}: first contact since {month_year(since)}"
    if state == "active":
        return f"{name}: {KIND_NAMES.get(point.kind, point.kind)} on {point.date}"
    if state == "suspended":
        return f"{name}: suspended on {point.date}"
    return f"{name}: requests unanswered since {point.date}"


# A row of a channel's timeline: (date, story, kind, participants, approximate); tuples sort by date
# then story, so the result does not depend on the order stories were crawled in.
Row = tuple[str, str, str, tuple[str, ...], bool]
SERIES_LIMIT = 150  # events a timeline draws one by one; beyond, one mark per month and class


def track_channels(
    events: Iterable[Event],
    channel_ids: Sequence[str],
    names: Mapping[str, str] | None = None,
    keep: int | None = None,
) -> list[ChannelView]:
    """Every channel's view, in ``channel_ids`` order; events on unknown channels are left out."""
    timeline: dict[str, list[Row]] = {c: [] for c in channel_ids}
    for event in events:
        if not event.date or not event.kind or channel_state(event.kind) is None:
            continue
        row = (event.date, event.story_id, event.kind, (*event.us, *event.cn), event.approximate)
        for channel in event.channels:
            if channel in timeline:
                timeline[channel].append(row)
    return track_rows(timeline, channel_ids, names, keep)


def track_rows(
    timeline: Mapping[str, Sequence[Row]],
    channel_ids: Sequence[str],
    names: Mapping[str, str] | None = None,
    keep: int | None = None,
) -> list[ChannelView]:
    """Every channel's view from its rows (compact: a rebuild reads one per event and channel); with
    ``keep``, a view holds only its newest ``keep`` events and changes (the counts say how many)."""
    names = names or {}
    return [_view(c, names.get(c, c), sorted(timeline.get(c, ())), keep) for c in channel_ids]


def _view(channel: str, name: str, rows: list[Row], keep: int | None) -> ChannelView:
    """Walk a channel's events in date order: its state, last contact and breakdown, and its changes.

    An agreement to restore a channel is news (an entry of its own) but not a contact: the channel
    stays suspended until someone actually talks on it, which is the "first contact since" entry.
    """
    state, since = UNKNOWN, None
    last_contact = last_breakdown = None
    changes: list[Change] = []
    after: list[str] = []
    for row in rows:
        day, story, kind = row[0], row[1], row[2]
        new = channel_state(kind) or state
        if kind in CONTACTS:
            last_contact = row
        elif new in ("suspended", "unanswered"):
            last_breakdown = row
        if kind == "restored":
            if state != "active":
                title = change_title(name, "restored", state, since, _point(row))
                changes.append(Change(channel, day, "restored", state, title, story, kind))
        elif new != state:
            title = change_title(name, new, state, since, _point(row))
            changes.append(Change(channel, day, new, state, title, story, kind))
            state, since = new, day
        after.append(state)
    first = 0 if keep is None else max(0, len(rows) - keep)
    return ChannelView(
        channel,
        name,
        state,
        since,
        _point(last_contact) if last_contact else None,
        _point(last_breakdown) if last_breakdown else None,
        tuple(_point(r) for r in rows[first:]),
        tuple(changes if keep is None else changes[-keep:]),
        total=len(rows),
        states=tuple(after[first:]),
        series=_series(rows, after),
        changes_total=len(changes),
    )


def _point(row: Row) -> Point:
    return Point(row[0], row[2], row[1], row[3], row[4])


def _series(rows: Sequence[Row], after: Sequence[str]) -> tuple[Mark, ...]:
    """What the timeline draws: each event, or (past SERIES_LIMIT) one mark per month and class of
    event (contact, breakdown, agreement), so a decade of events draws a few hundred marks at most."""
    if len(rows) <= SERIES_LIMIT:
        return tuple(Mark(r[0], r[2], s, 1, r[1], r[4]) for r, s in zip(rows, after, strict=True))
    bins: dict[tuple[str, str], list[Any]] = {}
    for row, state in zip(rows, after, strict=True):
        kind = row[2]
        group = "contact" if kind in CONTACTS else kind if kind == "restored" else "breakdown"
        found = bins.get((row[0][:7], group))
        if found is None:
            bins[(row[0][:7], group)] = [row[0], kind, state, 1, row[1]]
        else:
            found[:] = [row[0], kind, state, found[3] + 1, row[1]]
    marks = (Mark(d, k, s, n, story if n == 1 else None) for d, k, s, n, story in bins.values())
    return tuple(sorted(marks, key=lambda m: m.date))
