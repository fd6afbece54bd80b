"""Site profiles: what a site repeats on its own pages is the site, not the story.

A crawler sees many pages of one site. A block of text that recurs on most of them (a newsletter
promo, a footer, a widget's label) is chrome, whatever its words; a run of lines that are the titles
of the site's other pages is a "more stories" list. A profile holds, per host, every block of the
extracted text seen lately (by normalized hash) with the pages it was seen on, and the titles of the
site's pages; the store keeps it (``crawler.store.profiles``) and updates it a page at a time.

Whole blocks only: a sentence inside a paragraph is never matched, and the thresholds (a minimum count
AND a share of the pages seen since the block first appeared, stricter for long blocks, never for a
quotation) leave two stories sharing a background paragraph, a quote or a wire credit alone. Pure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.core.extract.clean import snippet
from crawler.core.extract.lines import normalize_line
from crawler.core.extract.rules import Removal

# a block is chrome when seen on at least MIN_PAGES pages AND on MIN_SHARE of the pages seen since it
# first appeared (at least MIN_SPAN of them): three stories in a row sharing a background line are not
MIN_PAGES = 4
MIN_SHARE = 0.6
MIN_SPAN = 6
# a long block (an "about us" paragraph) must be on nearly every page, and on many
LONG_WORDS = 40
LONG_SHARE = 0.9
LONG_PAGES = 8
# a quotation this long is reported speech, never chrome
QUOTE_WORDS = 12
# consecutive lines that are other pages' titles: a "more stories" list
TITLE_RUN = 2
HEADING_WORDS = 6  # a label over such a run goes with it
# bounds per site: blocks not seen for WINDOW pages are forgotten; titles kept
WINDOW = 150
MAX_TITLES = 400
SNIPPET = 80
_BULLETS = " ▸►•·–-*>»"
_CELL = re.compile(r"\s\|\s|\s\\\|\s")
_QUOTES = ('"', "“", "”", "«", "»", "„", "「")


@dataclass(frozen=True, slots=True)
class Seen:
    """One block of a site: on how many pages, the first and last page (numbers) it was seen on."""

    count: int
    first: int
    last: int
    text: str = ""  # its start, for ``hotline sites``


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """What extraction needs of a site: its chrome blocks and the titles of its pages, by key."""

    host: str
    pages: int = 0
    blocks: Mapping[str, Seen] = field(default_factory=dict)  # chrome candidates (count >= MIN_PAGES)
    titles: Mapping[str, str] = field(default_factory=dict)  # key -> title


@dataclass(frozen=True, slots=True)
class PageSample:
    """What one page adds to its site's profile: its blocks (key, start) and its title."""

    blocks: tuple[tuple[str, str], ...]
    title: tuple[str, str] | None


def site_host(url: str) -> str:
    """The host a page's profile belongs to: its host name, lower-case, without "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def cell_text(line: str) -> str:
    """A line's text without table-layout pipes and bullets: a table row ("| ▸ Title | \\| | 4 min |")
    gives its longest cell, so a title in a "most read" table is recognised."""
    if not line.lstrip().startswith("|"):
        return line.lstrip(_BULLETS)
    cells = [cell.strip().lstrip(_BULLETS) for cell in _CELL.split(line.strip().strip("|"))]
    return max(cells, key=len, default="")


def list_heading(line: str) -> bool:
    """A short label ("Most read this week", "More stories") standing over a list of headlines."""
    text = cell_text(line).strip()
    return 0 < len(text.split()) <= HEADING_WORDS and not text.endswith((".", "?", "!", ":", '"', "”"))


def block_key(line: str) -> str:
    """The normalized hash of a block: case, quotes and spaces do not matter."""
    norm = normalize_line(line).casefold().strip(" .!?:;,|")
    return hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def page_sample(paragraphs: list[str], title: str) -> PageSample:
    """The page's contribution to the profile (each block once)."""
    blocks = {block_key(line): " ".join(line.split())[:SNIPPET] for line in paragraphs}
    return PageSample(tuple(blocks.items()), (block_key(title), title[:300]) if title else None)


def _words(line: str) -> int:
    return len(line.split())


def quotation(line: str) -> bool:
    """Reported speech: a quoted passage of some length (a spokesman's words are news)."""
    return _words(line) >= QUOTE_WORDS and any(mark in line for mark in _QUOTES)


def is_chrome(seen: Seen, pages: int, words: int = 0) -> bool:
    """Whether a block seen so is the site's, not a story's."""
    span = max(pages - seen.first + 1, MIN_SPAN)
    if words >= LONG_WORDS:
        return seen.count >= LONG_PAGES and seen.count >= LONG_SHARE * span
    return seen.count >= MIN_PAGES and seen.count >= MIN_SHARE * span


def strip_site(paragraphs: list[str], title: str, profile: SiteProfile) -> tuple[list[str], list[Removal]]:
    """The paragraphs without the site's chrome blocks and runs of its other pages' titles."""
    own = block_key(title) if title else ""
    keys = [block_key(line) for line in paragraphs]
    drop: dict[int, str] = {}
    for index, (line, key) in enumerate(zip(paragraphs, keys, strict=True)):
        seen = profile.blocks.get(key)
        if seen is not None and not quotation(line) and is_chrome(seen, profile.pages, _words(line)):
            span = max(profile.pages - seen.first + 1, 1)
            drop[index] = f"site: seen on {min(seen.count, span)} of {span} pages of {profile.host}"
    run: list[int] = []
    cells = [block_key(cell_text(line)) for line in paragraphs]
    for index, key in enumerate([*cells, ""]):
        if key and key != own and key in profile.titles:
            run.append(index)
            continue
        if len(run) >= TITLE_RUN:
            why = f"site: title of another page of {profile.host} ({len(run)} in a row)"
            for at in run:
                drop.setdefault(at, why)
            if run[0] > 0 and list_heading(paragraphs[run[0] - 1]):
                drop.setdefault(run[0] - 1, f"site: heading of a list of other pages of {profile.host}")
        run = []
    kept = [line for index, line in enumerate(paragraphs) if index not in drop]
    removals = [Removal("line", "site", why, snippet(paragraphs[i])) for i, why in sorted(drop.items())]
    return kept, removals


def holds_learned(text: str, keys: frozenset[str]) -> bool:
    """Whether a stored article's text has a block (paragraph) among ``keys``: it needs re-cleaning."""
    return any(block_key(line) in keys for line in text.split("\n") if line.strip())
