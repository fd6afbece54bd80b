"""A story's event record: when the contact happened, on which channel, what kind, who took part.

The analyst's question is not "what was published" but "are the two militaries talking, at which
level": each story becomes one event, every field with the sentence that supports it, so a reader can
check it. Each article is read on its own (headline and lead weigh most; a sentence recounting an
earlier event, or the clause after "since", counts little) and the articles then vote. English and
Chinese. Pure: no IO.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from crawler.core.channels import Matcher, PhraseIndex, channel_matcher
from crawler.core.eventdates import DateFound, dates_in, reference_day
from crawler.core.records import Article
from crawler.core.relevance import split_sentences

KINDS = (
    "call",
    "video-call",
    "meeting",
    "talks",
    "hotline",
    "refused",
    "unanswered",
    "suspended",
    "restored",
)
CONTACTS = frozenset({"call", "video-call", "meeting", "talks", "hotline"})
BREAKDOWNS = {"refused": "unanswered", "unanswered": "unanswered", "suspended": "suspended"}
KIND_NAMES = {
    "call": "call",
    "video-call": "video call",
    "meeting": "meeting",
    "talks": "talks round",
    "hotline": "hotline use",
    "refused": "request refused",
    "unanswered": "request unanswered",
    "suspended": "channel suspended",
    "restored": "channel restored or agreed",
}
# Phrases of each kind, on lower-cased text (hyphens as spaces) and on Chinese characters.
_KIND_PATTERNS: dict[str, tuple[str, ...]] = {
    "video-call": (
        r"video\s+(?:call|teleconference|conference|link|chat)",
        "videoconference",
        "by video",
        "视频通话",
        "视频会议",
        "视讯",
    ),
    "call": (
        r"(?:phone|telephone)\s+call",
        r"by\s+(?:phone|telephone)",
        r"\bcalls?\b(?!\s+(?:for|on|it)\b)",
        r"\bspoke\b",
        r"\bspeak\b",
        r"\btalked\b",
        r"\bconversation\b",
        "通电话",
        "通话",
    ),
    "meeting": (
        r"\bmet\b",
        r"\bmeets?\b",
        r"\bmeeting\b",
        "face to face",
        "in person",
        "sidelines",
        "会见",
        "会晤",
        "会面",
        "见面",
        "会谈",
    ),
    "talks": (
        r"\btalks\b",
        r"consultations?",
        "working group",
        "plenary",
        r"\bround\b",
        "co chaired",
        "磋商",
        "工作会晤",
        "工作小组",
    ),
    "hotline": (r"(?:hotline|telephone link|crisis line)\s+(?:was\s+)?(?:used|activated)",),
    "refused": ("declin", "refus", "reject", "rebuff", r"turn(?:ed|s)?\s+down", "snub", "拒绝"),
    "unanswered": (
        "unanswered",
        "unreturned",
        "not returned",
        r"(?:no|without a)\s+(?:reply|response)",
        r"never\s+(?:answered|called back)",
        "picked up",
        "未回应",
        "不予回应",
    ),
    "suspended": (
        "suspend",
        "cancel",
        r"call(?:ing|ed|s)?\s+off",
        r"cut\s+off",
        "froze",
        "freeze",
        "halt",
        "取消",
        "暂停",
        "中断",
        "冻结",
    ),
    "restored": (
        r"(?:restor|resum|re\s*establish|reopen|revive|set up|establish)\w*\s+(?:\S+\s+){0,3}?"
        r"(?:communication|channels?|contacts?|ties|links|dialogue|mechanisms?)",
        r"恢复\S{0,6}(?:沟通|渠道|机制|交流)",
        r"建立\S{0,6}(?:沟通|渠道)",
    ),
}
_KINDS_RE = {kind: re.compile("|".join(phrases)) for kind, phrases in _KIND_PATTERNS.items()}
_NOISE = re.compile(r"declined to comment|did not (?:immediately )?respond|request for comment|拒绝置评")
_BACKGROUND = re.compile(
    r"\b(?:last (?:week|month|year)|earlier this (?:month|year)|previously|the previous|the last|"
    r"(?:months|years) (?:ago|earlier)|follows|followed|came after|comes after)\b|此前|去年|上次|上一次"
)
# A contact that was asked for or did not happen is not a contact: "an invitation to meet", "no talks".
_NOT_HELD = re.compile(
    r"invitation|invite|request|sought|asked to|\boffer"
    r"|\bno (?:substantive |formal )?(?:talks|meeting|discussion)|邀请|要求|没有(?:举行)?(?:会谈|会晤)"
)
_CLAUSE_END = re.compile(r"\bsince\b|\bafter\b|自\S*以来|以来")
POSITION = (3.0, 2.0, 2.0, 2.0)  # headline, then the first three sentences; later ones weigh 1


@dataclass(frozen=True, slots=True)
class Support:
    """The sentence that gave a field its value, and the article it is in."""

    field: str  # "date", "kind", "channel", "us", "cn"
    value: str
    sentence: str
    url: str


@dataclass(frozen=True, slots=True)
class Event:
    """What a story reports happened: the contact's date, kind, channels and each side's participants."""

    story_id: str
    date: str | None  # ISO date of the contact (not of publication)
    kind: str | None  # one of KINDS
    channels: tuple[str, ...]
    us: tuple[str, ...]
    cn: tuple[str, ...]
    support: tuple[Support, ...] = ()
    approximate: bool = False  # the date is an estimate ("this week", "in recent days")
    first_reported: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["support"] = [asdict(s) for s in self.support]
        return data

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Event:
        """Inverse of ``to_dict``; ValueError on a record of another shape."""
        try:
            support = tuple(Support(**s) for s in raw.get("support", ()))
            return cls(
                story_id=str(raw["story_id"]),
                date=raw.get("date"),
                kind=raw.get("kind"),
                channels=tuple(raw.get("channels", ())),
                us=tuple(raw.get("us", ())),
                cn=tuple(raw.get("cn", ())),
                support=support,
                approximate=bool(raw.get("approximate", False)),
                first_reported=raw.get("first_reported"),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"event record: {exc}") from None


@dataclass(frozen=True, slots=True)
class EventModel:
    """What the topic says about channels and people, compiled once."""

    channels: Matcher
    people: PhraseIndex  # finds (label, side) of the topic's people
    sides: Mapping[str, str]  # person label -> "us" / "cn"


def event_model(topic: Mapping[str, Any]) -> EventModel:
    """Compile the topic's channels and its people (groups.us.people, groups.china.people)."""
    matcher = channel_matcher(topic)
    people = PhraseIndex(matcher.spelling)
    sides: dict[str, str] = {}
    groups = topic.get("groups", {})
    for side, group in (("us", groups.get("us", {})), ("cn", groups.get("china", {}))):
        for label, variants in (group.get("people", {}) if isinstance(group, dict) else {}).items():
            for form in variants:
                if isinstance(form, str) and not form.startswith("~"):  # a bare surname is too loose
                    people.add(form, label)
                    sides[label] = side
    return EventModel(matcher, people, sides)


