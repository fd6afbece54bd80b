"""Stories: articles about one event (several outlets, both languages) grouped under one story id.

MinHash cannot bridge languages or rewrites, so an event is recognised by what it is about: the people
and named channels involved (Austin, Wei Fenghe, the MMCA), the kind of event (call, meeting,
refusal) and its date; text similarity only helps within a language. The
store fetches candidates by a bounded date window (``STORY_WINDOW_DAYS`` either side) and
``match_story`` picks the best story among them, so the online path never scans the whole store;
``cluster_articles`` runs the same matching offline. Pure: no IO.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from crawler.core.dedup import Fingerprint, fingerprint, near_duplicate, same_article
from crawler.core.records import Article, Score
from crawler.core.relevance import Analysis, Topic, analyse_article, bundled_topic
from crawler.core.urls import canonical_url

STORY_WINDOW_DAYS = 7
JOIN_THRESHOLD = 0.5  # similarity at which an article joins a story (corpus: different events ≤ 0.44)
WEIGHTS = {"entities": 0.5, "kind": 0.3, "date": 0.1, "text": 0.1}
# Who and what an article is about is said first: the headline, then the opening sentences, weigh most
# in its profile; later mentions (background, earlier events) weigh 1 each.
PROFILE_POSITIONS = (4.0, 3.0, 2.0, 1.5)
BACKGROUND_FACTOR = 0.25  # a sentence recounting an earlier event ("the last call was in 2022")
LEAD_COMPLETENESS = 0.8  # a lead candidate carries at least this share of the fullest article's text
_FORMAT = 1
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+")


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


@dataclass(frozen=True, slots=True)
class Story:
    """One event as the feed shows it: a stable id, its articles and the one to lead with."""

    id: str
    articles: tuple[Article, ...]
    lead: Article


def event_date(published: str | None) -> str | None:
    """The UTC calendar date of an ISO date or datetime; None when missing or unreadable."""
    if not published:
        return None
    text = published.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date().isoformat()


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
        for label in {t.label for t in sentence.terms if t.person or t.label in topic.mechanisms}:
            entities[label] = entities.get(label, 0.0) + weight
        for kind in {topic.kinds[t.label] for t in sentence.terms if t.label in topic.kinds}:
            kinds[kind] = kinds.get(kind, 0.0) + weight
    return EventFeatures(
        date=event_date(article.published),
        language=(article.language or _guess_language(article.text)) or None,
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


def _guess_language(text: str) -> str | None:
    sample = (text or "")[:500]
    if not sample.strip():
        return None
    return "zh" if len(_CJK.findall(sample)) > len(sample) / 4 else "en"


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


def match_story(features: EventFeatures, candidates: Iterable[tuple[str, EventFeatures]]) -> str | None:
    """The story id whose closest member is similar enough to ``features``, or None for a new story.

    ``candidates`` are (story_id, features of one article in it) fetched by the store within
    ``STORY_WINDOW_DAYS`` of the article's date; a story scores as its most similar member.
    """
    profile = _profile_of(features)
    best: dict[str, float] = {}
    for story_id, other in candidates:
        similarity = _similarity(features, profile, other)
        if similarity > best.get(story_id, -1.0):
            best[story_id] = similarity
    if not best:
        return None
    story_id = max(sorted(best), key=lambda sid: best[sid])
    return story_id if best[story_id] >= JOIN_THRESHOLD else None


def new_story_id(article: Article) -> str:
    """A stable id from the founding article's canonical URL: the same article always founds the same id."""
    key = article.canonical_url or canonical_url(article.url)
    return "story-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def completeness(article: Article) -> int:
    """Size of an article's text in words (a Chinese character counts as half a word)."""
    text = article.text or ""
    return len(_WORD.findall(text)) + len(_CJK.findall(text)) // 2


def pick_lead(articles: Sequence[Article], *, collapsed: bool = False) -> Article:
    """The story's lead: among the most complete articles (≥ 80% of the fullest), the earliest.

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
    complete = [a for a in originals if sizes[id(a)] >= LEAD_COMPLETENESS * fullest]
    return min(complete, key=_lead_order)


def _timestamp(published: str | None) -> str | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return event_date(published)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def cluster_articles(
    articles: Iterable[Article],
    topic: Topic | None = None,
    *,
    scores: Mapping[str, Score] | None = None,
) -> list[Story]:
    """Group articles into stories offline, with the same ``match_story`` the online path uses.

    Articles are taken in date order; each is matched against the members of earlier stories within
    ``STORY_WINDOW_DAYS``. ``scores`` (by canonical URL) are the stored ones when the caller has them.
    """
    topic = topic or bundled_topic()
    items = []
    for article in articles:
        key = article.canonical_url or article.url
        analysis = analyse_article(topic, article)
        score = (scores or {}).get(key) or analysis.score
        features = event_features(article, score, fingerprint(article.text), topic, analysis=analysis)
        items.append((features.date or "9999-12-31", key, article, features))
    items.sort(key=lambda item: (item[0], item[1]))

    members: dict[str, list[Article]] = {}
    placed: list[tuple[str, EventFeatures]] = []
    for _, _, article, features in items:
        window = [
            (story_id, other)
            for story_id, other in placed
            if (gap := _days_apart(features.date, other.date)) is None or gap <= STORY_WINDOW_DAYS
        ]
        story_id = match_story(features, window) or new_story_id(article)
        members.setdefault(story_id, []).append(article)
        placed.append((story_id, features))
    return [Story(story_id, tuple(group), pick_lead(group)) for story_id, group in members.items()]
