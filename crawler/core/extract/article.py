"""html + url → Article | Rejected: trafilatura wrapped in hotline's cleaning layer.

The page is decoded and parsed once. trafilatura's readers take the metadata (title, author, date
through htmldate with ``original_date`` when the page declares none) from the page as published
(``metadata``); scripts, style sheets and page chrome no stage reads are then dropped (``prune``),
boilerplate nodes are removed from that same tree (``clean``), trafilatura finds the main text in it
(comments off), boilerplate lines are dropped from that text (``lines``), and pages that are not
articles become ``Rejected`` values (``pagekind``), stamped with ``EXTRACTOR_VERSION``. Metadata comes
first so that removing an author-bio box or a date line never costs the record its author or date.
Text is Unicode NFC, as ``trafilatura.extract`` returns it.

Cleaning must never cost the article, so its result is cross-checked: when the cleaning took large
blocks, or the page would be rejected, trafilatura also runs on the uncleaned page. If the cleaned
text keeps less than ``KEEP_OF_BARE`` of what trafilatura finds there, the cleaning is wrong, not the
page: the removals that held trafilatura's lines are undone (shown as ``guard`` in ``--explain``), and
if that is not enough, trafilatura's own text is used. Pure: no IO.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass, field, replace

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document

from crawler.core.extract.clean import Cut, clean_tree, snippet
from crawler.core.extract.decode import CONTROL_CHARS, binary_kind, decode_html
from crawler.core.extract.generic import teaser_listing
from crawler.core.extract.lines import clean_lines
from crawler.core.extract.metadata import read_metadata
from crawler.core.extract.pagekind import anchor_texts, error_page, listing_page, text_size, too_short
from crawler.core.extract.pagemeta import PageMeta, guess_language, read_page_meta
from crawler.core.extract.profile import PageSample, SiteProfile
from crawler.core.extract.prune import drop_unread
from crawler.core.extract.rules import DomRuleSet, Removal, Rules, bundled_rules, site_rules
from crawler.core.extract.sitelayer import site_layer
from crawler.core.records import Article, Rejected
from crawler.core.urls import canonical_url

LOGGER = logging.getLogger(__name__)

# bumped whenever a change to extraction (rules, guards, page-kind tests) may judge a page differently:
# a page rejected by an older version is fetched and judged again (store.failures.reopen_outdated)
EXTRACTOR_VERSION = 2

# libxml2 stops building the tree 256 levels down and drops what lies deeper; a page nested that
# deep (thousands of wrapper divs) is parsed again with its wrappers flattened
MAX_DEPTH = 255
# htmldate (original_date: the publication, not the last update) searches the page's text only when
# the page declares no date and is of ordinary size: that search runs many regexes over the whole page
# (seconds on a multi-megabyte one)
EXTENSIVE_DATE_MAX_CHARS = 1_000_000
_WRAPPERS = re.compile(r"</?(?:div|span|section|font|center)\b[^>]*>", re.IGNORECASE)
# the cleaned text must keep at least this share of the words trafilatura finds on the uncleaned page
KEEP_OF_BARE = 0.6
# cuts holding more visible characters than this and than the text kept make the result worth a
# cross-check (the page would be rejected: always)
CHECK_CUT_CHARS = 1500
# a line of trafilatura's text this long (words) found inside a cut means the cut held the article
ARTICLE_LINE_WORDS = 8


@dataclass(slots=True)
class CleaningReport:
    """How the cleaning layer fared on one page, for the crawl's stats: removals its guards refused,
    removals the cross-check undid, and whether trafilatura's own text had to be used."""

    refused: int = 0
    undone: int = 0
    fell_back: bool = False
    sample: PageSample | None = field(default=None, compare=False)  # what it adds to its site's profile


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
    return _guarded(html, url, charset, tuple(selectors), None, CleaningReport(), profile)


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
    return _guarded(html, url, charset, tuple(selectors), trace, CleaningReport(), profile), trace


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


def _page_text(html: bytes | str, charset: str | None) -> str | Rejected:
    """The page as text with control characters dropped, or why there is none."""
    if isinstance(html, bytes | bytearray):
        data = bytes(html)
        if not data or data.isspace():
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
    if CONTROL_CHARS.search(text):  # searched first: the substitution copies a page of megabytes
        text = CONTROL_CHARS.sub("", text)
    if not text or text.isspace():
        return Rejected("", "empty page")
    return text


def _parse(text: str) -> HtmlElement | None:
    """Parse with trafilatura's own loader (same parser and repairs as a bare trafilatura run)."""
    tree = trafilatura.load_html(text)
    if tree is None or not len(tree):
        return None
    return tree


def _clean_and_extract(
    tree: HtmlElement,
    url: str,
    rule_sets: tuple[DomRuleSet, ...],
    trace: list[Removal] | None,
    report: CleaningReport,
    keep: frozenset[str] = frozenset(),
) -> tuple[Document | None, list[Cut]]:
    """Remove boilerplate nodes, then let trafilatura find the main text (None when it finds none)."""
    cleaning = clean_tree(tree, rule_sets, trace, keep)
    report.refused = cleaning.refused
    return _bare(tree, url), cleaning.cuts


