"""The why-line: the words that made an article relevant, grouped by what they are. Pure.

Readers judge an entry by it, so it shows what the article says, not concept labels: the phrase that
matched ("set up", not "restored"), a person's name; only from the sentences that carried the score
(a mention of last year's maritime talks explains nothing); grouped as who, what act, which channel. The
words are stored as ``group:word`` (``who:Austin``) in the article's ``matched`` terms, so the feed,
the index page and ``hotline export`` all show the same list in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.core.relevance import SentenceEvidence
    from crawler.core.terms import Term

GROUPS = ("who", "act", "channel")
PER_GROUP = {"who": 4, "act": 3, "channel": 2}  # a line a reader takes in at a glance
_GROUP_OF = {
    "us": "who",
    "china": "who",
    "talk": "act",
    "breakdown": "act",
    "restore": "act",
    "channel": "channel",
}


def _word(term: Term) -> str:
    """A person by the topic's name for them, anything else by the phrase that matched."""
    return term.label if term.person or not term.phrase else term.phrase


def explain(sentences: Sequence[SentenceEvidence], limit: int) -> tuple[str, ...]:
    """``group:word`` for the words that carried the score (sentences that are evidence), who first,
    then acts, then channels; within a group the heaviest first (weight × position of its sentences).
    An article nothing carried (off the beat) shows what matched at all, so one can see why not."""
    carried = [
        s for s in sentences if s.link > 0 and not any(term.role == "background" for term in s.terms)
    ]  # no evidence, or it recounts an earlier event: it says nothing of this one
    return _grouped(carried, limit) or _grouped(sentences, limit)


def _grouped(sentences: Iterable[SentenceEvidence], limit: int) -> tuple[str, ...]:
    importance: dict[tuple[str, str], float] = {}
    rank: dict[tuple[str, str], int] = {}
    for sentence in sentences:
        boost = sentence.position * (1 + sentence.link)
        for term in sentence.terms:
            group = _GROUP_OF.get(term.role)
            if term.rank < 0 or group is None:  # context words (China, Washington) explain nothing
                continue
            key = (group, _word(term))
            importance[key] = importance.get(key, 0.0) + term.weight * boost
            order = 0 if term.person else 1 if term.actor else 2  # names, then roles, then institutions
            rank[key] = min(rank.get(key, order), order)
    ordered = sorted(importance, key=lambda k: (GROUPS.index(k[0]), rank[k], -importance[k], k[1].lower()))
    seen: set[str] = set()
    counts = dict.fromkeys(GROUPS, 0)
    kept = []
    for group, word in ordered:
        if word.lower() not in seen and counts[group] < PER_GROUP[group]:
            seen.add(word.lower())
            counts[group] += 1
            kept.append(f"{group}:{word}")
    return tuple(kept[:limit])


def split_reason(matched: str) -> tuple[str, str]:
    """(group, word) of one matched term; a term stored before groups existed has the group ""."""
    group, sep, word = matched.partition(":")
    return (group, word) if sep and group in GROUPS else ("", matched)


def words(matched: Iterable[str]) -> tuple[str, ...]:
    """The matched words without their groups, in order: the tags of an entry."""
    return tuple(dict.fromkeys(split_reason(m)[1] for m in matched))


def reason_line(matched: Sequence[str]) -> str:
    """``who: Austin, Dong Jun · act: video call · channel: MMCA`` (ungrouped terms listed as they are)."""
    grouped: dict[str, list[str]] = {}
    for term in matched:
        group, word = split_reason(term)
        grouped.setdefault(group, []).append(word)
    parts = [f"{g}: {', '.join(grouped[g])}" for g in GROUPS if g in grouped]
    if "" in grouped:
        parts.append(", ".join(grouped[""]))
    return " · ".join(parts) or "no topic terms"
