"""Publishing from a real SQLite store: story and article views, stable ids, joins, limits, health.

Articles go in through the store's own API (``add_article``, ``update_article``, ``upsert_story``,
``start_run``/``finish_run``), as the crawl pipeline puts them there; the files ``publish`` writes
are read back by feedparser, lxml and ``json``.
"""

from __future__ import annotations

import calendar
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest
from sqlalchemy import update

from crawler.config import Config, load_config
from crawler.core.records import Article
from crawler.service.publish import (
    article_entry_id,
    founded_story_id,
    publish,
    story_entry_id,
)
from crawler.store import Store
from crawler.store.engine import lenient_text
from crawler.store.schema import articles as articles_table
from crawler.store.schema import stories as stories_table
from tests.storeview import get_article, update_article, upsert_story

LEDGER = "http://127.0.0.1:9/"  # never fetched: publishing reads only the store
WIRE = "http://wire.127.0.0.1.nip.invalid/"
HARBOUR = "http://harbour.invalid/"
FEED_FILES = ("atom.xml", "rss.xml", "feed.json", "articles.atom.xml", "articles.rss.xml", "articles.json")
PAGES = {"atom.html", "rss.html", "articles.atom.html", "articles.rss.html", "health.html"}
CHANNEL_FILES = {"channels.json", "channels.xml", "channels.html", "analyst.css"}  # the analyst's view
ALL_FILES = {*FEED_FILES, *PAGES, "health.xml", "index.html", "style.css", *CHANNEL_FILES}

CALL_TEXT = (
    "The US defence secretary and the Chinese defence minister spoke by video link on Tuesday.\n\n"
    "It was the first conversation between the two defence chiefs in well over a year.\n\n"
    "Both sides said the military channels should stay open."
)


def make_config(folder: Path, feed: str = "") -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hotline.toml"
    path.write_text(
        f"""
bundled_sources = false
data_dir = "{(folder / "data").as_posix()}"

[[sources]]
name = "ledger"
kind = "feed"
url = "{LEDGER}rss.xml"

[[sources]]
name = "wire"
kind = "feed"
url = "{WIRE}feed.xml"

[feed]
link = "http://127.0.0.1:8008/"
{feed}
""",
        encoding="utf-8",
    )
    return load_config(path)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def store(config: Config):
    with Store(config.store) as opened:
        yield opened


def add(
    store: Store,
    url: str,
    title: str,
    *,
    score: float | None = None,
    matched: tuple[str, ...] = (),
    story: str | None = None,
    site: str = "The Pacific Ledger",
    source: str = "ledger",
    text: str = CALL_TEXT,
    published: str | None = "2024-04-16T18:30:00+00:00",
    author: str | None = "Mara Ellison",
) -> str:
    """Store one article as the pipeline would (then its score and story); its canonical URL."""
    article = Article(
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        published=published,
        author=author,
        site_name=site,
        language="en",
        description=None,
    )
    assert store.articles.add(article, source)
    if score is not None:
        update_article(store, url, score=score, relevant=score >= 0.5, matched=list(matched), story_id=story)
    return url


def backdate(store: Store, hours: float) -> None:
    """Move every article and story ``hours`` into the past (as if crawled earlier)."""
    with store.engine.begin() as conn:
        for table, column in ((articles_table, "first_seen"), (stories_table, "updated")):
            rows = conn.execute(table.select()).mappings().all()
            for row in rows:
                conn.execute(
                    update(table)
                    .where(table.c.id == row["id"])
                    .values({column: row[column] - timedelta(hours=hours)})
                )


def story_of(store: Store, story_id: str, lead_url: str, title: str) -> None:
    lead = get_article(store, lead_url)
    assert lead is not None
    upsert_story(store, story_id, title=title, lead_article_id=lead.id)


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
    return parsed


def strict_xml(path: Path) -> lxml.etree._Element:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    return lxml.etree.fromstring(path.read_bytes(), parser)


