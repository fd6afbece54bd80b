"""The store → feed records → files: what ``hotline feed``, ``hotline crawl`` and the daemon call.

The crawler owns the schema, so it reads the store and hands plain ``feeds.model`` records to
``feeds``, which knows nothing of Scrapy or SQL. Entries come from ``service.entries`` (stable ids,
times from the store), health from ``service.sourcehealth``. A feed's own ``updated`` is its newest
entry's, or the last crawl's when it is empty, so an unchanged store rebuilds to unchanged bytes;
before any crawl it is the build time (a real date, never 1970-01-01).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import Config
from crawler.service.entries import (
    article_entries,
    article_entry,
    article_entry_id,
    founded_story_id,
    replaced_entries,
    story_entries,
    story_entry,
    story_entry_id,
)
from crawler.service.sourcehealth import (
    health_feed,
    health_verdicts,
    last_activity,
    recent_runs,
    status_line,
    verdicts_from_runs,
)
from crawler.store import Store
from feeds.model import Entry, Feed
from feeds.site import write_all

__all__ = [
    "Published",
    "article_entry",
    "article_entry_id",
    "feed_metadata",
    "founded_story_id",
    "health_verdicts",
    "publish",
    "story_entry",
    "story_entry_id",
]

logger = logging.getLogger(__name__)

HEALTH_DESCRIPTION = (
    "Sources of this feed that are failing, broken or silently degraded: "
    "one entry per episode, with the reason and the source's address."
)


@dataclass(frozen=True, slots=True)
class Published:
    """What a rebuild wrote: the files, which of them changed, and how many entries each view has."""

    paths: tuple[Path, ...]
    stories: int
    articles: int
    broken: tuple[str, ...]  # sources in the health feed (failing, broken or degraded)
    changed: tuple[Path, ...] = ()  # files whose bytes differ from before the rebuild
    directory: Path | None = None
    status: str = ""  # the front page's line on what the crawler is doing


def feed_metadata(config: Config, view: str) -> dict[str, Any]:
    settings = config.feed
    titles = {
        "stories": settings.title,
        "articles": f"{settings.title} (every article)",
        "health": f"{settings.title}: source health",
    }
    return {
        "id": f"urn:hotline:feed:{view}",
        "title": titles[view],
        "description": HEALTH_DESCRIPTION if view == "health" else settings.description,
        "link": settings.link,
        "self_link": settings.self_link,
        "language": settings.language,
        "logo": settings.logo,
    }


def publish(config: Config, store: Store) -> Published:
    """Rebuild every feed file from the store, atomically; files whose bytes did not change are kept."""
    limit, threshold = config.feed.entries, config.feed.threshold
    stories = story_entries(store, limit, threshold)
    articles = article_entries(store, limit, threshold)
    runs = recent_runs(config, store)
    # a feed with no entries of its own is dated by the last crawl, else by the newest entry of the other
    # view, else now: a real date, and the same bytes on every rebuild of an unchanged store
    quiet = last_activity(runs) or max((e.updated for e in (*stories, *articles)), default=datetime.now(UTC))
    verdicts = verdicts_from_runs(config, runs)
    health = health_feed(config, verdicts, quiet, feed_metadata(config, "health"))
    status = status_line(runs, verdicts)
    directory = config.feeds_dir
    before = _snapshot(directory)
    extra, stories = _analyst(config, store, directory, _newest(stories, quiet), stories)
    paths = extra + write_all(
        directory,
        Feed(
            entries=tuple(stories),
            updated=_newest(stories, quiet),
            replaced=replaced_entries(store, stories, limit),
            **feed_metadata(config, "stories"),
        ),
        Feed(entries=tuple(articles), updated=_newest(articles, quiet), **feed_metadata(config, "articles")),
        health,
        status,
    )
    after = _snapshot(directory)
    changed = tuple(p for p in paths if before.get(p.name) != after.get(p.name))
    broken = tuple(e.site_name or "" for e in health.entries)
    return Published(tuple(paths), len(stories), len(articles), broken, changed, directory, status)


def _newest(entries: Iterable[Entry], fallback: datetime) -> datetime:
    return max((e.updated for e in entries), default=fallback)


def _analyst(
    config: Config, store: Store, directory: Path, updated: datetime, stories: list[Entry]
) -> tuple[list[Path], list[Entry]]:
    """The channel tracker and story pages (``crawler.service.analyst``), before the index links them;
    story entries then link their page. A failure here is logged and leaves the feeds as they were."""
    from crawler.service.analyst import publish_analyst

    try:
        done = publish_analyst(config, store, directory, updated)
    except OSError:  # the folder cannot be written: the same one clear error as the feeds
        raise
    except Exception as exc:  # a bug in the analyst's view: the feeds matter more
        logger.warning("channel tracker and story pages not written: %s: %s", type(exc).__name__, exc)
        return [], stories
    from feeds.storypage import page_name

    base = config.feed.link.rstrip("/") + "/"
    pages = {e.id: page_name(e.id.removeprefix("urn:hotline:story:")) for e in stories}
    has = {key for key, name in pages.items() if (directory / name).is_file()}
    linked = [replace(e, page=base + pages[e.id]) if e.id in has else e for e in stories]
    return list(done.paths), linked


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """(mtime in ns, size) per file: ``atomic_write`` leaves a file whose bytes are unchanged alone."""
    if not directory.is_dir():
        return {}
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in directory.iterdir() if p.is_file()}
