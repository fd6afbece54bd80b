"""Feed rebuild time against store size: a 50-entry feed from 1,000 and from 100,000 stored articles.

    python3 -m bench.feed [--small 1000] [--large 100000] [--rounds 5] [--postgresql]

Builds two SQLite stores in a temp dir with bulk inserts on the store's own tables (article texts of
news length, about 20% of articles above the feed threshold, relevant articles grouped into stories
of 1 to 5, a run history per source), then times ``crawler.service.publish.publish`` on each (the store
queries, rendering RSS, Atom and JSON Feed for both views plus the health feed and the front page,
and writing the files; the feed folder is emptied before every round so every file is written).
Prints the median and best round for both sizes and their ratio: the target is at most 1.5, i.e.
the rebuild cost follows the feed's length, not the store's size. Per statement it then shows
where the time goes, with SQLite's query plan of each statement, so that the next regression shows:
a feed query must walk an index in the feed's order (no ``USE TEMP B-TREE FOR ORDER BY``, which means
every matching row of the store was read and sorted). ``--postgresql`` runs the same on two databases of
a throwaway PostgreSQL cluster (``initdb`` as the tests use it, analysed after the fill) and prints its
``EXPLAIN``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

from crawler.config import Config, load_config
from crawler.service.publish import publish
from crawler.store import Store
from crawler.store.schema import articles, runs, stories

TARGET = 1.5
ENTRIES = 50
THRESHOLD = 0.5
SOURCES = ("ledger", "wire", "harbour", "courier", "ministry")
SITES = {
    "ledger": "The Pacific Ledger",
    "wire": "Wire Service",
    "harbour": "Harbour Daily",
    "courier": "Evening Courier",
    "ministry": "Ministry Readouts",
}
SENTENCES = (
    "Defence officials from both countries spoke by video link for a little over an hour.",
    "The ministry said the two sides agreed to keep channels of communication open.",
    "A spokesperson described the conversation as candid, constructive and in-depth.",
    "Analysts said the talks were a modest step after months without contact.",
    "Theatre commanders are expected to hold their own call in the coming weeks.",
    "The maritime consultative working group last met in the spring.",
    "Officials raised concerns about unsafe intercepts of aircraft over international waters.",
    "Beijing's readout stressed that Taiwan remains the core of its interests.",
    "Both delegations reviewed recent encounters between ships operating near disputed reefs.",
    "Experts on crisis management say a hotline is only useful if someone answers it.",
    "The meeting took place on the sidelines of a regional security forum.",
    "Neither side announced a new agreement, but both promised further talks.",
    "City officials said the waterfront roads would reopen by late afternoon.",
    "The company expects the new production line to start next year.",
)
TERMS = ("Austin", "Dong Jun", "video call", "MMCA", "Paparo", "Wu Yanan", "hotline", "meeting declined")


def make_texts(rng: random.Random, count: int) -> list[str]:
    """A pool of article texts of news length (1,500 to 4,500 characters, paragraphs of 2–4 sentences)."""
    texts = []
    for _ in range(count):
        size = rng.randint(1500, 4500)
        paragraphs, length = [], 0
        while length < size:
            paragraph = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 4)))
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        texts.append("\n\n".join(paragraphs))
    return texts


def fill(store: Store, count: int, seed: int = 6) -> None:
    """``count`` articles over two years, ~20% relevant in stories of 1–5, plus a run history."""
    rng = random.Random(seed)
    texts = make_texts(rng, 400)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    step = timedelta(days=730) / count
    batch: list[dict[str, Any]] = []
    story_rows: list[dict[str, Any]] = []
    open_story: dict[str, Any] | None = None
    left_in_story = 0
    with store.engine.begin() as conn:
        for n in range(count):
            source = SOURCES[n % len(SOURCES)]
            seen = start + step * n
            relevant = rng.random() < 0.2
            score = round(rng.uniform(0.5, 0.99) if relevant else rng.uniform(0.0, 0.49), 4)
            story_id = None
            if relevant:
                if left_in_story == 0:
                    open_story = {
                        "id": f"story-{n:08d}",
                        "lead_article_id": n + 1,
                        "title": f"Defence chiefs talk, report {n}",
                        "first_seen": seen,
                        "updated": seen,
                        "event_date": seen.date(),
                    }
                    story_rows.append(open_story)
                    left_in_story = rng.randint(1, 5)
                assert open_story is not None
                open_story["updated"] = seen
                story_id = open_story["id"]
                left_in_story -= 1
            text = texts[n % len(texts)]
            url = f"https://{source}.example.org/news/{seen:%Y/%m/%d}/report-{n}.html"
            batch.append(
                {
                    "id": n + 1,
                    "canonical_url": url,
                    "url": url,
                    "source": source,
                    "title": f"Report {n}: defence officials meet to discuss military channels",
                    "text": text,
                    "published": seen.isoformat(timespec="seconds"),
                    "author": f"Desk {n % 37}",
                    "site_name": SITES[source],
                    "language": "en",
                    "image": None,
                    "description": text[:200],
                    "first_seen": seen,
                    "fetched_at": seen,
                    "text_length": len(text),
                    "score": score,
                    "relevant": relevant,
                    "matched": json.dumps(rng.sample(TERMS, rng.randint(1, 3)) if score > 0.2 else []),
                    "story_id": story_id,
                    "event_date": seen.date(),
                }
            )
            if len(batch) == 5000:
                conn.execute(insert(articles), batch)
                batch.clear()
        if batch:
            conn.execute(insert(articles), batch)
        for chunk in range(0, len(story_rows), 5000):
            conn.execute(insert(stories), story_rows[chunk : chunk + 5000])
        run_rows = []
        for n in range(max(10, count // 100)):  # about one run per 100 articles
            begun = start + timedelta(days=730) * n / max(10, count // 100)
            run_rows.append(
                {
                    "source": SOURCES[n % len(SOURCES)],
                    "started": begun,
                    "finished": begun + timedelta(seconds=40),
                    "outcome": "ok",
                    "pages_fetched": 30,
                    "articles_new": 20,
                    "articles_failed": 0,
                    "not_articles": 1,
                    "skipped_known": 10,
                    "errors": "",
                    "mean_text_length": 3000.0,
                    "boilerplate_hits": 0,
                    "relevant_new": 4,
                }
            )
        conn.execute(insert(runs), run_rows)


def make_config(folder: Path, store: str | None = None) -> Config:
    sources = "".join(
        f'\n[[sources]]\nname = "{name}"\nkind = "feed"\nurl = "https://{name}.example.org/rss.xml"\n'
        for name in SOURCES
    )
    path = folder / "hotline.toml"
    top = f'bundled_sources = false\ndata_dir = "{(folder / "data").as_posix()}"\n'
    if store:
        top += f'store = "{store}"\n'
    path.write_text(
        f"{top}{sources}\n[feed]\nentries = {ENTRIES}\nthreshold = {THRESHOLD}\n",
        encoding="utf-8",
    )
    return load_config(path)


class Statements:
    """Every SQL statement a publish runs, with its parameters and time (SQLAlchemy engine events)."""

    def __init__(self, store: Store) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.params: dict[str, Any] = {}
        self.on = True
        event.listen(store.engine, "before_cursor_execute", self._before)
        event.listen(store.engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if self.on and not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            began = conn.info.pop("bench_started", None)
            self.seconds[statement] += time.perf_counter() - (began or time.perf_counter())
            self.params.setdefault(statement, params)


def time_once(config: Config, store: Store) -> float:
    """Seconds for one ``publish`` (feed folder emptied first, so every file is really written)."""
    shutil.rmtree(config.feeds_dir, ignore_errors=True)
    started = time.perf_counter()
    result = publish(config, store)
    seconds = time.perf_counter() - started
    assert result.articles == ENTRIES and 0 < result.stories <= ENTRIES, (result.stories, result.articles)
    return seconds


def explain(store: Store, statement: str, params: Any) -> list[str]:
    """The database's plan of ``statement``: SQLite's ``EXPLAIN QUERY PLAN``, PostgreSQL's ``EXPLAIN``."""
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if store.dialect == "sqlite":
            return [str(row[-1]) for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, params or ())]
        cursor.execute("EXPLAIN " + statement, params or None)
        return [str(row[0]).strip() for row in cursor.fetchall()]
    finally:
        raw.close()


