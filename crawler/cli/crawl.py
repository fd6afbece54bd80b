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
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any, TextIO

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawler.cli import get_config
from crawler.config import Config, ConfigError, Source
from crawler.service.launch import LocalLauncher, RunResult
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
    "  hotline crawl my-site -s DOWNLOAD_DELAY=5 --timeout 300 --no-feed",
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
@click.pass_context
def crawl(
    ctx: click.Context,
    sources: tuple[str, ...],
    as_json: bool,
    timeout: float | None,
    parallel: int | None,
    pairs: tuple[str, ...],
    no_feed: bool,
) -> None:
    """Crawl all enabled sources (or the named ones) now, each in its own process; then rebuild the feeds.

    With --json, standard output holds one JSON object per source; the feed summary goes to stderr.
    """
    config = get_config(ctx)
    chosen = _pick_sources(config, sources)
    if not chosen:
        raise click.ClickException(f"{config.where}: no enabled sources to crawl")
    config_path = str(config.path) if config.path else None
    settings = _settings(pairs)
    launcher = LocalLauncher(settings)
    limit = timeout or float(config.daemon.crawl_timeout)
    workers = max(1, parallel or config.daemon.max_crawls)
    console = Console(stderr=True)
    results: dict[str, RunResult] = {}

    with Progress(
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
                result = RunResult(
                    source=source.name, outcome="failed", exit_code=None, seconds=0.0, errors=str(exc)
                )
            done = "[green]ok" if result.ok else f"[red]{result.outcome}"
            progress.update(
                tasks[source.name],
                total=1,
                completed=1,
                status=f"{done}[/] {result.articles_new} new, {result.articles_failed} failed",
            )
            return result

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(run, chosen):
                results[result.source] = result

    ordered = [results[s.name] for s in chosen]
    if as_json:
        for result in ordered:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        table = Table(title="Crawl summary")
        table.add_column("source", no_wrap=True)
        table.add_column("outcome", no_wrap=True)
        for column in ("fetched", "new", "failed", "skipped", "seconds"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("errors", overflow="fold")
        for r in ordered:
            table.add_row(
                r.source,
                r.outcome,
                str(r.pages_fetched),
                str(r.articles_new),
                str(r.articles_failed),
                str(r.skipped_known),
                f"{r.seconds:.1f}",
                r.errors[:80],
            )
        Console().print(table)
    if settings.get("HOTLINE_STORE"):  # the crawls wrote there: publish from there too
        config = dataclasses.replace(config, store=settings["HOTLINE_STORE"])
    feeds_ok = no_feed or _rebuild_after_crawl(config, console, as_json)
    if not all(r.ok for r in ordered) or not feeds_ok:
        ctx.exit(1)


def _rebuild_after_crawl(config: Config, console: Console, as_json: bool) -> bool:
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


@click.command(
    epilog="Examples:\n\n  hotline status\n\n"
    "  hotline status --json | jq '.[] | select(.health != \"ok\") | {source, health_reasons}'"
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Per source: health verdict (ok, degraded, broken) and why, last run, last success, articles.

    The verdict is the one the health feed and the daemon use: failures graded (a 404 on the feed URL
    is broken at once, timeouts only after several runs), and runs that "succeed" checked for silent
    breakage (no article extracted, text collapsed, boilerplate leaking in).
    """
    from crawler.service.publish import health_verdicts

    config = get_config(ctx)
    with _open_store(config) as store:
        summaries = {s.source: s for s in store.runs.summary()}
        verdicts = health_verdicts(config, store)
    names = [s.name for s in config.sources] + sorted(set(summaries) - {s.name for s in config.sources})
    rows = []
    for name in names:
        summary = summaries.get(name)
        last = summary.last_run if summary else None
        verdict = verdicts.get(name)
        rows.append(
            {
                "source": name,
                "configured": any(s.name == name for s in config.sources),
                "health": verdict.status if verdict else None,
                "health_reasons": list(verdict.reasons) if verdict else [],
                "health_grade": verdict.grade if verdict else None,
                "health_since": verdict.since.isoformat() if verdict and verdict.since else None,
                "last_run": last.started.isoformat() if last else None,
                "last_outcome": last.outcome if last else None,
                "last_success": summary.last_success.isoformat()
                if summary and summary.last_success
                else None,
                "articles_total": summary.articles_total if summary else 0,
                "articles_new_last_run": last.articles_new if last else 0,
                "consecutive_failures": summary.consecutive_failures if summary else 0,
                "last_error": summary.last_error if summary else "",
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Sources ({config.where})")
    table.add_column("source", no_wrap=True)
    table.add_column("health", no_wrap=True)
    table.add_column("last run", overflow="fold")
    table.add_column("last ok", overflow="fold")
    table.add_column("articles", justify="right", overflow="fold")
    notes = []
    for row in rows:
        health = row["health"]
        style = HEALTH_STYLE.get(health, "dim")
        failing = row["consecutive_failures"]
        outcome = row["last_outcome"] or "never"
        if failing:
            outcome = f"[red]{outcome}[/] ({failing} in a row)"
        table.add_row(
            row["source"],
            f"[{style}]{health or 'not configured'}",
            f"{_when(row['last_run'])} {outcome}" if row["last_run"] else outcome,
            _when(row["last_success"]),
            f"{row['articles_total']} (+{row['articles_new_last_run']})",
        )
        why = row["health_reasons"][0] if row["health_reasons"] else row["last_error"]
        if why and (health != "ok" or failing or row["last_error"]):
            notes.append(f"[{style}]{row['source']}[/] ({health or 'not configured'}): {escape(why[:300])}")
    console = Console()
    console.print(table)
    for note in notes:
        console.print(note, highlight=False)


HEALTH_STYLE = {"ok": "green", "degraded": "yellow", "broken": "bold red"}


def _when(iso: str | None, now: datetime | None = None) -> str:
    """``"5m ago"``: short enough for a table; ``--json`` has the full ISO time."""
    if not iso:
        return "-"
    seconds = max(0, int(((now or datetime.now(UTC)) - datetime.fromisoformat(iso)).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


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
