"""``hotline extract``: look at what cleaning makes of a page (files or URLs), as text or JSON.

Every failure is one line naming the input and what went wrong; the exit status is 1 when any input
gave no article.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.cli.pages import (
    DEFAULT_TIMEOUT,
    FALLBACK_AGENT,
    InputError,
    err_console,
    is_url,
    progress_bar,
    read_page,
    user_agent,
)
from crawler.core.extract import Removal, explain_article, extract_article
from crawler.core.extract.profile import SiteProfile, site_host
from crawler.core.records import Article, Rejected, Score
from crawler.core.relevance import score_article

RECORD_KEYS = tuple(Article.__dataclass_fields__)  # the article record, in its own order
SCORE_KEYS = ("score", "relevant", "matched")


def result_record(
    source: str,
    result: Article | Rejected | None,
    *,
    url: str | None = None,
    error: str | None = None,
    removals: list[Removal] | None = None,
    score: Score | None = None,
) -> dict[str, Any]:
    """The JSON object printed for one input: the article's fields and its relevance (``score``,
    ``relevant``, ``matched`` terms), or ``error`` where it failed.

    The one place JSON output is built, so later fields are added here.
    """
    record: dict[str, Any] = {"input": source}
    record.update(dict.fromkeys(RECORD_KEYS + SCORE_KEYS))
    if isinstance(result, Article):
        record.update({key: getattr(result, key) for key in RECORD_KEYS})
        if score is not None:
            record.update(score=score.value, relevant=score.relevant, matched=list(score.matched))
    else:
        record["url"] = result.url if result is not None else url
        record["error"] = error or (result.reason if result is not None else "no result")
    if removals is not None:
        record["removed"] = [
            {"stage": r.stage, "group": r.group, "rule": r.rule, "snippet": r.snippet} for r in removals
        ]
    return record


def _topic(ctx: click.Context) -> Any:
    """The config's topic (the bundled one unless the config names another); a bad one is one line."""
    from crawler.cli import get_config
    from crawler.core.relevance import load_topic

    config = get_config(ctx)
    try:
        return load_topic(config.topic)
    except ValueError as exc:
        raise click.ClickException(f"{config.where}: {exc}") from None


def _show_article(console: Console, source: str, article: Article) -> None:
    console.rule(f"[bold]{escape(source)}")
    console.print(f"[bold]{escape(article.title or '(no title)')}")
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim")
    fields.add_column()
    for key in ("url", "canonical_url", "published", "author", "site_name", "language", "image"):
        value = getattr(article, key)
        if value:
            fields.add_row(key, escape(str(value)))
    console.print(fields)
    console.print()
    console.print(escape(article.text), soft_wrap=False)


def _show_removals(console: Console, removals: list[Removal]) -> None:
    if not removals:
        console.print("[dim]the cleaning layer removed nothing from this page[/]")
        return
    table = Table(title="removed by the cleaning layer", title_justify="left", show_lines=False)
    for column in ("stage", "group", "rule", "what"):
        table.add_column(column, overflow="fold")
    for removal in removals:
        table.add_row(removal.stage, removal.group, escape(removal.rule), escape(removal.snippet))
    console.print(table)


EXTRACT_EPILOG = """\b
Examples:
  hotline extract saved/story.html    # its address from its canonical link
  hotline extract saved/story.html --url https://example.com/2024/05/story/
  hotline extract --explain \\
    https://www.defense.gov/News/Releases/Release/Article/3742161/
  hotline extract pages/*.html --json > articles.jsonl
  hotline extract story.html --selector '.promo-box' --selector '#reader-poll'
  hotline extract saved/story.html --no-profile   # without its site's profile
"""


@click.command(epilog=EXTRACT_EPILOG)
@click.argument("inputs", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--url", help="The page's address, for saved files (canonical URL, relative links).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per input per line, with its relevance."
)
@click.option("--explain", is_flag=True, help="Also show what the cleaning removed, and which rule did.")
@click.option(
    "--selector",
    "selectors",
    multiple=True,
    metavar="CSS",
    help="An extra CSS selector to remove (repeatable), like a source's 'selectors'.",
)
@click.option("--charset", help="The charset an HTTP header would give (for saved files).")
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds per fetch.")
@click.option("--no-profile", is_flag=True, help="Ignore the store's profile of the page's site.")
@click.pass_context
def extract(
    ctx: click.Context,
    inputs: tuple[str, ...],
    url: str | None,
    as_json: bool,
    explain: bool,
    selectors: tuple[str, ...],
    charset: str | None,
    timeout: float,
    no_profile: bool,
) -> None:
    """Extract the clean article from saved pages or URLs (to debug the cleaning).

    With --json each record also carries the article's relevance to the config's topic: score,
    relevant and the matched terms. Exits with status 1 when any input gave no article.
    """
    out = Console(highlight=False, soft_wrap=True)
    err = err_console()
    agent = user_agent(ctx) if any(is_url(i) for i in inputs) else FALLBACK_AGENT
    topic = _topic(ctx) if as_json else None
    profiles = None if no_profile else store_profiles(ctx)
    failed = 0
    with progress_bar(err, len(inputs)) as progress:
        task = progress.add_task("extracting", total=len(inputs))
        for source in inputs:
            removals: list[Removal] | None = None
            try:
                page = read_page(source, url=url, charset=charset, timeout=timeout, user_agent=agent)
            except InputError as exc:
                failed += 1
                _report_failure(err, as_json, source, str(exc))
                progress.advance(task)
                continue
            profile = profiles(page.url) if profiles is not None else None
            options = {"charset": page.charset, "selectors": selectors, "profile": profile}
            if explain:
                result, removals = explain_article(page.data, page.url, **options)
            else:
                result = extract_article(page.data, page.url, **options)
            if as_json:
                score = score_article(topic, result) if isinstance(result, Article) else None
                record = result_record(source, result, removals=removals, score=score)
                print(json.dumps(record, ensure_ascii=False))
            elif isinstance(result, Article):
                _show_article(out, source, result)
            else:
                err.print(f"[red]✗[/] {escape(source)}: {escape(result.reason)}")
            if isinstance(result, Rejected):
                failed += 1
            if removals is not None and not as_json:
                _show_removals(out, removals)
            progress.advance(task)
    sys.stdout.flush()
    if failed:
        ctx.exit(1)


def store_profiles(ctx: click.Context) -> Callable[[str], SiteProfile | None] | None:
    """Look-up of the store's site profiles, when the config's store exists (never creates one)."""
    from crawler.cli import get_config
    from crawler.store import Store, StoreError

    url = get_config(ctx).store
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None
    try:
        store = Store(url)
    except StoreError:
        return None

    def lookup(page_url: str) -> SiteProfile | None:
        try:
            return store.profiles.get(site_host(page_url))
        except StoreError:
            return None

    return lookup


def _report_failure(err: Console, as_json: bool, source: str, message: str) -> None:
    if as_json:
        print(json.dumps(result_record(source, None, error=message), ensure_ascii=False))
    else:
        err.print(f"[red]✗[/] {escape(message)}")
