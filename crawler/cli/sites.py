"""``hotline sites``: what each site's profile learned: pages seen, what it removes, when it changed.

The profiles are learned by the crawls (``crawler.core.extract.profile``, kept by ``store.profiles``);
this module reads them and prints. ``--forget HOST`` drops one, to be learned again from its next pages.
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.cli import get_config
from crawler.store import Store, StoreError
from crawler.store.profiles import ProfileSummary


def summary_record(summary: ProfileSummary) -> dict[str, Any]:
    """The JSON object printed for one host."""
    return {
        "host": summary.host,
        "pages": summary.pages,
        "titles": summary.titles,
        "updated": summary.updated.isoformat(),
        "last_changed": summary.learned.isoformat() if summary.learned else None,
        "removes": [{"text": text, "pages": count, "of": span} for text, count, span in summary.blocks],
    }


@click.command(
    epilog="Examples:\n\n  hotline sites                      # every site's profile\n\n"
    "  hotline sites --json --top 10\n\n"
    "  hotline sites --forget news.example.org   # learn it again from its next pages",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of hosts.")
@click.option(
    "--top", type=click.IntRange(0, 100), default=5, show_default=True, help="Blocks shown per host."
)
@click.option(
    "--forget", "forget", multiple=True, metavar="HOST", help="Drop this host's profile (repeatable)."
)
@click.pass_context
def sites(ctx: click.Context, as_json: bool, top: int, forget: tuple[str, ...]) -> None:
    """Per site (host): pages its profile has seen, the blocks it removes as the site's own chrome
    (seen on N of M pages), titles known, and when it last learned something.

    A profile is learned from the pages crawls store; turn it off for a source with 'profile = false'.
    """
    config = get_config(ctx)
    try:
        with Store(config.store) as store:
            if forget:
                store.profiles.forget(forget)
                click.echo(f"forgot the profile(s) of {', '.join(forget)}")
                return
            summaries = store.profiles.summaries(top=top)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps([summary_record(s) for s in summaries], ensure_ascii=False, indent=2))
        return
    if not summaries:
        click.echo("no site profiles yet: they are learned as crawls store articles")
        return
    table = Table(title="site profiles", title_justify="left", show_lines=True)
    for column in ("host", "pages", "titles", "last changed", "removes (seen on N of M pages)"):
        table.add_column(column, overflow="fold")
    for summary in summaries:
        removes = "\n".join(f"{count}/{span}  {escape(text)}" for text, count, span in summary.blocks)
        changed = summary.learned.strftime("%Y-%m-%d %H:%M") if summary.learned else "—"
        table.add_row(escape(summary.host), str(summary.pages), str(summary.titles), changed, removes or "—")
    Console(highlight=False).print(table)
