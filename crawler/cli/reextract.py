"""``hotline reextract``: run today's extraction over the pages the store kept raw, then rebuild the feeds.

The work is ``crawler.service.reextract``; this module parses, shows progress and prints.
"""

from __future__ import annotations

import json
from datetime import datetime

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crawler.cli import get_config
from crawler.config import ConfigError
from crawler.store import Store, StoreError


@click.command(
    epilog="Examples:\n\n  hotline reextract                          # every kept page, then the feeds\n\n"
    "  hotline reextract --source usni-news --since 2026-11-01 --json",
)
@click.option("--source", "source_name", metavar="SOURCE", help="Only the pages of this source.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only pages fetched on or after this day (YYYY-MM-DD, UTC).",
)
@click.option("--no-feed", is_flag=True, help="Do not rebuild the feed files afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.pass_context
def reextract(
    ctx: click.Context, source_name: str | None, since: datetime | None, no_feed: bool, as_json: bool
) -> None:
    """Re-run extraction, relevance, dedup and stories over the stored raw pages (no network).

    Articles whose text changed are updated, pages now extracting as articles are added (their failure
    rows cleared), stories follow; nothing is added twice, and it is safe while crawls run. A page now
    rejected keeps its stored article. The raw pages are what crawls kept ('raw_pages_days' in the config).
    """
    from crawler.cli.crawl import _rebuild_after_crawl
    from crawler.service.reextract import reextract as run

    config = get_config(ctx)
    if source_name is not None:
        try:
            config.source(source_name)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]re-extracting"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=as_json,
    )
    try:
        with Store(config.store) as store, progress:
            task = progress.add_task("", total=None)
            summary = run(
                config,
                store,
                source=source_name,
                since=since.date() if since else None,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except (StoreError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        counts = summary.counts
        click.echo(
            f"{summary.pages} page(s): {counts['added']} added, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['rejected']} still rejected, "
            f"{counts['now_rejected']} now rejected (their articles kept)"
        )
    if not no_feed and not _rebuild_after_crawl(config, console, as_json):
        ctx.exit(1)
