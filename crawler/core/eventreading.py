"""Reading one article for its event: the kinds, channels and people each sentence names, and its date.

The sentence-level half of ``crawler.core.events`` (which votes across a story's articles): headline
and lead weigh most, a sentence recounting an earlier event or the clause after "since" counts little.
English and Chinese. Pure: no IO.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.core.channels import Matcher, PhraseIndex, channel_matcher
from crawler.core.eventdates import DateFound, dates_in, reference_day
from crawler.core.eventrecord import CONTACTS, Support
from crawler.core.records import Article
from crawler.core.relevance import split_sentences

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
        "(?<!工作)会晤",
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
_LAST_WEEK = re.compile(r"\blast week\b")
_NOT_HELD = re.compile(
    r"invitation|invite|request|sought|asked to|\boffer"
    r"|\bno (?:substantive |formal )?(?:talks|meeting|discussion)|邀请|要求|没有(?:举行)?(?:会谈|会晤)"
)
_CLAUSE_END = re.compile(r"\bsince\b|\bafter\b|自\S*以来|以来")
POSITION = (3.0, 2.0, 2.0, 2.0)  # headline, then the first three sentences; later ones weigh 1


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
class Reading:
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


def read_article(article: Article, model: EventModel) -> Reading:
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
        if background and 0 < index < len(POSITION) and not _BACKGROUND.search(_LAST_WEEK.sub(" ", main)):
            background = False  # "met last week" in the lead is the article's own event, if nothing else is
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
    return Reading(kinds, channels, people, date_found, date_weight, support, offices)


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
