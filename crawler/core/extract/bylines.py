"""The page's author and categories as trafilatura reads them, without its per-element Python calls.

trafilatura finds bylines and category links with XPath expressions that test class and id values by
regular expression (``re:test``), and for the author it first copies the whole page to prune it. On
real publisher pages that was 9 to 13 ms for a page declaring no author (a third of a bare extraction)
and 2 ms for the categories. Here the categories' expressions are the same tests as XPath 1.0
(``contains``, ``starts-with``: every pattern is a plain alternation); the author's three expressions
and discard list, a dozen attribute tests of every element, become one walk over the page in Python,
and its pruning a filter: a byline inside a discarded block (comments, sidebars, dates, figures) is
skipped, and a discarded block inside a byline does not count in its text.
``tests/core/test_extract_bylines.py`` holds both equal to trafilatura's. Pure: no IO.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.baseline import block_text
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import line_processing, trim

AUTHOR_MAX_CHARS = 120  # trafilatura's len_limit for an author line


def _has(attribute: str, *parts: str) -> str:
    return " or ".join(f"contains(@{attribute}, '{part}')" for part in parts)


def _starts(attribute: str, *parts: str) -> str:
    return " or ".join(f"starts-with(@{attribute}, '{part}')" for part in parts)


# trafilatura.xpaths.CATEGORIES_XPATHS, in order
CATEGORIES_XPATHS = (
    etree.XPath(
        "//div["
        + _starts("class", "postinfo", "post-info", "postmeta", "post-meta", "meta", "entry-meta")
        + " or "
        + _starts("class", "entry-info", "entry-utility")
        + " or starts-with(@id, 'postpath')]//a[@href]"
    ),
    etree.XPath(
        "//p[starts-with(@class, 'postmeta') or starts-with(@class, 'entry-categories') or "
        "@class='postinfo' or @id='filedunder']//a[@href]"
    ),
    etree.XPath(
        "//footer[starts-with(@class, 'entry-meta') or starts-with(@class, 'entry-footer')]//a[@href]"
    ),
    etree.XPath(
        "//*[self::li or self::span][@class='post-category' or @class='postcategory' or "
        "@class='entry-category' or contains(@class, 'cat-links')]//a[@href]"
    ),
    etree.XPath("//header[@class='entry-header']//a[@href]"),
    etree.XPath("//div[@class='row' or @class='tags']//a[@href]"),
)
_CATEGORY_HREF = re.compile("/categor(?:y|ies|s)?/")
_SECTION_META = etree.XPath(
    './/head//meta[@property="article:section" or contains(@name, "subject")][@content]'
)


def find_author(tree: HtmlElement) -> str | None:
    """trafilatura's ``extract_author``: the first byline outside discarded blocks, normalised."""
    candidates, discarded = _author_candidates(tree)
    for element in candidates:
        if element in discarded or any(up in discarded for up in element.iterancestors()):
            continue
        content = trim(" ".join(_text_outside(element, discarded)))
        if content and 2 < len(content) < AUTHOR_MAX_CHARS:
            return normalize_authors(None, content)
    return None


def _author_candidates(tree: HtmlElement) -> tuple[list[HtmlElement], set[HtmlElement]]:
    """What ``AUTHOR_XPATHS`` find, in their order, and what ``AUTHOR_DISCARD_XPATH`` finds, in one
    walk over the page (libxml2's XPath takes microseconds per element over these many tests)."""
    found: tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]] = ([], [], [])
    discarded: set[HtmlElement] = set()
    for node in tree.iter():
        tag = node.tag
        if not isinstance(tag, str):
            continue
        get = node.get
        cls, ident, itemprop = get("class") or "", get("id") or "", get("itemprop") or ""
        if tag == "author" or (tag in _TAGS_0 and _first(node, cls, ident, itemprop)):
            found[0].append(node)
        if tag in _TAGS_1 and (
            cls in _CLASSES_1 or "author" in itemprop or _any(ident, _IDS_1) or _any(cls, _CLASS_PARTS_1)
        ):
            found[1].append(node)
        if (
            "author" in itemprop
            or "Byline" in (get("data-component") or "")
            or _any(ident, ("Author", "author"))
            or _any(cls, _CLASS_PARTS_2)
        ):
            found[2].append(node)
        if tag in ("time", "figure") or (tag in _DISCARD_TAGS and _discard(node, cls, ident)):
            discarded.add(node)
    return [*found[0], *found[1], *found[2]], discarded


_TAGS_0 = frozenset(("a", "address", "div", "link", "p", "span", "strong"))
_TAGS_1 = frozenset(("a", "div", "h3", "h4", "p", "span"))
_CLASSES_1 = frozenset(("byline", "username", "byl", "BBL"))
_IDS_1 = ("author", "zuozhe", "bianji", "xiaobian")
_CLASS_PARTS_0 = ("authorname", "author-name", "AuthorName", "authorName")
_CLASS_PARTS_1 = (
    "author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by", "journalist-name",
)  # fmt: skip
_CLASS_PARTS_2 = ("Author", "author", "screenname", "writer", "Byline", "byline")
_DISCARD_TAGS = frozenset(("a", "div", "section", "span"))
_DISCARD_CLASS_PARTS = (
    "commentlist", "comments-list", "sidebar", "is-hidden", "quote", "embedly-instagram", "article-share",
    "article-support", "print", "category", "meta-date", "meta-reviewer",
)  # fmt: skip


def _any(value: str, parts: tuple[str, ...]) -> bool:
    return bool(value) and any(part in value for part in parts)


def _first(node: HtmlElement, cls: str, ident: str, itemprop: str) -> bool:
    get = node.get
    return (
        get("rel") == "author"
        or ident == "author"
        or cls == "author"
        or itemprop == "author name"
        or get("data-testid") in ("AuthorCard", "AuthorURL")
        or _any(cls, _CLASS_PARTS_0)
        or any(child.text_content() == "me" for child in node.iterchildren("rel"))
    )


def _discard(node: HtmlElement, cls: str, ident: str) -> bool:
    return (
        ident.startswith("comments")
        or cls in ("comments", "title", "date")
        or _any(ident, ("commentlist", "comment-list", "ProductReviews"))
        or cls.startswith(("Comments", "comments"))
        or _any(cls, _DISCARD_CLASS_PARTS)
        or "Figure" in (node.get("data-component") or "")
    )


def _text_outside(element: HtmlElement, discarded: set[HtmlElement]) -> Iterator[str]:
    """``element.itertext()`` without the text of discarded descendants (their tails stay)."""
    if not discarded or not any(node in discarded for node in element.iterdescendants()):
        return element.itertext()
    return _walk(element, discarded)


def _walk(element: HtmlElement, discarded: set[HtmlElement]) -> Iterator[str]:
    if not isinstance(element.tag, str):
        return  # a comment: its text is not the page's (its tail is, given by the parent)
    if element.text:
        yield element.text
    for child in element:
        if child not in discarded:
            yield from _walk(child, discarded)
        if child.tail:
            yield child.tail


def find_categories(tree: HtmlElement) -> list[str]:
    """trafilatura's ``extract_catstags("category", tree)``: category links, else the section meta."""
    results: list[str] = []
    for expression in CATEGORIES_XPATHS:
        results.extend(
            block_text(link) for link in expression(tree) if _CATEGORY_HREF.search(link.attrib["href"])
        )
        if results:
            break
    if not results:
        results.extend(meta.attrib["content"] for meta in _SECTION_META(tree))
    return [r for r in dict.fromkeys(line_processing(x) for x in results if x) if r]
