"""trafilatura's main-text cascade as ``bare_extraction`` runs it (comments off, no metadata), minus a
readability pass whose answer is known.

trafilatura runs readability on every page (a fifth of its time on real pages), then prefers its text
only when its own text is empty, structurally poor (no paragraph text, more tables than paragraphs),
or shorter than half of readability's. Readability's text is taken from the page, so it is never
longer than the page's text: when the page holds less than twice what trafilatura's own pass found,
readability cannot win and is not run (a third of real publisher pages). Two more tests are skipped
where their answer is known beforehand: the comment and appended-article prunes on a page whose ids
and classes hold none of the words they look for, and the escalation's page-text measure when a cheap
upper bound of it already says no. Everything else is trafilatura's own code, called in its order: the
raw-tree pruning, the main extractor, the justext check, the baseline rescue and the recall
escalation; ``tests/core/test_extract_cascade.py`` holds the text equal to ``bare_extraction``'s.
Pure: no IO.
"""

from __future__ import annotations

import logging
from copy import copy

import trafilatura
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

try:  # trafilatura's internals, as of 2.3: another version falls back to ``bare_extraction`` (slower)
    from trafilatura.baseline import baseline, html2txt
    from trafilatura.core import (
        ESCALATION_ACCEPT_RATIO,
        ESCALATION_JUSTEXT_RATIO,
        ESCALATION_MAX_LENGTH,
        ESCALATION_PAGE_SHARE,
        _forum_thread_page,
        _prepare_tree,
        _recall_retry,
    )
    from trafilatura.external import (
        JUSTEXT_OVERRIDE_RATIO,
        SANITIZED_XPATH,
        compare_extraction,
        justext_rescue,
    )
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.main_extractor import extract_content
    from trafilatura.settings import Extractor
except ImportError:  # pragma: no cover - depends on the installed trafilatura
    CASCADE = False
else:
    CASCADE = True

LOGGER = logging.getLogger(__name__)



def _either(attribute: str, test: str, *values: str) -> str:
    return " or ".join(f"{test}(@{attribute}, '{value}')" for value in values)


def _comment_start(attribute: str) -> str:
    """``re:test(@attribute, '^[Cc]omment(?!ary)')`` in XPath 1.0."""
    return (
        f"(starts-with(@{attribute}, 'comment') and not(starts-with(@{attribute}, 'commentary'))) or "
        f"(starts-with(@{attribute}, 'Comment') and not(starts-with(@{attribute}, 'Commentary')))"
    )


# trafilatura.xpaths.RAW_TREE_PRUNE_XPATH and REMOVE_COMMENTS_AND_LISTS_XPATH, the same tests without
# ``re:test`` (every pattern is an alternation of prefixes and substrings): libxml2 called back into
# Python for each element, 2.7 ms a real page, a tenth of what the cascade costs
_APPENDED = _either("id", "contains", "mvp-post-add-box", "mvp-post-add-wrap")
_APPENDED_CLASS = _either("class", "contains", "mvp-post-add-box", "mvp-post-add-wrap")
_SCROLL = _either("id", "contains", "infinitescroll", "infinite-scroll")
_SCROLL_CLASS = _either("class", "contains", "infinitescroll", "infinite-scroll")
RAW_TREE_PRUNE = (
    etree.XPath(
        f".//*[self::div or self::section or self::aside][{_APPENDED} or {_SCROLL} or {_APPENDED_CLASS} or "
        f"{_SCROLL_CLASS}][not(.//h1) or {_APPENDED} or {_APPENDED_CLASS}]"
    ),
    etree.XPath(
        ".//*[self::div or self::section or self::aside][contains(@class, 'elementor-share-buttons')]"
    ),
)
_COMMENT_ID = f"{_comment_start('id')} or starts-with(@id, 'comol')"
_COMMENT_CLASS = f"{_comment_start('class')} or " + _either(
    "class", "contains", "article-comments", "post-comments"
)
REMOVE_COMMENTS_AND_LISTS = (
    etree.XPath(
        ".//*[self::div or self::list or self::section or self::details or self::ol or self::ul]["
        f"{_COMMENT_ID} or starts-with(@id, 'disqus_thread') or starts-with(@id, 'dsq-comments') or "
        f"{_COMMENT_CLASS}][not(self::ol or self::ul) or {_COMMENT_ID} or {_COMMENT_CLASS}]"
    ),
)
# what an id or class must contain for each set above to match anything: most pages carry none, and
# one read of their id and class values costs a third of evaluating the expressions
RAW_TREE_WORDS = (
    "mvp-post-add-box", "mvp-post-add-wrap", "infinitescroll", "infinite-scroll", "elementor-share-buttons",
)  # fmt: skip
COMMENT_WORDS = ("comment", "Comment", "comol", "disqus_thread", "dsq-comments")
_ID_AND_CLASS_VALUES = etree.XPath(".//*/@id | .//*/@class", smart_strings=False)
# every element of a tree (itself included): trafilatura's page text puts at most two spaces at each
_ELEMENTS = etree.XPath("count(descendant-or-self::*)")

