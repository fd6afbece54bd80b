"""The cleaning's check after the fact: trafilatura on the uncleaned page says whether it cost the article.

The guards in ``clean`` judge removals before they happen; some harm shows only in what trafilatura
then picks. So when the cleaning took large blocks, or the page would be rejected, trafilatura also
runs on the uncleaned page. If the cleaned text keeps less than ``KEEP_OF_BARE`` of what it finds
there, the cleaning is wrong, not the page: the removals that held trafilatura's lines are undone
(shown as ``guard`` in ``--explain``), and if that is not enough, trafilatura's own text is used.
Most pages never need it: it runs on about one page in twenty of real publishers' pages.
"""

from __future__ import annotations

import logging
import unicodedata
from copy import deepcopy
from dataclasses import dataclass, field

from lxml.html import HtmlElement
from trafilatura.settings import Document

from crawler.core.extract.cascade import extract_text
from crawler.core.extract.clean import Cut, clean_tree, snippet
from crawler.core.extract.lines import clean_lines
from crawler.core.extract.load import parse
from crawler.core.extract.pagekind import text_size
from crawler.core.extract.profile import PageSample
from crawler.core.extract.prune import drop_unread
from crawler.core.extract.rules import DomRuleSet, Removal, Rules

LOGGER = logging.getLogger(__name__)

# the cleaned text must keep at least this share of the words trafilatura finds on the uncleaned page
KEEP_OF_BARE = 0.6
# cuts holding more visible characters than this, and more than CHECK_CUT_SHARE times the text kept,
# make the result worth a cross-check (the page would be rejected: always). The guards in ``clean``
# already refuse removals taking half the main content's text; what is left for this check is the
# cleaning that took the article for chrome, and that takes more than it leaves. At 1.0 the check ran
# on 15 of 258 real publisher pages, found nothing, and cost 5% of the extraction time; at 1.5, 6
CHECK_CUT_CHARS = 1500
CHECK_CUT_SHARE = 1.5
# a line of trafilatura's text this long (words) found inside a cut means the cut held the article
ARTICLE_LINE_WORDS = 8

# what the line stage needs besides the text: the rules, the page's title and its categories
LineContext = tuple[Rules, str, tuple[str, ...]]


@dataclass(slots=True)
class CleaningReport:
    """How the cleaning layer fared on one page, for the crawl's stats: removals its guards refused,
    removals the cross-check undid, and whether trafilatura's own text had to be used."""

    refused: int = 0
    undone: int = 0
    fell_back: bool = False
    sample: PageSample | None = field(default=None, compare=False)  # what it adds to its site's profile
    wants_sample: bool = field(default=True, compare=False)  # False: nobody learns from this page


def clean_and_extract(
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
    return main_text(tree, url), cleaning.cuts


def main_text(tree: HtmlElement, url: str) -> Document | None:
    """trafilatura's main text of ``tree`` (comments off), NFC; None when it finds none."""
    text = extract_text(tree, url)
    if not text:
        return None
    doc = Document()
    doc.text = unicodedata.normalize("NFC", text)
    return doc


def text_lines(doc: Document | None, lines: LineContext, trace: list[Removal] | None) -> list[str]:
    """The paragraphs of trafilatura's text that the line rules keep."""
    if doc is None:
        return []
    rules, title, categories = lines
    return clean_lines(doc.text, rules, title=title, categories=categories, trace=trace)


def needs_check(cuts: list[Cut], doc: Document | None, rejected: bool, paragraphs: list[str]) -> bool:
    """Whether the cleaning took enough (or the page came out badly enough) to check it."""
    if not cuts:
        return False
    taken = sum(cut.size for cut in cuts)
    kept = sum(map(len, paragraphs))
    return doc is None or rejected or taken > max(CHECK_CUT_CHARS, CHECK_CUT_SHARE * kept)


def words(text: str) -> float:
    """Size of a text in words, a CJK character counting as half a word (Chinese has no spaces)."""
    latin, cjk = text_size(text)
    return latin + cjk / 2


def held_article(cuts: list[Cut], bare_text: str) -> frozenset[str]:
    """The cuts that held one of trafilatura's article lines."""
    probes = [
        " ".join(line.split())[:80]
        for line in bare_text.splitlines()
        if len(line.split()) >= ARTICLE_LINE_WORDS or words(line) >= ARTICLE_LINE_WORDS
    ]
    return frozenset(cut.path for cut in cuts if any(probe in cut.text for probe in probes))


def cross_check(
    text: str,
    url: str,
    rule_sets: tuple[DomRuleSet, ...],
    cuts: list[Cut],
    paragraphs: list[str],
    lines: LineContext,
    trace: list[Removal] | None,
    report: CleaningReport,
) -> tuple[HtmlElement, Document, list[str]] | None:
    """A better (tree, text, paragraphs) when the cleaning cost the article; None when it did not."""
    plain = parse(text)
    if plain is None:
        return None
    pristine = deepcopy(drop_unread(plain))  # the cuts' paths are of this tree; main_text prunes plain
    bare = main_text(plain, url)
    if bare is None:
        return None
    wanted = KEEP_OF_BARE * words(bare.text)
    if words("\n".join(paragraphs)) >= wanted:
        return None
    held = held_article(cuts, bare.text)
    if held:
        tree = pristine
        retrace: list[Removal] | None = [] if trace is not None else None
        doc, _cuts = clean_and_extract(tree, url, rule_sets, retrace, report, held)
        again = text_lines(doc, lines, retrace)
        if doc is not None and words("\n".join(again)) >= wanted:
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
    return plain, bare, text_lines(bare, lines, trace)
