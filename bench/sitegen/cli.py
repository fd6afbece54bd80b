"""``python3 -m bench.sitegen``: write a site, print its facts and the bare extraction time per page
of a sample, with relevance and leaked boilerplate on that sample."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.sitegen.markup import MARKERS
from bench.sitegen.site import make_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m bench.sitegen",
        description="A realistic generated news site for the crawl benchmarks.",
    )
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the site into")
    parser.add_argument("--seed", type=int, default=20240416)
    parser.add_argument("--on-beat", type=float, default=0.1, help="share of articles on the beat")
    parser.add_argument("--sample", type=int, default=50, help="pages to extract for the timing")
    args = parser.parse_args(argv)
    try:
        started = time.perf_counter()
        facts = make_site(args.out, args.pages, seed=args.seed, on_beat=args.on_beat)
        built = time.perf_counter() - started
    except (ValueError, OSError) as exc:
        print(f"sitegen: {exc}", file=sys.stderr)
        return 2
    print(f"site: {facts.summary()}; written in {built:.2f} s to {args.out}")

    from crawler.core.extract import extract_article
    from crawler.core.extract.leaks import boilerplate_leaks
    from crawler.core.records import Article
    from crawler.core.relevance import bundled_topic, score_article

    base = "http://127.0.0.1:8000"
    on_beat = {url.replace("{base}", base) for url in facts.on_beat_urls}
    step = max(1, facts.pages // max(1, args.sample))
    sample = list(range(0, facts.pages, step))[: args.sample]
    bodies = [
        (args.out / "articles" / f"{n}.html").read_bytes().replace(b"{base}", base.encode()) for n in sample
    ]
    started = time.perf_counter()
    results = [
        extract_article(body, f"{base}/articles/{n}.html", charset="utf-8")
        for n, body in zip(sample, bodies, strict=True)
    ]
    spent = time.perf_counter() - started
    print(
        f"bare extraction (crawler.core.extract.extract_article): {1000 * spent / len(sample):.1f} ms/page "
        f"over {len(sample)} pages ({sum(map(len, bodies)) / len(bodies) / 1024:.0f} KB/page)"
    )
    topic = bundled_topic()
    confusion = {
        "on beat, relevant": 0,
        "on beat, not relevant": 0,
        "off topic, relevant": 0,
        "off topic, not relevant": 0,
        "rejected": 0,
    }
    leaks: dict[str, int] = {}
    for result in results:
        if not isinstance(result, Article):
            confusion["rejected"] += 1
            continue
        relevant = score_article(topic, result).relevant
        side = "on beat" if result.url in on_beat else "off topic"
        confusion[f"{side}, {'relevant' if relevant else 'not relevant'}"] += 1
        for name, marker in MARKERS.items():
            if marker.lower() in result.text.lower():
                leaks[f"marker {name}: {marker!r}"] = leaks.get(f"marker {name}: {marker!r}", 0) + 1
        for phrase in boilerplate_leaks(result.text):
            leaks[f"leak phrase {phrase!r}"] = leaks.get(f"leak phrase {phrase!r}", 0) + 1
    print("relevance on the sample: " + ", ".join(f"{k} {v}" for k, v in confusion.items()))
    print("boilerplate in extracted text: " + (", ".join(f"{k} x{v}" for k, v in leaks.items()) or "none"))
    return 0
