"""The hostile web: crawls of ``fixtures/sites/hostile`` (every fault the real web sends), then its feeds.

One crawl per source, once per module; each case in ``CASES`` is one fault and what hotline does with
it, checked against the store and the server's request log. ``python -m tests.robustness_table``
writes ``docs/robustness.md`` from ``CASES``; ``test_robustness_doc_is_current`` fails when it is stale.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import lxml.html
import pytest

from crawler.config import load_config
from crawler.core.urls import canonical_url
from crawler.service.launch import run_crawl_process
from crawler.store import Store
from tests.conftest import SITES, SiteServer
from tests.storeview import all_failures

pytestmark = pytest.mark.slow

FEED_URLS = (
    "rss.xml",
    "feeds/messy.xml",
    "feeds/xxe.xml",
    "feeds/laughs.xml",
    "feeds/broken.xml",
    "feeds/thousands.xml",
)
SOURCES = ("hostile-feed", "hostile-garbage", "hostile-sitemap")
# strings that must never reach the store or a feed: script/iframe/svg bodies, resolved entities
LEAK_MARKERS = (
    "SCRIPT-MARKER",
    "IFRAME-MARKER",
    "SVG-MARKER",
    "ENTITY-SECRET-MARKER",
    "ENTITY-DTD-MARKER",
    "root:x:0:0",
)


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile input: ``fault`` (what the web sends), ``path`` on the hostile site, ``does`` (what
    hotline does), ``expect``: "stored", "failed: <reason>" / "rejected: <reason>" (prefix of the
    recorded reason), or "never requested"; ``retryable`` for failures."""

    id: str
    fault: str
    path: str
    does: str
    expect: str
    retryable: bool | None = None