@dataclass(frozen=True, slots=True)
class _Reading:
    """One article's view of the event, with weights to vote with."""

    kinds: dict[str, float]
    channels: dict[str, float]
    people: dict[str, float]
    date: DateFound | None
    date_weight: float
    support: dict[tuple[str, str], Support]
    offices: dict[tuple[str, str], Support]  # (channel, side) -> the office named on that side


def _sentences(article: Article) -> list[str]:
    return [article.title or "", *split_sentences(article.text or "")]


def read_article(article: Article, model: EventModel) -> _Reading:
    """What one article says: kinds, channels and people by weight, and its best date."""
    kinds: dict[str, float] = {}
    channels: dict[str, float] = {}
    people: dict[str, float] = {}
    support: dict[tuple[str, str], Support] = {}
    offices: dict[tuple[str, str], Support] = {}
    ref = reference_day(article.published, article.text or "")
    best: tuple[float, DateFound, str] | None = None
    for index, sentence in enumerate(_sentences(article)):
        if not sentence.strip():
            continue
        weight = POSITION[index] if index < len(POSITION) else 1.0
        lowered = _NOISE.sub(" ", model.channels.normalise(sentence))
        main = _CLAUSE_END.split(lowered, maxsplit=1)[0]
        background = bool(_BACKGROUND.search(main))
        if background:
            weight *= 0.25
        for kind in _kinds_in(main):
            kinds[kind] = kinds.get(kind, 0.0) + weight
            support.setdefault(("kind", kind), Support("kind", kind, sentence, article.url))
        for channel, us_side, cn_side in model.channels.channels_in(main if len(main) > 20 else lowered):
            channels[channel] = channels.get(channel, 0.0) + weight
            support.setdefault(("channel", channel), Support("channel", channel, sentence, article.url))
            for side, office in (("us", us_side), ("cn", cn_side)):
                if office and weight >= 2.0:  # who sat on each side, when no one is named: the office
                    offices.setdefault((channel, side), Support(side, office, sentence, article.url))
        for label in {label for label, _ in model.people.find(lowered)}:
            side = model.sides[label]
            people[label] = people.get(label, 0.0) + weight
            support.setdefault((side, label), Support(side, label, sentence, article.url))
        if ref is not None and index > 0 and not background:
            best = _better_date(best, dates_in(sentence, ref), index, sentence)
    if "video-call" in kinds and "call" in kinds:  # "the call", said of a video call
        kinds["video-call"] += kinds.pop("call")
    date_found, date_weight = None, 0.0
    if best is not None:
        date_weight, date_found, sentence = best
        support[("date", date_found.day.isoformat())] = Support(
            "date", date_found.day.isoformat(), sentence, article.url
        )
    elif ref is not None:
        date_found, date_weight = DateFound(ref, "publication date", approximate=True), 0.5
        support[("date", ref.isoformat())] = Support(
            "date", ref.isoformat(), "(date of publication)", article.url
        )
    return _Reading(kinds, channels, people, date_found, date_weight, support, offices)


