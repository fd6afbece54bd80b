"""Cold-start rules: boilerplate lines told by their shape, for a site whose profile knows nothing yet.

Phrase lists only catch the words someone saw once. These rules read a line's shape instead:

- a call to action: short, starts with an imperative (subscribe, sign up, join, follow, download,
  support, donate …), is about a subscription, newsletter, app, channel or donation, and quotes no one
  ("Follow our channel for the readout," a spokesman said: that is news);
- a headline list: a run of short title-like lines, mostly link texts on the page, sharing almost no
  words with the article (a "most viewed" table of unrelated stories);
- a line of table-layout pipes, or font-size controls ("A- A A+"): never text.

A sentence that merely holds such words ("did not respond to a request for comment", analysts who
"subscribe to that reading", a paragraph about a newsletter launch) does not start with an imperative
or is too long, and stays. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from lxml.html import HtmlElement

from crawler.core.extract.clean import snippet
from crawler.core.extract.pagekind import text_size
from crawler.core.extract.profile import cell_text, list_heading
from crawler.core.extract.rules import Removal

CTA_MAX_WORDS = 18
HEADLINE_RUN = 3
HEADLINE_WORDS = (3, 16)
LINKED_SHARE = 0.5
UNRELATED = 0.25  # at most this share of a headline's content words may occur in the article
_IMPERATIVE = re.compile(
    r"^(?:subscribe|sign\s+(?:up|in)|join|follow|download|get|grab|support\s+(?:us|our|independent)|donate"
    r"|register|click|tap|install|become|stay|enable|turn\s+on|help\s+us|contribute|chip\s+in|listen"
    r"|receive|upgrade|unlock|never\s+miss|don'?t\s+miss)\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"subscri|newsletter|\bapp\b|app\s*store|google\s*play|\bchannel|donat|\bsupport\s+(?:us|our)"
    r"|telegram|whatsapp|podcast|\binbox\b|membership|\bmember\b|premium|alerts?\b|notifications?"
    r"|\bfollow\s+us|\bsign\s*up|\bregister\b|\bpatreon|\bnewsletters?\b",
    re.IGNORECASE,
)
# it speaks to the reader (or is a bare button label)
_ADDRESS = re.compile(r"\b(?:you|your|our|us|free|now|today|here)\b", re.IGNORECASE)
BUTTON_WORDS = 8
_QUOTE_MARKS = re.compile(r"[\"“”«»„「」]")
_LEAD = re.compile(r"^[\W_]+")
_PIPES = re.compile(r"^[\s|¦·•\-–—/\\_=*~]*$")
_FONT = re.compile(
    r"^(?:(?:font|text)[\s-]*size\s*:?\s*)?(?:(?:[-+–]\s*)?A(?:\s*[-+–])?\s*){2,4}$"
    r"|^(?:(?:de|in)crease|reset|smaller|larger|bigger)?\s*(?:font|text)[\s-]*size"
    r"(?:\s*[:|/]?\s*(?:small|medium|large|normal|default|reset|[-+]|A[-+]?|(?:de|in)crease))*$",
    re.IGNORECASE,
)
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def call_to_action(line: str) -> bool:
    """A short imperative about subscribing, an app, a channel or a donation, quoting no one."""
    if len(line.split()) > CTA_MAX_WORDS or _QUOTE_MARKS.search(line):
        return False
    lead = _LEAD.sub("", line)
    if not (_IMPERATIVE.match(lead) and _ABOUT.search(lead)):
        return False
    return len(lead.split()) <= BUTTON_WORDS or bool(_ADDRESS.search(lead))


def widget_line(line: str) -> bool:
    """Table-layout pipes and font-size controls: never text."""
    text = line.strip()
    return bool(_PIPES.match(text)) or bool(_FONT.match(text))


def _title_like(line: str) -> bool:
    if line.startswith(("- ", "* ", "• ")):
        return False  # a list item of the text (an article's own list of recommendations, of sources)
    line = cell_text(line)
    words = len(line.split())
    low, high = HEADLINE_WORDS
    return low <= words <= high and not line.rstrip().endswith((".", ":", ";", ","))


def _content(text: str) -> set[str]:
    return {word.casefold() for word in _CONTENT_WORD.findall(text)}


def _unrelated(line: str, article: set[str]) -> bool:
    words = _content(line)
    return not words or len(words & article) <= UNRELATED * len(words)


def headline_runs(paragraphs: list[str], title: str, links: Callable[[], set[str]]) -> set[int]:
    """Indexes of lines in runs of short, linked headlines that have nothing to do with the article."""
    runs: list[list[int]] = []
    run: list[int] = []
    for index, line in enumerate(paragraphs):
        if _title_like(line):
            run.append(index)
            continue
        if len(run) >= HEADLINE_RUN:
            runs.append(run)
        run = []
    if len(run) >= HEADLINE_RUN:
        runs.append(run)
    if not runs:
        return set()
    linked = links()
    found: set[int] = set()
    for run in runs:
        inside = set(run)
        article = _content(title + " " + " ".join(p for i, p in enumerate(paragraphs) if i not in inside))
        texts = [" ".join(cell_text(paragraphs[i]).split()).casefold() for i in run]
        if sum(text in linked for text in texts) < LINKED_SHARE * len(run):
            continue
        if sum(_unrelated(cell_text(paragraphs[i]), article) for i in run) >= max(
            HEADLINE_RUN, 0.8 * len(run)
        ):
            found.update(run)
            if run[0] > 0 and list_heading(paragraphs[run[0] - 1]):
                found.add(run[0] - 1)
    return found


def strip_generic(
    paragraphs: list[str], title: str, links: Callable[[], set[str]]
) -> tuple[list[str], list[Removal]]:
    """The paragraphs without calls to action, widget lines and unrelated headline lists."""
    drop: dict[int, tuple[str, str]] = {}
    for index, line in enumerate(paragraphs):
        if widget_line(line):
            drop[index] = ("widget", "pipes or font-size controls")
        elif call_to_action(line):
            drop[index] = ("promo", "call to action (imperative about a subscription, app, channel, gift)")
    for index in headline_runs(paragraphs, title, links):
        drop.setdefault(index, ("related", "headline list: short linked titles unrelated to the article"))
    kept = [line for index, line in enumerate(paragraphs) if index not in drop]
    removals = [Removal("line", g, rule, snippet(paragraphs[i])) for i, (g, rule) in sorted(drop.items())]
    return kept, removals


# --- a page of teasers ---------------------------------------------------------------------------

READ_MORE_LINKS = 4  # distinct "read more" targets
WORDS_PER_TEASER = 60  # a story with a few "read more" links in its rail has far more words per link
_READ_MORE = re.compile(
    r"^(?:read\s+more|continue\s+reading|read\s+(?:the\s+)?(?:full\s+)?(?:story|article)|full\s+story|read\s+on"
    r"|weiterlesen|lire\s+la\s+suite|leer\s+m[aá]s|leia\s+mais|阅读全文)\W*$",
    re.IGNORECASE,
)
_SHORT_LINKS = etree.XPath("//a[@href][string-length(normalize-space()) <= 30]")


def teaser_listing(tree: HtmlElement, paragraphs: list[str]) -> str | None:
    """A listing or archive page, whatever its markup: teasers, each with a "read more" link to its
    story, and cut-off summaries ("…"); a story with such links around it has far more text."""
    targets = {
        anchor.get("href")
        for anchor in _SHORT_LINKS(tree)
        if _READ_MORE.match(" ".join(anchor.text_content().split()))
    }
    if len(targets) < READ_MORE_LINKS:
        return None
    words, cjk = text_size("\n".join(paragraphs))
    cut = sum(1 for line in paragraphs if line.rstrip().endswith(("…", "...", "[…]")))
    if cut >= 2 and len(targets) * WORDS_PER_TEASER >= words + cjk // 2:
        return f"not an article: listing page ({len(targets)} teasers with 'read more' links)"
    return None