def store_megabytes(store: Store, folder: Path) -> float:
    if store.dialect == "sqlite":
        return sum(p.stat().st_size for p in (folder / "data").glob("hotline.db*")) / 1e6
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one() / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgresql", action="store_true", help="on a throwaway PostgreSQL cluster")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    sizes = (args.small, args.large)
    setups: dict[int, tuple[Config, Store]] = {}
    times: dict[int, list[float]] = {size: [] for size in sizes}
    profiles: dict[int, Statements] = {}
    cluster = None
    if args.postgresql:
        from tests.conftest import PostgresCluster

        cluster = PostgresCluster()
    try:
        for size in sizes:
            folder = workdir / f"store-{size}"
            folder.mkdir()
            config = make_config(folder, cluster.create_database(f"feed{size}") if cluster else None)
            store = Store(config.store)
            setups[size] = (config, store)
            started = time.perf_counter()
            fill(store, size)
            if cluster:
                with store.engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
            built = time.perf_counter() - started
            print(
                f"{size:>7,} articles: {store_megabytes(store, folder):,.0f} MB store built in {built:.1f} s"
            )
            time_once(config, store)  # warm-up: imports, the page cache, SQLAlchemy's statement cache
            while store.events.stale(threshold=config.feed.threshold, limit=1):  # a running daemon's events
                publish(config, store)  # (store.events: read once per story, not per rebuild)
        for _ in range(args.rounds):  # interleaved, so that the machine's load hits both alike
            for size in sizes:
                times[size].append(time_once(*setups[size]))
        for size in sizes:
            profiles[size] = Statements(setups[size][1])
            time_once(*setups[size])
            profiles[size].on = False
        medians = {size: statistics.median(times[size]) for size in sizes}
        for size in sizes:
            print(
                f"{size:>7,} articles: publish median {medians[size] * 1000:7.1f} ms, "
                f"best {min(times[size]) * 1000:7.1f} ms over {args.rounds} rounds"
            )
        ratio = medians[args.large] / medians[args.small]
        best = min(times[args.large]) / min(times[args.small])
        verdict = "OK" if ratio <= TARGET else "MISSED"
        print(
            f"ratio {args.large:,} / {args.small:,} articles: {ratio:.2f} on medians, "
            f"{best:.2f} on best rounds (target <= {TARGET}): {verdict}"
        )

        print("\nSQL per publish (ms, small store → large store):")
        large = profiles[args.large]
        small = profiles[args.small]
        for statement in sorted(large.seconds, key=large.seconds.get, reverse=True):
            short = re.sub(r"^SELECT (.{60}).*? FROM ", r"SELECT \1… FROM ", " ".join(statement.split()))
            short = short[:130] + ("…" if len(short) > 130 else "")
            print(
                f"  {small.seconds.get(statement, 0.0) * 1000:7.2f} → {large.seconds[statement] * 1000:7.2f}"
                f"  {short}"
            )
            for step in explain(setups[args.large][1], statement, large.params[statement]):
                print(f"{'':14}plan: {step[:150]}{'…' if len(step) > 150 else ''}")
    finally:
        for _, store in setups.values():
            store.close()
        if cluster:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
