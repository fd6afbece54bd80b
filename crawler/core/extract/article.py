"""html + url → Article | Rejected: trafilatura wrapped in hotline's cleaning layer.

The page is decoded and parsed once (``load``). trafilatura's readers take the metadata (title, author,
date through htmldate with ``original_date`` when the page declares none) from the page as published
(``metadata``); scripts, style sheets and page chrome no stage reads are then dropped (``prune``),
boilerplate nodes are removed from that same tree (``clean``), trafilatura finds the main text in it
(comments off), boilerplate lines are dropped from that text (``lines``), and pages that are not
articles become ``Rejected`` values (``pagekind``), stamped with ``EXTRACTOR_VERSION``. Metadata comes
first so that removing an author-bio box or a date line never costs the record its author or date.
Text is Unicode NFC, as ``trafilatura.extract`` returns it. When the cleaning took much, the result is
checked against trafilatura on the uncleaned page (``crosscheck``). Pure: no IO.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import replace

from lxml.html import HtmlElement

from crawler.core.extract.crosscheck import (
    CleaningReport,
    clean_and_extract,
    cross_check,
    needs_check,
    text_lines,
)
from crawler.core.extract.generic import teaser_listing
from crawler.core.extract.load import flattened, page_text, parse, too_deep
from crawler.core.extract.metadata import read_metadata
from crawler.core.extract.pagekind import anchor_texts, error_page, listing_page, too_short
from crawler.core.extract.pagemeta import PageMeta, guess_language, read_page_meta
from crawler.core.extract.profile import SiteProfile
from crawler.core.extract.prune import drop_unread
from crawler.core.extract.rules import Removal, bundled_rules, site_rules
from crawler.core.extract.sitelayer import site_layer
from crawler.core.records import Article, Rejected
from crawler.core.urls import canonical_url

__all__ = ["EXTRACTOR_VERSION", "CleaningReport", "explain_article", "extract_article", "extract_reported"]

LOGGER = logging.getLogger(__name__)

# bumped whenever a change to extraction (rules, guards, page-kind tests) may judge a page differently:
# a page rejected by an older version is fetched and judged again (store.failures.reopen_outdated)
EXTRACTOR_VERSION = 2

# htmldate (original_date: the publication, not the last update) searches the page's text only when
# the page declares no date and is of ordinary size: that search runs many regexes over the whole page
# (seconds on a multi-megabyte one)
EXTENSIVE_DATE_MAX_CHARS = 1_000_000


def extract_article(
    html: bytes | str,
    url: str,
    *,
    charset: str | None = None,
    selectors: tuple[str, ...] = (),
    profile: SiteProfile | None = None,
) -> Article | Rejected:
    """Extract the article on a page; ``charset`` is the HTTP header's, ``selectors`` a source's extras,
    ``profile`` what its site repeats (``crawler.core.extract.profile``)."""
    report = CleaningReport(wants_sample=False)  # the record only: no site profile learns from it
    return _guarded(html, url, charset, tuple(selectors), None, report, profile)


def extract_reported(
    html: bytes | str,
    url: str,
    *,
    charset: str | None = None,
    selectors: tuple[str, ...] = (),
    profile: SiteProfile | None = None,
) -> tuple[Article | Rejected, CleaningReport]:
    """Like ``extract_article``, with the cleaning layer's report (what the crawl counts)."""
    report = CleaningReport()
    return _guarded(html, url, charset, tuple(selectors), None, report, profile), report


def explain_article(
    html: bytes | str,
    url: str,
    *,
    charset: str | None = None,
    selectors: tuple[str, ...] = (),
    profile: SiteProfile | None = None,
) -> tuple[Article | Rejected, list[Removal]]:
    """Like ``extract_article``, and also list what the cleaning layer removed and which rule did it."""
    trace: list[Removal] = []
    report = CleaningReport(wants_sample=False)
    return _guarded(html, url, charset, tuple(selectors), trace, report, profile), trace


def _guarded(
    html: bytes | str,
    url: str,
    charset: str | None,
    selectors: tuple[str, ...],
    trace: list[Removal] | None,
    report: CleaningReport,
    profile: SiteProfile | None = None,
) -> Article | Rejected:
    try:
        result = _extract(html, url, charset, selectors, trace, report, profile)
    except Exception as exc:  # one bad page must never stop a crawl: report it as a value, log the bug
        LOGGER.exception("extraction failed on %s", url)
        result = Rejected(url, f"extraction failed: {type(exc).__name__}: {exc}")
    if isinstance(result, Rejected):
        return replace(result, extractor=EXTRACTOR_VERSION)
    return result


def _judge(url: str, meta: PageMeta, tree: HtmlElement, title: str, paragraphs: list[str]) -> str | None:
    """Why the page is not an article, or None."""
    body = "\n\n".join(paragraphs)
    return (
        error_page(tree, title, body)
        or listing_page(url, meta, tree, paragraphs)
        or teaser_listing(tree, paragraphs)
        or too_short(body)
    )


def _extract(
    html: bytes | str,
    url: str,
    charset: str | None,
    selectors: tuple[str, ...],
    trace: list[Removal] | None,
    report: CleaningReport,
    profile: SiteProfile | None,
) -> Article | Rejected:
    text = page_text(html, charset)
    if isinstance(text, Rejected):
        return Rejected(url, text.reason)
    tree = parse(text)
    if tree is None:
        return Rejected(url, "not HTML: the page has no markup to extract from")
    meta = read_page_meta(tree)
    rules = bundled_rules()
    info = read_metadata(tree, url, meta.published, extensive_dates=len(text) <= EXTENSIVE_DATE_MAX_CHARS)
    drop_unread(tree)
    rule_sets = (rules.dom, site_rules(selectors))
    doc, cuts = clean_and_extract(tree, url, rule_sets, trace, report)
    if doc is None and too_deep(text):
        LOGGER.info("page nested deeper than libxml2 goes, flattening its wrappers: %s", url)
        flat = flattened(text)
        if flat is not None:
            tree = drop_unread(flat)
            if trace is not None:
                trace.clear()  # the first pass's removals belonged to a tree now thrown away
            doc, cuts = clean_and_extract(tree, url, rule_sets, trace, report)
    title = unicodedata.normalize("NFC", " ".join((info.title or "").split()))
    lines = (rules, title, tuple(info.categories or ()))
    paragraphs = text_lines(doc, lines, trace)
    reason = _judge(url, meta, tree, title, paragraphs) if doc is not None else None
    if needs_check(cuts, doc, bool(reason), paragraphs):
        checked = cross_check(text, url, rule_sets, cuts, paragraphs, lines, trace, report)
        if checked is not None:
            tree, doc, paragraphs = checked
            reason = _judge(url, meta, tree, title, paragraphs)
    if doc is None:
        return Rejected(url, error_page(tree, "", "") or "not an article: no main text found")
    if reason:
        return Rejected(url, reason)
    paragraphs, report.sample = site_layer(
        paragraphs,
        title,
        profile,
        links=lambda: {" ".join(t.split()).casefold() for t in anchor_texts(tree)},
        judge=lambda kept: _judge(url, meta, tree, title, kept),
        trace=trace,
        sample=report.wants_sample,
    )
    body = "\n\n".join(paragraphs)
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