def seed(store: Store) -> dict[str, str]:
    """A small beat: a story carried by three outlets, a story of one, an unplaced relevant article,
    an off-topic article and one the relevance stage has not scored."""
    urls = {
        "call": add(
            store,
            LEDGER + "articles/austin-dong-video-call.html",
            "Pentagon and PLA chiefs talk by video",
            score=0.91,
            matched=("Austin", "Dong Jun", "video call"),
            story="story-call",
        ),
        "wire": add(
            store,
            WIRE + "2024/04/16/defence-chiefs-call",
            "US, Chinese defence chiefs hold first talks in 17 months",
            score=0.86,
            matched=("Austin", "Dong Jun"),
            story="story-call",
            site="Wire Service",
            source="wire",
        ),
        "harbour": add(
            store,
            HARBOUR + "story/55",
            "Defence chiefs resume contact",
            score=0.62,
            matched=("defence minister",),
            story="story-call",
            site="Harbour Daily",
        ),
        "theatre": add(
            store,
            LEDGER + "articles/theater-commanders-talk.html",
            "Indo-Pacific commander holds video talks with PLA Southern Theater chief",
            score=0.88,
            matched=("Paparo", "Wu Yanan", "theater commander"),
            story="story-theatre",
            published="2024-09-10T09:15:00+00:00",
        ),
        "mmca": add(
            store,
            LEDGER + "articles/maritime-consultations-honolulu.html",
            "Maritime safety talks resume in Hawaii",
            score=0.7,
            matched=("MMCA",),
            published="2024-04-05",
        ),
        "marathon": add(
            store,
            LEDGER + "articles/marathon-road-closures.html",
            "City marathon to close waterfront roads",
            score=0.03,
        ),
        "unscored": add(store, LEDGER + "articles/harbor-festival.html", "Harbour festival draws crowds"),
    }
    story_of(store, "story-call", urls["call"], "Austin and Dong Jun talk by video")
    story_of(store, "story-theatre", urls["theatre"], "Theatre commanders talk")
    return urls


def test_story_view_carries_reasons_and_the_other_outlets(config: Config, store: Store) -> None:
    urls = seed(store)
    result = publish(config, store)
    feeds = config.feeds_dir
    assert {p.name for p in result.paths} == ALL_FILES
    assert all((feeds / name).is_file() for name in ALL_FILES)
    assert (result.stories, result.articles, result.broken) == (3, 5, ())

    expected_ids = {
        story_entry_id("story-call"),
        story_entry_id("story-theatre"),
        story_entry_id(founded_story_id(urls["mmca"])),
    }
    for name in ("atom.xml", "rss.xml"):
        parsed = parse(feeds / name)
        assert {e.id for e in parsed.entries} == expected_ids
        by_id = {e.id: e for e in parsed.entries}
        call = by_id[story_entry_id("story-call")]
        assert call.title == "Pentagon and PLA chiefs talk by video"  # the lead article's
        assert call.link == urls["call"]
        content = call.content[0].value
        reason = "relevance 0.91: Austin, Dong Jun, video call · 3 outlets"
        assert f"Why this is here:</strong> {reason}" in content
        links = {a.text: a.get("href") for a in lxml.html.fromstring(content).iter("a")}
        assert links["Wire Service"] == urls["wire"] and links["Harbour Daily"] == urls["harbour"]
        # published: the story's first report; the one-article story has no "also carried by"
        theatre = by_id[story_entry_id("story-theatre")]
        assert "Also carried by" not in theatre.content[0].value
        assert "relevance 0.88: Paparo, Wu Yanan, theater commander" in theatre.content[0].value
        mmca = by_id[story_entry_id(founded_story_id(urls["mmca"]))]
        assert mmca.link == urls["mmca"] and "relevance 0.70: MMCA" in mmca.content[0].value

    document = json.loads((feeds / "feed.json").read_bytes())
    items = {item["id"]: item for item in document["items"]}
    assert set(items) == expected_ids
    outlets = items[story_entry_id("story-call")]["_hotline"]["outlets"]
    assert [(o["site"], o["url"]) for o in outlets] == [
        ("Wire Service", urls["wire"]),
        ("Harbour Daily", urls["harbour"]),
    ]
    assert items[story_entry_id("story-call")]["_hotline"]["reason"].startswith("relevance 0.91: Austin")

    articles = parse(feeds / "articles.atom.xml")
    relevant = ("call", "wire", "harbour", "theatre", "mmca")
    assert {e.id for e in articles.entries} == {article_entry_id(urls[k]) for k in relevant}
    wire = next(e for e in articles.entries if e.link == urls["wire"])
    assert "relevance 0.86: Austin, Dong Jun" in wire.content[0].value
    assert [t.term for t in wire.tags] == ["Austin", "Dong Jun"]
    assert wire.source.title == "Wire Service"
    index = (feeds / "index.html").read_text(encoding="utf-8")
    assert "Pentagon and PLA chiefs talk by video" in index and "City marathon" not in index


