"""Stories: articles about one event (several outlets, both languages) grouped under one story id.

A story is a fact about the world, so the grouping must not depend on the order pages arrive in. Two
articles are linked when ``story_similarity`` reaches ``JOIN_THRESHOLD``; a story is a connected group
of linked articles. Placed online, a new article joins every story it links to, and when it links
several they merge (``linked_stories``); when an article leaves (re-extracted, off the beat) the rest
may fall apart into several (``components``). Either way the result is the connected groups of the
articles present, whatever their order: incremental, never re-clustering the store. Similarity
compares what reports say (who by name or role, which channel, what kind of event, when; text only
within a language), profiled in ``core.events``. Pure: no IO.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from crawler.core.dates import parse_date
from crawler.core.dedup import Fingerprint, fingerprint, near_duplicate, same_article
from crawler.core.features import EventFeatures, event_date, event_features
from crawler.core.outlets import authority
from crawler.core.records import Article, Score
from crawler.core.relevance import Topic, analyse_article, bundled_topic
from crawler.core.text import IDEOGRAPH
from crawler.core.urls import canonical_url

__all__ = ["EventFeatures", "event_date", "event_features"]  # re-exported: the pipeline imports them here

STORY_WINDOW_DAYS = 7
# similarity at which two articles are linked. Corpus, with and without the names in the lexicon:
# different events ≤ 0.39, the weakest link an event needs ≥ 0.46 (bench/quality.py prints both).
JOIN_THRESHOLD = 0.43
WEIGHTS = {"entities": 0.5, "kind": 0.3, "date": 0.1, "text": 0.1}
LEAD_COMPLETENESS = 0.8  # a lead candidate carries at least this share of the fullest article's text
AUTHORITY_COMPLETENESS = 0.5  # a better outlet leads if its report carries at least this share
_WORD = re.compile(r"[A-Za-z0-9]+")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Story:
    """One event as the feed shows it: a stable id, its articles and the one to lead with."""

    id: str
    articles: tuple[Article, ...]
    lead: Article


def _overlap(mine: Mapping[str, float], theirs: Iterable[tuple[str, float]]) -> float | None:
    """Shared weight of two weighted profiles (1 = identical), None when either is empty."""
    if not mine:
        return None
    shared = found = 0.0
    for key, weight in theirs:
        found = 1.0
        if key in mine:
            shared += min(weight, mine[key])
    return shared if found else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _days_apart(a: str | None, b: str | None) -> int | None:
    if a is None or b is None:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _similarity(
    a: EventFeatures, a_profile: tuple[dict[str, float], dict[str, float], date | None], b: EventFeatures
) -> float:
    entities_a, kinds_a, day_a = a_profile
    day_b = _day(b.date)
    gap = abs((day_a - day_b).days) if day_a and day_b else None
    if gap is not None and gap > STORY_WINDOW_DAYS:
        return 0.0
    text = 0.0
    if not (a.language and b.language and a.language != b.language):  # texts in two languages share nothing
        jaccard = a.fingerprint.jaccard(b.fingerprint)
        if same_article(jaccard, a.fingerprint.size, b.fingerprint.size):
            return 1.0
        text = min(1.0, 3.0 * jaccard) if a.language and a.language == b.language else 0.0
    entities = _overlap(entities_a, b.entities)
    if entities is None:
        entities = 0.5 if not a.entities and not b.entities else 0.25
    kind = _overlap(kinds_a, b.kinds)
    if kind is None:
        kind = 0.5
    closeness = 0.0 if gap is None else 1.0 - gap / (STORY_WINDOW_DAYS + 1)
    return round(
        WEIGHTS["entities"] * entities
        + WEIGHTS["kind"] * kind
        + WEIGHTS["date"] * closeness
        + WEIGHTS["text"] * text,
        4,
    )


def _profile_of(features: EventFeatures) -> tuple[dict[str, float], dict[str, float], date | None]:
    return dict(features.entities), dict(features.kinds), _day(features.date)


def story_similarity(a: EventFeatures, b: EventFeatures) -> float:
    """How likely two articles report the same event, in [0, 1]; 0 beyond the story window.

    Weighted: shared people and named channels 0.5, same kind of event 0.3, close dates 0.1, shared text
    (same language only) 0.1; a near-duplicate text is 1.
    """
    return _similarity(a, _profile_of(a), b)


def linked_stories(features: EventFeatures, candidates: Iterable[tuple[str, EventFeatures]]) -> list[str]:
    """Every story with a member linked to ``features`` (similarity ≥ ``JOIN_THRESHOLD``), best first.

    ``candidates`` are (story_id, features of one article in it) fetched by the store within
    ``STORY_WINDOW_DAYS`` of the article's date; a story scores as its most similar member (single
    linkage: what makes the grouping independent of arrival order).
    """
    profile = _profile_of(features)
    best: dict[str, float] = {}
    for story_id, other in candidates:
        similarity = _similarity(features, profile, other)
        if similarity > best.get(story_id, -1.0):
            best[story_id] = similarity
    linked = [sid for sid in sorted(best) if best[sid] >= JOIN_THRESHOLD]
    return sorted(linked, key=lambda sid: -best[sid])


def match_story(features: EventFeatures, candidates: Iterable[tuple[str, EventFeatures]]) -> str | None:
    """The story most similar to ``features`` among those it links to, or None for a new story."""
    linked = linked_stories(features, candidates)
    return linked[0] if linked else None


def components(members: Sequence[tuple[K, EventFeatures]]) -> list[list[K]]:
    """The connected groups of linked articles, each in the given order, groups by their first member.

    Used when a story loses an article: the rest stays one story only if still connected.
    """
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, a) in enumerate(members):
        profile = _profile_of(a)
        for j in range(i):
            if root(i) != root(j) and _similarity(a, profile, members[j][1]) >= JOIN_THRESHOLD:
                parent[root(i)] = root(j)
    groups: dict[int, list[K]] = {}
    for i, (key, _) in enumerate(members):
        groups.setdefault(root(i), []).append(key)
    return list(groups.values())


def survivor(story_ids: Iterable[str], founded: Callable[[str], object] | None = None) -> str:
    """Which of several merging stories keeps its id: the oldest (``founded`` gives a sortable age),
    then the smallest id; the others redirect to it."""
    ids = sorted(set(story_ids))
    if founded is None:
        return ids[0]
    return min(ids, key=lambda sid: (founded(sid), sid))  # type: ignore[operator]


def new_story_id(article: Article) -> str:
    """A stable id from the founding article's canonical URL: the same article always founds the same id."""
    key = article.canonical_url or canonical_url(article.url)
    return "story-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def completeness(article: Article) -> int:
    """Size of an article's text in words (a Chinese character counts as half a word)."""
    text = article.text or ""
    return len(_WORD.findall(text)) + len(IDEOGRAPH.findall(text)) // 2


