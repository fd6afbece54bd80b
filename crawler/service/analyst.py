"""The analyst's view, written with the feeds: each story's event, the channel tracker, the story pages.

Events are cached in the store per story version (``store.events``): a rebuild reads only the stories
that are new or grew since the last one, then the tracker is rebuilt from every cached event (one
small row per story). Channels come from the topic's ``[[channels]]``; a user topic without them uses
the bundled ones. Which side a readout speaks for is the source's ``official`` key.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import Config, ConfigError
from crawler.core.channels import bundled_topic_raw, gloss_terms
from crawler.core.events import KIND_NAMES, Event, EventModel, channel_state, derive_event, event_model
from crawler.core.records import Article
from crawler.core.tracker import ChannelView, Point, track_channels
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

logger = logging.getLogger(__name__)
BATCH = 500
TRACKER_FILES = (CSS_FILE, JSON_FILE, FEED_FILE, HTML_FILE)
EVENTS_PER_REBUILD = 2000  # stories whose event one rebuild reads (the first one on an old store)
PAGES_PER_REBUILD = 100  # story pages one rebuild writes (each an fsync'd atomic write, ~10 ms)
EVENTS_FORMAT = 2  # raise when crawler.core.events reads differently: cached events are read again


@dataclass(frozen=True, slots=True)
class Analyst:
    """What the analyst's rebuild wrote: the tracker's files and the stories that have a page (empty
    when nothing changed: ``has_page`` then tells)."""

    paths: tuple[Path, ...]  # channels.json/.xml/.html and their stylesheet (story pages are under stories/)
    pages: frozenset[str]  # story ids with a page under stories/
    events: int


def topic_with_channels(config: Config) -> dict[str, Any]:
    """The configured topic, with the bundled channels when it declares none."""
    topic = dict(config.topic)
    if not topic.get("channels"):
        topic["channels"] = bundled_topic_raw().get("channels", [])
    return topic


def as_article(row: FeedArticle) -> Article:
    return Article(
        url=row.url,
        canonical_url=row.canonical_url,
        title=row.title or "",
        text=row.text or "",
        published=row.published,
        language=row.language,
        site_name=row.site_name,
    )


def rules_version(topic: dict[str, Any]) -> str:
    """A digest of what an event is read with (the topic's channels and people, the reader's code
    version): cached events read with other rules are read again."""
    groups = topic.get("groups", {})
    people = {side: (groups.get(side) or {}).get("people") for side in ("us", "china")}
    data = json.dumps([EVENTS_FORMAT, topic.get("channels"), topic.get("spelling"), people], sort_keys=True)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]


def refresh_events(
    store: Store, model: EventModel, threshold: float, rules: str = "", budget: int | None = None
) -> list[str]:
    """Recompute the event of every story that is new or changed since its event (at most ``budget``
    stories: a rebuild's cost stays bounded on a large old store, later rebuilds do the rest); their ids."""
    refreshed: list[str] = []
    while budget is None or len(refreshed) < budget:
        size = BATCH if budget is None else min(BATCH, budget - len(refreshed))
        stale = store.events.stale(threshold=threshold, limit=size)
        for story in stale:
            event = derive_event(story.id, [as_article(a) for a in story.articles], model)
            record = {**event.to_dict(), "title": story.title or story.lead.title, "rules": rules}
            store.events.save(
                story.id, story.updated, event.date, event.kind, json.dumps(record, ensure_ascii=False)
            )
            refreshed.append(story.id)
        if len(stale) < size:
            break
    if budget is not None and len(refreshed) >= budget:
        logger.info("events of %d stories read; the rest in the next rebuilds", len(refreshed))
    return refreshed


def load_events(store: Store, rules: str | None = None) -> tuple[list[Event], dict[str, str]]:
    """Every cached event and each story's title; a record that cannot be read is logged and skipped.

    With ``rules``, a record read with other rules raises ``StaleRules`` (the caller reads them again).
    """
    events, titles = [], {}
    for story_id, record in store.events.all():
        try:
            raw = json.loads(record)
            event = Event.from_dict(raw)
        except (ValueError, TypeError) as exc:
            logger.warning("event of story %r left out: %s", story_id, exc)
            continue
        if rules is not None and raw.get("rules") != rules:
            raise StaleRules(story_id)
        events.append(event)
        titles[story_id] = str(raw.get("title") or "")
    return events, titles


class StaleRules(Exception):
    """Cached events were read with other rules (a changed topic or a newer reader)."""


def current_events(
    store: Store, topic: dict[str, Any], threshold: float, budget: int | None = None
) -> tuple[list[Event], dict[str, str], set[str]]:
    """Every story's event, read again where stale: (events, titles, ids of the stories read now)."""
    model, rules = event_model(topic), rules_version(topic)
    refreshed = set(refresh_events(store, model, threshold, rules, budget))
    store.events.prune()
    return _load_current(store, model, rules, threshold, budget, refreshed)


def _load_current(
    store: Store, model: EventModel, rules: str, threshold: float, budget: int | None, refreshed: set[str]
) -> tuple[list[Event], dict[str, str], set[str]]:
    """Every cached event; all read again first when they were read with other rules."""
    try:
        events, titles = load_events(store, rules)
    except StaleRules:
        logger.info("event rules changed: reading every story's event again")
        store.events.clear()
        refreshed = set(refresh_events(store, model, threshold, rules, budget))
        events, titles = load_events(store)
    return events, titles, refreshed


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
    events, titles, refreshed = _load_current(store, model, rules, threshold, EVENTS_PER_REBUILD, refreshed)
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
