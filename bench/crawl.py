"""Crawl throughput against bare extraction, measured in the same run.

    python3 -m bench.crawl [--pages 1000] [--on-beat 0.1]

Generates a realistic local news site (``bench/sitegen/``: WordPress-like pages of about 100 KB with
menus, scripts, related lists and comment widgets around distinct 400-1,200-word articles, a tenth of
them on the beat in multi-outlet events with wire copies) in a temp dir, serves it on 127.0.0.1 with
crawler/devtools/site.py, then measures (1) bare extraction: ``extract_article`` over the same pages in this
process, before and after the crawls (the faster is the baseline), and (2) real crawls of the site's
sitemap, each one crawl process through the whole pipeline
(extract, relevance, dedup, stories, store) into a fresh SQLite store, politeness off (it is our own
loopback server): with extraction in the crawl process (HOTLINE_EXTRACT_WORKERS=0), and with the
default (``auto``: worker processes on a multi-core machine). Prints pages per second, their ratio to
bare extraction (target >= 0.8), and the peak memory of the child processes.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.sitegen import make_site
from crawler.core.extract import extract_article
from crawler.pipelines import extract_workers
from crawler.service.launch import run_crawl_process
from crawler.store import Store


def bare_extraction(folder: Path, base: str, pages: int) -> float:
    """Seconds for extract_article over every page (bytes as served, in this process)."""
    bodies = [
        (folder / "articles" / f"{n}.html").read_bytes().replace(b"{base}", base.encode())
        for n in range(pages)
    ]
    started = time.perf_counter()
    for n, body in enumerate(bodies):
        result = extract_article(body, f"{base}/articles/{n}.html", charset="utf-8")
        assert not hasattr(result, "reason"), result
    return time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class Crawl:
    wall: float  # process start to exit
    steady: float  # first stored article to the last (scaled to all of them)
    stored: int
    outcome: str
    stages: dict[str, float]  # seconds per pipeline stage from the crawl's stats (hotline/seconds/*)


STAGE_STAT = re.compile(r"'hotline/seconds/(\w+)': ([0-9.e-]+)")


def crawl_once(work: Path, base: str, workers: int | str) -> Crawl:
    """One crawl of the sitemap into a fresh store, with the seconds its pipeline stages counted.

    Steady seconds run from the first stored article to the last: the per-page cost without the
    process start (imports, reactor, robots.txt, sitemap), which a longer crawl amortises.
    """
    folder = work / f"crawl-{workers}"
    config = folder / "bench.toml"
    folder.mkdir()
    config.write_text(
        f'bundled_sources = false\ndata_dir = "{(folder / "data").as_posix()}"\n'
        f'[[sources]]\nname = "bench"\nkind = "sitemap"\nurl = "{base}/sitemap.xml"\n',
        encoding="utf-8",
    )
    settings = {  # our own loopback server: politeness off, as many requests as the crawl can take
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "HOTLINE_SITEMAP_MAX_AGE_DAYS": 0,
        "HOTLINE_EXTRACT_WORKERS": workers,
        "LOGSTATS_INTERVAL": 0,
    }
    result = run_crawl_process(str(config), "bench", timeout=900, settings=settings)
    with Store(f"sqlite:///{folder / 'data' / 'hotline.db'}") as store:
        seen = [row.first_seen for row in store.articles.all()]
    steady = (seen[-1] - seen[0]).total_seconds() * len(seen) / max(1, len(seen) - 1) if seen else 0.0
    log = Path(result.log_path).read_text(encoding="utf-8", errors="replace") if result.log_path else ""
    stages = {name: float(value) for name, value in STAGE_STAT.findall(log)}
    return Crawl(result.seconds, steady, len(seen), result.outcome, stages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--on-beat", type=float, default=0.1, help="share of pages on the beat (default 0.1)")
    parser.add_argument(
        "--workers", default="auto", help="HOTLINE_EXTRACT_WORKERS of the second crawl (default: auto)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        work = Path(tmp)
        site = work / "site"
        facts = make_site(site, args.pages, on_beat=args.on_beat)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler.devtools.site",
                "--site",
                str(site),
                "--in-place",
                "--watch-stdin",
                "--lifetime",
                "1800",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            before = bare_extraction(site, base, args.pages)
            crawls = {workers: crawl_once(work, base, workers) for workers in (0, args.workers)}
            after = bare_extraction(site, base, args.pages)
        finally:
            server.kill()
            server.communicate()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    bare = min(before, after)  # the least disturbed: the machine is shared, and a faster bare is the
    bare_rate = args.pages / bare  # stricter baseline
    cores = len(os.sched_getaffinity(0))
    print(f"site: {facts.summary()}; served on 127.0.0.1; {cores} cores, shared machine")
    print(
        f"bare extraction (in-process, no IO):  {bare:6.2f} s  {bare_rate:6.1f} pages/s  "
        f"(best of before and after the crawls: {before:.2f} s, {after:.2f} s)"
    )
    ok = True
    for workers, crawl in crawls.items():
        wall, steady, stored, outcome = crawl.wall, crawl.steady, crawl.stored, crawl.outcome
        ok &= stored == args.pages and outcome == "ok"
        count = extract_workers(workers)
        where = "extraction in the crawl process" if count == 0 else f"{count} extraction worker process(es)"
        if workers == "auto":
            where += " (the default, auto)"
        print(f"crawl, {where}: {stored} stored ({outcome})")
        print(
            f"  end to end (process start to exit): {wall:6.2f} s  {stored / wall:6.1f} pages/s  "
            f"ratio {stored / wall / bare_rate:4.2f}"
        )
        print(
            f"  steady (first to last article):     {steady:6.2f} s  {stored / steady:6.1f} pages/s  "
            f"ratio {stored / steady / bare_rate:4.2f}  (target >= 0.8)"
        )
        if crawl.stages:
            spent = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(crawl.stages.items()))
            print(f"  pipeline stages in the crawl process: {spent}")
        if "extract" in crawl.stages and count == 0:  # with workers it counts the first pages only
            stages = crawl.stages
            share = (stages.get("relevance", 0) + stages.get("dedup", 0)) / stages["extract"]
            print(f"  relevance + dedup / extraction, as the crawl ran them: {share:.3f}  (target < 0.10)")
    print(
        f"peak memory, largest child process: {peak_mb:6.1f} MB (a crawl process, its workers or the server)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
