"""Relevance: how well an article fits the beat, scored against the topic, matched terms kept as the why.

Scoring works sentence by sentence, because the beat is a relation, not a vocabulary: a sentence that
names a US military actor, a Chinese military actor and a communication act (or names a US–China
military channel such as the MMCA) is evidence; the headline and lead count more than the body; a third
country's minister in the sentence damps it; trade, sport or climate terms dilute the whole. An actor
counts whether named (Lloyd Austin) or described by role or rank (the defense secretary, a PLA major
general). The topic model lives in ``core.topic``, term matching in ``core.terms``, the why-line in
``core.reasons``; this module re-exports their public names. Pure: no IO, no Scrapy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from crawler.core.reasons import explain
from crawler.core.records import Article, Score
from crawler.core.terms import _SENTENCE_END, Term, split_sentences, terms_by_sentence
from crawler.core.topic import TALK_ROLES, Requirement, Topic, bundled_topic, load_topic

__all__ = [
    "_SENTENCE_END",
    "Analysis",
    "Requirement",
    "SentenceEvidence",
    "Term",
    "Topic",
    "analyse_article",
    "bundled_topic",
    "find_terms",
    "load_topic",
    "score_article",
    "split_sentences",
]


@dataclass(frozen=True, slots=True)
class SentenceEvidence:
    """What one sentence (or the headline) contributes: the terms found and its link strength."""

    position: float  # weight of the position: headline, lead or body
    terms: tuple[Term, ...]
    link: float


@dataclass(frozen=True, slots=True)
class Analysis:
    """The score and the evidence behind it: the headline, then each sentence, with the terms found."""

    score: Score
    evidence: float
    sentences: tuple[SentenceEvidence, ...]


def find_terms(topic: Topic, sentence: str) -> list[Term]:
    """Every topic, exclusion and marker term in one sentence, longest phrase first, without overlaps."""
    return terms_by_sentence(topic, [sentence])[0]


def _has_short(found: list[list[Term]]) -> bool:
    """A bare surname was matched somewhere: it counts only if a full form of its label was too."""
    for terms in found:
        for term in terms:
            if term.short:
                return True
    return False


def _link(topic: Topic, terms: list[Term], group_max: dict[str, float]) -> float:
    """How strongly one sentence ties a US military actor to a Chinese one by a communication act.

    Also records each group's best weight in ``group_max`` (for the requirements).
    """
    us = china = talk = channel = 0.0
    third = False
    for term in terms:
        role, weight = term.role, term.weight
        if weight > group_max.get(role, -1.0):
            group_max[role] = weight
        if role == "us":
            us = weight if weight > us else us
        elif role == "china":
            china = weight if weight > china else china
        elif role in TALK_ROLES:
            talk = weight if weight > talk else talk
        elif role == "channel":
            channel = weight if weight > channel else channel
        elif role == "third":
            third = True
    link = min(1.0, max(us * china * talk, channel * max(us, china, topic.channel_alone)))
    return link * topic.third_party_factor if third else link


def _about_third_party(topic: Topic, subject: list[list[Term]]) -> bool:
    """Headline and first sentence pair one side with a third country: an ally's or a rival's story.

    Plain loops here and below: generator frames cost microseconds each on a cache cold from
    extraction, and these run once per article.
    """
    third = False
    us = china = 0.0
    for terms in subject:
        for term in terms:
            if term.role == "third":
                third = True
            elif term.role == "us" and term.weight > us:
                us = term.weight
            elif term.role == "china" and term.weight > china:
                china = term.weight
    return third and not (us >= topic.strong and china >= topic.strong)


def _requirements_met(topic: Topic, group_max: Mapping[str, float]) -> bool:
    """Some [[require]] combination has every slot filled by a group at its minimum weight."""
    if not topic.requirements:
        return True
    for req in topic.requirements:
        for slot in req.slots:
            for option in slot:
                if group_max.get(option, 0.0) >= req.min_weight:
                    break
            else:
                break  # this slot is empty: the combination is not met
        else:
            return True
    return False


def analyse_article(topic: Topic, article: Article) -> Analysis:
    """Score an article and keep the per-sentence evidence (story matching profiles it)."""
    body = split_sentences(article.text or "")
    lead = min(len(body), topic.lead_sentences)
    positions = [topic.title_bonus, *[topic.lead_bonus] * lead, *[1.0] * (len(body) - lead)]
    found = terms_by_sentence(topic, [article.title or "", *body])
    if _has_short(found):
        full = {t.label for terms in found for t in terms if not t.short}
        found = [[t for t in terms if not t.short or t.label in full] for terms in found]

    sentences: list[SentenceEvidence] = []
    evidence = 0.0
    excluded: dict[str, float] = {}
    group_max: dict[str, float] = {}
    for terms, position in zip(found, positions, strict=True):
        if not terms:
            sentences.append(SentenceEvidence(position, (), 0.0))
            continue
        link = _link(topic, terms, group_max)
        sentences.append(SentenceEvidence(position, tuple(terms), link))
        evidence += link * position
        # each exclusion counts once per sentence
        for name in {term.label for term in terms if term.role == "exclusion"}:
            excluded[name] = excluded.get(name, 0.0) + position

    if _about_third_party(topic, found[:2]):
        evidence *= topic.third_party_factor
    value = 1.0 - math.exp(-evidence / topic.scale)
    if not _requirements_met(topic, group_max):
        value = min(value, topic.unmet_cap)
    dilution = 0.0
    for name, weight in excluded.items():
        dilution += topic.exclusion_rates[name] * weight
    if dilution > evidence:  # the other subject outweighs the beat: scale down by the margin
        value *= 2 * evidence / (evidence + dilution)
    value = round(min(1.0, max(0.0, value)), 4)
    matched = explain(sentences, topic.max_matched)
    score = Score(value=value, relevant=value >= topic.threshold, matched=matched)
    return Analysis(score=score, evidence=round(evidence, 4), sentences=tuple(sentences))


def score_article(topic: Topic, article: Article) -> Score:
    """Score in [0, 1], ``relevant`` when it reaches the topic threshold, matched terms as the explanation."""
    return analyse_article(topic, article).score