def test_founded_story_id_is_the_story_stage_formula() -> None:
    from crawler.core.stories import new_story_id

    url = "https://www.example.org/news/2024/04/16/call.html"
    assert founded_story_id(url) == new_story_id(Article(url=url, canonical_url=url, title="", text=""))


def test_an_empty_store_rebuilds_to_the_same_bytes_and_new_articles_rewrite_every_feed(
    config: Config, store: Store
) -> None:
    # Same records, same bytes: tests/feeds/test_feeds_render.py (the renderers) and
    # tests/cli/test_cli_feed.py
    # (a crawled store rebuilt by ``hotline feed``). Here the one case they miss: with no entry to take
    # a time from, the last crawl's time is used and no build time leaks in; the first articles change
    # them all.
    started = store.runs.start("ledger", None)
    store.runs.finish(started, "ok")
    empty = publish(config, store)
    first_empty = {p.name: p.read_bytes() for p in empty.paths}
    time.sleep(1.1)  # feed times have whole seconds: a clock read would show now
    assert publish(config, store).changed == ()
    assert {p.name: p.read_bytes() for p in empty.paths} == first_empty

    seed(store)
    start = store.runs.start("ledger", None)
    store.runs.finish(start, "ok", pages_fetched=5, articles_new=5)
    assert {p.name for p in publish(config, store).changed} >= set(FEED_FILES) | {"index.html"}