# readability's text, whitespace folded, against the page's: a margin for the spaces its output adds
BOUND_MARGIN = 1.1


def extract_text(tree: HtmlElement, url: str) -> str | None:
    """The main text trafilatura's ``bare_extraction`` finds in ``tree``, or None.

    Unlike ``bare_extraction``, which copies a tree it is given, this works on ``tree`` itself: the
    cascade removes from it only comment sections and infinite-scroll containers of appended
    articles, which no later stage needs (the page kind is judged on what remains), and the copy
    costs half a millisecond on a real page."""
    if not CASCADE:
        return _bare_text(tree, url)
    options = Extractor(output_format="python", comments=False, url=url)
    try:
        body, text = _sequence(tree, options, url)
    except (TypeError, ValueError):
        return None
    if len(text) < options.min_output_size and options.min_output_comm_size > 0:
        return None
    return xmltotxt(body, options.formatting)


def _bare_text(tree: HtmlElement, url: str) -> str | None:
    """The same text from trafilatura's public API, when its internals are not the ones this module
    was written against."""
    document = trafilatura.bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    return document.text if document is not None else None


def _sequence(tree: HtmlElement, options: Extractor, url: str) -> tuple[_Element, str]:
    """``trafilatura.core.trafilatura_sequence`` with comments off, in balanced mode."""
    is_forum = _forum_thread_page(tree)
    names = "\x00".join(_ID_AND_CLASS_VALUES(tree))
    if any(word in names for word in RAW_TREE_WORDS):
        tree = prune_unwanted_nodes(tree, list(RAW_TREE_PRUNE))
    if not is_forum and any(word in names for word in COMMENT_WORDS):
        tree = prune_unwanted_nodes(tree, list(REMOVE_COMMENTS_AND_LISTS))
    cleaned, backup = _prepare_tree(tree, options, url)
    body, text = extract_content(cleaned, options)
    if _readability_cannot_win(body, text, tree):
        body, text = _justext_check(backup, body, text, options)
    else:
        body, text = compare_extraction(backup, copy(tree), body, text, options)
    if len(text) < options.min_extracted_size:  # the baseline rescue, kept when it adds text
        rescued, rescued_text, rescued_len = baseline(tree)
        if rescued_len > len(text):
            body, text = rescued, rescued_text
    if (
        0 < len(text) < ESCALATION_MAX_LENGTH
        and len(text) < ESCALATION_PAGE_SHARE * _page_text_bound(tree)
        and len(text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))
    ):
        body, text = _escalate(tree, options, url, body, text)
    return body, text


def _page_text_bound(tree: HtmlElement) -> int:
    """At least ``len(html2txt(tree))``, for a tenth of its cost (it copies the tree and runs a regex
    callback on every element): ``html2txt`` only deletes nodes and puts a space on either side of
    block elements before folding the whitespace, so it adds at most two characters per element."""
    return len(" ".join(tree.text_content().split())) + 2 * int(_ELEMENTS(tree))


def _readability_cannot_win(body: _Element, text: str, tree: HtmlElement) -> bool:
    """Whether ``external._prefer_readability`` must say no, whatever readability finds on ``tree``."""
    if not text or not body.xpath(".//p//text()"):
        return False
    if len(body.findall(".//table")) > len(body.findall(".//p")):
        return False
    page = len(" ".join(tree.text_content().split()))
    return BOUND_MARGIN * page + 50 <= 2 * len(text)


def _justext_check(
    backup: HtmlElement, body: _Element, text: str, options: Extractor
) -> tuple[_Element, str]:
    """The rest of ``external.compare_extraction`` once readability is not preferred."""
    unclean = bool(body.xpath(SANITIZED_XPATH))
    if not unclean and len(text) >= options.min_extracted_size:
        return body, text
    body2, text2 = justext_rescue(backup, options)
    if unclean:
        accept = len(text) <= JUSTEXT_OVERRIDE_RATIO * len(text2) and (
            len(text2) > len(text) or not options.images or body.find(".//graphic") is None
        )
    else:
        accept = len(text) < len(text2)
    return (body2, text2) if text2 and accept else (body, text)


def _escalate(
    tree: HtmlElement, options: Extractor, url: str, body: _Element, text: str
) -> tuple[_Element, str]:
    """trafilatura's recall escalation for a short extraction covering little of the page."""
    recall = copy(options)
    recall.focus = "recall"
    r_text = j_text = ""
    try:
        r_body, r_text = _recall_retry(tree, recall, url)
    except Exception as err:  # pragma: no cover - as trafilatura: a failed retry keeps the text
        LOGGER.warning("recall retry failed: %s %s", err, url)
    try:
        j_body, j_text = justext_rescue(copy(tree), options)
    except Exception as err:  # pragma: no cover
        LOGGER.warning("justext candidate failed: %s %s", err, url)
    if len(j_text) > len(r_text) and len(j_text) > ESCALATION_JUSTEXT_RATIO * len(text):
        return j_body, j_text
    if len(r_text) >= options.min_extracted_size and len(r_text) > ESCALATION_ACCEPT_RATIO * len(text):
        return r_body, r_text
    return body, text
