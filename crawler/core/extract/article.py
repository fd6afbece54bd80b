"""html + url → Article | Rejected: trafilatura wrapped in hotline's cleaning layer.

The page is decoded and parsed once. trafilatura reads the metadata (title, author, date through
htmldate with ``original_date``) from the page as published; boilerplate nodes are then removed from
that same tree (``clean``), trafilatura finds the main text in it (comments off), boilerplate lines are
dropped from that text (``lines``), and pages that are not articles become ``Rejected`` values
(``pagekind``). Metadata comes first so that removing an author-bio box or a date line never costs
the record its author or date. Pure: no IO.
"""

from __future__ import annotations

import logging
import re

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document, set_date_params

from crawler.core.extract.clean import clean_tree
from crawler.core.extract.decode import CONTROL_CHARS, binary_kind, decode_html
from crawler.core.extract.lines import clean_lines
from crawler.core.extract.pagekind import error_page, listing_page, too_short
from crawler.core.extract.pagemeta import guess_language, read_page_meta
from crawler.core.extract.rules import DomRuleSet, Removal, bundled_rules, site_rules
from crawler.core.records import Article, Rejected
from crawler.core.urls import canonical_url

LOGGER = logging.getLogger(__name__)

# libxml2 stops building the tree 256 levels down and drops what lies deeper; a page nested that
# deep (thousands of wrapper divs) is parsed again with its wrappers flattened
MAX_DEPTH = 255
# htmldate (original_date: the publication, not the last update) searches the page's text only when
# the page declares no date and is of ordinary size: that search runs many regexes over the whole page
# (seconds on a multi-megabyte one)
EXTENSIVE_DATE_MAX_CHARS = 1_000_000
_WRAPPERS = re.compile(r"</?(?:div|span|section|font|center)\b[^>]*>", re.IGNORECASE)


def extract_article(
    html: bytes | str,
    url: str,
    *,
    charset: str | None = None,
    selectors: tuple[str, ...] = (),
) -> Article | Rejected:
    """Extract the article on a page; ``charset`` is the HTTP header's, ``selectors`` a source's extras."""
    return _guarded(html, url, charset, tuple(selectors), None)


def explain_article(
    html: bytes | str,
    url: str,
    *,
    charset: str | None = None,
    selectors: tuple[str, ...] = (),
) -> tuple[Article | Rejected, list[Removal]]:
    """Like ``extract_article``, and also list what the cleaning layer removed and which rule did it."""
    trace: list[Removal] = []
    return _guarded(html, url, charset, tuple(selectors), trace), trace


def _guarded(
    html: bytes | str, url: str, charset: str | None, selectors: tuple[str, ...], trace: list[Removal] | None
) -> Article | Rejected:
    try:
        return _extract(html, url, charset, selectors, trace)
    except Exception as exc:  # one bad page must never stop a crawl: report it as a value, log the bug
        LOGGER.exception("extraction failed on %s", url)
        return Rejected(url, f"extraction failed: {type(exc).__name__}: {exc}")


def _page_text(html: bytes | str, charset: str | None) -> str | Rejected:
    """The page as text with control characters dropped, or why there is none."""
    if isinstance(html, bytes | bytearray):
        data = bytes(html)
        if not data.strip():
            return Rejected("", "empty page")
        kind = binary_kind(data)
        if kind:
            return Rejected("", f"binary: {kind}, not a web page")
        text, _encoding = decode_html(data, charset)
    elif isinstance(html, str):
        text = html
        kind = binary_kind(text)
        if kind:
            return Rejected("", f"binary: {kind}, not a web page")
    else:
        return Rejected("", f"not a page: got {type(html).__name__}, expected bytes or str")
    text = CONTROL_CHARS.sub("", text)
    if not text.strip():
        return Rejected("", "empty page")
    return text


def _parse(text: str) -> HtmlElement | None:
    """Parse with trafilatura's own loader (same parser and repairs as a bare trafilatura run)."""
    tree = trafilatura.load_html(text)
    if tree is None or not len(tree):
        return None
    return tree


def _clean_and_extract(
    tree: HtmlElement, url: str, rule_sets: tuple[DomRuleSet, ...], trace: list[Removal] | None
) -> Document | None:
    """Remove boilerplate nodes, then let trafilatura find the main text (None when it finds none)."""
    clean_tree(tree, rule_sets, trace)
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    return doc if isinstance(doc, Document) and doc.text else None


def _too_deep(text: str) -> bool:
    """Cheap sign of pathological nesting: more wrapper tags than libxml2 keeps levels."""
    return text.count("<div") + text.count("<DIV") + text.count("<span") > MAX_DEPTH


def _extract(
    html: bytes | str, url: str, charset: str | None, selectors: tuple[str, ...], trace: list[Removal] | None
) -> Article | Rejected:
    text = _page_text(html, charset)
    if isinstance(text, Rejected):
        return Rejected(url, text.reason)
    tree = _parse(text)
    if tree is None:
        return Rejected(url, "not HTML: the page has no markup to extract from")
    meta = read_page_meta(tree)
    rules = bundled_rules()
    dates = set_date_params(extensive=not meta.published and len(text) <= EXTENSIVE_DATE_MAX_CHARS)
    info = trafilatura.extract_metadata(tree, default_url=url, date_config=dates)
    doc = _clean_and_extract(tree, url, (rules.dom, site_rules(selectors)), trace)
    if doc is None and _too_deep(text):
        LOGGER.info("page nested deeper than %d levels, flattening its wrappers: %s", MAX_DEPTH, url)
        flat = _parse(_WRAPPERS.sub(" ", text))
        if flat is not None:
            tree = flat
            if trace is not None:
                trace.clear()  # the first pass's removals belonged to a tree now thrown away
            doc = _clean_and_extract(tree, url, (rules.dom, site_rules(selectors)), trace)
    if doc is None:
        return Rejected(url, error_page(tree, "", "") or "not an article: no main text found")
    title = " ".join((info.title or "").split())
    paragraphs = clean_lines(doc.text, rules, title=title, categories=info.categories or (), trace=trace)
    body = "\n\n".join(paragraphs)
    reason = error_page(tree, title, body) or listing_page(url, meta, tree, paragraphs) or too_short(body)
    if reason:
        return Rejected(url, reason)
    return Article(
        url=url,
        canonical_url=canonical_url(url, meta.canonical),
        title=title,
        text=body,
        published=meta.published or info.date,
        author=info.author,
        site_name=info.sitename,
        language=meta.language or guess_language(body),
        image=info.image,
        description=info.description,
    )
