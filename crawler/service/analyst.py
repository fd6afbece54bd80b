"""The analyst's view, written with the feeds: the channel tracker and the story pages.

Events are read and cached by ``crawler.service.eventcache`` (re-exported here, where the command line
and the tests import them); this module turns them into files. Pages and events are written in bounded
batches per rebuild so the first rebuild on a large old store stays short. Which side a readout speaks
for is the source's ``official`` key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import Config, ConfigError
from crawler.core.channels import gloss_terms
from crawler.core.events import KIND_NAMES, Event, channel_state, event_model
from crawler.core.tracker import ChannelView, Point, track_channels
from crawler.service.eventcache import (
    BATCH,
    EVENTS_FORMAT,
    StaleRules,
    as_article,
    current_events,
    load_current,
    load_events,
    refresh_events,
    rules_version,
    topic_with_channels,
)
from crawler.store import FeedArticle, FeedStory, Store
from feeds.channels import (
    CSS_FILE,
    FEED_FILE,
    HTML_FILE,
    JSON_FILE,
    ChannelChange,
    ChannelEvent,
    ChannelSummary,
    write_channels,
)
from feeds.model import Feed
from feeds.storypage import STORIES_DIR, Evidence, Report, StoryView, page_name, write_story_page

__all__ = [  # the event names are re-exported: callers import them from here
    "BATCH",
    "EVENTS_FORMAT",
    "EVENTS_PER_REBUILD",
    "PAGES_PER_REBUILD",
    "TRACKER_FILES",
    "Analyst",
    "StaleRules",
    "as_article",
    "current_events",
    "load_current",
    "load_events",
    "publish_analyst",
    "refresh_events",
    "rules_version",
    "story_view",
    "summaries",
    "topic_with_channels",
    "write_pages",
]

logger = logging.getLogger(__name__)
TRACKER_FILES = (CSS_FILE, JSON_FILE, FEED_FILE, HTML_FILE)
EVENTS_PER_REBUILD = 2000  # stories whose event one rebuild reads (the first one on an old store)
PAGES_PER_REBUILD = 100  # story pages one rebuild writes (each an fsync'd atomic write, ~10 ms)


@dataclass(frozen=True, slots=True)
class Analyst:
    """What the analyst's rebuild wrote: the tracker's files and the stories that have a page (empty
    when nothing changed: ``has_page`` then tells)."""

    paths: tuple[Path, ...]  # channels.json/.xml/.html and their stylesheet (story pages are under stories/)
    pages: frozenset[str]  # story ids with a page under stories/
    events: int


def _event(point: Point, titles: dict[str, str], pages: frozenset[str] | None = None) -> ChannelEvent:
    return ChannelEvent(
        date=point.date,
        kind=point.kind,
        kind_name=KIND_NAMES.get(point.kind, point.kind),
        story=point.story,
        title=titles.get(point.story, ""),
        participants=point.participants,
        page=page_name(point.story) if pages is None or point.story in pages else None,
        approximate=point.approximate,
        state=channel_state(point.kind) or "unknown",
    )


def summaries(
    views: Iterable[ChannelView],
    descriptions: dict[str, str],
    titles: dict[str, str],
    pages: frozenset[str] | None = None,
) -> list[ChannelSummary]:
    """The tracker's views as the plain records ``feeds.channels`` renders (linking the ``pages``)."""
    result = []
    for view in views:
        events = [_event(p, titles, pages) for p in view.events]
        state = "unknown"
        for index, event in enumerate(events):  # the band colour after each event: the state it left
            changed = next(
                (c.state for c in view.changes if c.date == event.date and c.story == event.story), None
            )
            state = changed if changed in ("active", "suspended", "unanswered") else state
            events[index] = ChannelEvent(**{**_fields(event), "state": state})
        result.append(
            ChannelSummary(
                id=view.id,
                name=view.name,
                description=descriptions.get(view.id, ""),
                state=view.state,
                since=view.since,
                last_contact=_event(view.last_contact, titles, pages) if view.last_contact else None,
                last_breakdown=_event(view.last_breakdown, titles, pages) if view.last_breakdown else None,
                events=tuple(events),
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
            )
        )
    return result


def _fields(event: ChannelEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in ChannelEvent.__dataclass_fields__}


def _official(config: Config, source: str) -> str | None:
    try:
        return getattr(config.source(source), "official", None)
    except ConfigError:  # a source since removed from the config
        return None


