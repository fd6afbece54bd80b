"""Site profiles: what looking a page's profile up and counting the page in it costs, against extraction.

On real pages (the unpacked ``../shared/realworld`` kit, else our fixture pages), in one run and one
process, page by page: ``extract_reported`` without a profile (the baseline), the profile look-up
and the update, as the crawl does them (``service.profiling.SiteProfiles``: a read reused for 20
pages of a host, pages counted 20 per write transaction), extraction with the profile, against a
SQLite store whose profile of the site is already full-sized (``--history`` pages). Prints the look-up
+ update cost as a share of extraction (target < 5%), and what the profile itself adds to extraction.
Then the store's growth: 1,000 pages of one site counted into a fresh store (bytes and rows), then
1,000 more (a bounded profile stops growing).

Usage: python3 -m bench.profiles [--data /tmp/realworld] [--pages 80] [--history 300]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from crawler.core.extract import extract_reported
from crawler.core.extract.profile import PageSample, block_key, page_sample
from crawler.devtools.fixtures import find_fixtures
from crawler.service.profiling import SiteProfiles
from crawler.store import Store

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.05
HOST = "bench.example"


def real_pages(data: Path | None, limit: int) -> list[tuple[bytes, str]]:
    """Up to ``limit`` real publisher pages (kit's fundus pages), else the fixture pages."""
    index = data / "fundus.jsonl" if data else None
    if index is not None and index.is_file():
        lines = index.read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        step = max(1, len(rows) // limit)
        folder = data / "pages" / "fundus"
        return [((folder / r["file"]).read_bytes(), r["url"]) for r in rows[::step][:limit]]
    return [(f.read_html(), f.url) for f in find_fixtures(ROOT / "fixtures" / "pages")][:limit]


def synthetic(n: int, unique: int = 20, chrome: int = 5) -> PageSample:
    """A page of a big site: ``unique`` blocks of its own, ``chrome`` the site repeats, a title."""
    lines = [f"page {n} paragraph {i} of a story about naval talks" for i in range(unique)]
    lines += [f"site chrome block {i}" for i in range(chrome)]
    return page_sample(lines, f"Title of page {n} on the site")


def db_bytes(store: Store) -> int:
    with store.engine.connect() as conn:
        count = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
    return int((count - free) * size)


def cost(pages: list[tuple[bytes, str]], folder: Path, history: int) -> None:
    with Store(f"sqlite:///{folder / 'cost.db'}") as store:
        for n in range(history):
            store.profiles.add(HOST, synthetic(n))
        profiles = SiteProfiles(store)  # what the crawl's pipeline uses: cached reads, batched writes
        extract = lookup = profiled = update = 0.0
        for n, (html, url) in enumerate(pages):
            started = time.perf_counter()
            extract_reported(html, url)
            extract += time.perf_counter() - started
            started = time.perf_counter()
            profile = profiles.lookup(f"https://{HOST}/story/{n}")
            lookup += time.perf_counter() - started
            started = time.perf_counter()
            _result, report = extract_reported(html, url, profile=profile)
            profiled += time.perf_counter() - started
            started = time.perf_counter()
            if report.sample is not None:
                profiles.add(f"https://{HOST}/story/{n}", report.sample)
            update += time.perf_counter() - started
        started = time.perf_counter()
        profiles.flush()
        update += time.perf_counter() - started
        size = store.profiles.size(HOST)
    n = len(pages)
    share = (lookup + update) / extract
    print(f"{n} pages, profile of {history}+ pages ({size} rows), times per page:")
    print(f"  extraction, no profile    {1000 * extract / n:8.2f} ms")
    print(f"  extraction with profile   {1000 * profiled / n:8.2f} ms   ratio {profiled / extract:.3f}")
    print(f"  profile look-up           {1000 * lookup / n:8.2f} ms")
    print(f"  profile update            {1000 * update / n:8.2f} ms")
    verdict = "ok" if share < TARGET else "OVER TARGET"
    print(f"  look-up + update / extraction = {share:.1%}   (target < {TARGET:.0%}: {verdict})")


def growth(folder: Path) -> None:
    with Store(f"sqlite:///{folder / 'growth.db'}") as store:
        empty = db_bytes(store)
        sizes, rows = [], []
        for thousand in range(2):
            for n in range(1000 * thousand, 1000 * (thousand + 1)):
                store.profiles.add(HOST, synthetic(n))
            sizes.append(db_bytes(store))
            rows.append(store.profiles.size(HOST))
        profile = store.profiles.get(HOST)
        chrome = sum(1 for key in profile.blocks if key == block_key("site chrome block 0")) if profile else 0
    first, second = sizes[0] - empty, sizes[1] - sizes[0]
    print("store growth, one site, pages of 20 own blocks + 5 chrome blocks + a title:")
    print(f"  first 1,000 pages   {first / 1024:8.0f} KB   {rows[0]} rows")
    bounded = f"(bounded: ratio {second / first:.2f})"
    print(f"  next 1,000 pages    {second / 1024:8.0f} KB   {rows[1]} rows {bounded}")
    print(f"  chrome still known after 2,000 pages: {bool(chrome)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/realworld"), help="unpacked realworld kit")
    parser.add_argument("--pages", type=int, default=80)
    parser.add_argument("--history", type=int, default=300, help="pages already in the site's profile")
    args = parser.parse_args(argv)
    pages = real_pages(args.data, args.pages)
    if not pages:
        print("no pages found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-profiles-") as folder:
        cost(pages, Path(folder), args.history)
        growth(Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
