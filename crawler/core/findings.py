"""What the stages after extraction found out about an article: one typed record the store keeps.

The relevance stage scores the article; the dedup stage dates it and gives a relevant one its text
fingerprint and event features. The crawl's pipelines and ``hotline reextract`` build this record the
same way (``Findings(score)``, then ``with_event``), and the store turns it into columns itself: no dict of
column names crosses from the stages into the store.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from crawler.core.dedup import Fingerprint, fingerprint
from crawler.core.features import EventFeatures, event_date, event_features
from crawler.core.records import Article, Score
from crawler.core.relevance import Analysis, Topic


@dataclass(frozen=True, slots=True)
class Findings:
    """An article's score, the day of its event, and for a relevant one its fingerprint and features."""

    score: Score
    event_date: date | None = None  # the dedup stage's: the article's UTC day, else the day it was fetched
    fingerprint: Fingerprint | None = None  # relevant articles only: copies exist for what reaches the feed
    features: EventFeatures | None = None  # relevant articles only: what the store matches stories by

    @property
    def placed(self) -> bool:
        """Whether the store places the article in a story (relevant, with its event features)."""
        return self.score.relevant and self.features is not None


def with_event(
    findings: Findings, article: Article, topic: Topic, evidence: Analysis, fetched: date
) -> Findings:
    """The dedup stage: the event's day (the day it was ``fetched`` for an undated article, so it still
    finds the stories of its week); a relevant article's fingerprint and event features.

    ``evidence`` is the relevance stage's ``analyse_article`` result, so the text is not scored twice.
    """
    day = event_date(article.published) or fetched.isoformat()
    dated = dataclasses.replace(findings, event_date=date.fromisoformat(day))
    if not findings.score.relevant:
        return dated
    fp = fingerprint(article.text)
    features = event_features(article, findings.score, fp, topic, analysis=evidence)
    if features.date is None:
        features = dataclasses.replace(features, date=day)
    return dataclasses.replace(dated, fingerprint=fp, features=features)
