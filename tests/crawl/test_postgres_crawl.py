"""Two crawl processes writing one PostgreSQL store at the same moment, against the same crawl on SQLite.

``newsroom-rss`` and ``newsroom-sitemap`` share three articles, so both processes find them at once:
each must be stored once (one insert wins) and every relevant article must land in one story, the
stories cut the same way as on SQLite (story placement holds an advisory lock on PostgreSQL).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from crawler.core.urls import canonical_url
from crawler.service.launch import RunResult, run_crawl_process
from crawler.store import Store
from tests.newsroom import RSS, SITEMAP, article_url
from tests.storeview import all_stories

pytestmark = pytest.mark.slow

SOURCES = ("newsroom-rss", "newsroom-sitemap")


def crawl_at_once(config: Path, store_url: str, settings: dict[str, object]) -> dict[str, RunResult]:
    """Both sources in their own crawl process, started together; each tagged with a job id."""
    results: dict[str, RunResult] = {}
    start = threading.Barrier(len(SOURCES))

    def crawl(source: str) -> None:
        start.wait()
        job = {"HOTLINE_STORE": store_url, "HOTLINE_JOB_ID": f"job-{source}"}
        results[source] = run_crawl_process(str(config), source, 90, settings={**settings, **job})

    workers = [threading.Thread(target=crawl, args=(source,)) for source in SOURCES]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return results


def stories_of(store: Store) -> set[frozenset[str]]:
    """The story partition: each story as the set of its articles' canonical URLs."""
    members: dict[str, set[str]] = {}
    for article in store.articles.all():
        if article.story_id:
            members.setdefault(article.story_id, set()).add(article.canonical_url)
    return {frozenset(urls) for urls in members.values()}


def check_store(store: Store, results: dict[str, RunResult], expected: set[str]) -> set[frozenset[str]]:
    """Every article once, every relevant one in exactly one stored story, the runs tagged and overlapping."""
    for source, result in results.items():
        assert result.outcome == "ok", (source, result.errors)
    urls = [article.canonical_url for article in store.articles.all()]
    assert sorted(urls) == sorted(expected)  # no article twice
    assert sum(r.run.articles_new for r in results.values()) == len(expected)  # one insert per article won
    runs = {source: store.runs.for_job(f"job-{source}") for source in SOURCES}
    assert {s: r.id for s, r in runs.items()} == {s: results[s].run_id for s in SOURCES}
    first, second = runs.values()
    assert first.started < second.finished and second.started < first.finished  # they ran at once
    articles = list(store.articles.all())
    relevant = [a for a in articles if a.relevant]
    assert relevant, "the fixture site has relevant articles"
    assert all(a.story_id for a in relevant)
    assert {a.story_id for a in articles if a.story_id} <= {s["id"] for s in all_stories(store)}
    partition = stories_of(store)
    placed = {a.canonical_url for a in articles if a.story_id}
    assert sum(len(story) for story in partition) == len(placed)  # each placed article in one story
    return partition


def test_two_crawls_at_once_on_postgresql_store_like_sqlite(
    newsroom, crawl_config, crawl_settings, postgres_db, tmp_path
):
    expected = {canonical_url(article_url(newsroom, slug)) for slug in RSS | SITEMAP}
    assert len(expected) < len(RSS) + len(SITEMAP)  # the sources overlap
    # Each crawl takes over a second, so the two processes surely run at once: without this, a crawl
    # can start and finish while the other is still starting up.
    newsroom.fault("/articles/*", "slow", seconds=1)

    sqlite_url = f"sqlite:///{tmp_path / 'sqlite.db'}"
    on_sqlite = crawl_at_once(crawl_config, sqlite_url, crawl_settings)
    with Store(sqlite_url) as store:
        sqlite_stories = check_store(store, on_sqlite, expected)

    on_postgres = crawl_at_once(crawl_config, postgres_db, crawl_settings)
    with Store(postgres_db) as store:
        postgres_stories = check_store(store, on_postgres, expected)
        assert store.dialect == "postgresql"

    assert postgres_stories == sqlite_stories
