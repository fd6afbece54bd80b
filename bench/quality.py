"""Quality and cost of relevance, dedup and stories: corpus figures, then time per article vs extraction.

Quality: precision and recall of the bundled topic on the labelled corpus (fixtures/corpus), per split
(``tune`` was looked at while writing the rules, ``holdout`` was not), and story purity and completeness
over the corpus events.

Cost: every fixture page (fixtures/pages; if there are none, one simple HTML page per corpus article)
is extracted with ``crawler.extract.extract_article``; each extracted article then goes through the
later pure stages as the pipeline runs them: ``analyse_article`` (relevance), ``fingerprint`` + its LSH
``band_keys`` looked up in an index + ``find_duplicate`` on the articles sharing a key (dedup), and
``event_features`` + ``match_story`` against a story window (all relevant corpus articles, an upper bound
for 15 days of the beat). Rounds are
interleaved and the median is kept. Target: relevance + dedup < 10% of extraction time (story
matching is printed beside it).

Usage: python bench/quality.py [--rounds N] [--dir fixtures/pages]
"""

from __future__ import annotations

import argparse
import gc
import html
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.dedup import find_duplicate, fingerprint  # noqa: E402
from crawler.extract import extract_article  # noqa: E402
from crawler.fixtures import find_fixtures  # noqa: E402
from crawler.records import Article  # noqa: E402
from crawler.relevance import analyse_article, bundled_topic, score_article  # noqa: E402
from crawler.stories import cluster_articles, event_features, match_story  # noqa: E402
from tests.corpus import CORPUS, as_article, load_corpus  # noqa: E402

TARGET = 0.10



def quality(docs: list[dict[str, Any]]) -> None:
    topic = bundled_topic()
    print(f"relevance on the corpus (bundled topic, threshold {topic.threshold:.2f})")
    for split in ("tune", "holdout", "all"):
        subset = [d for d in docs if split == "all" or d["split"] == split]
        tp = fp = fn = 0
        for doc in subset:
            relevant = score_article(topic, as_article(doc)).relevant
            truth = doc["label"] == "relevant"
            tp, fp, fn = tp + (truth and relevant), fp + (relevant and not truth), fn + (truth > relevant)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        print(f"  {split:8} articles {len(subset):3}  precision {precision:.3f}  recall {recall:.3f}")
    relevant = [d for d in docs if d["label"] == "relevant"]
    event_of = {d["url"]: d["event"] for d in relevant}
    stories = cluster_articles([as_article(d) for d in relevant], topic)
    total = len(relevant)
    purity = sum(Counter(event_of[a.url] for a in s.articles).most_common(1)[0][1] for s in stories) / total
    by_event: dict[str, list[str]] = {}
    for s in stories:
        for a in s.articles:
            by_event.setdefault(event_of[a.url], []).append(s.id)
    completeness = sum(Counter(v).most_common(1)[0][1] for v in by_event.values()) / total
    print(
        f"stories: {len(stories)} stories for {len(by_event)} events ({total} relevant articles)  "
        f"purity {purity:.3f}  completeness {completeness:.3f}"
    )


Page = tuple[bytes, str, str | None]


def pages_to_extract(folder: Path, docs: list[dict[str, Any]]) -> tuple[list[Page], str]:
    pages = [(f.read_html(), f.url, f.charset) for f in find_fixtures(folder)] if folder.is_dir() else []
    if pages:
        return pages, f"{len(pages)} fixture pages under {folder}"
    generated = []
    for doc in docs:  # a plain article page per corpus article
        body = "".join(f"<p>{html.escape(p)}</p>" for p in doc["text"].split("\n\n"))
        title = html.escape(doc["title"])
        page = (
            f"<html lang='{doc['language']}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='article:published_time' content='{doc['published']}'></head><body>"
            f"<header><nav><a href='/'>Home</a></nav></header><article><h1>{title}</h1>{body}"
            f"</article><footer>© {doc.get('site', 'News')}</footer></body></html>"
        )
        generated.append((page.encode("utf-8"), doc["url"], "utf-8"))
    return generated, f"{len(generated)} pages generated from the corpus ({folder} is empty)"