def test_before_any_crawl_the_feeds_carry_a_real_date_and_the_page_says_so(
    config: Config, store: Store
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    result = publish(config, store)
    feeds = config.feeds_dir
    for name in ("atom.xml", "rss.xml", "articles.atom.xml", "health.xml"):
        parsed = parse(feeds / name)
        stamp = parsed.feed.get("updated_parsed") or parsed.feed.get("published_parsed")
        assert stamp is not None and calendar.timegm(stamp) >= before.timestamp(), name  # not 1970-01-01
    index = (feeds / "index.html").read_text(encoding="utf-8")
    assert "1970" not in index and f"Updated {before:%Y-%m-%d}" in index
    assert result.status == "No crawl has run yet." and "No crawl has run yet." in index

    running = store.runs.start("ledger", None)  # the first crawl is under way
    publish(config, store)
    index = (feeds / "index.html").read_text(encoding="utf-8")
    assert "No crawl finished yet: the first started" in index and "1 crawl running" in index
    assert "1970" not in (feeds / "atom.xml").read_text(encoding="utf-8")
    store.runs.finish(running, "ok")


def test_a_first_run_that_failed_is_failing_at_once_in_the_health_feed_and_front_page(
    config: Config, store: Store
) -> None:
    # offline: every source fails DNS on its first run; "ok" until the third failure hid that
    for source, host in (("ledger", LEDGER), ("wire", WIRE)):
        run = store.runs.start(source, None)
        store.runs.finish(
            run, "failed", errors=f"{host}rss.xml: DNSLookupError: DNS lookup failed: no results for {host}"
        )
    result = publish(config, store)
    assert set(result.broken) == {"ledger", "wire"}
    health = parse(config.feeds_dir / "health.xml")
    assert sorted(e.title for e in health.entries) == ["Source ledger is failing", "Source wire is failing"]
    assert (
        "source health" in health.feed.title
        and "failing, broken or silently degraded" in health.feed.subtitle
    )
    index = (config.feeds_dir / "index.html").read_text(encoding="utf-8")
    assert "2 of 2 sources failing: DNS lookup failed (ledger, wire)." in index
    assert "Last crawl finished" in index and "matching reports" not in index


@pytest.mark.parametrize("touch_story", [True, False], ids=["story-row-updated", "story-id-only"])
def test_an_article_joining_a_story_updates_its_entry(
    config: Config, store: Store, touch_story: bool
) -> None:
    urls = seed(store)
    backdate(store, hours=2)
    publish(config, store)
    before = {e.id: e for e in parse(config.feeds_dir / "atom.xml").entries}
    story = before[story_entry_id("story-call")]

    late = add(
        store,
        "http://127.0.0.1:9/world/2024-04-17/defence-chiefs-call.html",
        "Defence chiefs' call: what was said",
        score=0.8,
        matched=("Austin", "Dong Jun"),
        story="story-call",
        site="Evening Courier",
    )
    if touch_story:  # the story stage may bump the story row, or only set the article's story_id
        lead = get_article(store, urls["call"])
        upsert_story(store, "story-call", title="Austin and Dong Jun talk", lead_article_id=lead.id)
    result = publish(config, store)
    assert result.stories == 3 and result.articles == 6

    for name in ("atom.xml", "rss.xml"):
        after = {e.id: e for e in parse(config.feeds_dir / name).entries}
        assert set(after) == set(before)  # updated in place, nothing added
        grown = after[story_entry_id("story-call")]
        assert grown.title == story.title and grown.link == story.link
        assert grown.updated_parsed > story.updated_parsed
        assert grown.published_parsed == story.published_parsed
        assert "· 4 outlets" in grown.content[0].value
        assert f'<a href="{late}">Evening Courier</a>' in grown.content[0].value
        unchanged = after[story_entry_id("story-theatre")]
        assert unchanged.updated_parsed == before[story_entry_id("story-theatre")].updated_parsed
    items = {i["id"]: i for i in json.loads((config.feeds_dir / "feed.json").read_bytes())["items"]}
    assert len(items[story_entry_id("story-call")]["_hotline"]["outlets"]) == 3


def test_threshold_and_entry_count_come_from_the_config(tmp_path: Path) -> None:
    config = make_config(tmp_path, "threshold = 0.8\nentries = 2\n")
    with Store(config.store) as store:
        urls = seed(store)
        backdate(store, hours=1)
        # the newest above 0.8 after the seed: a second one-article story
        newest = add(
            store,
            LEDGER + "articles/shangri-la-meeting.html",
            "Austin and Dong meet in Singapore",
            score=0.95,
            matched=("Austin", "Dong Jun", "meeting"),
        )
        result = publish(config, store)
    assert (result.stories, result.articles) == (2, 2)
    stories = parse(config.feeds_dir / "atom.xml")
    assert {e.id for e in stories.entries} == {
        story_entry_id(founded_story_id(newest)),
        story_entry_id("story-theatre"),
    }
    # story-call is out (two newer stories fill the feed); below 0.8, harbour (0.62) never counts
    articles = parse(config.feeds_dir / "articles.rss.xml")
    assert {e.link for e in articles.entries} == {newest, urls["theatre"]}
    assert len(json.loads((config.feeds_dir / "articles.json").read_bytes())["items"]) == 2

    loose = make_config(tmp_path / "loose", "threshold = 0.6\n")
    with Store(loose.store) as store:
        urls = seed(store)
        publish(loose, store)
    call = {e.id: e for e in parse(loose.feeds_dir / "atom.xml").entries}[story_entry_id("story-call")]
    assert "· 3 outlets" in call.content[0].value  # harbour at 0.62 is shown at threshold 0.6
    strict = make_config(tmp_path / "strict", "threshold = 0.9\n")
    with Store(strict.store) as store:
        seed(store)
        publish(strict, store)
    call = {e.id: e for e in parse(strict.feeds_dir / "atom.xml").entries}[story_entry_id("story-call")]
    assert "Also carried by" not in call.content[0].value and "· " not in call.content[0].value


def test_hostile_text_in_the_store_still_gives_valid_feeds(config: Config, store: Store) -> None:
    url = add(
        store,
        LEDGER + "articles/odd.html",
        "Defence chiefs\x00 talk\x0b by <b>video</b>\x1b",
        score=0.9,
        matched=("Austin",),
        text="First paragraph\x07 with a bell.\n\n<script>alert('feed')</script> and \ufffe more.\n\n"
        '<img src=x onerror="alert(1)"> closing line.',
        author="Mara\x08 Ellison <script>",
        published="2999-01-01T00:00:00Z",  # a clock gone wrong: never newer than when we saw it
    )
    odd_matched = add(
        store, LEDGER + "articles/odd-matched.html", "Video call, matched list mangled", score=0.8
    )
    update_article(store, odd_matched, matched="[not json")
    # A lone surrogate cannot pass through the Python driver; SQLite's char() stores one anyway.
    database = config.store.removeprefix("sqlite:///")
    with sqlite3.connect(database) as raw:
        raw.execute(
            "UPDATE articles SET title = title || ' ' || char(55296) || 'end', "
            "text = text || char(10) || char(10) || 'tail ' || char(57343) WHERE canonical_url = ?",
            (url,),
        )
    raw.close()

    result = publish(config, store)
    assert (result.stories, result.articles) == (2, 2)
    for name in ("atom.xml", "rss.xml", "articles.atom.xml", "articles.rss.xml"):
        strict_xml(config.feeds_dir / name)  # well-formed XML 1.0, no forbidden characters
        parsed = parse(config.feeds_dir / name)
        odd = next(e for e in parsed.entries if e.link == url)
        assert odd.title == "Defence chiefs talk by <b>video</b> end"
        assert odd.author.startswith("Mara Ellison")
        content = lxml.html.fromstring(odd.content[0].value)
        assert not content.xpath("//script | //img | //*[@onerror]")
        assert "<script>alert('feed')</script>" in content.text_content()  # shown as text
        assert datetime(*odd.published_parsed[:6], tzinfo=UTC) <= datetime.now(UTC)
        mangled = next(e for e in parsed.entries if e.link == odd_matched)
        assert "relevance 0.80: no topic terms" in mangled.content[0].value
    for name in ("feed.json", "articles.json"):
        document = json.loads((config.feeds_dir / name).read_bytes().decode("utf-8", "strict"))
        assert any(item["title"].endswith("end") for item in document["items"])
    index = (config.feeds_dir / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index and "&lt;b&gt;video&lt;/b&gt;" in index


def test_lenient_text_keeps_good_text_and_survives_bad_bytes() -> None:
    assert lenient_text("Dong Jun 董军".encode()) == "Dong Jun 董军"
    assert lenient_text(b"a\xed\xa0\x80b") == "a\ud800b"
    assert lenient_text(b"a\xffb") == "a\ufffdb"


def test_health_feed_lists_a_broken_source_until_it_recovers(config: Config, store: Store) -> None:
    seed(store)
    ok = store.runs.start("wire", None)
    store.runs.finish(ok, "ok", pages_fetched=3, articles_new=1)
    failed = store.runs.start("ledger", None)
    store.runs.finish(failed, "failed", errors=f"{LEDGER}rss.xml: HTTP 404 Not Found")
    result = publish(config, store)
    assert result.broken == ("ledger",)
    health = parse(config.feeds_dir / "health.xml")
    (entry,) = health.entries
    assert entry.id == f"urn:hotline:health:ledger:{failed}"
    assert entry.title == "Source ledger is broken"
    assert entry.link == LEDGER + "rss.xml"
    assert "HTTP 404" in entry.summary and "hard failure" in entry.content[0].value
    index = (config.feeds_dir / "index.html").read_text(encoding="utf-8")
    assert "1 source needs attention" in index and "Source ledger is broken" in index

    again = store.runs.start("ledger", None)  # still failing: the same episode, the same entry
    store.runs.finish(again, "failed", errors=f"{LEDGER}rss.xml: HTTP 404 Not Found")
    publish(config, store)
    assert [e.id for e in parse(config.feeds_dir / "health.xml").entries] == [entry.id]

    recovered = store.runs.start("ledger", None)
    store.runs.finish(recovered, "ok", pages_fetched=6, articles_new=2)
    result = publish(config, store)
    assert result.broken == ()
    assert parse(config.feeds_dir / "health.xml").entries == []
    assert "needs attention" not in (config.feeds_dir / "index.html").read_text(encoding="utf-8")
