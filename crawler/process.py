"""The crawl process: one crawl of one source, then exit (Twisted's reactor cannot be restarted).

Launchers (``crawler.service``) start it as a child process and read its outcome from its ``runs``
row, its exit code and its result file; ``scrapy crawl <kind> -a source=NAME`` runs the same spiders
by hand::

    python -m crawler.process --source us-dod-releases [--config my.toml] [-s DOWNLOAD_DELAY=2]

It never outlives its launcher: a watchdog thread stops the crawl gracefully (Scrapy's own SIGTERM
shutdown) when the launcher dies or ``--time-limit`` passes, then kills its process group if the
shutdown hangs.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.config import ConfigError, load_config
from crawler.store import Store

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
STOP_GRACE = 10.0  # seconds Scrapy's graceful shutdown gets before the process group is killed
STOP_OUTCOME = "hotline/stop_outcome"  # crawl stats: why the watchdog stopped the crawl
STOP_REASON = "hotline/stop_reason"


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
    parser.add_argument("--time-limit", type=float, default=0, help="seconds before the crawl stops itself")
    parser.add_argument("--result", help="JSON file to write the crawl's outcome to, for the launcher")
    return parser


class Watchdog(threading.Thread):
    """Stops the crawl when its launcher (the parent process) is gone or its time limit passed."""

    def __init__(self, crawler: Any, time_limit: float, poll: float = 0.5) -> None:
        super().__init__(name="hotline-watchdog", daemon=True)
        self.crawler = crawler
        self.parent = os.getppid()
        self.deadline = time.monotonic() + time_limit if time_limit > 0 else None
        self.poll = poll

    def run(self) -> None:
        while True:
            time.sleep(self.poll)
            if os.getppid() != self.parent:
                return self.stop("stopped", "stopped: its launcher ended")
            if self.deadline is not None and time.monotonic() > self.deadline:
                return self.stop("timeout", "stopped at the crawl's own time limit")

    def stop(self, outcome: str, reason: str) -> None:
        """Scrapy's graceful shutdown (as on SIGTERM), then SIGKILL if it has not ended in time."""
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.set_value(STOP_OUTCOME, outcome)
            stats.set_value(STOP_REASON, reason)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(STOP_GRACE)
        if os.getpgrp() == os.getpid():  # our own group (a launcher's child): workers go with us
            os.killpg(os.getpid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)


def write_result(path: str | None, **result: object) -> None:
    """The crawl's own account of how it ended, for the launcher (never read from the log)."""
    if not path:
        return
    with contextlib.suppress(OSError):
        Path(path).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Crawl one source in this process; exit 0 if the run ended 'ok', 1 if not, 2 on a config error."""
    args = _parser().parse_args(argv)
    try:
        return _crawl(args)
    except Exception as exc:  # a bug: the launcher still learns what it was
        write_result(args.result, outcome="crashed", error=f"{type(exc).__name__}: {exc}"[:500])
        raise


def _crawl(args: argparse.Namespace) -> int:
    overrides: dict[str, str] = {}
    for pair in args.set:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            return _config_error(args, f"-s {pair!r}: expected KEY=VALUE")
        overrides[key.strip()] = value
    try:
        source = load_config(args.config).source(args.source)
    except ConfigError as exc:
        return _config_error(args, str(exc))

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
    Watchdog(crawler, args.time_limit).start()
    process.start()
    try:
        stats = crawler.stats.get_stats()
    except AttributeError:  # the crawler never got far enough to have stats
        stats = {}
    reason, run_id = stats.get("finish_reason"), stats.get("hotline/run_id")
    if run_id is None:
        why = failed[-1] if failed else "it stopped before its spider opened"
        print(f"hotline: the crawl of {source.name!r} did not start ({why})", file=sys.stderr)
        write_result(args.result, outcome="failed", finish_reason=reason, error=f"did not start: {why}")
        return EXIT_FAILED
    with Store(crawler.settings.get("HOTLINE_STORE")) as store:
        record = store.runs.get(run_id)
    outcome = record.outcome if record is not None else "failed"
    error = (record.errors if record is not None else "") or (failed[-1] if failed else "")
    write_result(args.result, outcome=outcome, finish_reason=reason, run_id=run_id, error=error)
    return EXIT_OK if reason == "finished" and outcome == "ok" else EXIT_FAILED


def _config_error(args: argparse.Namespace, message: str) -> int:
    print(f"hotline: {message}", file=sys.stderr)
    write_result(args.result, outcome="failed", error=message)
    return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
