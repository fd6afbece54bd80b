"""The story-placement decision on its own: no database, only records in and a decision out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from crawler.core.dedup import fingerprint
from crawler.core.placement import Copied, Decision, Member, elect_lead, place
from crawler.core.records import Article
from crawler.core.stories import EventFeatures, new_story_id

CALL = "Austin and Dong Jun spoke by video call for an hour about the channels between the militaries. " * 4
HARBOUR = "The harbour authority reopened the waterfront roads after the marathon on Sunday afternoon. " * 4


def article(n: int, text: str = CALL, published: str | None = "2024-04-16") -> Article:
    url = f"https://news.example/{n}.html"
    return Article(url=url, canonical_url=url, title=f"Report {n}", text=text, published=published)


def features(
    text: str = CALL, *, people: tuple[str, ...] = ("Austin", "Dong Jun"), kind: str = "call"
) -> EventFeatures:
    weight = round(1 / len(people), 4) if people else 0.0
    return EventFeatures(
        date="2024-04-16",
        language="en",
        entities=tuple((p, weight) for p in people),
        kinds=((kind, 1.0),) if kind else (),
        fingerprint=fingerprint(text),
        relevance=0.9,
    )


def untouched() -> Iterator[tuple[str, EventFeatures]]:
    """Candidates that fail the test if the decision reads them (a copy needs none)."""
    raise AssertionError("a copy must not look at candidate stories")
    yield  # pragma: no cover


def test_a_copy_joins_its_originals_story_without_reading_candidates():
    copied = Copied(article_id=7, story_id="story-call", published_later=False)
    decision = place(article(2), features(), copied, untouched())
    assert decision == Decision("story-call", new_story=False, duplicate_of=7)


def test_a_copy_published_first_becomes_the_original_of_the_group():
    copied = Copied(article_id=7, story_id="story-call", published_later=True)
    decision = place(article(2, published="2024-04-15"), features(), copied, untouched())
    assert decision == Decision("story-call", new_story=False, duplicate_of=None, supersedes=7)


def test_a_copy_of_an_article_in_no_story_is_matched_like_any_other():
    new = article(3)
    copied = Copied(article_id=7, story_id=None, published_later=False)
    assert place(new, features(), copied, []) == Decision(new_story_id(new), new_story=True)
    joined = place(new, features(), copied, [("story-call", features())])
    assert joined == Decision("story-call", new_story=False)


def test_a_report_of_the_same_event_joins_the_closest_story():
    candidates = [("story-harbour", features(HARBOUR, people=(), kind="")), ("story-call", features())]
    assert place(article(4), features(), None, candidates) == Decision("story-call", new_story=False)


def test_an_unrelated_article_founds_a_story_of_its_own():
    new = article(5, HARBOUR)
    harbour = features(HARBOUR, people=("Harbour authority",), kind="closure")
    decision = place(new, harbour, None, [("story-call", features())])
    assert decision == Decision(new_story_id(new), new_story=True)
    assert decision.story_id == place(new, harbour, None, []).story_id  # the same article, the same id


def test_the_lead_is_an_original_and_the_story_takes_its_title_and_earliest_date():
    full = article(1, CALL * 2, published="2024-04-16T10:00:00Z")
    copy = article(2, CALL * 3, published="2024-04-16T08:00:00Z")  # longer and earlier, but a copy
    short = article(3, CALL, published="2024-04-15T09:00:00Z")  # earliest, but far less complete
    members = [
        Member(1, full, event_date=date(2024, 4, 16)),
        Member(2, copy, duplicate_of=1, event_date=date(2024, 4, 16)),
        Member(3, short, event_date=date(2024, 4, 15)),
    ]
    head = elect_lead(members)
    assert (head.lead_id, head.title, head.event_date) == (1, "Report 1", date(2024, 4, 15))


def test_a_story_of_copies_only_still_has_a_lead():
    members = [Member(4, article(4), duplicate_of=9), Member(5, article(5, CALL * 2), duplicate_of=9)]
    assert elect_lead(members).lead_id == 5
    with pytest.raises(ValueError, match="at least one article"):
        elect_lead([])
