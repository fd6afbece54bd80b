"""What ``hotline crawl`` says while and after it crawls: Ctrl-C handling, the summary, the feed rebuild.

Ctrl-C once: "stopping…", the crawls are asked to stop (Scrapy's own graceful shutdown) and killed
after a grace; what was done is still summarised and the feeds rebuilt. Ctrl-C twice: the crawls'
process groups are killed at once. Either way no crawl process is left behind.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Sequence
from contextlib import nullcontext
from types import FrameType
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.config import Config
from crawler.service.launch import LocalLauncher, RunResult

EXIT_STOPPED = 130  # what a shell reports for a command ended by Ctrl-C


class StopOnSignal:
    """SIGINT/SIGTERM while crawling: first a graceful stop (killed after ``grace`` seconds), then a
    kill. The handler only counts; a thread does the talking and the stopping (a signal handler must
    not write to a console another thread may be writing to)."""

    def __init__(self, launcher: LocalLauncher, console: Console, grace: float) -> None:
        self.launcher = launcher
        self.console = console
        self.grace = grace
        self.signals = 0
        self._wake = threading.Event()
        self._done = threading.Event()
        self._previous: dict[int, Any] = {}
        self._thread = threading.Thread(target=self._act, name="crawl-stopper", daemon=True)

    @property
    def stopped(self) -> bool:
        return self.signals > 0

    def __enter__(self) -> StopOnSignal:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._handler)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._done.set()
        self._wake.set()
        self._thread.join(timeout=5)

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        self.signals += 1
        self._wake.set()

    def _act(self) -> None:
        handled = 0
        while not self._done.is_set():
            self._wake.wait(timeout=self.grace if handled == 1 else None)
            self._wake.clear()
            if self._done.is_set():
                return
            if handled == 1 and self.signals == 1:  # the grace is over
                self.console.print(f"[yellow]crawls still running after {self.grace:.0f} s: killing them")
                self.launcher.kill_all()
                handled = 2
            elif self.signals == 1 and handled == 0:
                handled = 1
                asked = self.launcher.request_stop()
                self.console.print(f"[yellow]stopping… asked {asked} crawl(s) to stop; Ctrl-C again to "
                                   "kill them now")
            elif self.signals > 1 and handled < 3:
                handled = 3
                self.console.print("[red]killing the crawls now")
                self.launcher.kill_all()


def print_summary(results: Sequence[RunResult], as_json: bool) -> None:
    """One JSON object per source, or a table that fits 80 columns with every failure's full reason
    listed below it (a reason never shrinks to nothing in a narrow terminal or a pipe)."""
    if as_json:
        for result in results:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    table = Table(title="Crawl summary")
    table.add_column("source", overflow="fold")
    table.add_column("outcome", no_wrap=True)
    for column in ("fetched", "new", "failed", "skipped", "seconds"):
        table.add_column(column, justify="right", no_wrap=True)
    for r in results:
        style = "green" if r.ok else "yellow" if not r.failed else "red"
        table.add_row(
            r.source,
            f"[{style}]{r.outcome}",
            str(r.run.pages_fetched),
            str(r.run.articles_new),
            str(r.run.articles_failed),
            str(r.run.skipped_known),
            f"{r.seconds:.1f}",
        )
    console = Console()
    console.print(table)
    for r in results:
        if r.errors and not r.ok:
            console.print(f"{escape(r.source)} ({r.outcome}): {escape(r.errors)}", highlight=False,
                          soft_wrap=True)


def rebuild_after_crawl(config: Config, console: Console, as_json: bool) -> bool:
    """Rebuild the feeds once after every crawl ended; a problem is one line on stderr (and False)."""
    from crawler.cli.publish import rebuild_feeds

    try:
        with console.status("Rebuilding the feeds…", spinner="dots") if not as_json else nullcontext():
            result = rebuild_feeds(config)
    except click.ClickException as exc:
        click.echo(f"Error: feeds not rebuilt: {exc.format_message()}", err=True)
        return False
    trouble = f"; sources in trouble: {', '.join(result.broken)}" if result.broken else ""
    line = (
        f"Feeds rebuilt in {result.directory}: {result.stories} stories, {result.articles} articles, "
        f"{len(result.changed)} file(s) changed{trouble}"
    )
    click.echo(line, err=as_json)
    return True
