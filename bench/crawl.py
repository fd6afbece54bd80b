"""Crawl throughput against bare extraction, measured in the same run.

    python bench/crawl.py [--pages 1000]

Generates a local site of article pages from a template (in a temp dir), serves it on 127.0.0.1 with
crawler/devsite.py, then measures (1) bare extraction: ``extract_article`` over the same pages in
this process, and (2) a real crawl of the site's sitemap: one crawl process through the whole
pipeline into a fresh SQLite store, politeness off (it is our own loopback server). Prints pages per
second for both, their ratio (target >= 0.8), and the peak memory of the child processes.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import extract_article  # noqa: E402
from crawler.launch import run_crawl_process  # noqa: E402
from crawler.store import Store  # noqa: E402

SENTENCES = (
    "Defense officials from both countries spoke by video link for a little over an hour.",
    "The ministry said the two sides agreed to keep channels of communication open.",
    "A spokesperson described the conversation as candid, constructive and in-depth.",
    "Analysts said the talks were a modest step after months without contact.",
    "Theater commanders are expected to hold their own call in the coming weeks.",
    "The maritime consultative working group last met in the spring.",
    "Officials raised concerns about unsafe intercepts of aircraft over international waters.",
    "Beijing's readout stressed that Taiwan remains the core of its interests.",
    "Both delegations reviewed recent encounters between ships operating near disputed reefs.",
    "Experts on crisis management say a hotline is only useful if someone answers it.",
    "The meeting took place on the sidelines of a regional security forum.",
    "Neither side announced a new agreement, but both promised further talks.",
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} – Bench Ledger</title>
<link rel="canonical" href="{{base}}/articles/{n}.html">
<meta property="article:published_time" content="2024-0{month}-1{day}T08:00:00Z">
<meta name="author" content="Desk {desk}">
</head><body>
<header><nav><a href="{{base}}/">Home</a> <a href="{{base}}/news/">News</a>
<a href="{{base}}/about/">About</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">Desk {desk}</p>
{paragraphs}
</article>
<div class="share"><a href="#">Share on X</a> <a href="#">Email</a></div>
<aside class="related"><h3>Related</h3><ul>{related}</ul></aside></main>
<footer>&copy; Bench Ledger. All rights reserved.</footer>
</body></html>
"""


def make_site(folder: Path, pages: int) -> None:
    """``pages`` article pages, a sitemap listing them all, and a robots.txt."""
    rng = random.Random(20240416)
    articles = folder / "articles"
    articles.mkdir(parents=True)
    for n in range(pages):
        paragraphs = "\n".join(
            "<p>" + " ".join(rng.sample(SENTENCES, 4)) + f" (Report {n}, part {i}.)</p>" for i in range(6)
        )
        related = "".join(
            f'<li><a href="{{base}}/articles/{rng.randrange(pages)}.html">More</a></li>' for _ in range(3)
        )
        (articles / f"{n}.html").write_text(
            PAGE.format(
                title=f"Military talks report number {n}",
                n=n,
                month=1 + n % 9,
                day=n % 10,
                desk=n % 7,
                paragraphs=paragraphs,
                related=related,
            ),
            encoding="utf-8",
        )
    urls = "\n".join(f"<url><loc>{{base}}/articles/{n}.html</loc></url>" for n in range(pages))
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n',
        encoding="utf-8",
    )
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")


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


def crawl_once(work: Path, base: str, workers: int) -> tuple[float, float, int, str]:
    """One crawl of the sitemap into a fresh store: (wall seconds, steady seconds, stored, outcome).

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
        seen = [row["first_seen"] for row in store.articles()]
    steady = (seen[-1] - seen[0]).total_seconds() * len(seen) / max(1, len(seen) - 1) if seen else 0.0
    return result.seconds, steady, len(seen), result.outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="HOTLINE_EXTRACT_WORKERS of the second crawl")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        work = Path(tmp)
        site = work / "site"
        make_site(site, args.pages)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler.devsite",
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
            bare = bare_extraction(site, base, args.pages)
            crawls = {workers: crawl_once(work, base, workers) for workers in (0, args.workers)}
        finally:
            server.kill()
            server.communicate()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    bare_rate = args.pages / bare
    print(f"pages: {args.pages} article pages from a template, served on 127.0.0.1; 2 cores, shared machine")
    print(f"bare extraction (in-process, no IO):  {bare:6.2f} s  {bare_rate:6.1f} pages/s")
    ok = True
    for workers, (wall, steady, stored, outcome) in crawls.items():
        ok &= stored == args.pages and outcome == "ok"
        where = (
            "extraction in the crawl process" if workers == 0 else f"{workers} extraction worker processes"
        )
        print(f"crawl, {where}: {stored} stored ({outcome})")
        print(
            f"  end to end (process start to exit): {wall:6.2f} s  {stored / wall:6.1f} pages/s  "
            f"ratio {stored / wall / bare_rate:4.2f}"
        )
        print(
            f"  steady (first to last article):     {steady:6.2f} s  {stored / steady:6.1f} pages/s  "
            f"ratio {stored / steady / bare_rate:4.2f}  (target >= 0.8)"
        )
    print(
        f"peak memory, largest child process: {peak_mb:6.1f} MB (a crawl process, its workers or the server)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
