"""``hotline crawl``, ``hotline status`` and ``hotline export``: crawl now, see source health, dump articles.

Each crawl runs in its own process (``crawler.process``); once every source is done the feed files are
rebuilt (``crawler.service.publish``). This module only parses, calls and prints.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crawler.cli import get_config
from crawler.cli.summary import EXIT_STOPPED, StopOnSignal, print_summary, rebuild_after_crawl
from crawler.config import Config, ConfigError, Source
from crawler.service.launch import LocalLauncher, RunResult, unrun
from crawler.store import ARTICLE_FIELDS, RunRecord, Store, StoredArticle, StoreError

# the article record's keys, then what the crawl and the later stages added
EXPORT_FIELDS = (*ARTICLE_FIELDS, "source", "first_seen", "score", "relevant", "matched", "story_id")


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"{pair!r}: expected KEY=VALUE, e.g. -s DOWNLOAD_DELAY=2", param_hint="-s"
            )
        settings[key.strip()] = value
    return settings


def skipped_note(result: RunResult, source: Source, config: Config, settings: dict[str, str]) -> str:
    """Say "53 entries older than 30 days skipped" (or "older than 2021-01-01"): why nothing was new."""
    skipped = result.run.skipped_old
    if not skipped:
        return ""
    cutoff = settings.get("HOTLINE_SINCE")
    if not cutoff:
        merged = {**config.scrapy, **source.settings, **settings}
        cutoff = f"{float(merged.get('HOTLINE_SITEMAP_MAX_AGE_DAYS', 30)):g} days"
    noun = "entry" if skipped == 1 else "entries"
    return f"{skipped} {noun} older than {cutoff} skipped"


def _pick_sources(config: Config, names: tuple[str, ...]) -> list[Source]:
    if not names:
        return [s for s in config.sources if s.enabled]
    known = {s.name for s in config.sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise click.ClickException(
            f"{config.where}: no source named {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(s.name for s in config.sources) or 'none'})"
        )
    return [config.source(n) for n in dict.fromkeys(names)]


def _open_store(config: Config) -> Store:
    try:
        return Store(config.store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


@click.command(
    epilog="Examples:\n\n  hotline crawl                      # every enabled source, then the feeds\n\n"
    "  hotline crawl us-dod-releases usni-news --json\n\n"
    "  hotline crawl khmer-times -s DOWNLOAD_DELAY=5 --timeout 300 --no-feed\n\n"
    "  hotline crawl global-times --since 2021-01-01   # backfill a sitemap archive",
)
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per source instead of a table.")
@click.option(
    "--timeout",
    type=float,
    default=None,
    help="Seconds before a crawl is stopped (default: daemon.crawl_timeout).",
)
@click.option("--parallel", type=int, default=None, help="Crawls at once (default: daemon.max_crawls).")
@click.option(
    "-s", "--set", "pairs", multiple=True, metavar="KEY=VALUE", help="A Scrapy or HOTLINE_* setting."
)
@click.option("--no-feed", is_flag=True, help="Do not rebuild the feed files after crawling.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Backfill: entries published since this date, for every kind (sitemaps: instead of their "
    "30-day limit; listings: up to HOTLINE_BACKFILL_PAGES pages); older dated entries are skipped.",
)
@click.pass_context
def crawl(
    ctx: click.Context,
    sources: tuple[str, ...],
    as_json: bool,
    timeout: float | None,
    parallel: int | None,
    pairs: tuple[str, ...],
    no_feed: bool,
    since: datetime | None,
) -> None:
    """Crawl all enabled sources (or the named ones) now, each in its own process; then rebuild the feeds.

    With --json, standard output holds one JSON object per source; the feed summary goes to stderr.
    Ctrl-C stops the crawls gracefully, then summarises and rebuilds the feeds (exit 130); a second
    Ctrl-C kills them at once. A source another process is crawling is skipped.
    """
    config = get_config(ctx)
    chosen = _pick_sources(config, sources)
    if not chosen:
        raise click.ClickException(f"{config.where}: no enabled sources to crawl")
    config_path = str(config.path) if config.path else None
    settings = _settings(pairs)
    if settings.get("HOTLINE_STORE"):  # the crawls write there: recover and publish from there too
        config = dataclasses.replace(config, store=settings["HOTLINE_STORE"])
    _recover(config)
    if since is not None:
        settings["HOTLINE_SINCE"] = since.date().isoformat()
    launcher = LocalLauncher(settings)
    limit = timeout or float(config.daemon.crawl_timeout)
    workers = max(1, parallel or config.daemon.max_crawls)
    console = Console(stderr=True)
    results: dict[str, RunResult] = {}

    with StopOnSignal(launcher, console, grace=STOP_GRACE) as stopper, Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.fields[source]}"),
        BarColumn(bar_width=None),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        disable=as_json,
        transient=False,
    ) as progress:
        tasks = {s.name: progress.add_task("", total=None, source=s.name, status="waiting") for s in chosen}
        lock = threading.Lock()

        def show(name: str, record: RunRecord) -> None:
            with lock:
                progress.update(
                    tasks[name], status=f"{record.pages_fetched} fetched, {record.articles_new} new"
                )

        def run(source: Source) -> RunResult:
            progress.update(tasks[source.name], status="starting")
            try:
                result = launcher.run(
                    config_path, source.name, limit, progress=lambda r: show(source.name, r)
                )
            except (ConfigError, StoreError) as exc:
                result = unrun(source.name, "failed", str(exc))
            done = "[green]ok" if result.ok else f"[red]{result.outcome}"
            progress.update(
                tasks[source.name],
                total=1,
                completed=1,
                status=f"{done}[/] {result.run.articles_new} new, {result.run.articles_failed} failed"
                + (f", {note}" if (note := skipped_note(result, source, config, settings)) else ""),
            )
            return result

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(run, chosen):
                results[result.source] = result

    ordered = [results[s.name] for s in chosen]
    print_summary(ordered, as_json)
    feeds_ok = no_feed or rebuild_after_crawl(config, console, as_json)
    if stopper.stopped:
        ctx.exit(EXIT_STOPPED)
    if any(r.failed for r in ordered) or not feeds_ok:
        ctx.exit(1)


_rebuild_after_crawl = rebuild_after_crawl  # its old name (cli/reextract.py)
STOP_GRACE = 10.0  # seconds crawls get to stop after a Ctrl-C before they are killed


def _recover(config: Config) -> None:
    """Close runs a killed crawl left 'running' and sweep half-written feed files (one line each)."""
    from crawler.service.lifecycle import recover

    with _open_store(config) as store:
        found = recover(config, store)
    if found.crashed:
        click.echo(f"closed as crashed (their crawl died with its launcher): {', '.join(found.crashed)}",
                   err=True)


@click.command(
    epilog="Examples:\n\n  hotline export > articles.jsonl\n\n"
    "  hotline export --format csv --since 2024-05-01 --output may.csv\n\n"
    "  hotline export --events --format csv --output events.csv",
)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]),
    help="Only articles first seen on or after this date (UTC).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    help="File to write (default: standard output).",
)
@click.option("--events", is_flag=True, help="Each story's event instead: date, kind, channels, both sides.")
@click.pass_context
def export(ctx: click.Context, fmt: str, since: datetime | None, output: str, events: bool) -> None:
    """Every stored article: JSON lines (one object per article) or CSV with a header."""
    config = get_config(ctx)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with _open_store(config) as store:

        def write(out: TextIO) -> int:
            if events:  # issue 16: the analyst's event records (crawler/cli/events.py)
                from crawler.cli.events import write_events

                return write_events(config, store, out, fmt, since)
            return write_export(store.articles.all(since=since), out, fmt)

        if output == "-":
            count = write(sys.stdout)
        else:
            try:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = write(out)
            except OSError as exc:
                raise click.ClickException(f"--output {output}: cannot write ({exc.strerror})") from None
            click.echo(f"{count} {'event(s)' if events else 'article(s)'} written to {output}", err=True)


def write_export(rows: Iterable[StoredArticle], out: TextIO, fmt: str) -> int:
    """Write the article rows as JSON lines or CSV; how many were written."""
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
        writer.writeheader()
    count = 0
    for row in rows:
        record = {name: _plain(getattr(row, name)) for name in EXPORT_FIELDS}
        if writer is not None:
            if isinstance(record["matched"], tuple):
                record["matched"] = json.dumps(record["matched"], ensure_ascii=False)
            writer.writerow(record)
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
