"""A story's event record: when the contact happened, on which channel, what kind, who took part.

The analyst's question is not "what was published" but "are the two militaries talking, at which
level": each story becomes one event, every field with the sentence that supports it, so a reader can
check it. Each article is read on its own (headline and lead weigh most; a sentence recounting an
earlier event, or the clause after "since", counts little) and the articles then vote. English and
Chinese. Pure: no IO.

This module holds the vote; the record is in ``eventrecord``, the per-article reading in
``eventreading`` (both re-exported here, so callers need not know).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from crawler.core.eventdates import reference_day
from crawler.core.eventreading import POSITION, EventModel, Reading, event_model, read_article
from crawler.core.eventrecord import (
    BREAKDOWNS,
    CONTACTS,
    KIND_NAMES,
    KINDS,
    Event,
    Support,
    channel_state,
)
from crawler.core.records import Article

ANNOUNCED = frozenset({"refused", "suspended"})  # kinds that happen when they are made known

# Re-exported: callers import the record, the model and the reader from here.
__all__ = [
    "BREAKDOWNS",
    "CONTACTS",
    "KINDS",
    "KIND_NAMES",
    "POSITION",
    "Event",
    "EventModel",
    "Support",
    "channel_state",
    "derive_event",
    "event_model",
    "read_article",
]


def derive_event(story_id: str, articles: Sequence[Article], model: EventModel) -> Event:
    """The event record of a story from its articles: each field by vote, with its supporting sentence."""
    readings = [read_article(a, model) for a in articles]
    kind = _vote(readings, "kinds")
    channel_votes: dict[str, float] = {}
    for reading in readings:
        top = max(reading.channels.values(), default=0.0)
        for channel, weight in reading.channels.items():
            if weight >= 0.35 * top:
                channel_votes[channel] = channel_votes.get(channel, 0.0) + weight / top
    top_channel = max(channel_votes.values(), default=0.0)
    order = [c.id for c in model.channels.channels]
    channels = tuple(c for c in order if channel_votes.get(c, 0.0) > 0.5 * top_channel)
    dates: dict[date, float] = {}
    approximate: dict[date, bool] = {}
    # The date of the story's kind of event: an article about something else in it dates that instead.
    agreeing = [r for r in readings if r.kinds and max(r.kinds, key=lambda k: r.kinds[k]) == kind]
    for reading in agreeing or readings:
        if reading.date is not None:
            dates[reading.date.day] = dates.get(reading.date.day, 0.0) + reading.date_weight
            approximate[reading.date.day] = (
                approximate.get(reading.date.day, True) and reading.date.approximate
            )
    day = max(sorted(dates), key=lambda d: dates[d]) if dates else None
    estimated = bool(day and approximate.get(day, False))
    if day is not None and estimated and kind in ANNOUNCED:
        day = _first_reported(agreeing or readings, readings, articles) or day
    us, cn = _participants(readings, model)
    support = _support(readings, kind, channels, day, us + cn)
    if channels and not (us and cn):  # nobody named: the offices on the story's first channel
        found = {side: s for r in readings for (c, side), s in r.offices.items() if c == channels[0]}
        if not us and "us" in found:
            us, support = (found["us"].value,), (*support, found["us"])
        if not cn and "cn" in found:
            cn, support = (found["cn"].value,), (*support, found["cn"])
    published = [r for a in articles if (r := reference_day(a.published)) is not None]
    return Event(
        story_id=story_id,
        date=day.isoformat() if day else None,
        kind=kind,
        channels=channels,
        us=us,
        cn=cn,
        support=support,
        approximate=estimated,
        first_reported=min(published).isoformat() if published else None,
    )


def _first_reported(
    chosen: Sequence[Reading], readings: Sequence[Reading], articles: Sequence[Article]
) -> date | None:
    """The earliest local publication day of the articles whose readings are ``chosen``.

    A refusal or a suspension is an announcement: when no article gives its day ("this week"), the
    day it was first made known is its day of record, not a day estimated back as for a contact.
    """
    days = [
        day
        for reading, article in zip(readings, articles, strict=True)
        if any(reading is c for c in chosen) and (day := reference_day(article.published, article.text or ""))
    ]
    return min(days) if days else None


def _vote(readings: Sequence[Reading], field: str) -> str | None:
    """Each article's strongest value gets its weight share; the most supported value wins."""
    votes: dict[str, float] = {}
    for reading in readings:
        weights: dict[str, float] = getattr(reading, field)
        total = sum(weights.values())
        strength = min(1.0, total / 2.0)  # one passing mention in the body is half a vote
        for value, weight in weights.items():
            votes[value] = votes.get(value, 0.0) + strength * weight / total
    return max(sorted(votes), key=lambda v: votes[v]) if votes else None


def _participants(readings: Sequence[Reading], model: EventModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """People named in the lead of at least one article (weight ≥ 2), per side, most named first."""
    totals: dict[str, float] = {}
    for reading in readings:
        for label, weight in reading.people.items():
            if weight >= 2.0:
                totals[label] = totals.get(label, 0.0) + weight
    ranked = sorted(totals, key=lambda label: (-totals[label], label))
    return (
        tuple(p for p in ranked if model.sides[p] == "us"),
        tuple(p for p in ranked if model.sides[p] == "cn"),
    )


def _support(
    readings: Sequence[Reading],
    kind: str | None,
    channels: tuple[str, ...],
    day: date | None,
    people: tuple[str, ...],
) -> tuple[Support, ...]:
    """One supporting sentence per field value, from the first article that has one."""
    wanted = [
        ("kind", kind or ""),
        *(("channel", c) for c in channels),
        ("date", day.isoformat() if day else ""),
    ]
    wanted += [(side, p) for p in people for side in ("us", "cn")]
    result = []
    for key in wanted:
        for reading in readings:
            if key in reading.support:
                result.append(reading.support[key])
                break
    return tuple(result)
