"""Relevance and stories on the labelled corpus, with and without the lexicon's names; the cost of a merge.

Printed by ``python3 -m bench.quality`` before its timing figures.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import statistics
import tempfile
import time
import tomllib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crawler.core.dedup import fingerprint
from crawler.core.findings import Findings
from crawler.core.records import Article, Score
from crawler.core.relevance import load_topic, score_article
from crawler.core.stories import EventFeatures, cluster_articles
from crawler.core.topic import without_people
from tests.corpus import as_article

ROOT = Path(__file__).resolve().parent.parent
RELEVANT = Score(0.9, True, ())  # what the relevance stage gives a report of the event


def quality(docs: list[dict[str, Any]]) -> None:
    """Relevance and stories on the corpus, with the lexicon as is and with every person's name
    removed (roles kept), stories for three arrival orders of the relevant articles."""
    raw = tomllib.loads((ROOT / "crawler" / "data" / "topic.toml").read_text(encoding="utf-8"))
    relevant = [d for d in docs if d["label"] == "relevant"]
    event_of = {d["url"]: d["event"] for d in relevant}
    orders = {
        "date order": sorted(relevant, key=lambda d: (d["published"], d["url"])),
        "newest first": sorted(relevant, key=lambda d: (d["published"], d["url"]), reverse=True),
        "shuffled": random.Random(18).sample(relevant, len(relevant)),
    }
    for variant, topic in (
        ("lexicon as is", load_topic(raw)),
        ("no person names", load_topic(without_people(raw))),
    ):
        print(f"{variant}: relevance on the corpus (threshold {topic.threshold:.2f})")
        for split in ("tune", "holdout", "all"):
            subset = [d for d in docs if split == "all" or d["split"] == split]
            tp = fp = fn = 0
            for doc in subset:
                found = score_article(topic, as_article(doc)).relevant
                truth = doc["label"] == "relevant"
                tp, fp, fn = tp + (truth and found), fp + (found and not truth), fn + (truth > found)
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            print(f"  {split:8} articles {len(subset):3}  precision {precision:.3f}  recall {recall:.3f}")
        for name, order in orders.items():
            stories = cluster_articles([as_article(d) for d in order], topic)
            purity, completeness = purity_completeness(stories, event_of)
            print(
                f"  stories, {name:12}: {len(stories)} for {len(set(event_of.values()))} events "
                f"({len(relevant)} articles)  purity {purity:.3f}  completeness {completeness:.3f}"
            )


def purity_completeness(stories: list[Any], event_of: dict[str, str]) -> tuple[float, float]:
    """Purity: share of articles in their story's main event; completeness: in their event's main story."""
    total = sum(len(s.articles) for s in stories)
    purity = sum(Counter(event_of[a.url] for a in s.articles).most_common(1)[0][1] for s in stories)
    by_event: dict[str, list[str]] = {}
    for s in stories:
        for a in s.articles:
            by_event.setdefault(event_of[a.url], []).append(s.id)
    completeness = sum(Counter(v).most_common(1)[0][1] for v in by_event.values())
    return purity / total, completeness / total


def merge_cost(rounds: int = 12, size: int = 8) -> None:
    """Storing an article that merges two stories of ``size`` articles each, against storing one that
    joins a story, in a SQLite file (both under the story lock, in one transaction)."""
    from crawler.store import Store

    def features(day: date, people: tuple[str, ...], n: int) -> EventFeatures:
        text = " ".join(f"w{n}x{i}" for i in range(80))  # a text of its own: only the people link
        share = round(1 / len(people), 4)
        entities = tuple((p, share) for p in people)
        return EventFeatures(day.isoformat(), "en", entities, (("call", 1.0),), fingerprint(text), 0.9)

    folder = Path(tempfile.mkdtemp(prefix="hotline-merge-"))
    joins: list[float] = []
    merges: list[float] = []
    try:
        with Store(f"sqlite:///{folder / 'merge.db'}") as store:
            n = 0
            for r in range(rounds):
                day = date(2030, 1, 1) + timedelta(days=30 * r)  # a month apart: rounds never meet
                for people in [("Austin",)] * size + [("Dong Jun",)] * size + [("Austin", "Dong Jun")]:
                    n += 1
                    url = f"https://outlet{n}.example/{day}/report.html"
                    article = Article(url=url, canonical_url=url, title=f"Report {n}", text=f"report {n}")
                    article = dataclasses.replace(article, published=day.isoformat())
                    started = time.perf_counter()
                    found = Findings(RELEVANT, features=features(day, people, n))
                    placed = store.stories.place(article, "bench", found)
                    spent = time.perf_counter() - started
                    (merges if placed is not None and placed.merged else joins).append(spent)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    join, merge = statistics.median(joins), statistics.median(merges)
    print(
        f"merge cost: storing an article that merges two stories of {size} ({len(merges)} merges) "
        f"{1000 * merge:.2f} ms median, vs one that joins or founds a story {1000 * join:.2f} ms: "
        f"{merge / join:.2f}x"
    )
