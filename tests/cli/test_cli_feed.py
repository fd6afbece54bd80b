"""``hotline crawl`` → store → ``hotline feed`` → files, as real processes against the newsroom site.

The crawl scores articles, places them in stories and rebuilds the feeds on its own; the first tests
check that story feed as the pipeline made it. Then scores and stories are set through the store's
API (overwriting the pipeline's, so the expectations are exact) and ``hotline feed`` rebuilds.
feedparser, ``json``, lxml and Debian's newsboat read what was written.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest

from crawler.config import load_config
from crawler.core.outlets import outlet_name
from crawler.core.reasons import reason_line, words
from crawler.core.records import Article
from crawler.service.publish import article_entry_id, founded_story_id, story_entry_id
from crawler.store import Store, StoredArticle
from feeds.sanitize import escape
from tests.storeview import get_article, update_article, upsert_story

pytestmark = pytest.mark.slow


def row_article(row: StoredArticle) -> Article:
    return Article(
        url=row.url, canonical_url=row.canonical_url, title=row.title, text="", site_name=row.site_name
    )


HOTLINE = [sys.executable, "-c", "from crawler.cli import main; main()"]
NEWSBOAT = shutil.which("newsboat")
FEED_FILES = {
    "atom.xml",
    "rss.xml",
    "feed.json",
    "articles.atom.xml",
    "articles.rss.xml",
    "articles.json",
    "health.xml",
    "index.html",
    "style.css",
    "atom.html", "rss.html", "articles.atom.html", "articles.rss.html", "health.html",
    "channels.json",  # the analyst's view (issue 16)
    "channels.xml",
    "channels.html",
    "analyst.css",
}
XML_FEEDS = ("atom.xml", "rss.xml", "articles.atom.xml", "articles.rss.xml", "health.xml")
WIRE_SOURCE = '\n[[sources]]\nname = "newsroom-wire"\nkind = "feed"\nurl = "{url}/wire.xml"\n'
ALSO_CARRIED = "//p[strong[starts-with(., 'Also carried by')]]/a/@href"

# The Austin–Dong Jun call of 16 April 2024 as four outlets carried it: the wire original leads (the
# fullest text; the reprint is a copy, the ministry's Chinese readout is short).
CALL_LEAD = "wire/austin-dong-call-wire.html"
CALL = {
    CALL_LEAD,
    "articles/austin-dong-video-call.html",  # its feed link carries utm_ parameters
    "wire/austin-dong-call-syndicated.html",
    "wire/austin-dong-call-mnd-readout.html",
}

# Scores and stories set by hand afterwards: path → (score, matched terms, story, lead of it).
PLAN = {
    CALL_LEAD: (0.93, ["Austin", "Dong Jun", "video call"], "story-call", True),
    "articles/austin-dong-video-call.html": (0.9, ["Austin", "Dong Jun"], "story-call", False),
    "wire/austin-dong-call-syndicated.html": (0.86, ["Austin", "Dong Jun"], "story-call", False),
    "articles/shangri-la-meeting.html": (0.91, ["Austin", "Dong Jun", "meeting"], "story-sg", True),
    "wire/laos-meeting-declined.html": (0.84, ["Austin", "Dong Jun", "meeting declined"], "story-no", True),
    "articles/theater-commanders-talk.html": (0.77, ["Paparo", "Wu Yanan"], None, False),
}


def hotline(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HOTLINE, *args], capture_output=True, text=True, timeout=timeout)


def crawl_args(fast_crawl: dict[str, object]) -> list[str]:
    return [arg for key, value in fast_crawl.items() for arg in ("-s", f"{key}={value}")]


def parse(data: Path | bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data.read_bytes() if isinstance(data, Path) else data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def with_wire(config: Path, site: Any) -> Path:
    config.write_text(config.read_text(encoding="utf-8") + WIRE_SOURCE.format(url=site.url), encoding="utf-8")
    return config


def copy_data(source_config: Path, config: Path) -> None:
    """Copy a crawled store and its feeds under another config (SQLite's backup API: consistent in WAL)."""
    source, target = load_config(source_config), load_config(config)
    shutil.copytree(source.feeds_dir, target.feeds_dir)
    old = sqlite3.connect(source.store.removeprefix("sqlite:///"))
    new = sqlite3.connect(target.store.removeprefix("sqlite:///"))
    try:
        old.backup(new)
    finally:
        old.close()
        new.close()


def assign(config_path: Path, site: Any) -> dict[str, StoredArticle]:
    """Give every crawled article the PLAN's score and story (0.02 and none when not in it)."""
    planned = {f"{site.url}/{path}": plan for path, plan in PLAN.items()}
    with Store(load_config(config_path).store) as store:
        rows = {row.canonical_url: row for row in store.articles.all()}
        assert set(planned) <= set(rows), sorted(rows)
        for url in rows:
            score, matched, story, _ = planned.get(url, (0.02, [], None, False))
            update_article(store, url, score=score, relevant=score >= 0.5, matched=matched, story_id=story)
        for url, (_, _, story, lead) in planned.items():
            if story and lead:
                upsert_story(store, story, title=rows[url].title, lead_article_id=rows[url].id)
        return {url: get_article(store, url) for url in rows}


@dataclass
class Crawled:
    config: Path
    feeds: Path
    crawl: subprocess.CompletedProcess[str]
    after_crawl: dict[str, bytes]  # the feed files as the crawl built them
    crawled_rows: list[StoredArticle]  # the store as the pipeline left it
    copy: Path  # a config over a copy of that store and those feeds
    rows: dict[str, StoredArticle]  # after PLAN was applied
    feed: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site_server, newsroom_config, fast_crawl) -> Crawled:
    """rss.xml and wire.xml crawled by ``hotline crawl``; a copy kept; PLAN applied; ``hotline feed``."""
    site_server.reset()
    config = with_wire(newsroom_config(tmp_path_factory.mktemp("feedcli")), site_server)
    done = hotline(
        "--config", str(config), "crawl", "newsroom-rss", "newsroom-wire", "--json", *crawl_args(fast_crawl)
    )
    feeds = load_config(config).feeds_dir
    after_crawl = files_of(feeds) if feeds.is_dir() else {}
    with Store(load_config(config).store) as store:
        crawled_rows = list(store.articles.all())
    copy = with_wire(newsroom_config(tmp_path_factory.mktemp("feedcli-copy")), site_server)
    if feeds.is_dir():
        copy_data(config, copy)
    rows = assign(config, site_server)
    feed = hotline("--config", str(config), "feed", "--json")
    return Crawled(config, feeds, done, after_crawl, crawled_rows, copy, rows, feed)


