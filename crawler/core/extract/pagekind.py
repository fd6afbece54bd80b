"""Tell pages that are not articles: error pages, index and listing pages, near-empty pages.

A crawler meets them all the time (a listing source's own index, a moved story's 404 text served with
status 200). trafilatura extracts *something* from them, so the decision is ours: each test returns a
reason for ``Rejected``, or None.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.core.extract.pagemeta import PageMeta
from crawler.core.text import IDEOGRAPH

# too little text to be a story: Latin-script words, or CJK characters for Chinese pages. A brief of
# thirty words is a story (a wire flash, a two-line readout), and a page trafilatura finds that much
# text on is kept unless it is plainly something else
MIN_WORDS = 30
MIN_CJK_CHARS = 72
# a page whose text is mostly headline links is an index, whatever its markup
MIN_HEADLINE_LINES = 5
LISTING_SHARE = 0.4
ARTICLE_LISTING_SHARE = 0.7
# teasers (headings that link elsewhere) per 100 words of text: an index page has several, an article
# with a "related" strip the cleaning missed has one or two. Only teasers in a block with extracted
# text count: an index page's text is its teasers' summaries, while an article's page may carry
# dozens of teasers in menus and rails around a story that stands alone
TEASERS_PER_100_WORDS = 2.0
_PROBE = 30  # characters of a paragraph's start used to find where on the page it came from

_ERROR_TITLE = re.compile(
    r"\b404\b|\b410\b|page not found|not be found|no longer (?:available|exists)|does(?:n't| not) exist"
    r"|page (?:is )?unavailable|error page|页面不存在|找不到|无法找到|页面未找到|您访问的页面",
    re.IGNORECASE,
)
_ERROR_TEXT_LIMIT = 100  # words: an error page says little; a story *about* a 404 says more
_LISTING_PATH = re.compile(
    r"(?:^/?$|/index\.s?html?$|/(?:category|categories|tag|tags|topic|topics|section|author|page)/"
    r"|/page/\d+/?$|[?&]page=\d+)",
    re.IGNORECASE,
)
_CJK = IDEOGRAPH  # the one CJK test (crawler.core.text)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SPACES = re.compile(r"\s+")


def text_size(text: str) -> tuple[int, int]:
    """(words, CJK characters) of ``text``: Chinese has no spaces, so it is measured in characters."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(_WORD.findall(text)), 0
    words = len(_WORD.findall(_CJK.sub(" ", text))) if cjk < len(text) / 2 else 0
    return words, cjk


def too_short(text: str) -> str | None:
    """Too little text to be a story (a teaser, a stub, a photo page).

    Words and CJK characters add up, each as a share of its minimum, so a story written half in
    Chinese and half in English (or Arabic) counts as long as the sum of its parts.
    """
    words, cjk = text_size(text)
    if words / MIN_WORDS + cjk / MIN_CJK_CHARS < 1:
        size = f"{cjk} characters" if cjk > words else f"{words} words"
        return f"not an article: text too short ({size})"
    return None


def error_page(tree: HtmlElement, title: str, text: str) -> str | None:
    """An error page: its title or first heading says 404 / not found, and it says little else."""
    heads = [title or ""]
    for tag in ("title", "h1"):
        node = tree.find(f".//{tag}")
        if node is not None:
            heads.append(node.text_content())
    hit = next((h for h in heads if h and _ERROR_TITLE.search(h)), None)
    if hit is None:
        return None
    words, cjk = text_size(text)
    if words > _ERROR_TEXT_LIMIT or cjk > 2 * _ERROR_TEXT_LIMIT:
        return None
    return f"not an article: error page ({_SPACES.sub(' ', hit).strip()[:60]})"


def _headline_like(text: str) -> bool:
    return len(text) >= 10 and (text.count(" ") >= 3 or len(_CJK.findall(text)) >= 10)


_PLAIN_ANCHOR_TEXTS = etree.XPath(".//a[not(*)]/text()", smart_strings=False)  # no Python object per link
_NESTED_ANCHORS = etree.XPath(".//a[*]")


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def anchor_texts(tree: HtmlElement) -> list[str]:
    """The text of every link on the page (plain strings for plain links: no object per link)."""
    return [*_PLAIN_ANCHOR_TEXTS(tree), *(anchor.text_content() for anchor in _NESTED_ANCHORS(tree))]


