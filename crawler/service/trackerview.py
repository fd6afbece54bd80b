"""The channel tracker's records for ``feeds.channels``: from the tracker's views and the few event
records the files show (titles, participants), never every record of the store.

Split from ``crawler.service.analyst`` (which decides what to read and write) so each stays one job.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from crawler.core.events import KIND_NAMES, channel_state
from crawler.core.tracker import ChannelView, Mark, Point, Row
from crawler.store import Store
from crawler.store.events import EventRow
from feeds.channels import ChannelChange, ChannelEvent, ChannelSummary
from feeds.sanitize import one_line
from feeds.storypage import page_name
from feeds.svg import Mark as Drawn

logger = logging.getLogger(__name__)


def _event(
    point: Point,
    titles: dict[str, str],
    pages: frozenset[str] | None = None,
    people: dict[str, tuple[str, ...]] | None = None,
) -> ChannelEvent:
    return ChannelEvent(
        date=point.date,
        kind=point.kind,
        kind_name=KIND_NAMES.get(point.kind, point.kind),
        story=point.story,
        title=titles.get(point.story, ""),
        participants=point.participants or (people or {}).get(point.story, ()),
        page=page_name(point.story) if pages is None or point.story in pages else None,
        approximate=point.approximate,
        state=channel_state(point.kind) or "unknown",
    )


def summaries(
    views: Iterable[ChannelView],
    descriptions: dict[str, str],
    titles: dict[str, str],
    pages: frozenset[str] | None = None,
    people: dict[str, tuple[str, ...]] | None = None,
) -> list[ChannelSummary]:
    """The tracker's views as the plain records ``feeds.channels`` renders (linking the ``pages``);
    ``people``: each story's participants, when the views' points were read without them."""
    result = []
    for view in views:
        events = tuple(
            replace(_event(p, titles, pages, people), state=state)
            for p, state in zip(view.events, view.states, strict=True)
        )
        result.append(
            ChannelSummary(
                id=view.id,
                name=view.name,
                description=descriptions.get(view.id, ""),
                state=view.state,
                since=view.since,
                last_contact=_event(view.last_contact, titles, pages, people) if view.last_contact else None,
                last_breakdown=(
                    _event(view.last_breakdown, titles, pages, people) if view.last_breakdown else None
                ),
                events=events,
                changes=tuple(
                    ChannelChange(
                        c.date,
                        c.state,
                        c.previous,
                        c.title,
                        c.story,
                        page_name(c.story) if not pages or c.story in pages else None,
                    )
                    for c in view.changes
                ),
                events_total=view.total or len(view.events),
                changes_total=view.changes_total or len(view.changes),
                timeline=tuple(_drawn(m, titles, pages) for m in view.series),
            )
        )
    return result


def _drawn(mark: Mark, titles: dict[str, str], pages: frozenset[str] | None) -> Drawn:
    """A point of the chart: one event (linked to its page), or a month's bin of several."""
    kind = KIND_NAMES.get(mark.kind, mark.kind)
    if mark.count > 1 or mark.story is None:
        label = f"{mark.date[:7]}: {mark.count} events, the last a {kind} on {mark.date}"
        return Drawn(date.fromisoformat(mark.date), mark.kind, mark.state, label, None, mark.count)
    label = f"{mark.date} {kind}: {one_line(titles.get(mark.story, ''), 120)}"
    page = page_name(mark.story) if pages is None or mark.story in pages else None
    return Drawn(date.fromisoformat(mark.date), mark.kind, mark.state, label, page)


def timeline_rows(rows: Iterable[EventRow]) -> dict[str, list[Row]]:
    """The compact rows per channel, as the tracker walks them (participants are read later)."""
    timeline: dict[str, list[Row]] = {}
    for channel, day, story, kind, approximate in rows:
        timeline.setdefault(channel, []).append((day, story, kind, (), approximate))
    return timeline


def shown_records(
    store: Store, views: Iterable[ChannelView]
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The titles and participants of the stories the tracker's files show: records read in full."""
    wanted: set[str] = set()
    for view in views:
        wanted.update(p.story for p in view.events)
        wanted.update(p.story for p in (view.last_contact, view.last_breakdown) if p is not None)
        wanted.update(c.story for c in view.changes)
        wanted.update(m.story for m in view.series if m.story)
    titles: dict[str, str] = {}
    people: dict[str, tuple[str, ...]] = {}
    for story_id, record in store.events.records(wanted).items():
        try:
            raw = json.loads(record)
            titles[story_id] = str(raw.get("title") or "")
            people[story_id] = (*raw.get("us", ()), *raw.get("cn", ()))
        except (ValueError, TypeError, AttributeError) as exc:
            logger.warning("event of story %r left out: %s", story_id, exc)
    return titles, people