CASES: tuple[Case, ...] = (
    # --- transport and HTTP -------------------------------------------------------------------
    Case(
        "http-404",
        "404 Not Found",
        "/articles/gone-404.html",
        "recorded as failed, not retried",
        "failed: HTTP 404",
        False,
    ),
    Case(
        "http-410",
        "410 Gone",
        "/articles/gone-410.html",
        "recorded as failed, not retried",
        "failed: HTTP 410",
        False,
    ),
    Case(
        "http-500",
        "500 Internal Server Error",
        "/articles/server-500.html",
        "retried in the run (RETRY_TIMES), then recorded for a later run",
        "failed: HTTP 500",
        True,
    ),
    Case(
        "http-503",
        "503 with Retry-After: 120",
        "/articles/busy-503.html",
        "not asked again in the run (Retry-After beyond HOTLINE_RETRY_AFTER_MAX): recorded for a later run",
        "failed: HTTP 503",
        True,
    ),
    Case(
        "http-429-once",
        "429 Too Many Requests once (Retry-After: 1), then the page",
        "/articles/rate-limited.html",
        "waits the Retry-After second, retries, and stores the article",
        "stored",
    ),
    Case(
        "http-429-always",
        "429 every time (Retry-After: 3600)",
        "/articles/rate-limited-always.html",
        "not asked again in the run (Retry-After beyond HOTLINE_RETRY_AFTER_MAX): recorded for a later run",
        "failed: HTTP 429",
        True,
    ),
    Case(
        "timeout",
        "no answer for 6 s (DOWNLOAD_TIMEOUT 3 s)",
        "/articles/timeout.html",
        "retried, then recorded",
        "failed: timed out",
        True,
    ),
    Case(
        "reset",
        "TCP connection reset before any answer",
        "/articles/reset.html",
        "retried, then recorded",
        "failed: connection lost before a full answer",
        True,
    ),
    Case(
        "truncated",
        "body cut off (Content-Length promised more)",
        "/articles/truncated.html",
        "retried, then recorded",
        "failed: truncated body (connection closed early)",
        True,
    ),
    Case(
        "refused",
        "a feed link to port 0 (connection refused)",
        "http://127.0.0.1:0/articles/not-a-port.html",
        "recorded as failed",
        "failed: connection refused",
        True,
    ),
    Case(
        "redirect-loop",
        "redirect loop A → A?hop=1 → A?hop=2 → A",
        "/articles/loop.html",
        "stops at REDIRECT_MAX_TIMES, recorded",
        "failed: redirect loop (too many redirects)",
        True,
    ),
    Case(
        "redirect-chain-long",
        "15 redirects in a row",
        "/articles/chain-long.html",
        "stops at REDIRECT_MAX_TIMES (10), recorded",
        "failed: redirect loop (too many redirects)",
        True,
    ),
    Case(
        "redirect-chain-short",
        "4 redirects, then the article",
        "/articles/chain-short.html",
        "followed, the article stored under its final URL",
        "stored",
    ),
    Case(
        "redirect-offsite",
        "302 to another host",
        "/articles/moved-offsite.html",
        "followed to the other host; stored under the page's own canonical URL",
        "stored: /articles/offsite-target.html",
    ),
    Case(
        "huge",
        "10 MB page, no Content-Length",
        "/articles/huge.html",
        "download cancelled at DOWNLOAD_MAXSIZE (8 MB), not retried",
        "failed: page larger than DOWNLOAD_MAXSIZE",
        False,
    ),
    Case(
        "gzip-bomb",
        "64 KB of gzip inflating to 64 MB (Content-Encoding)",
        "/articles/gzip-bomb.html",
        "inflating stops at DOWNLOAD_MAXSIZE, not retried",
        "failed: compressed body inflates beyond DOWNLOAD_MAXSIZE",
        False,
    ),
    Case(
        "no-content-type",
        "no Content-Type header",
        "/articles/no-content-type.html",
        "read as HTML, stored",
        "stored",
    ),
    Case(
        "wrong-content-type",
        "an HTML page served as image/png",
        "/articles/image-type.html",
        "remembered as not an article, not fetched again",
        "rejected: not an HTML page (image/png)",
        False,
    ),
    Case(
        "wrong-charset",
        "windows-1252 bytes declared UTF-8 (header and meta)",
        "/articles/wrong-charset.html",
        "decoded by what the bytes are; curly quotes kept",
        "stored",
    ),
    Case(
        "robots",
        "robots.txt disallows /private/",
        "/private/secret-briefing.html",
        "never requested",
        "never requested",
    ),
    # --- article pages ---------------------------------------------------------------------------
    Case(
        "empty",
        "empty page (0 bytes)",
        "/articles/empty.html",
        "remembered as not an article",
        "rejected: empty page",
        False,
    ),
    Case(
        "binary",
        "random bytes served as text/html",
        "/articles/binary.html",
        "remembered as not an article",
        "rejected: binary: binary data",
        False,
    ),
    Case(
        "pdf",
        "a PDF served as text/html",
        "/articles/pdf-as-html.html",
        "remembered as not an article",
        "rejected: binary: PDF document",
        False,
    ),
    Case(
        "deep-nesting",
        "5,000 nested <div>s around one sentence",
        "/articles/deep-nesting.html",
        "parsed; too little text, remembered as not an article",
        "rejected: not an article: text too short",
        False,
    ),
    Case(
        "scripts-only",
        "a page of scripts, no text (client-side app)",
        "/articles/scripts-only.html",
        "remembered as not an article",
        "rejected: not an article: no main text",
        False,
    ),
    Case(
        "hostile-markup",
        "script, style, iframe, svg, on* attributes, javascript: URLs in the article",
        "/articles/good-theater-talks.html",
        "stored as text; none of it reaches the store or a feed",
        "stored",
    ),
    Case(
        "control-chars",
        "C0/C1 control characters in title and text",
        "/articles/control-chars.html",
        "stored without them; feeds stay valid XML",
        "stored",
    ),
    Case(
        "mixed-scripts",
        "Chinese, English, Arabic and Hebrew in one story",
        "/articles/mixed-scripts.html",
        "stored (length counts words and CJK characters together)",
        "stored",
    ),
    Case(
        "mojibake",
        "double-encoded UTF-8 (â€™ for ’)",
        "/articles/mojibake.html",
        "stored as sent (not repaired)",
        "stored",
    ),
    # --- feeds and sitemaps ----------------------------------------------------------------------
    Case(
        "feed-xxe",
        "feed with external entities (http:// and file:///) and an external DTD",
        "/feeds/xxe.xml",
        "entities never resolved, the entity URLs never requested; its item stored",
        "stored: /articles/xxe-item.html",
    ),
    Case(
        "feed-billion-laughs",
        "feed with nested entity expansion (billion laughs)",
        "/feeds/laughs.xml",
        "not expanded; memory stays bounded",
        "never requested: /entity/remote.dtd",
    ),
    Case(
        "feed-invalid-xml",
        "feed with unescaped &, unclosed tags",
        "/feeds/broken.xml",
        "read leniently; its items stored",
        "stored: /articles/broken-item.html",
    ),
    Case(
        "feed-messy",
        "HTML in titles, dates in odd formats or none, duplicate GUIDs, relative links, "
        "javascript:/mailto: links",
        "/feeds/messy.xml",
        "relative links resolved against the feed, other schemes ignored",
        "stored: /articles/relative-link-article.html",
    ),
    Case(
        "feed-thousands",
        "3,000 entries, all copies of one article (utm_ variants)",
        "/feeds/thousands.xml",
        "the article fetched once",
        "fetched once: /articles/good-hotline-restored.html",
    ),
    Case(
        "feed-garbage",
        "binary garbage where the feed should be",
        "/feeds/garbage.xml",
        "the run fails with the URL and a one-line reason",
        "run failed: not an RSS or Atom feed",
    ),
    Case(
        "sitemap-xxe",
        "sitemap with external entities",
        "/sitemap-xxe.xml",
        "entities never resolved; the plain entries followed",
        "never requested: /entity/secret.txt",
    ),
    Case(
        "sitemap-gzip-bomb",
        "sitemap as a gzip bomb",
        "/sitemap-bomb.xml",
        "inflating stops at DOWNLOAD_MAXSIZE; the run names it",
        "run error: compressed body inflates beyond DOWNLOAD_MAXSIZE",
    ),
    Case(
        "sitemap-invalid",
        "sitemap cut off mid-entry",
        "/sitemap-invalid.xml",
        "the entries before the damage are used",
        "stored: /articles/offsite-target.html",
    ),
)


