"""``hotline archive export``: the pages the store kept raw, as a WARC file (``crawler.service.archive``)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crawler.cli import get_config
from crawler.config import ConfigError
from crawler.store import Store, StoreError


@click.group(epilog="Example: hotline archive export --warc pages.warc.gz")
def archive() -> None:
    """The raw pages crawls kept: export them for archive tools."""


@archive.command(
    epilog="Examples:\n\n  hotline archive export --warc pages.warc.gz\n\n"
    "  hotline archive export --warc usni.warc --source usni-news --since 2026-11-01",
)
@click.option(
    "--warc",
    "path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="WARC file to write (gzipped per record when the name ends in .gz).",
)
@click.option("--source", "source_name", metavar="SOURCE", help="Only the pages of this source.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only pages fetched on or after this day (YYYY-MM-DD, UTC).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the file and page count as one JSON object.")
@click.pass_context
def export(
    ctx: click.Context, path: Path, source_name: str | None, since: datetime | None, as_json: bool
) -> None:
    """Write every kept page as a WARC response record: status, headers and body as fetched.

    Readable by warcio, pywb and ArchiveBox. The crawl keeps pages for 'raw_pages_days' (config).
    """
    from crawler.service.archive import export_warc

    config = get_config(ctx)
    if source_name is not None:
        try:
            config.source(source_name)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    progress = Progress(
        TextColumn("[bold]archiving"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=as_json,
    )
    try:
        with Store(config.store) as store, progress:
            task = progress.add_task("", total=None)
            written = export_warc(
                store,
                path,
                source=source_name,
                since=since.date() if since else None,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot write ({exc.strerror or exc})") from None
    if as_json:
        click.echo(json.dumps({"warc": str(path), "pages": written}))
    else:
        click.echo(f"{written} page(s) written to {path}")
