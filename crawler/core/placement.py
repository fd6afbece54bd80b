"""Placing a relevant article: which stories it joins (merging them), which text it copies, who leads,
and how a story that lost an article splits. Pure.

The store finds the facts (the near copy through its band index, the candidate stories through its
date index), calls ``place`` and ``elect_lead``, and writes their decisions, all inside one locked
write transaction, so two crawl processes storing one event's articles at once still make one story.
Deciding here, apart from the SQL, lets every branch be tested without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from crawler.core.records import Article
from crawler.core.stories import EventFeatures, components, linked_stories, new_story_id, pick_lead, survivor


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
    merged: tuple[str, ...] = ()  # stories the article linked besides ``story_id``: they merge into it


def place(
    article: Article,
    features: EventFeatures,
    copied: Copied | None,
    candidates: Iterable[tuple[str, EventFeatures]],
    founded: Callable[[str], object] | None = None,
) -> Decision:
    """Decide a new article's story.

    A near copy of a stored article joins its original's story, and when it was published first it
    becomes the group's original (so the copy stored first never leads). Anything else joins every
    story it links to among ``candidates`` (iterated only then: the store passes a lazy query): one
    story, or several that merge into the oldest (``founded`` gives a story's age), or it founds one.
    """
    if copied is not None and copied.story_id:
        if copied.published_later:
            return Decision(copied.story_id, False, supersedes=copied.article_id)
        return Decision(copied.story_id, False, duplicate_of=copied.article_id)
    linked = linked_stories(features, candidates)
    if not linked:
        return Decision(new_story_id(article), True)
    kept = survivor(linked, founded)
    return Decision(kept, False, merged=tuple(sorted(set(linked) - {kept})))


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


def split(story_id: str, members: Sequence[tuple[Member, EventFeatures]]) -> list[tuple[str, list[int]]]:
    """The stories a story becomes once an article left it: its members' connected groups (copies
    follow their original). The group holding the oldest member keeps ``story_id``; another takes
    the id its oldest member would found. (story id, member ids) each, the kept one first."""
    originals = sorted((m for m in members if m[0].duplicate_of is None), key=lambda m: m[0].id)
    groups = sorted(components([(m.id, f) for m, f in originals]), key=min)
    by_id = {m.id: m for m, _ in members}
    result = []
    for index, group in enumerate(groups):
        ids = set(group)
        ids |= {m.id for m, _ in members if m.duplicate_of in ids}
        sid = story_id if index == 0 else new_story_id(by_id[min(group)].article)
        result.append((sid, sorted(ids)))
    orphans = sorted({m.id for m, _ in members} - {i for _, ids in result for i in ids})
    if orphans:  # copies whose original left: they stay in the story
        if result:
            result[0][1].extend(orphans)
        else:
            result.append((story_id, orphans))
    return result