def pick_lead(articles: Sequence[Article], *, collapsed: bool = False) -> Article:
    """The story's lead: the most authoritative outlet's report (official, wire, other) among those
    carrying at least half the fullest text; within that outlet class the earliest of the most complete.

    A syndicated copy never leads over the text it copies: near duplicates are collapsed onto their
    earliest version first, so an outlet's added intro and trailer do not count as completeness.
    ``collapsed=True`` says the caller already did that (the store keeps ``duplicate_of``), which
    spares fingerprinting every member each time an article joins a large story.
    """
    if not articles:
        raise ValueError("pick_lead: a story needs at least one article")
    if collapsed:
        return _lead_of(list(articles))

    originals: list[tuple[Article, Fingerprint]] = []
    for article in sorted(articles, key=_lead_order):
        fp = fingerprint(article.text)
        if not any(near_duplicate(fp, seen) for _, seen in originals):
            originals.append((article, fp))
    return _lead_of([a for a, _ in originals])


def _lead_order(article: Article) -> tuple[int, str, int, str]:
    when = _timestamp(article.published)
    return (when is None, when or "", -completeness(article), article.canonical_url or article.url)


def _lead_of(originals: list[Article]) -> Article:
    sizes = {id(a): completeness(a) for a in originals}
    fullest = max(sizes.values())
    full_enough = [a for a in originals if sizes[id(a)] >= AUTHORITY_COMPLETENESS * fullest]
    best = min(authority(a) for a in full_enough)
    ranked = [a for a in full_enough if authority(a) == best]
    fullest = max(sizes[id(a)] for a in ranked)
    complete = [a for a in ranked if sizes[id(a)] >= LEAD_COMPLETENESS * fullest]
    return min(complete, key=_lead_order)


def _timestamp(published: str | None) -> str | None:
    if not published:
        return None
    moment = parse_date(published)
    if moment is None:
        return event_date(published)
    return moment.replace(tzinfo=None).isoformat()


def cluster_articles(
    articles: Iterable[Article],
    topic: Topic | None = None,
    *,
    scores: Mapping[str, Score] | None = None,
) -> list[Story]:
    """Group articles into stories in the order given, as the store does online: each article joins
    every story it links to within ``STORY_WINDOW_DAYS``, merging them into the oldest. Any order of
    the same articles gives the same groups. ``scores`` (by canonical URL) are the stored ones."""
    topic = topic or bundled_topic()
    members: dict[str, list[Article]] = {}
    placed: list[tuple[str, EventFeatures]] = []
    for article in articles:
        key = article.canonical_url or article.url
        analysis = analyse_article(topic, article)
        score = (scores or {}).get(key) or analysis.score
        features = event_features(article, score, fingerprint(article.text), topic, analysis=analysis)
        window = [
            (story_id, other)
            for story_id, other in placed
            if (gap := _days_apart(features.date, other.date)) is None or gap <= STORY_WINDOW_DAYS
        ]
        linked = linked_stories(features, window)
        story_id = survivor(linked, list(members).index) if linked else new_story_id(article)
        for merged in linked:
            if merged != story_id:
                members[story_id].extend(members.pop(merged))
                placed = [(story_id if sid == merged else sid, f) for sid, f in placed]
        members.setdefault(story_id, []).append(article)
        placed.append((story_id, features))
    return [Story(story_id, tuple(group), pick_lead(group)) for story_id, group in members.items()]
