"""What the generator writes: the site's facts for a bench, and one article's text and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

SITE_NAME = "The Harbor Ledger"
SITE_SLUG = "harbor-ledger"
FIRST_DAY, LAST_DAY = date(2021, 1, 4), date(2025, 11, 28)


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """What ``make_site`` wrote: page count, the on-beat pages and their events, sizes.

    URLs are as written in the files, with the ``{base}`` placeholder the server replaces.
    """

    pages: int
    on_beat_urls: tuple[str, ...]
    events: tuple[tuple[str, ...], ...]  # the on-beat URLs of each event, in page order
    wire_copies: tuple[tuple[str, str], ...]  # (copy, original): the same wire text with a new intro
    total_bytes: int

    @property
    def on_beat_count(self) -> int:
        return len(self.on_beat_urls)

    @property
    def event_count(self) -> int:
        return len(self.events)

    @property
    def mean_page_bytes(self) -> float:
        return self.total_bytes / self.pages if self.pages else 0.0

    def summary(self) -> str:
        """One line for a bench's output."""
        return (
            f"{self.pages} pages, {self.on_beat_count} on the beat in {self.event_count} events "
            f"({len(self.wire_copies)} wire copies), {self.total_bytes / 1e6:.1f} MB, "
            f"mean {self.mean_page_bytes / 1024:.0f} KB/page"
        )


@dataclass(frozen=True, slots=True)
class Story:
    """The text of one article and what its page shows around it."""

    number: int
    beat: str  # a key of BEATS, or "event"
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str
    section: str
    tags: tuple[str, ...]
    event: int = -1  # index of the on-beat event, -1 off the beat
    wire_of: int = -1  # page number of the original when this is a wire copy
    pull_quote: str = ""

    @property
    def url(self) -> str:
        return f"{{base}}/articles/{self.number}.html"

    @property
    def excerpt(self) -> str:
        first = self.paragraphs[0]
        return first if len(first) <= 180 else first[:177].rsplit(" ", 1)[0] + "…"

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)