def test_crawl_rebuilds_the_feeds_once_after_every_source(crawled: Crawled) -> None:
    done = crawled.crawl
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]  # stdout: one object per source
    assert sorted(r["source"] for r in results) == ["newsroom-rss", "newsroom-wire"]
    assert all(r["outcome"] == "ok" for r in results)
    assert done.stderr.count("Feeds rebuilt in") == 1
    assert set(crawled.after_crawl) == FEED_FILES
    with Store(load_config(crawled.config).store) as store:
        last_end = max(run.finished for run in store.runs.latest(limit=10))
    # written once every crawl had ended ("hotline feed" later left these files alone: same bytes)
    oldest = min(os.stat(crawled.feeds / name).st_mtime for name in ("style.css", "health.xml"))
    assert oldest >= last_end.timestamp() - 1
    for name in XML_FEEDS:
        parse(crawled.after_crawl[name])
    for name in ("feed.json", "articles.json"):
        assert json.loads(crawled.after_crawl[name])["version"] == "https://jsonfeed.org/version/1.1"


def test_the_pipeline_s_stories_make_the_story_feed(crawled: Crawled, site_server) -> None:
    """No score set by hand: the crawl's own relevance and story stages decide what the feed shows."""
    threshold = load_config(crawled.config).feed.threshold
    rows = crawled.crawled_rows
    call_rows = [r for r in rows if r.canonical_url.removeprefix(site_server.url + "/") in CALL]
    assert len(call_rows) == 4 and len({r.story_id for r in call_rows}) == 1
    story_id = call_rows[0].story_id
    shown = {r.story_id for r in rows if r.story_id and r.score >= threshold}

    stories = {e.id: e for e in parse(crawled.after_crawl["atom.xml"]).entries}
    assert set(stories) == {story_entry_id(s) for s in shown}
    call = stories[story_entry_id(story_id)]
    assert call.link == f"{site_server.url}/{CALL_LEAD}"
    content = call.content[0].value
    assert "· 4 outlets" in content and "relevance 0." in content and "Austin" in content
    also = lxml.html.fromstring(content).xpath(ALSO_CARRIED)  # canonical links: no utm_ parameters
    assert sorted(also) == sorted(f"{site_server.url}/{path}" for path in CALL - {CALL_LEAD})
    off_topic = {r.canonical_url for r in rows if r.score < threshold}
    shown_articles = {e.link for e in parse(crawled.after_crawl["articles.atom.xml"]).entries}
    assert off_topic and not off_topic & shown_articles
    copies = {r.canonical_url for r in rows if r.duplicate_of is not None and r.score >= threshold}
    assert copies and not copies & shown_articles  # a syndicated copy collapses into its original
    assert len(shown_articles) == len(rows) - len(off_topic) - len(copies)


