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
class ChannelView:
    """A channel's current state (since when), last contact, last breakdown, every event and change."""

    id: str
    name: str
    state: str
    since: str | None
    last_contact: Point | None
    last_breakdown: Point | None
    events: tuple[Point, ...]
    changes: tuple[Change, ...]


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


def track_channels(
    events: Iterable[Event], channel_ids: Sequence[str], names: Mapping[str, str] | None = None
) -> list[ChannelView]:
    """Every channel's view, in ``channel_ids`` order; events on unknown channels are left out."""
    names = names or {}
    timeline: dict[str, list[Point]] = {c: [] for c in channel_ids}
    for event in events:
        if not event.date or not event.kind or channel_state(event.kind) is None:
            continue
        for channel in event.channels:
            if channel in timeline:
                point = Point(
                    event.date, event.kind, event.story_id, (*event.us, *event.cn), event.approximate
                )
                timeline[channel].append(point)
    return [
        _view(c, names.get(c, c), sorted(timeline[c], key=lambda p: (p.date, p.story))) for c in channel_ids
    ]


def _view(channel: str, name: str, points: list[Point]) -> ChannelView:
    """Walk a channel's events in date order: its state, last contact and breakdown, and its changes.

    An agreement to restore a channel is news (an entry of its own) but not a contact: the channel
    stays suspended until someone actually talks on it, which is the "first contact since" entry.
    """
    state, since = UNKNOWN, None
    last_contact = last_breakdown = None
    changes: list[Change] = []
    for point in points:
        new = channel_state(point.kind) or state
        if point.kind in CONTACTS:
            last_contact = point
        elif new in ("suspended", "unanswered"):
            last_breakdown = point
        if point.kind == "restored":
            if state != "active":
                title = change_title(name, "restored", state, since, point)
                changes.append(Change(channel, point.date, "restored", state, title, point.story, point.kind))
            continue
        if new != state:
            title = change_title(name, new, state, since, point)
            changes.append(Change(channel, point.date, new, state, title, point.story, point.kind))
            state, since = new, point.date
    events = tuple(points)
    return ChannelView(channel, name, state, since, last_contact, last_breakdown, events, tuple(changes))
