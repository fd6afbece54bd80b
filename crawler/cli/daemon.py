"""``hotline run`` (the scheduler and the feed server in one process) and ``hotline demo``."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Any

import click

from crawler.cli import get_config


def _setup_logging(verbose: bool) -> None:
    """Rich log lines on a terminal; plain, one line per record, unwrapped, when logging to a file."""
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(show_path=False, markup=False, rich_tracebacks=True)
        fmt, datefmt = "%(message)s", "[%X]"
    else:
        handler = logging.StreamHandler()
        fmt, datefmt = "%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format=fmt, datefmt=datefmt,
                        handlers=[handler], force=True)
    if not verbose:
        # One line per crawl is the daemon's log; requests and "still running, skipped" are detail.
        logging.getLogger("feeds.serve").setLevel(logging.WARNING)
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)


def on_stop_signals(stop: threading.Event) -> None:
    """SIGTERM or SIGINT (Ctrl-C) sets ``stop`` instead of raising KeyboardInterrupt mid-work."""

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def wait_for_signal(stop: threading.Event) -> None:
    """Block until SIGTERM or SIGINT, then set ``stop``."""
    on_stop_signals(stop)
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
    from crawler.service.daemon import run_daemon
    from crawler.service.lifecycle import Busy
    from crawler.store import StoreError

    config = get_config(ctx)
    _setup_logging(verbose)
    stop = threading.Event()
    try:
        run_daemon(
            config, host=host, port=port, shutdown_grace=shutdown_grace, wait=lambda: wait_for_signal(stop)
        )
    except (StoreError, Busy) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        address = f"{host or config.server.host}:{config.server.port if port is None else port}"
        raise click.ClickException(
            f"cannot serve the feeds on {address} ({exc.strerror or exc}); choose another with --port "
            "or [server] port"
        ) from None


@click.command(epilog="Example: hotline demo   (then open the printed URL in a browser or feed reader)")
@click.option("--port", type=click.IntRange(0, 65535), default=8008, show_default=True,
              help="Port of the demo's feed server (0 picks a free one).")
@click.option("--interval", type=click.IntRange(1, 3600), default=3, show_default=True,
              help="Seconds between crawls of the demo site.")
@click.option("--exit", "exit_after", is_flag=True,
              help="Stop once the new article has arrived (default: keep serving until Ctrl-C).")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def demo(port: int, interval: int, exit_after: bool, verbose: bool) -> None:
    """See the whole product work offline: a fixture news site, the daemon, a new article arriving.

    Serves the bundled fixture site on 127.0.0.1, runs the real daemon against it with short
    intervals, publishes a new article on the site after the first crawl, and shows it arriving in
    the feed. Needs no internet and no configuration.
    """
    from rich.console import Console

    from crawler.devtools.demo import DemoError, run_demo

    _setup_logging(verbose)
    console = Console(soft_wrap=True)
    stop = threading.Event()
    on_stop_signals(stop)  # Ctrl-C ends the demo in order: no traceback, nothing left running
    try:
        run_demo(console, port=port, interval=interval, keep_running=not exit_after,
                 wait_for_stop=wait_for_signal, stop=stop)
    except KeyboardInterrupt:  # before the handler was in place
        stop.set()
    except DemoError as exc:
        raise click.ClickException(f"demo: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"demo: cannot serve on 127.0.0.1:{port} ({exc.strerror}); "
                                   "try --port 0") from None
    if stop.is_set():
        console.print("demo stopped: the site, the daemon and its crawls are closed. Goodbye.")