def test_a_late_report_joins_its_story_entry(crawled: Crawled, site_server, fast_crawl) -> None:
    """Three days later an analysis of the call appears: the call's entry grows, no entry is added, and
    the lead's outlet is not listed as also carrying its own story."""
    before = {e.id: e for e in parse(crawled.after_crawl["atom.xml"]).entries}
    call_rows = [r for r in crawled.crawled_rows if r.canonical_url.endswith(CALL_LEAD)]
    call_id = story_entry_id(call_rows[0].story_id)
    site_server.publish("late-analysis")
    try:
        done = hotline(
            "--config", str(crawled.copy), "crawl", "newsroom-wire", "--json", *crawl_args(fast_crawl)
        )
    finally:
        site_server.reset()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["articles_new"] == 1
    after = {e.id: e for e in parse(load_config(crawled.copy).feeds_dir / "atom.xml").entries}
    assert set(after) == set(before)
    grown, was = after[call_id], before[call_id]
    assert grown.updated_parsed > was.updated_parsed
    assert grown.link == was.link and grown.published_parsed == was.published_parsed
    # the analysis is by the lead's own outlet (Harbor Wire Service): the entry grows, its outlets do not
    assert "· 4 outlets" in grown.content[0].value
    assert f"{site_server.url}/wire/austin-dong-call-analysis.html" not in lxml.html.fromstring(
        grown.content[0].value
    ).xpath(ALSO_CARRIED)
    for entry_id, entry in before.items():
        if entry_id != call_id:
            assert after[entry_id].updated_parsed == entry.updated_parsed


def test_feed_reports_what_it_wrote(crawled: Crawled) -> None:
    done = crawled.feed
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # six planned articles, less the syndicated copy, which collapses into its original
    assert (report["stories"], report["articles"], report["broken"]) == (4, 5, [])
    assert report["directory"] == str(crawled.feeds)
    assert {f["name"] for f in report["files"]} == FEED_FILES
    for item in report["files"]:
        assert Path(item["path"]).stat().st_size == item["bytes"] > 0
    changed = {f["name"] for f in report["files"] if f["changed"]}
    assert {"atom.xml", "rss.xml", "feed.json", "articles.json", "index.html"} <= changed
    assert "style.css" not in changed  # the crawl wrote it already; same bytes are left alone