def write_hostile_config(folder: Path, site: SiteServer) -> Path:
    feeds = ", ".join(f'"{site.url}/{path}"' for path in FEED_URLS)
    path = folder / "hotline.toml"
    path.write_text(
        f"""
bundled_sources = false
data_dir = "{(folder / "data").as_posix()}"
user_agent = "hotline-tests/0.1 (+http://127.0.0.1/contact)"

[[sources]]
name = "hostile-feed"
kind = "feed"
urls = [{feeds}]

[[sources]]
name = "hostile-garbage"
kind = "feed"
url = "{site.url}/feeds/garbage.xml"

[[sources]]
name = "hostile-sitemap"
kind = "sitemap"
url = "{site.url}/sitemap_index.xml"
follow = "/articles/"
""",
        encoding="utf-8",
    )
    return path


def peak_rss_kb(pid: int | None) -> int:
    """The process's peak resident set so far (VmHWM), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0


@dataclass
class Crawled:
    site: SiteServer
    config: Path
    results: dict[str, Any]
    peaks: dict[str, int]
    log: list[dict[str, Any]]
    articles: dict[str, dict[str, Any]]
    failures: dict[str, Any]
    feeds_dir: Path

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.site.url + path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, fast_crawl: dict[str, object]) -> Iterator[Crawled]:
    from crawler.service.publish import publish

    site = SiteServer(SITES / "hostile")
    try:
        folder = tmp_path_factory.mktemp("hostile")
        config = write_hostile_config(folder, site)
        results, peaks = {}, {}
        for source in SOURCES:
            peak = 0

            def watch(record: Any) -> None:
                nonlocal peak
                peak = max(peak, peak_rss_kb(record.pid))

            settings = {**fast_crawl, "DOWNLOAD_TIMEOUT": 3}
            results[source] = run_crawl_process(str(config), source, 120, settings=settings, progress=watch)
            peaks[source] = peak
        loaded = load_config(config)
        with Store(loaded.store) as store:
            articles = {row.canonical_url: asdict(row) for row in store.articles.all()}
            failures = {f.url: f for f in all_failures(store)}
            publish(loaded, store)
        print(
            "\nhostile crawl peak RSS (MB, sampled VmHWM): "
            + ", ".join(f"{s} {kb / 1024:.0f}" for s, kb in peaks.items())
        )
        yield Crawled(site, config, results, peaks, site.log(), articles, failures, loaded.feeds_dir)
    finally:
        site.close()


def test_every_crawl_finishes_with_a_verdict(hostile: Crawled) -> None:
    feed, garbage, sitemap = (hostile.results[s] for s in SOURCES)
    assert feed.outcome == "ok", feed
    assert sitemap.outcome == "ok", sitemap
    assert garbage.outcome == "failed" and garbage.exit_code == 1
    assert feed.run.articles_new >= 12 and feed.run.articles_failed >= 12
    for source, kb in hostile.peaks.items():
        assert kb < 600 * 1024, f"{source}: crawl process peaked at {kb} kB"
    # the two long crawls were sampled while running (the garbage feed can end before the first sample)
    assert hostile.peaks["hostile-feed"] > 0 and hostile.peaks["hostile-sitemap"] > 0, hostile.peaks


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, hostile: Crawled) -> None:
    """Each fault gets the verdict the table in docs/robustness.md promises."""
    kind, _, detail = case.expect.partition(": ")
    url = canonical_url(hostile.url(case.path))
    requested = [e["path"] for e in hostile.log]
    if kind == "stored":
        stored = canonical_url(hostile.url(detail)) if detail else url
        article = hostile.articles.get(stored)
        assert article is not None, (
            f"{case.id}: {stored} not stored; failures: {hostile.failures.get(stored)}"
        )
        assert article["text"] and not re.search(
            r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", article["title"] + article["text"]
        )
        if detail:  # the page it linked to (or led to) is stored
            assert urlpath(case.path) in requested
        if case.id == "redirect-offsite":
            hosts = {
                e["host"].split(":")[0] for e in hostile.log if e["path"] == "/articles/offsite-target.html"
            }
            assert "localhost" in hosts
    elif kind in ("failed", "rejected"):
        failure = hostile.failures.get(url)
        assert failure is not None, f"{case.id}: no failure recorded for {url}"
        assert failure.reason.startswith(detail), failure.reason
        assert failure.retryable is case.retryable
        assert url not in hostile.articles
    elif kind == "never requested":
        assert (detail or case.path) not in requested
        assert urlpath(case.path) in requested or case.id == "robots"
    elif kind == "fetched once":
        assert requested.count(detail) == 1 and urlpath(case.path) in requested
    elif kind == "run failed":
        assert detail in hostile.results["hostile-garbage"].errors
        assert hostile.site.url + case.path in hostile.results["hostile-garbage"].errors
    elif kind == "run error":
        assert f"{hostile.url(case.path)}: {detail}" in hostile.results["hostile-sitemap"].errors
    else:
        raise AssertionError(f"unknown expectation {case.expect!r}")


def urlpath(path: str) -> str:
    return re.sub(r"^https?://[^/]+", "", path)


def test_no_external_entity_is_ever_resolved(hostile: Crawled) -> None:
    requested = [e["path"] for e in hostile.log]
    assert "/feeds/xxe.xml" in requested and "/sitemap-xxe.xml" in requested
    assert not [p for p in requested if p.startswith("/entity/")], "an entity target was fetched"
    for row in hostile.articles.values():
        for marker in LEAK_MARKERS:
            assert marker not in json.dumps(row, default=str), f"{marker} in {row['canonical_url']}"


def test_good_articles_around_the_bad_are_stored_clean(hostile: Crawled) -> None:
    wrong = hostile.articles[canonical_url(hostile.url("/articles/wrong-charset.html"))]
    assert "China’s defence minister" in wrong["text"] and "\ufffd" not in wrong["text"]
    mixed = hostile.articles[canonical_url(hostile.url("/articles/mixed-scripts.html"))]
    assert "两军" in mixed["text"] and "واشنطن" in mixed["text"] and "שיחה" in mixed["text"]
    control = hostile.articles[canonical_url(hostile.url("/articles/control-chars.html"))]
    assert control["title"] == "Defence chiefs of US and China speak by phone"
    marked = hostile.articles[canonical_url(hostile.url("/articles/good-theater-talks.html"))]
    assert "first such talks between theatre commanders" in marked["text"]
    assert not re.search(r"<\s*(script|iframe|style|svg)|javascript:|onerror|onclick", marked["text"], re.I)


def feed_files(directory: Path) -> list[Path]:
    """The feeds (channels.json is the tracker's data, not a JSON Feed: see the analyst test below)."""
    found = (p for p in directory.iterdir() if p.suffix in (".xml", ".json") and p.is_file())
    return sorted(p for p in found if p.name != "channels.json")


def test_every_published_feed_is_valid(hostile: Crawled) -> None:
    files = feed_files(hostile.feeds_dir)
    assert len(files) >= 3, files
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".json":
            feed = json.loads(data)
            assert feed["version"].startswith("https://jsonfeed.org/version/1")
            continue
        lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False, no_network=True))  # strict
        parsed = feedparser.parse(data)
        assert not parsed.bozo, f"{path.name}: {parsed.get('bozo_exception')}"


