"""``hotline run`` scaled out: crawls on two real Scrapyd nodes, every article in one PostgreSQL store.

The daemon is a real process; the nodes are the Scrapyd servers of ``tests/service/test_scrapyd.py`` (they run
only what the uploaded egg carries); the store is a fresh database of the session's PostgreSQL
cluster. Three sources fall due at start, two crawls at a time: they must spread over both nodes,
store every article once (the sitemap overlaps both feeds), tag each run with its Scrapyd job id, and
end in the feed the daemon serves.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.core.urls import canonical_url
from crawler.service.scrapyd_client import PROJECT, ScrapydNode
from crawler.store import Store
from tests.conftest import FAST_CRAWL, SiteServer
from tests.daemonproc import DaemonProcess
from tests.newsroom import ATOM, RSS, SITEMAP, article_url
from tests.service.test_scrapyd import ScrapydProcess, two_scrapyd_nodes

pytestmark = pytest.mark.slow

SOURCES = {"newsroom-rss": ("feed", "/rss.xml"), "newsroom-atom": ("feed", "/atom.xml"),
           "newsroom-sitemap": ("sitemap", "/sitemap_index.xml")}


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ScrapydProcess]]:
    yield from two_scrapyd_nodes(tmp_path_factory.mktemp("scale-nodes"))


def write_scaled_config(folder: Path, site: SiteServer, store: str, nodes: list[str]) -> Path:
    """A daemon config: the PostgreSQL store, the Scrapyd launcher, three newsroom sources."""
    scrapy = "\n".join(f"{key} = {value!r}" for key, value in FAST_CRAWL.items())
    sources = "".join(
        f'\n[[sources]]\nname = "{name}"\nkind = "{kind}"\nurl = "{site.url}{path}"\nevery = "1h"\n'
        + ("follow = '/articles/'\n" if kind == "sitemap" else "")
        for name, (kind, path) in SOURCES.items()
    )
    path = folder / "hotline.toml"
    path.write_text(f"""
bundled_sources = false
data_dir = "{(folder / 'data').as_posix()}"
store = "{store}"
launcher = "scrapyd"
scrapyd = {nodes!r}

[daemon]
jitter = 0
max_crawls = 2
crawl_timeout = 60

[scrapy]
{scrapy}
{sources}""", encoding="utf-8")
    return path


def test_the_daemon_crawls_on_two_scrapyd_nodes_into_postgresql(two_nodes, newsroom, postgres_db, tmp_path):
    config = write_scaled_config(tmp_path, newsroom, postgres_db, [n.url for n in two_nodes])
    expected = {canonical_url(article_url(newsroom, slug)) for slug in RSS | ATOM | SITEMAP}
    daemon = DaemonProcess(config)
    try:
        with Store(postgres_db) as store:

            def crawled() -> bool:
                finished = [r for r in store.runs.latest() if r.outcome != "running"]
                return {r.source for r in finished} == set(SOURCES)

            daemon.wait_for(crawled, 50, "a finished run of every source")
            runs = store.runs.latest()
            urls = [article.canonical_url for article in store.articles.all()]
            shown = {a.canonical_url for a in store.feed.articles(limit=100, threshold=0.5)}

            def served() -> bool:
                return {canonical_url(e.link) for e in daemon.entries()} >= shown

            daemon.wait_for(served, 20, "the feed to show the relevant articles")
            entries = daemon.entries()
    finally:
        assert daemon.stop() == 0, daemon.output()[-2000:]

    assert [r.outcome for r in runs] == ["ok"] * len(SOURCES), [(r.source, r.errors) for r in runs]
    assert sorted(urls) == sorted(expected)  # every article once, though the sitemap repeats both feeds
    assert shown, "the newsroom site has relevant articles"
    links = [canonical_url(e.link) for e in entries]
    assert len(links) == len(set(links)) and set(links) <= set(expected)

    jobs = {node.url: ScrapydNode(node.url).jobs(PROJECT) for node in two_nodes}
    assert all(jobs[url]["finished"] for url in jobs), "crawls spread over both nodes"
    finished = {job["id"]: job["spider"] for node_jobs in jobs.values() for job in node_jobs["finished"]}
    assert {r.job_id for r in runs} == set(finished)  # each run row names its Scrapyd job
    assert sorted(finished.values()) == ["feed", "feed", "sitemap"]
    for node in two_nodes:  # one egg per node, uploaded once
        assert len(list((node.folder / "eggs" / PROJECT).glob("*.egg"))) == 1
