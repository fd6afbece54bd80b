"""``hotline run`` (the scheduler and the feed server in one process) and ``hotline demo``."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click

from crawler.cli import get_config


def _setup_logging(verbose: bool) -> None:
    from rich.logging import RichHandler

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        datefmt="[%X]",
        handlers=[RichHandler(show_path=False, markup=False, rich_tracebacks=True)],
        force=True,
    )
    for noisy in ("apscheduler", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def wait_for_signal(stop: threading.Event) -> None:
    """Block until SIGTERM or SIGINT, then set ``stop``."""

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    while not stop.wait(0.5):
        pass


@click.command(epilog="Example: hotline --config sources.toml run --port 8008")
@click.option("--host", help="Address the feed server listens on (default: config [server] host, 127.0.0.1).")
@click.option("--port", type=int, help="Port of the feed server (default: config [server] port, 8008).")
@click.option(
    "--shutdown-grace",
    default=30.0,
    show_default=True,
    help="Seconds running crawls get to finish on SIGTERM/SIGINT before they are killed.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.pass_context
def run(ctx: click.Context, host: str | None, port: int | None, shutdown_grace: float, verbose: bool) -> None:
    """Run the daemon: crawl every source on its schedule and serve the feeds until stopped.

    Each crawl runs in its own process; after a crawl that stored something new the feeds are rebuilt.
    One log line per crawl: source, outcome, fetched, new, failed, seconds. Stop with Ctrl-C or SIGTERM:
    running crawls get --shutdown-grace seconds, then are killed; the store stays consistent.
    """
    from crawler.daemon import run_daemon

    config = get_config(ctx)
    _setup_logging(verbose)
    stop = threading.Event()
    run_daemon(
        config, host=host, port=port, shutdown_grace=shutdown_grace, wait=lambda: wait_for_signal(stop)
    )