def entry_html(directory: Path) -> Iterator[tuple[str, str]]:
    """(file, HTML) of every entry's title, summary and content in every feed file."""
    for path in feed_files(directory):
        if path.suffix == ".json":
            for item in json.loads(path.read_bytes()).get("items", []):
                for key in ("title", "content_html", "summary", "content_text"):
                    yield path.name, str(item.get(key) or "")
            continue
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        for entry in parsed.entries:
            yield path.name, entry.get("title", "")
            yield path.name, entry.get("summary", "")
            for content in entry.get("content", []):
                yield path.name, content.get("value", "")


def test_feeds_carry_no_markup_from_the_source_pages(hostile: Crawled) -> None:
    found = list(entry_html(hostile.feeds_dir))
    everything = "\n".join(html for _, html in found)
    assert "first such talks between theatre commanders" in everything  # the hostile page is in the feed
    assert "两军" in everything
    for name, html in found:
        for marker in LEAK_MARKERS:
            assert marker not in html, f"{name}: {marker}"
        if not html.strip():
            continue
        tree = lxml.html.fragment_fromstring(html, create_parent="div")
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag not in ("script", "style", "iframe", "object", "embed", "svg", "form"), name
            for attribute, value in element.attrib.items():
                assert not attribute.lower().startswith("on"), f"{name}: {attribute} on <{element.tag}>"
                assert not value.strip().lower().startswith("javascript:"), f"{name}: {attribute}={value}"
    for path in feed_files(hostile.feeds_dir):
        assert b"root:x:0:0" not in path.read_bytes()


