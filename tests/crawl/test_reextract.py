"""``hotline reextract`` on a store crawled under an older rule set, on SQLite and on PostgreSQL.

A real crawl of the newsroom fixture site keeps every article page raw. Two things then stand for the
older rules: the store is left as an older extractor left it for one off-beat article ("not an article:
text too short", remembered so the page is never fetched again: issue 14's wrongly rejected pages), and
the re-extraction runs under a config whose source gained a ``selectors`` rule removing a paragraph that
the crawl kept (a leak a new rule removes). ``hotline reextract`` (the real command, in its own process,
no network: the site server's request log stays empty) must bring the article back and clear its
failure row, take the paragraph out of the stored text and out of the feed, duplicate nothing and leave
the stories as they were; a second run changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import feedparser
import pytest
from sqlalchemy import delete, select

from crawler.config import load_config
from crawler.service.publish import publish
from crawler.store import Store
from crawler.store.schema import articles, failures
from tests.newsroom import RSS, SITEMAP, article_url, stored_urls
from tests.storeview import get_article

LEAK = "It was the first conversation at the level of theater commanders"
LEAK_RULE = ".story-body > p:nth-of-type(2)"  # the new rule: that paragraph, on newsroom-rss only
REJECTED = "marathon-road-closures"  # off the beat: in no story, so an older extractor could drop it
LEAKY = "theater-commanders-talk"
NOT_AN_ARTICLE = "video-carrier-drills"  # in the feed, rightly rejected: it stays rejected


def hotline(config: Path, *args: str, store: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if store is not None:
        env["HOTLINE_STORE"] = store
    return subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def with_new_rule(config: Path) -> Path:
    """The crawl's config with the new rule added to newsroom-rss (the source keys follow its url)."""
    text = config.read_text(encoding="utf-8")
    marker = '/rss.xml"\n'
    assert marker in text
    newer = config.with_name("newer.toml")
    newer.write_text(text.replace(marker, f"{marker}selectors = ['{LEAK_RULE}']\n", 1), encoding="utf-8")
    return newer


def reject_as_an_older_extractor_did(store: Store, url: str) -> None:
    """What an older extractor left for a page it wrongly rejected: no article, a failure remembered."""
    with store.db.write() as conn:
        assert conn.execute(delete(articles).where(articles.c.canonical_url == url)).rowcount == 1
    store.failures.record(url, "newsroom-rss", "not an article: text too short (12 words)", False)
    assert store.articles.known(url).startswith("not an article")


def story_partition(store: Store) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for article in store.articles.all():
        if article.story_id:
            members.setdefault(article.story_id, set()).add(article.canonical_url)
    return {frozenset(urls) for urls in members.values()}


def feed_text(config: Any) -> str:
    path = config.feeds_dir / "articles.atom.xml"
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return "\n".join(entry.content[0].value for entry in parsed.entries if entry.get("content"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, crawl_config: Path) -> str:
    if request.param == "sqlite":
        return load_config(crawl_config).store
    return str(request.getfixturevalue("postgres_db"))


def test_reextract_heals_a_store_crawled_with_older_rules(crawl, crawl_config, newsroom, store_url):
    result = crawl("newsroom-rss", HOTLINE_STORE=store_url)
    assert result.outcome == "ok", result.errors
    config = dataclasses.replace(load_config(crawl_config), store=store_url)
    expected = {article_url(newsroom, slug) for slug in RSS}
    rejected, leaky = article_url(newsroom, REJECTED), article_url(newsroom, LEAKY)
    with Store(store_url) as store:
        assert stored_urls(store) == expected
        # every article page, kept raw: the articles and the page that is no article (a video page)
        assert store.pages.count(source="newsroom-rss") == len(RSS) + 1
        assert store.articles.known(article_url(newsroom, NOT_AN_ARTICLE)).startswith("not an article")
        assert get_article(store, rejected).story_id is None
        assert LEAK in get_article(store, leaky).text
        stories_before = story_partition(store)
        reject_as_an_older_extractor_did(store, rejected)
        publish(config, store)
    assert LEAK in feed_text(config)
    newsroom.clear_log()

    done = hotline(with_new_rule(crawl_config), "reextract", "--json", store=store_url)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["pages"] == len(RSS) + 1
    assert (summary["added"], summary["updated"], summary["rejected"]) == (1, 1, 1), summary
    assert sorted(summary["changed"]) == sorted([rejected, leaky])
    assert newsroom.log() == []  # no network

    with Store(store_url) as store:
        assert stored_urls(store) == expected  # the rejected article is back, nothing twice
        assert store.articles.count() == len(RSS)
        back = get_article(store, rejected)
        assert back is not None and back.text and back.relevant is False
        assert store.articles.known(rejected) == "article"
        with store.db.read() as conn:  # its failure row cleared; the video page's kept
            failed = set(conn.execute(select(failures.c.url)).scalars())
        assert failed == {article_url(newsroom, NOT_AN_ARTICLE)}
        healed = get_article(store, leaky)
        assert LEAK not in healed.text and "Paparo urged the PLA" in healed.text
        assert healed.text_length == len(healed.text)
        assert story_partition(store) == stories_before
    assert LEAK not in feed_text(config)  # the feeds were rebuilt
    assert "Paparo urged the PLA" in feed_text(config)

    again = hotline(with_new_rule(crawl_config), "reextract", "--json", "--no-feed", store=store_url)
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    counts = summary["added"], summary["updated"], summary["unchanged"], summary["rejected"]
    assert counts == (0, 0, len(RSS), 1)


def test_reextract_under_the_crawls_own_rules_changes_nothing(crawl, store_of, crawl_config):
    """Re-extraction is the crawl's own stages: the same rules give the same records, stories included."""
    assert crawl("newsroom-atom").outcome == "ok"
    with store_of() as store:
        before = sorted(dataclasses.astuple(a) for a in store.articles.all())
    done = hotline(crawl_config, "reextract", "--source", "newsroom-atom", "--since", "2020-01-01", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["pages"] > 0 and summary["unchanged"] == summary["pages"], summary
    with store_of() as store:
        assert sorted(dataclasses.astuple(a) for a in store.articles.all()) == before
    nothing = hotline(crawl_config, "reextract", "--since", "2999-01-01", "--json", "--no-feed")
    assert json.loads(nothing.stdout)["pages"] == 0


def test_reextract_names_an_unknown_source(crawl_config):
    done = hotline(crawl_config, "reextract", "--source", "nope")
    assert done.returncode != 0 and "no source named 'nope'" in done.stderr


def test_reextract_beside_a_running_crawl(crawl, crawl_config, store_of, newsroom):
    """The store's locks keep both writers whole: every article once, the leak gone, the crawl ok."""
    assert crawl("newsroom-rss").outcome == "ok"
    with store_of() as store:
        reject_as_an_older_extractor_did(store, article_url(newsroom, REJECTED))
    newer = with_new_rule(crawl_config)
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "--config", str(newer), "reextract", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    result = crawl("newsroom-sitemap")  # shares three articles with the feed
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert result.outcome == "ok", result.errors
    assert json.loads(out)["added"] == 1
    with store_of() as store:
        urls = [a.canonical_url for a in store.articles.all()]
        assert len(urls) == len(set(urls))
        assert set(urls) == {article_url(newsroom, slug) for slug in RSS | SITEMAP}
        assert LEAK not in get_article(store, article_url(newsroom, LEAKY)).text
