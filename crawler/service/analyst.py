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
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.config import Config, ConfigError
from crawler.core.channels import gloss_terms
from crawler.core.dates import parse_date
from crawler.core.events import KIND_NAMES, Event, event_model
from crawler.core.tracker import track_rows
from crawler.service.eventcache import (
    BATCH,
    EVENTS_FORMAT,
    StaleRules,
    as_article,
    current_events,
    drop_if_rules_changed,
    load_current,
    load_events,
    refresh_events,
    rules_version,
    topic_with_channels,
)
from crawler.service.trackerview import shown_records, summaries, timeline_rows
from crawler.store import FeedArticle, FeedStory, Store
from feeds.channels import (
    CSS_FILE,
    FEED_FILE,
    HTML_FILE,
    JSON_FILE,
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
SHOWN = 200  # newest events (and changes) per channel the tracker's files hold; the totals are counted


@dataclass(frozen=True, slots=True)
class Analyst:
    """What the analyst's rebuild wrote: the tracker's files and the stories that have a page (empty
    when nothing changed: ``has_page`` then tells)."""

    paths: tuple[Path, ...]  # channels.json/.xml/.html and their stylesheet (story pages are under stories/)
    pages: frozenset[str]  # story ids with a page under stories/
    events: int


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
    return parse_date(article.published) or article.first_seen


def publish_analyst(config: Config, store: Store, directory: Path, updated: datetime) -> Analyst:
    """Refresh stale events, write the pages of new or changed stories, then the tracker's files.

    When no event changed and every file is in place, nothing is read or written: a rebuild after a
    crawl that found nothing new costs two small queries and a directory listing. Otherwise the
    tracker walks one compact row per event and channel, and only what the files show (each
    channel's newest SHOWN events, its last contact and breakdown) is read in full.
    """
    topic = topic_with_channels(config)
    threshold = config.feed.threshold
    model, rules = event_model(topic), rules_version(topic)
    drop_if_rules_changed(store, rules)
    refreshed = set(refresh_events(store, model, threshold, rules, EVENTS_PER_REBUILD))
    pruned = store.events.prune()
    if not refreshed and not pruned and _complete(store, directory, rules):
        return Analyst(tuple(directory / name for name in TRACKER_FILES), frozenset(), -1)
    channels = model.channels.channels
    names = {c.id: c.name for c in channels}
    ids = store.events.ids()
    pages = write_pages(config, store, directory, ids, refreshed, topic, names)
    views = track_rows(timeline_rows(store.events.compact()), [c.id for c in channels], names, keep=SHOWN)
    titles, people = shown_records(store, views)
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
    rows = summaries(views, descriptions, titles, pages, people)
    paths = write_channels(directory, rows, meta, config.feed.title, updated.date())
    return Analyst(tuple(paths), pages, len(ids))


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
    ids: Iterable[str],
    refreshed: set[str],
    topic: dict[str, Any],
    names: dict[str, str],
) -> frozenset[str]:
    """Write the pages of changed stories and of stories without one, at most PAGES_PER_REBUILD; the
    ids of the stories that have a page afterwards. A changed story left for later loses its old page,
    so no link shows stale content; pages of stories gone are deleted. Only the events of the pages
    written are read in full."""
    folder = directory / STORIES_DIR
    have = {p.name for p in folder.glob("*.html")} if folder.is_dir() else set()
    name_of = {sid: page_name(sid).removeprefix(STORIES_DIR + "/") for sid in ids}
    todo = [sid for sid in sorted(refreshed) if sid in name_of]
    todo += [sid for sid in sorted(name_of) if sid not in refreshed and name_of[sid] not in have]
    now, later = todo[:PAGES_PER_REBUILD], todo[PAGES_PER_REBUILD:]
    for sid in later:
        if name_of[sid] in have:
            (folder / name_of[sid]).unlink(missing_ok=True)
    gloss = gloss_terms(topic)
    by_id = _events(store, now)
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


def _events(store: Store, story_ids: list[str]) -> dict[str, Event]:
    """The named stories' cached events, read in full (a record that cannot be read is left out)."""
    found = {}
    for story_id, record in store.events.records(story_ids).items():
        try:
            found[story_id] = Event.from_dict(json.loads(record))
        except (ValueError, TypeError) as exc:
            logger.warning("event of story %r left out: %s", story_id, exc)
    return found