def test_the_html_pages_carry_no_markup_from_the_source_pages(hostile: Crawled) -> None:
    # the front page and each feed's own page (what a browser gets for atom.xml): escaped, no scripts
    # the channel tracker draws inline SVG: test_analyst_pages_stay_valid_and_complete checks it
    pages = sorted(p for p in hostile.feeds_dir.glob("*.html") if p.name != "channels.html")
    assert {"index.html", "atom.html", "rss.html", "articles.atom.html"} <= {p.name for p in pages}
    assert '<li class="story">' in (hostile.feeds_dir / "atom.html").read_text(encoding="utf-8")
    for path in pages:
        data = path.read_text(encoding="utf-8")
        for marker in LEAK_MARKERS:
            assert marker not in data, f"{path.name}: {marker}"
        tree = lxml.html.document_fromstring(data)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag not in ("script", "iframe", "object", "embed", "svg", "form"), path.name
            for attribute, value in element.attrib.items():
                where = f"{path.name}: {attribute}={value!r} on <{element.tag}>"
                assert not attribute.lower().startswith("on"), where
                assert not value.strip().lower().startswith("javascript:"), where
def test_analyst_pages_stay_valid_and_complete(hostile: Crawled) -> None:
    """The channel tracker and every story page, built from hostile input: well formed, no markup or
    entity from the pages, one page per story with every one of its shown articles listed."""
    from feeds.storypage import page_name
    from tests.htmlcheck import html_problems

    feeds = hostile.feeds_dir
    tracker = json.loads((feeds / "channels.json").read_bytes())
    assert {"id", "name", "state", "last_contact", "last_breakdown", "events"} <= set(tracker["channels"][0])
    stories: dict[str, list[dict[str, Any]]] = {}
    for row in hostile.articles.values():
        if row["story_id"] and (row["score"] or 0) >= 0.5 and row["duplicate_of"] is None:
            stories.setdefault(row["story_id"], []).append(row)
    assert stories, "the hostile site's relevant articles form stories"
    pages = [feeds / "channels.html", *(feeds / page_name(story) for story in stories)]
    for page in pages:
        data = page.read_bytes()
        assert html_problems(data) == [], page.name
        for marker in LEAK_MARKERS:
            assert marker.encode() not in data, f"{page.name}: {marker}"
        tree = lxml.html.fromstring(data)
        for element in tree.iter():
            if isinstance(element.tag, str):
                assert element.tag not in ("script", "style", "iframe", "object", "embed", "form"), page.name
    for story, members in stories.items():
        tree = lxml.html.fromstring((feeds / page_name(story)).read_bytes())
        listed = tree.cssselect(".coverage-list li")
        assert len(listed) == len(members), story
        assert not tree.cssselect("svg"), "a story page draws no SVG of its own, and none from the input"
    story_pages = "".join(p.read_text(encoding="utf-8") for p in pages[1:])
    assert "两军" in story_pages and "Defence chiefs of US and China speak by phone" in story_pages