def test_every_feed_parses_with_every_field_and_the_reason_line(crawled: Crawled, site_server) -> None:
    rows = crawled.rows  # by canonical URL: entries link it (no utm_ parameters, not the AMP page)
    planned = {f"{site_server.url}/{path}": plan[0] for path, plan in PLAN.items()}
    theatre = f"{site_server.url}/articles/theater-commanders-talk.html"
    originals = {url for url in planned if rows[url].duplicate_of is None}
    assert len(originals) == len(planned) - 1  # the syndicated wire copy is not an article of its own
    story_ids = {story_entry_id(s) for s in ("story-call", "story-sg", "story-no")}
    story_ids.add(story_entry_id(founded_story_id(theatre)))
    for name, expected in (
        ("atom.xml", story_ids),
        ("rss.xml", story_ids),
        ("articles.atom.xml", {article_entry_id(url) for url in originals}),
        ("articles.rss.xml", {article_entry_id(url) for url in originals}),
    ):
        parsed = parse(crawled.feeds / name)
        assert parsed.feed.title.startswith("Hotline") and parsed.feed.link and parsed.feed.updated_parsed
        assert {e.id for e in parsed.entries} == expected, name
        for entry in parsed.entries:
            row = rows[entry.link]
            assert entry.title == row.title
            assert entry.published_parsed and entry.updated_parsed and entry.summary
            assert entry.author == row.author
            assert tuple(t.term for t in entry.tags) == words(row.matched)
            # the page's site name, never an address with a port (else the source's name)
            assert entry.source.title == outlet_name(row_article(row), row.source)
            assert not entry.source.title.startswith("127.0.0.1")
            content = entry.content[0].value
            assert f"Why this is here:</strong> relevance {planned[entry.link]:.2f}: " in content
            assert escape(reason_line(row.matched)) in content
            assert row.text.split("\n")[0][:60] in lxml.html.fromstring(content).text_content()

    stories = {e.id: e for e in parse(crawled.feeds / "atom.xml").entries}
    call = stories[story_entry_id("story-call")]
    assert call.link == f"{site_server.url}/{CALL_LEAD}"
    assert "· 3 outlets" in call.content[0].value
    assert sorted(lxml.html.fromstring(call.content[0].value).xpath(ALSO_CARRIED)) == [
        f"{site_server.url}/articles/austin-dong-video-call.html",
        f"{site_server.url}/wire/austin-dong-call-syndicated.html",
    ]
    singapore = stories[story_entry_id("story-sg")]
    assert singapore.link == f"{site_server.url}/articles/shangri-la-meeting.html"  # not the /amp/ page
    assert "Also carried by" not in singapore.content[0].value

    for name, count in (("feed.json", 4), ("articles.json", len(originals))):
        items = json.loads((crawled.feeds / name).read_bytes())["items"]
        assert len(items) == count
        for item in items:
            fields = {"id", "url", "title", "content_html", "summary", "date_published", "date_modified"}
            assert fields <= set(item)
            assert item["_hotline"]["reason"].startswith("relevance 0.")
            assert tuple(item["tags"]) == words(rows[item["url"]].matched)
    assert parse(crawled.feeds / "health.xml").entries == []


