"""What an article says happened: who (by name or role), which channel, what kind of event, when. Pure.

Story matching compares these profiles, not the texts, so reports in two languages or rewritten by
another outlet still meet. The headline and lead weigh most: the event is said first; a sentence
recounting an earlier event weighs little, so background names do not pull a report elsewhere.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from crawler.core.dates import utc_day
from crawler.core.dedup import Fingerprint
from crawler.core.records import Article, Score
from crawler.core.relevance import Analysis, Term, Topic, analyse_article, bundled_topic
from crawler.core.text import guess_language

# Who and what an article is about is said first: the headline, then the opening sentences, weigh most
# in its profile; later mentions (background, earlier events) weigh 1 each.
PROFILE_POSITIONS = (4.0, 3.0, 2.0, 1.5)
BACKGROUND_FACTOR = 0.25  # a sentence recounting an earlier event ("the last call was in 2022")
PLACE_FACTOR = 0.5  # where it happened helps, but many events share a venue (Singapore every June)
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class EventFeatures:
    """What an article says happened: who, what kind of event, when; plus its text fingerprint."""

    date: str | None  # ISO date (UTC) of publication, the stand-in for the event date
    language: str | None
    entities: tuple[tuple[str, float], ...]  # people and named channels, weights summing to 1
    kinds: tuple[tuple[str, float], ...]  # the topic's event kinds: call, meeting, refusal
    fingerprint: Fingerprint
    relevance: float = 0.0

    def to_json(self) -> str:
        """Compact JSON for the store's text column (the fingerprint as base64)."""
        return json.dumps(
            {
                "v": _FORMAT,
                "date": self.date,
                "language": self.language,
                "entities": dict(self.entities),
                "kinds": dict(self.kinds),
                "fingerprint": base64.b64encode(self.fingerprint.to_bytes()).decode("ascii"),
                "relevance": self.relevance,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> EventFeatures:
        """Inverse of ``to_json``; ValueError (naming the field) on anything else."""
        try:
            raw = json.loads(text)
        except (TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"event features: not JSON ({exc})") from None
        if not isinstance(raw, dict) or raw.get("v") != _FORMAT:
            raise ValueError(f"event features: expected an object with v={_FORMAT}; recompute the features")
        when = raw.get("date")
        if when is not None:
            try:
                date.fromisoformat(when)
            except (TypeError, ValueError):
                raise ValueError(f"event features: field 'date' is not an ISO date: {when!r}") from None
        for key in ("entities", "kinds"):
            value = raw.get(key)
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, int | float) for k, v in value.items()
            ):
                raise ValueError(f"event features: field {key!r} must map names to weights")
        try:
            fp = Fingerprint.from_bytes(base64.b64decode(raw.get("fingerprint", ""), validate=True))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"event features: field 'fingerprint' is invalid: {exc}") from None
        language = raw.get("language")
        relevance = raw.get("relevance", 0.0)
        if not isinstance(relevance, int | float):
            raise ValueError("event features: field 'relevance' must be a number")
        return cls(
            date=when,
            language=language if isinstance(language, str) else None,
            entities=tuple((k, float(v)) for k, v in raw["entities"].items()),
            kinds=tuple((k, float(v)) for k, v in raw["kinds"].items()),
            fingerprint=fp,
            relevance=float(relevance),
        )


def event_date(published: str | None) -> str | None:
    """The UTC calendar date of an ISO date or datetime; None when missing or unreadable."""
    if not published:
        return None
    day = utc_day(published) or utc_day(published.strip()[:10])  # "2024-04-16 10:00 EST": its day
    return None if day is None else day.isoformat()


def event_features(
    article: Article,
    score: Score,
    fp: Fingerprint,
    topic: Topic | None = None,
    *,
    analysis: Analysis | None = None,
) -> EventFeatures:
    """Profile an article for story matching with the topic's people, channels and event kinds.

    ``topic`` should be the one that produced ``score`` (the pipeline's configured topic); without it,
    the bundled topic is used. Pass ``analysis`` (from ``analyse_article``) to avoid scoring twice.
    """
    topic = topic or bundled_topic()
    analysis = analysis or analyse_article(topic, article)
    entities: dict[str, float] = {}
    kinds: dict[str, float] = {}
    for index, sentence in enumerate(analysis.sentences):
        weight = PROFILE_POSITIONS[index] if index < len(PROFILE_POSITIONS) else 1.0
        if any(t.role == "background" for t in sentence.terms):
            weight *= BACKGROUND_FACTOR
        for label in {t.label for t in sentence.terms if _is_entity(topic, t)}:
            entities[label] = entities.get(label, 0.0) + weight
        for label in {t.label for t in sentence.terms if t.role == "place"}:
            entities[label] = entities.get(label, 0.0) + weight * PLACE_FACTOR
        for kind in {topic.kinds[t.label] for t in sentence.terms if t.label in topic.kinds}:
            kinds[kind] = kinds.get(kind, 0.0) + weight
    return EventFeatures(
        date=event_date(article.published),
        language=article.language or guess_language(article.text) or _compared_as(article.text),
        entities=_profile(entities),
        kinds=_profile(kinds),
        fingerprint=fp,
        relevance=score.value,
    )


def _profile(weights: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """Weights scaled to sum to 1, heaviest first."""
    total = sum(weights.values())
    if total <= 0:
        return ()
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return tuple((key, round(value / total, 4)) for key, value in ordered)


def _is_entity(topic: Topic, term: Term) -> bool:
    """A participant (named, or by role or rank) or a channel that names one US–China mechanism."""
    return ((term.person or term.actor) and term.weight >= topic.strong) or term.label in topic.mechanisms


def _compared_as(text: str) -> str | None:
    """Undeclared and not Chinese: compared as English (the beat's other language), when there is text."""
    return "en" if (text or "").strip() else None
