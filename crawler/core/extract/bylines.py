"""The page's author and categories as trafilatura reads them, without its per-element Python calls.

trafilatura finds bylines and category links with XPath expressions that test class and id values by
regular expression (``re:test``), and for the author it first copies the whole page to prune it. On
real publisher pages that was 13 ms a page for the author and 2 ms for the categories. Here the
categories' expressions are the same tests as XPath 1.0 (``contains``, ``starts-with``: every pattern
is a plain alternation), run only on a page with a category link. For the author, the page's class
and id values are read as strings, only the elements whose values hold a byline word (or that carry
the other attributes the expressions test) are fetched and tested in Python, and the pruning is a
filter on a byline's ancestors and descendants: one inside a discarded block (comments, sidebars,
dates, figures) is skipped, and a discarded block inside it does not count in its text.
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

from crawler.core.extract.selectors import value_separator, value_set

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
_ANY_CATEGORY_LINK = etree.XPath("boolean(//a[contains(@href, '/categor')])")
_SECTION_META = etree.XPath(
    './/head//meta[@property="article:section" or contains(@name, "subject")][@content]'
)


def find_author(tree: HtmlElement) -> str | None:
    """trafilatura's ``extract_author``: the first byline outside discarded blocks, normalised.

    trafilatura deletes every discarded block of the page first; only a byline's ancestors and
    descendants can hide it or its text, so only those are tested here."""
    discarded = _Discarded()
    for element in _author_candidates(tree):
        if discarded(element) or any(discarded(up) for up in element.iterancestors()):
            continue
        content = trim(" ".join(_text_outside(element, discarded)))
        if content and 2 < len(content) < AUTHOR_MAX_CHARS:
            return normalize_authors(None, content)
    return None


def _author_candidates(tree: HtmlElement) -> list[HtmlElement]:
    """What ``AUTHOR_XPATHS`` find, in their order.

    libxml2 takes microseconds per element over their many tests, and a Python walk over every
    element of a big page took 15 ms: only the elements that could pass one (``_could_qualify``) are
    fetched, and each is tested here."""
    found: tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]] = ([], [], [])
    for node in _could_qualify(tree):
        tag = node.tag
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
    return [*found[0], *found[1], *found[2]]


def _could_qualify(tree: HtmlElement) -> list[HtmlElement]:
    """In document order, every element of ``tree`` (itself included) that one of the tests in
    ``_author_candidates`` may accept: a class or id value holding one of the words those tests look
    for (each distinct value is checked once, as a string), or one of the other attributes, tags or
    child elements they read. Anything else fails every test."""
    classes = [v for v in set(_CLASS_VALUES(tree)) if v in _CLASSES_EXACT or _CLASS_WORDS.search(v)]
    ids = [value for value in set(_ID_VALUES(tree)) if _ID_WORDS.search(value)]
    separator = value_separator((*classes, *ids))
    if separator is None:  # every separator occurs in some value: test every element
        return [node for node in tree.iter() if isinstance(node.tag, str)]
    return _QUALIFYING(
        tree, classes=value_set(classes, separator), ids=value_set(ids, separator), sep=separator
    )


class _Discarded:
    """Whether ``AUTHOR_DISCARD_XPATHS`` take a node, remembered per node for one page."""

    def __init__(self) -> None:
        self._seen: dict[HtmlElement, bool] = {}

    def __call__(self, node: HtmlElement) -> bool:
        verdict = self._seen.get(node)
        if verdict is None:
            tag = node.tag
            verdict = tag in ("time", "figure") or (
                tag in _DISCARD_TAGS and _discard(node, node.get("class") or "", node.get("id") or "")
            )
            self._seen[node] = verdict
        return verdict


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


# what _first and the second and third author tests read: the words their class and id tests look
# for (as substrings: a superset of their prefixes and whole values), the exact class values they
# compare with, and the attributes, tags and child elements they test
_CLASS_WORDS = re.compile("|".join(map(re.escape, (*_CLASS_PARTS_0, *_CLASS_PARTS_1, *_CLASS_PARTS_2))))
_CLASSES_EXACT = frozenset((*_CLASSES_1, "author"))
_ID_WORDS = re.compile("|".join(("author", "Author", *_IDS_1)))
_CLASS_VALUES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
_ID_VALUES = etree.XPath("descendant-or-self::*/@id", smart_strings=False)
_QUALIFYING = etree.XPath(
    "descendant-or-self::*[(@class and contains($classes, concat($sep, @class, $sep)))"
    " or (@id and contains($ids, concat($sep, @id, $sep)))"
    " or contains(@itemprop, 'author') or @rel = 'author' or @data-testid = 'AuthorCard'"
    " or @data-testid = 'AuthorURL' or contains(@data-component, 'Byline')]"
    " | descendant-or-self::author | descendant-or-self::rel/.."
)


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


def _text_outside(element: HtmlElement, discarded: _Discarded) -> Iterator[str]:
    """``element.itertext()`` without the text of discarded descendants (their tails stay)."""
    if not any(discarded(node) for node in element.iterdescendants(etree.Element)):
        return element.itertext()
    return _walk(element, discarded)


def _walk(element: HtmlElement, discarded: _Discarded) -> Iterator[str]:
    if not isinstance(element.tag, str):
        return  # a comment: its text is not the page's (its tail is, given by the parent)
    if element.text:
        yield element.text
    for child in element:
        if not isinstance(child.tag, str) or not discarded(child):
            yield from _walk(child, discarded)
        if child.tail:
            yield child.tail


def find_categories(tree: HtmlElement) -> list[str]:
    """trafilatura's ``extract_catstags("category", tree)``: category links, else the section meta.

    A category link's address has ``/categor`` in it: on a page without one, the six expressions
    (a walk of the page each) cannot find anything."""
    results: list[str] = []
    for expression in CATEGORIES_XPATHS if _ANY_CATEGORY_LINK(tree) else ():
        results.extend(
            block_text(link) for link in expression(tree) if _CATEGORY_HREF.search(link.attrib["href"])
        )
        if results:
            break
    if not results:
        results.extend(meta.attrib["content"] for meta in _SECTION_META(tree))
    return [r for r in dict.fromkeys(line_processing(x) for x in results if x) if r]