# headings that link to another page and read like a headline (four words, or unspaced CJK text);
# counted inside libxml2, so an index page of hundreds of teasers costs no Python objects
_TEASERS = etree.XPath(
    "count(//*[self::h2 or self::h3 or self::h4][.//a[@href]][string-length(normalize-space()) >= 10]"
    "[string-length(normalize-space()) - string-length(translate(normalize-space(), ' ', '')) >= 3"
    " or not(contains(normalize-space(), ' '))])"
)
_TEASER_NODES = etree.XPath(
    "//*[self::h2 or self::h3 or self::h4][.//a[@href]][string-length(normalize-space()) >= 10]"
    "[string-length(normalize-space()) - string-length(translate(normalize-space(), ' ', '')) >= 3"
    " or not(contains(normalize-space(), ' '))]"
)
_TEXTS = etree.XPath("//body//text()[string-length(normalize-space()) >= 20]")


def linked_headings(tree: HtmlElement) -> int:
    """How many headings are links to other pages: teasers, the shape of an index page."""
    return int(_TEASERS(tree))


def teasers_with_text(tree: HtmlElement, paragraphs: list[str]) -> int | None:
    """How many teasers stand in a block with extracted text (None when the text is not found on the page).

    An index page's text is its teasers' summaries, each in a block with its linked headline; an
    article's page keeps its teasers in menus and rails, away from the story's paragraphs.
    """
    probes = {_key(line)[:_PROBE] for line in paragraphs if len(line) >= _PROBE}
    blocks: set[HtmlElement] = set()
    for text in _TEXTS(tree) if probes else ():
        if _key(text)[:_PROBE] in probes:
            element = text.getparent()
            element = element.getparent() if text.is_tail else element
            for _ in range(2):
                element = element.getparent() if element is not None else None
                if element is not None:
                    blocks.add(element)
    if not blocks:
        return None
    count = 0
    for heading in _TEASER_NODES(tree):
        parent = heading.getparent()
        if parent is not None and (parent in blocks or parent.getparent() in blocks):
            count += 1
    return count


def listing_page(url: str, meta: PageMeta, tree: HtmlElement, paragraphs: list[str]) -> str | None:
    """An index or listing page: its text is mostly headlines and teasers that link to other pages.

    A page that declares itself an article must be almost all headline links to count; one at an
    index-like address (``/``, ``index.html``, ``/category/``) or declaring a collection, less so.
    """
    if meta.declares_listing and not meta.declares_article:
        return "not an article: listing page (declares a collection)"
    parts = urlsplit(url)
    index_like = bool(_LISTING_PATH.search((parts.path or "/") + (f"?{parts.query}" if parts.query else "")))
    if not meta.declares_article:
        teasers = linked_headings(tree)
        if teasers >= MIN_HEADLINE_LINES and (among := teasers_with_text(tree, paragraphs)) is not None:
            teasers = among
        if teasers >= MIN_HEADLINE_LINES:
            words, cjk = text_size(" ".join(paragraphs))
            size = max(words, cjk // 2, 1)
            if teasers * 100 / size >= TEASERS_PER_100_WORDS:
                return f"not an article: listing page ({teasers} linked headlines over {size} words of text)"
    # paragraphs short enough to be headlines; how many of them are also the text of a link
    short = {_key(line) for line in paragraphs if len(line) <= 200 and _headline_like(line)}
    if len(short) < MIN_HEADLINE_LINES:
        return None
    linked_keys = {key for text in anchor_texts(tree) if (key := _key(text)) in short}
    linked = sum(1 for line in paragraphs if _key(line) in linked_keys)
    share = linked / len(paragraphs)
    threshold = ARTICLE_LISTING_SHARE if meta.declares_article else LISTING_SHARE
    if index_like:
        threshold -= 0.15
    if linked >= MIN_HEADLINE_LINES and share >= threshold:
        return f"not an article: listing page ({linked} of {len(paragraphs)} paragraphs are headline links)"
    return None