def test_rebuilding_keeps_ids_and_bytes(crawled: Crawled) -> None:
    before = files_of(crawled.feeds)
    done = hotline("--config", str(crawled.config), "feed", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changed"] == 0
    assert files_of(crawled.feeds) == before
    text = hotline("--config", str(crawled.config), "feed")
    assert text.returncode == 0 and "0 file(s) changed" in text.stdout and "atom.xml" in text.stdout


@pytest.fixture
def served(crawled: Crawled) -> Iterator[str]:
    """``hotline serve`` on a free port over the crawled feeds; its base URL."""
    process = subprocess.Popen(
        [*HOTLINE, "--config", str(crawled.config), "serve", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, "hotline serve printed nothing"
        yield json.loads(line)["url"]
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (scripts/test.sh installs it)")
def test_newsboat_reads_the_served_story_feed(crawled: Crawled, served: str, tmp_path: Path) -> None:
    url = served + "atom.xml"
    (tmp_path / "urls").write_text(url + "\n")
    (tmp_path / "config").write_text("download-timeout 15\nreload-threads 1\n")
    cache = tmp_path / "cache.db"
    command = [NEWSBOAT, "-u", str(tmp_path / "urls"), "-c", str(cache), "-C", str(tmp_path / "config")]
    done = subprocess.run(
        [*command, "-x", "reload"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    db = sqlite3.connect(cache)
    try:
        items = db.execute("SELECT guid, title, url FROM rss_item WHERE feedurl = ?", (url,)).fetchall()
    finally:
        db.close()
    expected = parse(crawled.feeds / "atom.xml").entries
    assert len(items) == 4
    assert sorted(items) == sorted((e.id, e.title, e.link) for e in expected)


def test_broken_source_is_in_health_xml_and_status_until_it_recovers(
    tmp_path: Path, newsroom, newsroom_config: Callable[[Path], Path], fast_crawl
) -> None:
    config = newsroom_config(tmp_path)
    feeds = load_config(config).feeds_dir
    newsroom.fault("/atom.xml", "404")
    done = hotline("--config", str(config), "crawl", "newsroom-atom", "--no-feed", *crawl_args(fast_crawl))
    assert done.returncode == 1
    assert "Feeds rebuilt" not in done.stdout + done.stderr and not feeds.exists()  # --no-feed

    built = hotline("--config", str(config), "feed")
    assert built.returncode == 0, built.stderr
    assert "Sources in trouble (see health.xml): newsroom-atom" in built.stdout
    (entry,) = parse(feeds / "health.xml").entries
    assert entry.title == "Source newsroom-atom is broken"
    assert "HTTP 404" in entry.summary and entry.link == f"{newsroom.url}/atom.xml"
    assert "1 source needs attention" in (feeds / "index.html").read_text(encoding="utf-8")

    status = hotline("--config", str(config), "status", "--json")
    assert status.returncode == 0, status.stderr
    rows = {row["source"]: row for row in json.loads(status.stdout)}
    atom = rows["newsroom-atom"]
    assert (atom["health"], atom["health_grade"]) == ("broken", "hard")
    assert "HTTP 404" in atom["health_reasons"][0]
    assert (rows["newsroom-rss"]["health"], rows["newsroom-rss"]["health_reasons"]) == (
        "ok",
        ["no finished run yet"],
    )
    table = hotline("--config", str(config), "status")
    assert table.returncode == 0
    assert "broken" in table.stdout and "newsroom-atom (broken): hard failure" in " ".join(
        table.stdout.split()
    )

    with Store(load_config(config).store) as store:  # the next run works (recorded as a crawl does)
        run = store.runs.start("newsroom-atom", None)
        store.runs.finish(run, "ok", pages_fetched=7, articles_new=6)
    again = hotline("--config", str(config), "feed", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["broken"] == []
    assert parse(feeds / "health.xml").entries == []
    assert "needs attention" not in (feeds / "index.html").read_text(encoding="utf-8")


def test_store_and_folder_problems_are_one_clear_line(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a SQLite database, just some bytes" * 100)
    config = tmp_path / "bad-store.toml"
    config.write_text(
        f'bundled_sources = false\ndata_dir = "{tmp_path / "data"}"\nstore = "sqlite:///{garbage}"\n'
    )
    done = hotline("--config", str(config), "feed")
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"Error: store 'sqlite:///{garbage}': cannot open") and "not a database" in line

    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "feeds").write_text("a file where the feed folder should be")
    config = tmp_path / "bad-folder.toml"
    config.write_text(f'bundled_sources = false\ndata_dir = "{tmp_path / "blocked"}"\n')
    done = hotline("--config", str(config), "feed")
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"Error: feed folder {tmp_path / 'blocked' / 'feeds'}: cannot write")
    assert str(config) in line


def test_help_has_examples() -> None:
    done = hotline("feed", "--help")
    assert done.returncode == 0 and "Example" in done.stdout and "hotline feed" in done.stdout
    crawl = hotline("crawl", "--help")
    assert "--no-feed" in crawl.stdout and "rebuild the feeds" in crawl.stdout
