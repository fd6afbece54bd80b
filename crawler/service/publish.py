"""The store → feed records → files: what ``hotline feed``, ``hotline crawl`` and the daemon call.

The crawler owns the schema, so it reads the store and hands plain ``feeds.model`` records to
``feeds``, which knows nothing of Scrapy or SQL. Ids come from the store's stable keys (story id,
canonical URL), never from row numbers or build times, so a rebuilt feed repeats its ids and an item
never comes back as new; every time written into a feed comes from the store too (a feed's own
``updated`` is its newest entry's, or the last crawl's when it is empty), so an unchanged store
rebuilds to unchanged bytes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from crawler.config import Config
from crawler.core.health import BROKEN, HealthPolicy, RunFacts, Verdict, assess
from crawler.store import FeedArticle, FeedStory, RunRecord, Store
from feeds.model import Entry, Feed, Outlet
from feeds.site import write_all

logger = logging.getLogger(__name__)

# A feed needs an ``updated`` time even before anything was ever crawled; a fixed one keeps it stable.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Published:
    """What a rebuild wrote: the files, which of them changed, and how many entries each view has."""

    paths: tuple[Path, ...]
    stories: int
    articles: int
    broken: tuple[str, ...]  # sources in the health feed (broken or degraded)
    changed: tuple[Path, ...] = ()  # files whose bytes differ from before the rebuild
    directory: Path | None = None


def article_entry_id(canonical_url: str) -> str:
    return "urn:hotline:article:" + hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:20]


def story_entry_id(story_id: str) -> str:
    return "urn:hotline:story:" + story_id


def founded_story_id(canonical_url: str) -> str:
    """The story id an article founds, for an article in no story yet.

    Why: shown under this id, a relevant article the story stage has not placed keeps its id when
    the stage later makes it the founder of its own story, so the reader does not see it twice.
    Same formula as ``crawler.core.stories.new_story_id`` (a test holds them together), which is not
    imported because it pulls in numpy (about a tenth of a second per rebuild).
    """
    return "story-" + hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def parse_when(value: Any, fallback: datetime) -> datetime:
    """An ISO date or datetime from the store as an aware datetime (UTC when it has no zone)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return fallback
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return fallback


def _reason(article: FeedArticle) -> str:
    """``relevance 0.91: Austin, Dong Jun, video call`` (the wording of ``Score.explanation``)."""
    if article.score is None:
        return ""
    terms = ", ".join(article.matched) or "no topic terms"
    return f"relevance {float(article.score):.2f}: {terms}"


def _published(article: FeedArticle) -> datetime:
    """When the article appeared: its own date, never later than when we first saw it."""
    return min(parse_when(article.published, article.first_seen), article.first_seen)


def _link(article: FeedArticle) -> str:
    """The article's canonical URL (tracking parameters dropped, the AMP page's canonical page), else
    the URL it was fetched from."""
    canonical = article.canonical_url or ""
    return canonical if canonical.startswith(("http://", "https://")) else article.url


def _outlet(article: FeedArticle) -> Outlet:
    return Outlet(
        site=article.site_name or article.source or "",
        url=_link(article),
        title=article.title or "",
        published=_published(article),
    )


def article_entry(
    article: FeedArticle,
    *,
    entry_id: str | None = None,
    updated: datetime | None = None,
    outlets: tuple[Outlet, ...] = (),
) -> Entry:
    """One stored article as a feed entry; a story entry is its lead article with the other outlets."""
    return Entry(
        id=entry_id or article_entry_id(article.canonical_url),
        title=article.title or _link(article),
        link=_link(article),
        published=_published(article),
        updated=updated or article.first_seen,
        text=article.text or "",
        summary=article.description or "",
        author=article.author,
        site_name=article.site_name or article.source,
        language=article.language,
        image=article.image,
        categories=article.matched,
        reason=_reason(article),
        outlets=outlets,
    )


def story_entry(story: FeedStory) -> Entry:
    """A story: its lead article's title, link and text, every other outlet, updated when one joins.

    ``updated`` is the later of the story's own ``updated`` and its newest shown article's first
    sighting, so a new outlet moves it on even if the story stage did not touch the story row;
    ``published`` is its earliest article's, so it never moves.
    """
    lead, members = story.lead, story.articles
    others = tuple(_outlet(a) for a in members if a.canonical_url != lead.canonical_url)
    best = max(members, key=lambda a: a.score or 0.0)
    updated = max([story.updated, *(a.first_seen for a in members)])
    entry = article_entry(lead, entry_id=story_entry_id(story.id), updated=updated, outlets=others)
    reason = _reason(best)
    if others:
        reason += f" · {len(others) + 1} outlets"
    return replace(entry, reason=reason, published=min(_published(a) for a in members))


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
        "description": settings.description,
        "link": settings.link,
        "self_link": settings.self_link,
        "language": settings.language,
        "logo": settings.logo,
    }


def health_verdicts(config: Config, store: Store, now: datetime | None = None) -> dict[str, Verdict]:
    """Each configured source's verdict from its recent runs."""
    return verdicts_from_runs(config, recent_runs(config, store), now)


def recent_runs(config: Config, store: Store) -> dict[str, list[RunRecord]]:
    """Each configured source's latest runs, newest first (through the ``(source, started)`` index)."""
    return {source.name: store.runs.latest(source=source.name, limit=200) for source in config.sources}


