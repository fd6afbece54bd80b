"""``hotline fixtures add`` and ``check``: keep saved pages with expected results, check extraction
against all of them. The exit status of ``check`` is 1 when any fixture failed.
"""

from __future__ import annotations

import json
from pathlib import Path

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
from crawler.core.records import Rejected
from crawler.core.urls import site_of

FIXTURES_EPILOG = """\b
Examples:
  hotline fixtures add --name siem-reap-talks \\
    https://www.khmertimeskh.com/501191234/some-story/
  hotline fixtures add saved.html --name talks --source khmer-times
  hotline fixtures check
  hotline fixtures check khmer-times --json
"""


@click.group(epilog=FIXTURES_EPILOG)
def fixtures() -> None:
    """Keep saved pages with expected results, and check extraction against all of them."""


def _guess_source(ctx: click.Context, url: str) -> str:
    """The configured source on the page's site (``site_of``), else a name made from that site."""
    site = site_of(url)
    if not site:  # a file: URI, no host
        return "local"
    try:
        from crawler.cli import get_config

        for source in get_config(ctx).sources:
            if any(site_of(u) == site for u in source.urls):
                return source.name
    except click.ClickException:
        pass
    return site.replace(".", "-")


@fixtures.command("add", epilog=FIXTURES_EPILOG)
@click.argument("target", metavar="FILE_OR_URL")
@click.option("--name", required=True, help="The case name: the file is saved as <dir>/<source>/<name>.html.")
@click.option("--source", help="The source folder (default: the configured source for the page's host).")
@click.option("--url", help="The page's address, for a saved file.")
@click.option("--charset", help="The charset an HTTP header would give (for a saved file).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("fixtures/pages"),
    show_default=True,
    help="The fixtures folder.",
)
@click.option("--force", is_flag=True, help="Replace a fixture of the same name.")
@click.option(
    "--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds for a fetch."
)
@click.pass_context
def add(
    ctx: click.Context,
    target: str,
    name: str,
    source: str | None,
    url: str | None,
    charset: str | None,
    directory: Path,
    force: bool,
    timeout: float,
) -> None:
    """Save a page as a fixture, with a generated expected-result JSON for a person to review."""
    from crawler.devtools.fixtures import FixtureError, record_fixture

    agent = user_agent(ctx) if is_url(target) else FALLBACK_AGENT
    try:
        page = read_page(target, url=url, charset=charset, timeout=timeout, user_agent=agent)
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    folder = source or _guess_source(ctx, page.url)
    try:
        html_path, json_path, result = record_fixture(
            page.data, page.url, directory, folder, name, charset=page.charset, overwrite=force
        )
    except (FixtureError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    out = Console(highlight=False)
    out.print(f"saved {escape(str(html_path))}")
    out.print(f"saved {escape(str(json_path))}")
    if isinstance(result, Rejected):
        out.print(f"[yellow]the page gave no article[/] ({escape(result.reason)}); the JSON expects that")
    out.print(
        "[bold]review the JSON[/] (title, date, 'must' paragraphs, 'must_not' boilerplate), "
        "then delete its 'review' key; `hotline fixtures check` fails until you do."
    )


@fixtures.command("check", epilog=FIXTURES_EPILOG)
@click.argument("only", nargs=-1, metavar="[SOURCE[/CASE]]...")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("fixtures/pages"),
    show_default=True,
    help="The fixtures folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON document.")
@click.pass_context
def check(ctx: click.Context, only: tuple[str, ...], directory: Path, as_json: bool) -> None:
    """Run every fixture (or those named) and report pass/fail with diffs; exit 1 on any failure."""
    from crawler.devtools.fixtures import check_fixture, find_fixtures

    if not directory.is_dir():
        raise click.ClickException(
            f"{directory}: no fixtures folder (run from the project root or give --dir)"
        )
    found = [f for f in find_fixtures(directory) if not only or any(_selected(f.id, o) for o in only)]
    if not found:
        raise click.ClickException(f"{directory}: no fixtures match (expected <source>/<case>.html files)")
    err = err_console()
    results = []
    with progress_bar(err, len(found)) as progress:
        task = progress.add_task("checking fixtures", total=len(found))
        for fixture in found:
            results.append(check_fixture(fixture))
            progress.advance(task)
    failed = [r for r in results if not r.passed]
    if as_json:
        doc = {
            "passed": len(results) - len(failed),
            "failed": len(failed),
            "fixtures": [r.to_dict() for r in results],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        out = Console(highlight=False)
        table = Table(title=f"fixtures in {directory}", title_justify="left")
        table.add_column("fixture")
        table.add_column("result")
        for result in results:
            table.add_row(escape(result.fixture.id), "[green]pass[/]" if result.passed else "[red]FAIL[/]")
        out.print(table)
        for result in failed:
            out.print(f"\n[red bold]{escape(result.fixture.id)}[/] ({escape(str(result.fixture.html_path))})")
            for problem in result.problems:
                out.print(f"  - {escape(problem)}")
        out.print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        ctx.exit(1)


def _selected(fixture_id: str, wanted: str) -> bool:
    return fixture_id == wanted or fixture_id.startswith(wanted.rstrip("/") + "/")
