"""``extract.bylines`` finds the author and categories trafilatura's own readers find, on every fixture
page and on a page written to hold each class, id and attribute its expressions test."""

from __future__ import annotations

from pathlib import Path

import pytest
from trafilatura.metadata import extract_author, extract_catstags

from crawler.core.extract.bylines import find_author, find_categories
from crawler.core.extract.load import page_text, parse

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "fixtures").rglob("*.html"))

BYLINE_SHAPES = [
    '<span rel="author">Ada Brook</span>',
    '<div class="post-authorname">Lee Marsh</div>',
    '<p class="AuthorName x">Kim Vale</p>',
    '<a data-testid="AuthorURL" href="/a">Sam Holt</a>',
    '<div><rel>me</rel>Rae Stone</div>',
    "<author>Jo Reed</author>",
    '<h4 class="byl">By Ola Fenn</h4>',
    '<span id="zuozhe-box">Wang Lin</span>',
    '<div class="journalist-name">Ina Cole</div>',
    '<em itemprop="author">Pia Lund</em>',
    '<section id="postAuthor">Tom Kerr</section>',
    '<b class="story-writer">Eve Park</b>',
    '<i data-component="Byline">Max Dunn</i>',
]
DISCARD_SHAPES = [
    '<div class="comments"><span class="author">A Commenter</span></div>',
    '<div id="comment-list-1"><span class="author">Reader One</span></div>',
    '<span class="widget sidebar"><a class="author">Side Name</a></span>',
    '<section class="article-share"><span class="author">Share Bar</span></section>',
    '<figure><span class="author">Photo Credit</span></figure>',
    '<time><span class="author">Timestamp</span></time>',
    '<div data-component="FigureBlock"><span class="author">Fig Name</span></div>',
    '<div class="widget sidebar"><div><p><span class="byline">Deep Name</span></p></div></div>',
    '<div class="a|b c\u00a6d e\u241ff"><span class="author">Odd Class</span></div>',
    '<p class="intro">No byline <!-- a comment --> here</p>',
]


def shaped_pages() -> list[str]:
    """One page per byline shape, behind every discard shape, and with a discarded part inside it."""
    pages = []
    for byline in BYLINE_SHAPES:
        for discard in ["", *DISCARD_SHAPES]:
            pages.append(f"<html><body>{discard}<article><p>Text.</p>{byline}</article></body></html>")
        inner = byline.replace(">", '><span class="date">May 2</span> ', 1)
        pages.append(f"<html><body><article>{inner}</article></body></html>")
    for cls in ("post-meta", "entry-utility", "postinfo"):
        link = '<a href="/category/navies/">Navies</a> <a href="/tag/x/">X</a>'
        pages.append(f'<html><body><div class="{cls} y">{link}</div></body></html>')
    pages.append('<html><head><meta property="article:section" content="Defence"></head><body></body></html>')
    return pages


@pytest.mark.parametrize("html", [p.read_bytes() for p in PAGES] + shaped_pages())
def test_same_author_and_categories_as_trafilatura(html: bytes | str) -> None:
    text = page_text(html, None)
    tree = parse(text) if isinstance(text, str) else None
    if tree is None:
        pytest.skip("not a page")
    assert find_author(tree) == extract_author(tree)
    assert find_categories(tree) == extract_catstags("category", tree)


def test_a_discarded_block_does_not_hide_the_byline_after_it() -> None:
    html = '<div class="comments"><p>x</p></div><span class="author">Ada Brook</span>'
    tree = parse(f"<html><body>{html}</body></html>")
    assert tree is not None and find_author(tree) == "Ada Brook"