def _better_date(
    best: tuple[float, DateFound, str] | None, found: list[DateFound], index: int, sentence: str
) -> tuple[float, DateFound, str] | None:
    """Keep the strongest date so far: stated in the lead beats the body, the act beats its report."""
    for item in found:
        weight = (
            (3.0 if index <= 3 else 1.5)
            * (0.4 if item.reporting else 1.0)
            * (0.3 if item.approximate else 1.0)
        )
        if best is None or weight > best[0]:
            best = (weight, item, sentence)
    return best


def _kinds_in(text: str) -> list[str]:
    """The kinds a sentence states; the more specific one wins (a refused call is a refusal)."""
    found = {kind for kind, pattern in _KINDS_RE.items() if pattern.search(text)}
    if _NOT_HELD.search(text):
        found -= CONTACTS
    if found & {"refused", "unanswered"}:
        found -= {"call", "meeting", "video-call", "talks"}
    if "video-call" in found:
        found.discard("call")
    if "restored" in found:
        found -= {"call", "talks", "meeting"} if not (found & {"video-call"}) else set()
    if "suspended" in found:
        found -= {"talks", "call", "meeting"}
    return sorted(found)


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
        approximate=bool(day and approximate.get(day, False)),
        first_reported=min(published).isoformat() if published else None,
    )


def _vote(readings: Sequence[_Reading], field: str) -> str | None:
    """Each article's strongest value gets its weight share; the most supported value wins."""
    votes: dict[str, float] = {}
    for reading in readings:
        weights: dict[str, float] = getattr(reading, field)
        total = sum(weights.values())
        strength = min(1.0, total / 2.0)  # one passing mention in the body is half a vote
        for value, weight in weights.items():
            votes[value] = votes.get(value, 0.0) + strength * weight / total
    return max(sorted(votes), key=lambda v: votes[v]) if votes else None


def _participants(readings: Sequence[_Reading], model: EventModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
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
    readings: Sequence[_Reading],
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


def channel_state(kind: str | None) -> str | None:
    """The state an event of this kind puts its channel in: active, unanswered, suspended (or None)."""
    if kind in CONTACTS or kind == "restored":
        return "active"
    return BREAKDOWNS.get(kind or "")
