"""Link discovery without a crawl: feeds, sitemaps and listing pagination parsed from bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.core.dates import parse_date
from crawler.spiders.links import feed_links, parse_sitemap
from crawler.spiders.listing import next_page
from crawler.spiders.search import unwrap_redirect

FEED_URL = "https://news.example/feeds/main.xml"

RSS2_FULL = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example</title><link>https://news.example/</link>
<item><title>Relative link</title><link>/2024/04/call.html</link>
  <pubDate>Tue, 16 Apr 2024 18:30:00 +0000</pubDate>
  <content:encoded><![CDATA[<p>Full text with <a href="https://elsewhere.example/x">a link</a>.</p>]]>
  </content:encoded></item>
<item><title>Permalink guid only</title><guid isPermaLink="true">https://news.example/2024/04/guid.html</guid></item>
<item><title>No link at all</title><guid isPermaLink="false">tag:news.example,2024:7</guid></item>
<item><title>Not the web</title><link>mailto:desk@news.example</link></item>
</channel></rss>"""

RSS091 = b"""<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old</title><link>https://old.example/</link><description>d</description>
<item><title>First</title><link>https://old.example/a.html</link>
  <description>Summary only</description></item>
<item><title>Second</title><link>https://old.example/b.html</link></item>
</channel></rss>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
<item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link>
  <dc:date>2024-05-31T04:40:00Z</dc:date></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/analysis/">
<title>Atom</title><id>urn:x</id><updated>2024-05-31T04:40:00Z</updated>
<entry><title>Two links</title><id>urn:1</id>
  <link rel="replies" href="https://news.example/comments/1"/>
  <link rel="alternate" type="text/html" href="piece-1.html"/>
  <updated>2024-05-31T04:40:00Z</updated><summary>Summary only.</summary></entry>
</feed>"""


def test_rss2_full_content_yields_item_links_only():
    links = feed_links(RSS2_FULL, FEED_URL)
    assert [link.url for link in links] == [
        "https://news.example/2024/04/call.html",
        "https://news.example/2024/04/guid.html",
    ]
    assert links[0].title == "Relative link"
    assert links[0].published == datetime(2024, 4, 16, 18, 30, tzinfo=UTC)
    assert links[1].published is None


@pytest.mark.parametrize(
    ("body", "urls"),
    [
        (RSS091, ["https://old.example/a.html", "https://old.example/b.html"]),
        (RDF, ["https://rdf.example/1"]),
        (ATOM, ["https://news.example/analysis/piece-1.html"]),
    ],
)
def test_rss_091_rdf_and_atom(body: bytes, urls: list[str]):
    assert [link.url for link in feed_links(body, FEED_URL)] == urls


def test_not_a_feed_is_none_and_an_empty_feed_is_empty():
    assert feed_links(b"<html><body><p>Moved to our new site</p></body></html>", FEED_URL) is None
    assert feed_links(b"", FEED_URL) is None
    empty = b'<rss version="2.0"><channel><title>t</title><link>https://a.example/</link></channel></rss>'
    assert feed_links(empty, FEED_URL) == ()


def test_external_entities_are_never_resolved(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>A &x; B</title>'
        "<link>https://a.example/1</link></item></channel></rss>"
    ).encode()
    (link,) = feed_links(feed, FEED_URL)
    assert "TOP-SECRET" not in (link.title or "")
    sitemap = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://a.example/&x;</loc></url></urlset>"
    ).encode()
    parsed = parse_sitemap(sitemap)
    assert parsed is not None and all("TOP-SECRET" not in link.url for link in parsed.links)


def test_sitemap_index_urlset_and_news_sitemap():
    index = parse_sitemap(b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.example/s1.xml</loc><lastmod>2024-05-01</lastmod></sitemap>
<sitemap><loc>https://a.example/s2.xml.gz</loc></sitemap></sitemapindex>""")
    assert index.kind == "sitemapindex"
    assert [(s.url, s.published) for s in index.links] == [
        ("https://a.example/s1.xml", datetime(2024, 5, 1, tzinfo=UTC)),
        ("https://a.example/s2.xml.gz", None),
    ]
    news = parse_sitemap(b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://a.example/n/1.html</loc><lastmod>2024-01-01</lastmod>
  <news:news><news:publication><news:name>A</news:name><news:language>en</news:language></news:publication>
  <news:publication_date>2024-06-01T08:00:00+08:00</news:publication_date>
  <news:title>Talks resume</news:title>
  </news:news></url>
<url><loc>https://a.example/n/2.html</loc><lastmod>2024-06-02T10:00Z</lastmod></url>
<url><lastmod>2024-06-02</lastmod></url>
</urlset>""")
    assert news.kind == "urlset"
    first, second = news.links
    assert (first.url, first.title, first.published) == (
        "https://a.example/n/1.html",
        "Talks resume",
        datetime(2024, 6, 1, 0, 0, tzinfo=UTC),
    )
    assert second.published == datetime(2024, 6, 2, 10, 0, tzinfo=UTC) and second.title is None


def test_damaged_sitemaps():
    assert parse_sitemap(b"<html><body>not here</body></html>") is None
    assert parse_sitemap(b"") is None
    cut = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://a.example/1</loc></url><url><loc>https://a.exa"
    )
    assert cut is not None and [link.url for link in cut.links][:1] == ["https://a.example/1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-16", datetime(2024, 4, 16, tzinfo=UTC)),
        ("2024-04-16T10:00:00Z", datetime(2024, 4, 16, 10, tzinfo=UTC)),
        ("2024-04-16T18:00:00+08:00", datetime(2024, 4, 16, 10, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_w3c_dates(text: str, expected: datetime | None):
    assert parse_date(text) == expected


def listing(body: str, url: str = "https://a.example/news/") -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<head><link rel="next" href="/news/page/2/"></head><body></body>',
            "https://a.example/news/page/2/",
        ),
        (
            '<nav class="navigation pagination"><div class="nav-links"><a href="?p=0">Newer</a>'
            '<a href="?p=2">Older posts</a></div></nav>',
            "https://a.example/news/?p=2",
        ),
        (
            '<ul class="pager"><li class="next"><a href="/news/3.html">›</a></li></ul>',
            "https://a.example/news/3.html",
        ),
        ('<div class="pages"><a href="/news/">1</a></div><a href="/about/">About</a>', None),
        ('<a rel="next" href="#">Next</a>', None),
    ],
)
def test_next_page_of_a_listing(body: str, expected: str | None):
    assert next_page(listing(body)) == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&url=https%3a%2f%2fnews.example%2f2024%2fa.html"
            "&c=1&mkt=en-us",
            "https://news.example/2024/a.html",
        ),
        ("https://out.example/r?u=https://news.example/b.html", "https://news.example/b.html"),
        (
            "https://news.example/search?url=https://news.example/c.html",
            "https://news.example/search?url=https://news.example/c.html",
        ),
        (
            "https://news.example/2024/d.html?url=javascript:alert(1)",
            "https://news.example/2024/d.html?url=javascript:alert(1)",
        ),
    ],
)
def test_click_tracking_links_are_unwrapped_for_search_sources(link: str, expected: str):
    assert unwrap_redirect(link) == expected


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    from crawler.middlewares import retry_after_seconds

    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412420.0) == 60
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412540.0) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