def timed(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def cost(pages: list[Page], described: str, docs: list[dict[str, Any]], rounds: int) -> None:
    topic = bundled_topic()
    window = []  # the store's answer to "features and fingerprints within the story window"
    for doc in docs:
        if doc["label"] == "relevant":
            article = as_article(doc)
            analysis = analyse_article(topic, article)
            fp = fingerprint(article.text)
            features = event_features(article, analysis.score, fp, topic, analysis=analysis)
            window.append((doc["url"], fp, features))
    prints = {key: fp for key, fp, _ in window}
    bands: dict[str, list[str]] = {}  # the store's index of LSH band keys
    for key, fp, _ in window:
        for band in fp.band_keys():
            bands.setdefault(band, []).append(key)
    candidates = [(key, features) for key, _, features in window]
    extracted = [
        r
        for html_, url, charset in pages
        if isinstance(r := extract_article(html_, url, charset=charset), Article)
    ]

    def extract_all() -> None:
        for html_, url, charset in pages:
            extract_article(html_, url, charset=charset)

    def relevance_all() -> None:
        for article in extracted:
            analyse_article(topic, article)

    def dedup_all() -> None:  # fingerprint, candidates sharing a band key, then the near-duplicate test
        for article in extracted:
            fp = fingerprint(article.text)
            keys = {key for band in fp.band_keys() for key in bands.get(band, ())}
            find_duplicate(fp, [(key, prints[key]) for key in keys])

    shared = [(a, analyse_article(topic, a), fingerprint(a.text)) for a in extracted]

    def stories_all() -> None:  # the pipeline scores and fingerprints once and hands both over
        for article, analysis, fp in shared:
            features = event_features(article, analysis.score, fp, topic, analysis=analysis)
            match_story(features, candidates)

    runs: dict[str, Callable[[], None]] = {
        "extract": extract_all,
        "relevance": relevance_all,
        "dedup": dedup_all,
        "stories": stories_all,
    }
    for run in runs.values():  # warm-up: imports, compiled rules, caches
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_no in range(rounds):
        order = list(runs.items())
        for name, run in order if round_no % 2 == 0 else reversed(order):
            times[name].append(timed(run))
    median = {name: statistics.median(values) for name, values in times.items()}
    per_page = median["extract"] / len(pages) * 1000
    n = max(1, len(extracted))
    relevance_ms = median["relevance"] / n * 1000
    dedup_ms = median["dedup"] / n * 1000
    stories_ms = median["stories"] / n * 1000
    print(f"cost: {described}, {len(extracted)} extracted as articles; {rounds} interleaved rounds, median")
    print(f"  extract_article                          {per_page:8.2f} ms/page")
    print(f"  relevance (analyse_article)              {relevance_ms:8.2f} ms/article")
    print(f"  dedup (fingerprint + LSH band lookup)    {dedup_ms:8.2f} ms/article, {len(prints)} indexed")
    print(
        f"  stories (features + match_story)         {stories_ms:8.2f} ms/article, "
        f"{len(candidates)} candidates"
    )
    ratio = (relevance_ms + dedup_ms) / per_page
    verdict = "OK" if ratio < TARGET else "MISSED"
    print(f"  relevance + dedup / extraction           {ratio:8.3f}   target < {TARGET:.2f}  {verdict}")
    everything = (relevance_ms + dedup_ms + stories_ms) / per_page
    print(f"  relevance + dedup + stories / extraction {everything:8.3f}")
    print("relevance of the extracted fixture pages:")
    for article in extracted:
        score = score_article(topic, article)
        print(f"  {score.value:.2f} {'relevant  ' if score.relevant else 'irrelevant'} {article.title[:70]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--dir", type=Path, default=ROOT / "fixtures" / "pages", help="fixture pages")
    args = parser.parse_args()
    docs = load_corpus()
    if not docs:
        print(f"no corpus under {CORPUS}", file=sys.stderr)
        return 2
    quality(docs)
    pages, described = pages_to_extract(args.dir, docs)
    cost(pages, described, docs, max(1, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
