"""crawler.core.urls.site_of / same_site: the one definition of "same site"."""

from __future__ import annotations

import pytest

from crawler.core.urls import canonical_url, same_site, site_of


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.defense.gov/News/Releases/", "defense.gov"),
        ("https://media.defense.gov/2024/a.pdf", "defense.gov"),
        ("HTTPS://M.BBC.CO.UK/news/world", "bbc.co.uk"),  # a two-label public suffix
        ("https://feeds.reuters.com/reuters/worldNews", "reuters.com"),
        ("https://amp.scmp.com/news/china", "scmp.com"),
        ("http://127.0.0.1:8123/articles/a.html", "127.0.0.1"),  # no registrable domain: the host
        ("http://localhost:8123/articles/a.html", "localhost"),
        ("file:///tmp/page.html", ""),
        ("not a url", ""),
        ("http://[broken", ""),
    ],
)
def test_site_of(url: str, site: str) -> None:
    assert site_of(url) == site


def test_same_site() -> None:
    assert same_site("https://www.example.com/a", "https://news.example.com/b")
    assert not same_site("https://example.com/a", "https://example.org/a")
    # the fixture server's two names are two sites (the crawler's "another host" in tests)
    assert not same_site("http://127.0.0.1:8000/a", "http://localhost:8000/a")
    assert same_site("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/b")
    assert not same_site("file:///a.html", "file:///b.html")


def test_canonical_link_is_taken_only_on_the_same_site() -> None:
    page = "https://www.example.com/2024/05/story/?utm_source=x"
    assert canonical_url(page, "https://example.com/story") == "https://example.com/story"
    assert canonical_url(page, "https://elsewhere.org/story") == "https://www.example.com/2024/05/story/"
