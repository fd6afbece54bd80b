"""The store → feed records → files: what ``hotline feed``, ``hotline crawl`` and the daemon call.

The crawler owns the schema, so it reads the store and hands plain ``feeds.model`` records to
``feeds``, which knows nothing of Scrapy or SQL. Ids come from the store's stable keys (story id,
canonical URL), never from row numbers or build times, so a rebuilt feed repeats its ids and an item
never comes back as new; the feed's own ``updated`` is its newest entry's, so an unchanged store
rebuilds to unchanged bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from crawler.config import Config
from crawler.health import BROKEN, HealthPolicy, RunFacts, Verdict, assess
from crawler.store import RunRecord, Store
from feeds.model import Entry, Feed, Outlet
from feeds.write import write_all


@dataclass(frozen=True, slots=True)
class Published:
    """What a rebuild wrote: the files and how many entries each view has."""

    paths: tuple[Path, ...]
    stories: int
    articles: int
    broken: tuple[str, ...]


def article_entry_id(canonical_url: str) -> str:
    return "urn:hotline:article:" + hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:20]


def story_entry_id(story_id: str) -> str:
    return "urn:hotline:story:" + story_id


def parse_when(value: Any, fallback: datetime) -> datetime:
    """An ISO date or datetime from the store as an aware datetime (UTC when it has no zone)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return fallback
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return fallback


def _matched(row: dict[str, Any]) -> tuple[str, ...]:
    value = row.get("matched")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    return tuple(str(v) for v in value or ())


def _reason(row: dict[str, Any]) -> str:
    score = row.get("score")
    if score is None:
        return ""
    terms = ", ".join(_matched(row)) or "no topic terms"
    return f"relevance {float(score):.2f}: {terms}"


def _outlet(row: dict[str, Any]) -> Outlet:
    first_seen = row["first_seen"]
    return Outlet(
        site=row.get("site_name") or row.get("source") or "",
        url=row["url"],
        title=row.get("title") or "",
        published=parse_when(row.get("published"), first_seen),
    )


def article_entry(
    row: dict[str, Any],
    *,
    entry_id: str | None = None,
    updated: datetime | None = None,
    outlets: tuple[Outlet, ...] = (),
) -> Entry:
    """One stored article as a feed entry; a story entry is its lead article with the other outlets."""
    first_seen: datetime = row["first_seen"]
    published = min(parse_when(row.get("published"), first_seen), first_seen)
    return Entry(
        id=entry_id or article_entry_id(row["canonical_url"]),
        title=row.get("title") or row["url"],
        link=row["url"],
        published=published,
        updated=updated or first_seen,
        text=row.get("text") or "",
        summary=row.get("description") or "",
        author=row.get("author"),
        site_name=row.get("site_name") or row.get("source"),
        language=row.get("language"),
        image=row.get("image"),
        categories=_matched(row),
        reason=_reason(row),
        outlets=outlets,
    )


def story_entry(story: dict[str, Any]) -> Entry:
    """A story: its lead article's title, link and text, every other outlet, updated when one joins."""
    lead = story["lead"]
    others = tuple(_outlet(a) for a in story["articles"] if a["canonical_url"] != lead["canonical_url"])
    best = max(story["articles"], key=lambda a: a.get("score") or 0.0)
    entry = article_entry(
        lead, entry_id=story_entry_id(story["id"]), updated=story["updated"], outlets=others
    )
    reason = _reason(best)
    if others:
        reason += f" · {len(others) + 1} outlets"
    from dataclasses import replace

    return replace(entry, reason=reason)


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


def health_verdicts(config: Config, store: Store) -> dict[str, Verdict]:
    """Each configured source's verdict from its recent runs."""
    policy = HealthPolicy(broken_after=config.daemon.broken_after)
    verdicts = {}
    for source in config.sources:
        runs = store.runs(source=source.name, limit=200)
        verdicts[source.name] = assess([run_facts(r) for r in runs], policy, datetime.now(UTC))
    return verdicts


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


def health_feed(config: Config, verdicts: dict[str, Verdict]) -> Feed:
    """One entry per trouble episode of a source: its id stays while the episode lasts."""
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
    entries.sort(key=lambda e: e.updated, reverse=True)
    return Feed(entries=tuple(entries), **feed_metadata(config, "health"))


def publish(config: Config, store: Store) -> Published:
    """Rebuild every feed file from the store, atomically."""
    limit, threshold = config.feed.entries, config.feed.threshold
    stories = [story_entry(s) for s in store.feed_stories(limit=limit, threshold=threshold)]
    articles = [article_entry(a) for a in store.feed_articles(limit=limit, threshold=threshold)]
    stories.sort(key=lambda e: (e.updated, e.id), reverse=True)
    articles.sort(key=lambda e: (e.updated, e.id), reverse=True)
    verdicts = health_verdicts(config, store)
    health = health_feed(config, verdicts)
    paths = write_all(
        config.feeds_dir,
        Feed(entries=tuple(stories), **feed_metadata(config, "stories")),
        Feed(entries=tuple(articles), **feed_metadata(config, "articles")),
        health,
    )
    broken = tuple(e.site_name or "" for e in health.entries)
    return Published(tuple(paths), len(stories), len(articles), broken)
