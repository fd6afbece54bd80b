"""A saved page read without ``--url`` takes its own declared address, not ``file:///…``.

``hotline extract FILE`` and ``hotline fixtures add FILE`` read files through ``read_page``; the
pages here are written by the test (a few lines of our own).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli.pages import declared_url, read_page

BODY = (
    "<body><article><h1>Harbour talks</h1><p>Two navies met to talk about safety at sea.</p></article></body>"
)


def page(head: str) -> bytes:
    return f"<!DOCTYPE html><html><head><title>Harbour talks</title>{head}</head>{BODY}</html>".encode()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<link rel="canonical" href="https://news.example.org/2025/harbour-talks/">',
            "https://news.example.org/2025/harbour-talks/",
        ),
        (
            '<meta property="og:url" content="https://news.example.org/og/harbour/">',
            "https://news.example.org/og/harbour/",
        ),
        # the canonical link wins over og:url; a relative one cannot be resolved from a file
        (
            '<meta property="og:url" content="https://news.example.org/og/">'
            '<link rel="Canonical" href=" https://news.example.org/canon/ ">',
            "https://news.example.org/canon/",
        ),
        (
            '<link rel="canonical" href="/2025/harbour/"><meta property="og:url" content="https://a.example/x">',
            "https://a.example/x",
        ),
        ('<link rel="canonical" href="/2025/harbour/">', None),
        ('<link rel="canonical" href="javascript:alert(1)">', None),
        ("", None),
    ],
)
def test_declared_url(head: str, expected: str | None) -> None:
    assert declared_url(page(head)) == expected


def test_read_page_uses_the_declared_address_then_the_file_uri(tmp_path: Path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_bytes(page('<link rel="canonical" href="https://news.example.org/2025/harbour-talks/">'))
    read = read_page(str(saved), url=None, charset=None, timeout=1, user_agent="t")
    assert read.url == "https://news.example.org/2025/harbour-talks/"
    given = read_page(str(saved), url="https://other.example/x", charset=None, timeout=1, user_agent="t")
    assert given.url == "https://other.example/x"  # --url still decides
    bare = tmp_path / "bare.html"
    bare.write_bytes(page(""))
    assert (
        read_page(str(bare), url=None, charset=None, timeout=1, user_agent="t").url == bare.resolve().as_uri()
    )
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    assert read_page(str(empty), url=None, charset=None, timeout=1, user_agent="t").url.startswith("file:")