def verdicts_from_runs(
    config: Config, runs: dict[str, list[RunRecord]], now: datetime | None = None
) -> dict[str, Verdict]:
    policy = HealthPolicy(broken_after=config.daemon.broken_after)
    now = now or datetime.now(UTC)
    return {name: assess([run_facts(r) for r in history], policy, now) for name, history in runs.items()}


def run_facts(run: RunRecord) -> RunFacts:
    return RunFacts(
        started=run.started,
        outcome=run.outcome,
        pages_fetched=run.pages_fetched,
        articles_new=run.articles_new,
        not_articles=run.not_articles,
        articles_failed=run.articles_failed,
        mean_text_length=run.mean_text_length,
        boilerplate_hits=run.boilerplate_hits,
        relevant_new=run.relevant_new,
        errors=run.errors,
        run_id=run.id,
    )


def health_feed(config: Config, verdicts: dict[str, Verdict], updated: datetime | None = None) -> Feed:
    """One entry per trouble episode of a source: its id stays while the episode lasts.

    ``updated`` is the feed's time when no source is in trouble (the newest episode's otherwise).
    """
    entries = []
    for name, verdict in sorted(verdicts.items()):
        if verdict.healthy or verdict.since is None:
            continue
        source = config.source(name)
        label = "broken" if verdict.status == BROKEN else "degraded"
        text = "\n\n".join(verdict.reasons)
        entries.append(
            Entry(
                id=f"urn:hotline:health:{name}:{verdict.since_run}",
                title=f"Source {name} is {label}",
                link=source.urls[0],
                published=verdict.since,
                updated=verdict.since,
                text=text + f"\n\nSource URL: {source.urls[0]}",
                summary=verdict.reasons[0] if verdict.reasons else label,
                site_name=name,
                categories=(label, verdict.grade or ""),
                reason=f"{label} since {verdict.since:%Y-%m-%d %H:%M} UTC",
            )
        )
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return Feed(entries=tuple(entries), updated=_newest(entries, updated), **feed_metadata(config, "health"))


def story_entries(store: Store, limit: int, threshold: float) -> list[Entry]:
    """The story view: stories with a relevant article, plus relevant articles in no story, newest first.

    An article the story stage has not placed (stored before it ran, or below its own threshold but
    above the feed's) is a story of one, under the id it would found, so it is never missing.
    """
    entries = _entries(story_entry, store.feed.stories(limit=limit, threshold=threshold))
    taken = {e.id for e in entries}
    # With the feed full of stories, an article seen before the oldest of them cannot get in.
    since = min(e.updated for e in entries) if len(entries) >= limit else None
    for article in store.feed.unassigned(limit=limit, threshold=threshold, since=since):
        try:
            entry = article_entry(article, entry_id=story_entry_id(founded_story_id(article.canonical_url)))
        except Exception as exc:  # one odd row must not stop the feed
            logger.warning("article %r left out of the story feed: %s", article.canonical_url, exc)
            continue
        if entry.id not in taken:
            taken.add(entry.id)
            entries.append(entry)
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries[:limit]


def article_entries(store: Store, limit: int, threshold: float) -> list[Entry]:
    """The article view: every relevant article on its own, newest first."""
    entries = _entries(article_entry, store.feed.articles(limit=limit, threshold=threshold))
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries


def _entries(build: Callable[[Any], Entry], rows: Iterable[FeedArticle | FeedStory]) -> list[Entry]:
    """Build one entry per row; a row that cannot be shown is logged and left out."""
    entries = []
    for row in rows:
        try:
            entries.append(build(row))
        except Exception as exc:  # a row the schema allows but we cannot show (a bug): skip it, say so
            logger.warning("feed row %r left out: %s: %s", row.id, type(exc).__name__, exc)
    return entries


def _newest(entries: Iterable[Entry], fallback: datetime | None) -> datetime:
    return max((e.updated for e in entries), default=None) or fallback or NEVER


def last_activity(runs: dict[str, list[RunRecord]]) -> datetime:
    """When a crawl last changed the store: the newest run's end (or start), else ``NEVER``."""
    return max((r[0].finished or r[0].started for r in runs.values() if r), default=NEVER)


def publish(config: Config, store: Store) -> Published:
    """Rebuild every feed file from the store, atomically; files whose bytes did not change are kept."""
    limit, threshold = config.feed.entries, config.feed.threshold
    stories = story_entries(store, limit, threshold)
    articles = article_entries(store, limit, threshold)
    runs = recent_runs(config, store)
    quiet = last_activity(runs)
    health = health_feed(config, verdicts_from_runs(config, runs), updated=quiet)
    directory = config.feeds_dir
    before = _snapshot(directory)
    extra, stories = _analyst(config, store, directory, _newest(stories, quiet), stories)
    paths = extra + write_all(
        directory,
        Feed(entries=tuple(stories), updated=_newest(stories, quiet), **feed_metadata(config, "stories")),
        Feed(entries=tuple(articles), updated=_newest(articles, quiet), **feed_metadata(config, "articles")),
        health,
    )
    after = _snapshot(directory)
    changed = tuple(p for p in paths if before.get(p.name) != after.get(p.name))
    broken = tuple(e.site_name or "" for e in health.entries)
    return Published(tuple(paths), len(stories), len(articles), broken, changed, directory)


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
