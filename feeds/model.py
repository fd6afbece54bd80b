"""What the crawler hands to the publisher: a feed's metadata and its entries, as plain records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet's article about a story: shown as "also carried by" with a link."""

    site: str
    url: str
    title: str = ""
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed item: a story (lead article + outlets) or a single article.

    ``id`` must be stable across rebuilds and restarts (derived from the story or article key in the
    store), so that a reader never sees an item come back as new. Times are timezone-aware.
    """

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    text: str  # cleaned plain text, paragraphs separated by blank lines
    summary: str = ""
    author: str | None = None
    site_name: str | None = None
    language: str | None = None
    image: str | None = None
    categories: tuple[str, ...] = ()
    reason: str = ""  # why it was kept: "relevance 0.91: Austin, Dong Jun, video call"
    outlets: tuple[Outlet, ...] = ()  # every other outlet that covered the story
    page: str | None = None  # the story's own page (event record, readouts side by side), absolute URL


@dataclass(frozen=True, slots=True)
class Replaced:
    """An entry id no longer shown because its story merged into another: Atom readers drop it
    (an RFC 6721 tombstone) instead of keeping it beside the entry that replaced it."""

    id: str
    by: str  # the id of the entry that carries it now
    when: datetime


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed's metadata and its entries, newest first."""

    id: str
    title: str
    description: str
    link: str
    entries: tuple[Entry, ...] = ()
    self_link: str | None = None
    language: str = "en"
    logo: str | None = None
    updated: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)
    replaced: tuple[Replaced, ...] = ()  # merged-away entry ids, newest first
