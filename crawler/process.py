"""The crawl process: one crawl of one source, then exit (Twisted's reactor cannot be restarted).

Launchers (``crawler.service``) start it as a child process and read its outcome from its ``runs``
row and its exit code; ``scrapy crawl <kind> -a source=NAME`` runs the same spiders by hand::

    python -m crawler.process --source us-dod-releases [--config my.toml] [-s DOWNLOAD_DELAY=2]
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.config import ConfigError, load_config
from crawler.store import Store

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crawler.process", description=main.__doc__)
    parser.add_argument("--source", required=True, help="name of the source to crawl")
    parser.add_argument("--config", help="TOML config file (default: $HOTLINE_CONFIG or bundled)")
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Scrapy or HOTLINE_* setting for this crawl",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Crawl one source in this process; exit 0 if the run ended 'ok', 1 if not, 2 on a config error."""
    args = _parser().parse_args(argv)
    overrides: dict[str, str] = {}
    for pair in args.set:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            print(f"hotline: -s {pair!r}: expected KEY=VALUE", file=sys.stderr)
            return EXIT_CONFIG
        overrides[key.strip()] = value
    try:
        source = load_config(args.config).source(args.source)
    except ConfigError as exc:
        print(f"hotline: {exc}", file=sys.stderr)
        return EXIT_CONFIG

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if args.config:
        settings.set("HOTLINE_CONFIG", str(Path(args.config).resolve()), priority="cmdline")
    # The config's [scrapy] table and the source's own settings are applied by the spider, as under
    # `scrapy crawl` (crawler.spiders.base.apply_config_settings); -s on the command line wins over both.
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(source.kind)
    # Everything imported and built so far lives as long as the process: keep the cyclic collector
    # from walking it again after every few thousand allocations (extraction makes millions).
    gc.freeze()
    failed: list[str] = []  # why the crawl's Deferred failed (a setting naming a missing module, …)

    def crawl_failed(failure: Any) -> None:
        failed.append(f"{failure.type.__name__}: {failure.getErrorMessage()}")
        logging.getLogger("hotline").error("the crawl failed: %s", failed[-1])

    process.crawl(crawler, source=source.name).addErrback(crawl_failed)
    process.start()
    try:
        stats = crawler.stats.get_stats()
    except AttributeError:  # the crawler never got far enough to have stats
        stats = {}
    reason, run_id = stats.get("finish_reason"), stats.get("hotline/run_id")
    if run_id is None:
        why = failed[-1] if failed else "see the errors above"
        print(f"hotline: the crawl of {source.name!r} did not start ({why})", file=sys.stderr)
        return EXIT_FAILED
    with Store(crawler.settings.get("HOTLINE_STORE")) as store:
        record = store.runs.get(run_id)
    ok = reason == "finished" and record is not None and record.outcome == "ok"
    return EXIT_OK if ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