def _bare(tree: HtmlElement, url: str) -> Document | None:
    """trafilatura's main text of ``tree`` (comments off), None when it finds none."""
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    if not isinstance(doc, Document) or not doc.text:
        return None
    doc.text = unicodedata.normalize("NFC", doc.text)
    return doc


def _words(text: str) -> float:
    """Size of a text in words, a CJK character counting as half a word (Chinese has no spaces)."""
    words, cjk = text_size(text)
    return words + cjk / 2


def _held_article(cuts: list[Cut], bare_text: str) -> frozenset[str]:
    """The cuts that held one of trafilatura's article lines."""
    probes = [
        " ".join(line.split())[:80]
        for line in bare_text.splitlines()
        if len(line.split()) >= ARTICLE_LINE_WORDS or _words(line) >= ARTICLE_LINE_WORDS
    ]
    return frozenset(cut.path for cut in cuts if any(probe in cut.text for probe in probes))


def _too_deep(text: str) -> bool:
    """Cheap sign of pathological nesting: more wrapper tags than libxml2 keeps levels."""
    return text.count("<div") + text.count("<DIV") + text.count("<span") > MAX_DEPTH


def _lines(
    doc: Document | None, lines: tuple[Rules, str, tuple[str, ...]], trace: list[Removal] | None
) -> list[str]:
    if doc is None:
        return []
    rules, title, categories = lines
    return clean_lines(doc.text, rules, title=title, categories=categories, trace=trace)


def _judge(url: str, meta: PageMeta, tree: HtmlElement, title: str, paragraphs: list[str]) -> str | None:
    """Why the page is not an article, or None."""
    body = "\n\n".join(paragraphs)
    return (
        error_page(tree, title, body)
        or listing_page(url, meta, tree, paragraphs)
        or teaser_listing(tree, paragraphs)
        or too_short(body)
    )


def _cross_check(
    text: str,
    url: str,
    rule_sets: tuple[DomRuleSet, ...],
    cuts: list[Cut],
    paragraphs: list[str],
    lines: tuple[Rules, str, tuple[str, ...]],
    trace: list[Removal] | None,
    report: CleaningReport,
) -> tuple[HtmlElement, Document, list[str]] | None:
    """A better (tree, text, paragraphs) when the cleaning cost the article; None when it did not."""
    plain = _parse(text)
    bare = _bare(drop_unread(plain), url) if plain is not None else None
    if bare is None:
        return None
    wanted = KEEP_OF_BARE * _words(bare.text)
    if _words("\n".join(paragraphs)) >= wanted:
        return None
    held = _held_article(cuts, bare.text)
    if held:
        tree = deepcopy(plain)
        if tree is not None:
            retrace: list[Removal] | None = [] if trace is not None else None
            doc, _cuts = _clean_and_extract(tree, url, rule_sets, retrace, report, held)
            again = _lines(doc, lines, retrace)
            if doc is not None and _words("\n".join(again)) >= wanted:
                if trace is not None and retrace is not None:
                    trace[:] = retrace
                LOGGER.info("cleaning undone on %s: %d removals held the article", url, len(held))
                report.undone = len(held)
                return tree, doc, again
    LOGGER.info("cleaning dropped on %s: trafilatura's text kept", url)
    report.undone, report.fell_back = len(cuts), True
    if trace is not None:
        trace[:] = [r for r in trace if r.stage != "dom"]
        trace.extend(
            Removal("dom", "guard", f"undone, the cleaning cost the article: {cut.rule}", snippet(cut.text))
            for cut in cuts
        )
    return plain, bare, _lines(bare, lines, trace)


def _extract(
    html: bytes | str,
    url: str,
    charset: str | None,
    selectors: tuple[str, ...],
    trace: list[Removal] | None,
    report: CleaningReport,
    profile: SiteProfile | None,
) -> Article | Rejected:
    text = _page_text(html, charset)
    if isinstance(text, Rejected):
        return Rejected(url, text.reason)
    tree = _parse(text)
    if tree is None:
        return Rejected(url, "not HTML: the page has no markup to extract from")
    meta = read_page_meta(tree)
    rules = bundled_rules()
    info = read_metadata(tree, url, meta.published, extensive_dates=len(text) <= EXTENSIVE_DATE_MAX_CHARS)
    drop_unread(tree)
    rule_sets = (rules.dom, site_rules(selectors))
    doc, cuts = _clean_and_extract(tree, url, rule_sets, trace, report)
    if doc is None and _too_deep(text):
        LOGGER.info("page nested deeper than %d levels, flattening its wrappers: %s", MAX_DEPTH, url)
        flat = _parse(_WRAPPERS.sub(" ", text))
        if flat is not None:
            tree = drop_unread(flat)
            if trace is not None:
                trace.clear()  # the first pass's removals belonged to a tree now thrown away
            doc, cuts = _clean_and_extract(tree, url, rule_sets, trace, report)
    title = unicodedata.normalize("NFC", " ".join((info.title or "").split()))
    lines = (rules, title, tuple(info.categories or ()))
    paragraphs = _lines(doc, lines, trace)
    reason = _judge(url, meta, tree, title, paragraphs) if doc is not None else None
    taken = sum(cut.size for cut in cuts)
    if cuts and (doc is None or reason or taken > max(CHECK_CUT_CHARS, sum(map(len, paragraphs)))):
        checked = _cross_check(text, url, rule_sets, cuts, paragraphs, lines, trace, report)
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
