"""The why-line: which matched words explain an article's score, most telling first. Pure.

Readers judge an entry by it, so it shows what the article says (the phrase that matched, a person's
name), only from the sentences that carried the score, grouped by what the words are: who, what act,
which channel. Context words (China, Washington) and markers never show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.core.relevance import SentenceEvidence


def explain(sentences: Iterable[SentenceEvidence], limit: int) -> tuple[str, ...]:
    """The matched terms that explain the score: people first, then acts and channels, then the rest,
    each ordered by weight × position of the sentences they appear in."""
    importance: dict[str, float] = {}
    rank: dict[str, int] = {}
    for sentence in sentences:
        boost = sentence.position * (1 + sentence.link)
        for term in sentence.terms:
            if term.rank >= 0:  # context words (China, Washington) support evidence but explain nothing
                importance[term.label] = importance.get(term.label, 0.0) + term.weight * boost
                rank[term.label] = term.rank
    ordered: Sequence[str] = sorted(importance, key=lambda label: (rank[label], -importance[label], label))
    return tuple(ordered[:limit])