def story_view(story: FeedStory, event: Event, config: Config, names: dict[str, str]) -> StoryView:
    reports = tuple(
        Report(
            site=a.site_name or a.source or "",
            url=a.canonical_url if a.canonical_url.startswith(("http://", "https://")) else a.url,
            title=a.title or "",
            published=_published(a),
            language=a.language,
            text=a.text or "",
            official=_official(config, a.source),
        )
        for a in story.articles
    )
    return StoryView(
        id=story.id,
        title=story.title or story.lead.title or story.id,
        date=event.date,
        approximate=event.approximate,
        kind_name=KIND_NAMES.get(event.kind or "", ""),
        channels=tuple((c, names.get(c, c)) for c in event.channels),
        us=event.us,
        cn=event.cn,
        evidence=tuple(Evidence(s.field, s.value, s.sentence, s.url) for s in event.support),
        reports=reports,
    )


def _published(article: FeedArticle) -> datetime | None:
    if not article.published:
        return article.first_seen
    try:
        moment = datetime.fromisoformat(article.published.strip().replace("Z", "+00:00"))
    except ValueError:
        return article.first_seen
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def publish_analyst(config: Config, store: Store, directory: Path, updated: datetime) -> Analyst:
    """Refresh stale events, write the pages of new or changed stories, then the tracker's files.

    When no event changed and every file is in place, nothing is read or written: a rebuild after a
    crawl that found nothing new costs two small queries and a directory listing.
    """
    topic = topic_with_channels(config)
    threshold = config.feed.threshold
    model, rules = event_model(topic), rules_version(topic)
    refreshed = set(refresh_events(store, model, threshold, rules, EVENTS_PER_REBUILD))
    pruned = store.events.prune()
    if not refreshed and not pruned and _complete(store, directory, rules):
        return Analyst(tuple(directory / name for name in TRACKER_FILES), frozenset(), -1)
    events, titles, refreshed = load_current(store, model, rules, threshold, EVENTS_PER_REBUILD, refreshed)
    channels = model.channels.channels
    names = {c.id: c.name for c in channels}
    by_id = {e.story_id: e for e in events}
    pages = write_pages(config, store, directory, by_id, refreshed, topic, names)
    views = track_channels(events, [c.id for c in channels], names)
    meta = Feed(
        id="urn:hotline:feed:channels",
        title=f"{config.feed.title}: channel changes",
        description="One entry each time a US–China military channel changes state.",
        link=config.feed.link,
        self_link=config.feed.self_link,
        language=config.feed.language,
        updated=updated,
    )
    descriptions = {c.id: c.description for c in channels}
    rows = summaries(views, descriptions, titles, pages)
    paths = write_channels(directory, rows, meta, config.feed.title, updated.date())
    return Analyst(tuple(paths), pages, len(events))


def _complete(store: Store, directory: Path, rules: str) -> bool:
    """Whether the tracker's files and a page per cached event are there, read with these rules."""
    if not all((directory / name).is_file() for name in TRACKER_FILES):
        return False
    count, sample = store.events.count_and_sample()
    folder = directory / STORIES_DIR
    pages = sum(1 for _ in folder.glob("*.html")) if folder.is_dir() else 0
    try:
        same_rules = sample is None or json.loads(sample).get("rules") == rules
    except ValueError:
        same_rules = False
    return pages == count and same_rules


def write_pages(
    config: Config,
    store: Store,
    directory: Path,
    by_id: dict[str, Event],
    refreshed: set[str],
    topic: dict[str, Any],
    names: dict[str, str],
) -> frozenset[str]:
    """Write the pages of changed stories and of stories without one, at most PAGES_PER_REBUILD; the
    ids of the stories that have a page afterwards. A changed story left for later loses its old page,
    so no link shows stale content; pages of stories gone are deleted."""
    folder = directory / STORIES_DIR
    have = {p.name for p in folder.glob("*.html")} if folder.is_dir() else set()
    name_of = {sid: page_name(sid).removeprefix(STORIES_DIR + "/") for sid in by_id}
    todo = [sid for sid in sorted(refreshed) if sid in by_id]
    todo += [sid for sid in sorted(by_id) if sid not in refreshed and name_of[sid] not in have]
    now, later = todo[:PAGES_PER_REBUILD], todo[PAGES_PER_REBUILD:]
    for sid in later:
        (folder / name_of[sid]).unlink(missing_ok=True)
    gloss = gloss_terms(topic)
    for story in store.events.stories(now, threshold=config.feed.threshold):
        try:
            view = story_view(story, by_id[story.id], config, names)
            write_story_page(directory, view, gloss, config.feed.title)
        except Exception as exc:  # one odd story must not stop the rebuild
            logger.warning("story page %r not written: %s: %s", story.id, type(exc).__name__, exc)
    keep = set(name_of.values())
    for name in have - keep:  # stories merged away or gone
        (folder / name).unlink(missing_ok=True)
    have = {p.name for p in folder.glob("*.html")} if folder.is_dir() else set()
    return frozenset(sid for sid, name in name_of.items() if name in have)