def test_robustness_doc_is_current() -> None:
    from tests.robustness_table import DOC, render

    assert DOC.read_text(encoding="utf-8") == render(CASES), (
        "docs/robustness.md is out of date with tests/crawl/test_hostile.py CASES: "
        "run python -m tests.robustness_table"
    )


def test_retry_after_is_honoured_in_the_run_or_left_for_a_later_run(hostile: Crawled) -> None:
    def asked(path: str) -> int:
        return sum(1 for entry in hostile.log if entry["path"] == path)

    assert asked("/articles/rate-limited.html") == 2  # waited its 1 s, asked once more, stored
    assert asked("/articles/rate-limited-always.html") == 1  # 3600 s: not asked again in this run
    assert asked("/articles/busy-503.html") == 1
    assert asked("/articles/server-500.html") == 2  # no Retry-After: the ordinary in-run retry


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat missing (scripts/test.sh installs it)")
def test_newsboat_reads_the_feeds_built_from_hostile_input(hostile: Crawled, tmp_path: Path) -> None:
    from feeds.serve import make_server

    server = make_server(hostile.feeds_dir, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        for name in ("atom.xml", "articles.rss.xml"):
            home = tmp_path / name
            home.mkdir()
            (home / "urls").write_text(server.url + name + "\n")
            (home / "config").write_text("download-timeout 15\nreload-threads 1\n")
            done = subprocess.run(
                ["newsboat", "-u", str(home / "urls"), "-c", str(home / "cache.db"),
                 "-C", str(home / "config"), "-x", "reload"],
                capture_output=True, text=True, timeout=60, env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
            )
            assert done.returncode == 0, done.stderr
            with sqlite3.connect(home / "cache.db") as db:
                titles = [t for (t,) in db.execute("SELECT title FROM rss_item")]
            expected = feedparser.parse((hostile.feeds_dir / name).read_bytes()).entries
            assert titles and len(titles) == len(expected), name
    finally:
        server.shutdown()
        server.server_close()
