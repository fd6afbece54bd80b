"""Crawl throughput on 1 and 2 Scrapyd nodes into PostgreSQL, against local crawls into SQLite.

    python3 -m bench.scale [--pages 1000]

Generates the news site of ``bench/crawl.py`` (``bench/sitegen/``), split into two sources (two
sitemaps of half the pages each), serves it on 127.0.0.1, starts a throwaway PostgreSQL cluster and
two Scrapyd nodes (the test helpers ``PostgresCluster`` and ``ScrapydProcess``), then crawls both
sources at once, each time into a fresh store:

1. ``LocalLauncher`` + SQLite (the one-machine default): the baseline;
2. ``ScrapydLauncher`` with 1 node (both jobs on it) + PostgreSQL;
3. ``ScrapydLauncher`` with 2 nodes (one job each) + PostgreSQL.

The egg is built and uploaded before the clock starts. Prints pages per second for each and the
ratios. All nodes share this machine's 2 cores (and one node runs both jobs at once too), so 2 nodes
cannot be really faster than 1 here: the ratio shows Scrapyd's and PostgreSQL's overhead and the
machine's noise, not a speed-up (that needs nodes on their own machines).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.sitegen import make_site
from crawler.service.launch import LocalLauncher, RunResult
from crawler.service.scrapyd import ScrapydLauncher
from crawler.store import Store
from tests.conftest import PostgresCluster
from tests.service.test_scrapyd import ScrapydProcess

SOURCES = ("bench-a", "bench-b")
SETTINGS: dict[str, object] = {  # our own loopback server: politeness off
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "HOTLINE_SITEMAP_MAX_AGE_DAYS": 0,
    "LOGSTATS_INTERVAL": 0,
}


def split_sitemaps(site: Path, pages: int) -> None:
    """``sitemap-a.xml`` and ``sitemap-b.xml``: the even and the odd pages, one per source."""
    for name, first in (("a", 0), ("b", 1)):
        urls = "\n".join(f"<url><loc>{{base}}/articles/{n}.html</loc></url>" for n in range(first, pages, 2))
        (site / f"sitemap-{name}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n',
            encoding="utf-8",
        )


def write_config(folder: Path, base: str, store: str) -> Path:
    folder.mkdir(parents=True)
    sources = "".join(
        f'\n[[sources]]\nname = "{name}"\nkind = "sitemap"\nurl = "{base}/sitemap-{name[-1]}.xml"\n'
        for name in SOURCES
    )
    config = folder / "bench.toml"
    config.write_text(
        f'bundled_sources = false\ndata_dir = "{(folder / "data").as_posix()}"\nstore = "{store}"\n{sources}',
        encoding="utf-8",
    )
    return config


def crawl_both(launcher: LocalLauncher | ScrapydLauncher, config: Path) -> tuple[float, list[RunResult]]:
    """Both sources at once through ``launcher``: (wall seconds, results)."""
    results: list[RunResult] = []
    started = time.perf_counter()
    workers = [
        threading.Thread(target=lambda s=source: results.append(launcher.run(str(config), s, 900)))
        for source in SOURCES
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, results


def measure(name: str, launcher: LocalLauncher | ScrapydLauncher, config: Path, store: str, pages: int):
    seconds, results = crawl_both(launcher, config)
    with Store(store) as opened:
        stored = opened.articles.count()
    outcomes = ", ".join(f"{r.source} {r.outcome}" for r in sorted(results, key=lambda r: r.source))
    ok = stored == pages and all(r.outcome == "ok" for r in results)
    print(f"{name:<34} {stored:5d} stored in {seconds:6.2f} s  {stored / seconds:6.1f} pages/s  ({outcomes})")
    return stored / seconds, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hotline-scale-") as tmp:
        work = Path(tmp)
        site = work / "site"
        make_site(site, args.pages)
        split_sitemaps(site, args.pages)
        server = subprocess.Popen(
            [sys.executable, "-m", "crawler.devtools.site", "--site", str(site), "--in-place",
             "--watch-stdin",
             "--lifetime", "1800"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        postgres: PostgresCluster | None = None
        nodes: list[ScrapydProcess] = []
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            postgres = PostgresCluster()
            nodes = [ScrapydProcess(work / f"node-{n}") for n in ("a", "b")]

            sqlite = f"sqlite:///{work / 'local' / 'data' / 'hotline.db'}"
            local = measure("local launcher + SQLite", LocalLauncher(SETTINGS),
                            write_config(work / "local", base, sqlite), sqlite, args.pages)
            rates = {}
            for count in (1, 2):
                urls = [n.url for n in nodes[:count]]
                launcher = ScrapydLauncher(urls, settings=SETTINGS, poll_interval=0.2)
                for node in launcher.nodes:
                    launcher.deploy(node)  # egg build and upload: once, before the clock
                store = postgres.create_database("bench")
                config = write_config(work / f"scrapyd-{count}", base, store)
                name = f"Scrapyd, {count} node(s) + PostgreSQL"
                rates[count] = measure(name, launcher, config, store, args.pages)
        finally:
            for node in nodes:
                node.stop()
            if postgres is not None:
                postgres.stop()
            server.kill()
            server.communicate()
    print(f"pages: {args.pages} article pages in two sources crawled at once, on 127.0.0.1; "
          "2 cores, shared machine")
    spread, overhead = rates[2][0] / rates[1][0], rates[1][0] / local[0]
    print(f"2 nodes / 1 node:            ratio {spread:4.2f}  (both jobs run at once either way and every "
          "node shares these 2 cores: overhead and noise, not a speed-up)")
    print(f"1 node + PostgreSQL / local: ratio {overhead:4.2f}  (Scrapyd + PostgreSQL against the default)")
    return 0 if local[1] and all(ok for _, ok in rates.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
