"""Placing a new relevant article: which story it joins, which stored text it copies, who leads. Pure.

The store finds the facts (the near copy through its band index, the candidate stories through its
date index), calls ``place`` and ``elect_lead``, and writes their decisions, all inside one locked
write transaction, so two crawl processes storing one event's articles at once still make one story.
Deciding here, apart from the SQL, lets every branch be tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from crawler.core.records import Article
from crawler.core.stories import EventFeatures, match_story, new_story_id, pick_lead


@dataclass(frozen=True, slots=True)
class Copied:
    """The stored original whose text a new article nearly duplicates (the store finds it by LSH bands)."""

    article_id: int
    story_id: str | None
    published_later: bool  # the new article appeared first: it becomes the original of the group


@dataclass(frozen=True, slots=True)
class Decision:
    """Where a new article goes: its story, whether the story is new, and which original it copies."""

    story_id: str
    new_story: bool
    duplicate_of: int | None = None  # the stored original this article copies
    supersedes: int | None = None  # the stored original it replaces: that group now copies this article


def place(
    article: Article,
    features: EventFeatures,
    copied: Copied | None,
    candidates: Iterable[tuple[str, EventFeatures]],
) -> Decision:
    """Decide a new article's story.

    A near copy of a stored article joins its original's story, and when it was published first it
    becomes the group's original (so the copy stored first never leads). Anything else joins the best
    ``match_story`` among ``candidates`` (iterated only then: the store passes a lazy query), or founds
    a story of its own.
    """
    if copied is not None and copied.story_id:
        if copied.published_later:
            return Decision(copied.story_id, False, supersedes=copied.article_id)
        return Decision(copied.story_id, False, duplicate_of=copied.article_id)
    matched = match_story(features, candidates)
    if matched is None:
        return Decision(new_story_id(article), True)
    return Decision(matched, False)


@dataclass(frozen=True, slots=True)
class Member:
    """A stored article of a story, as electing its lead needs it."""

    id: int
    article: Article
    duplicate_of: int | None = None
    event_date: date | None = None


@dataclass(frozen=True, slots=True)
class StoryHead:
    """What a story shows of its members: the lead's id and title, and the earliest event date."""

    lead_id: int
    title: str
    event_date: date | None


def elect_lead(members: Sequence[Member]) -> StoryHead:
    """The story's lead among its originals: ``pick_lead`` on the members that copy nothing (copies are
    already collapsed by ``duplicate_of``, so no member is fingerprinted again)."""
    if not members:
        raise ValueError("elect_lead: a story needs at least one article")
    originals = [m for m in members if m.duplicate_of is None] or list(members)
    lead = pick_lead([m.article for m in originals], collapsed=True)
    lead_id = next(m.id for m in originals if m.article is lead)
    days = [m.event_date for m in members if m.event_date is not None]
    return StoryHead(lead_id, lead.title or "", min(days) if days else None)
