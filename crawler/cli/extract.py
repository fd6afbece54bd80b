"""``hotline extract`` and ``hotline fixtures``: look at what cleaning makes of a page, and keep pages
as fixtures that extraction is checked against.

Inputs are files or URLs; a URL is fetched with one plain GET. Every failure is one line naming the
input and what went wrong; the exit status is 1 when any input gave no article (or a fixture failed).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from crawler.core.extract import Removal, explain_article, extract_article
from crawler.core.records import Article, Rejected, Score
from crawler.core.relevance import score_article

RECORD_KEYS = tuple(Article.__dataclass_fields__)  # the article record, in its own order
SCORE_KEYS = ("score", "relevant", "matched")
DEFAULT_TIMEOUT = 20.0
MAX_DOWNLOAD = 20_000_000  # bytes: larger than any page worth extracting
FALLBACK_AGENT = "hotline/0.1 (news monitoring)"


class InputError(Exception):
    """An input that could not be read or fetched; the message is the one line the user sees."""


@dataclass(frozen=True, slots=True)
class Page:
    """A page as read from a file or fetched from a URL."""

    data: bytes
    url: str
    charset: str | None = None


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


def is_url(target: str) -> bool:
    return urlsplit(target).scheme in ("http", "https")


def fetch_page(url: str, *, timeout: float = DEFAULT_TIMEOUT, user_agent: str = FALLBACK_AGENT) -> Page:
    """GET ``url``; raise InputError with one clear line when that fails."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "text/html,*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_DOWNLOAD + 1)
            charset = response.headers.get_content_charset()
            final_url = response.geturl() or url
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: HTTP {exc.code} {exc.reason} (check the address)") from None
    except urllib.error.URLError as exc:
        raise InputError(f"{url}: cannot fetch: {exc.reason} (check the address and the network)") from None
    except TimeoutError:
        raise InputError(f"{url}: no answer within {timeout:g}s (try --timeout)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{url}: cannot fetch: {exc}") from None
    if len(data) > MAX_DOWNLOAD:
        raise InputError(f"{url}: larger than {MAX_DOWNLOAD // 1_000_000} MB, not a news page")
    return Page(data, final_url, charset)


def read_page(target: str, *, url: str | None, charset: str | None, timeout: float, user_agent: str) -> Page:
    """A file's bytes (its URL from ``--url``, else its file: URI) or a fetched URL."""
    if is_url(target):
        page = fetch_page(target, timeout=timeout, user_agent=user_agent)
        return Page(page.data, page.url, charset or page.charset)
    path = Path(target)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{target}: no such file (give a saved page or an http(s) URL)") from None
    except IsADirectoryError:
        raise InputError(f"{target}: is a directory, give a saved page") from None
    except OSError as exc:
        raise InputError(f"{target}: cannot read: {exc.strerror}") from None
    return Page(data, url or path.resolve().as_uri(), charset)


def _user_agent(ctx: click.Context) -> str:
    from crawler.cli import get_config

    return str(get_config(ctx).user_agent)


def _topic(ctx: click.Context) -> Any:
    """The config's topic (the bundled one unless the config names another); a bad one is one line."""
    from crawler.cli import get_config
    from crawler.core.relevance import load_topic

    config = get_config(ctx)
    try:
        return load_topic(config.topic)
    except ValueError as exc:
        raise click.ClickException(f"{config.where}: {exc}") from None


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)  # an error stays one line


def _progress(console: Console, total: int) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=total < 3 or not console.is_terminal,
    )


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
  hotline extract saved/story.html --url https://example.com/2024/05/story/
  hotline extract https://www.defense.gov/News/Releases/Release/Article/3742161/ --explain
  hotline extract pages/*.html --json > articles.jsonl
  hotline extract story.html --selector '.promo-box' --selector '#reader-poll'
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
) -> None:
    """Extract the clean article from saved pages or URLs (to debug the cleaning).

    With --json each record also carries the article's relevance to the config's topic: score,
    relevant and the matched terms. Exits with status 1 when any input gave no article.
    """
    out = Console(highlight=False, soft_wrap=True)
    err = _err()
    agent = _user_agent(ctx) if any(is_url(i) for i in inputs) else FALLBACK_AGENT
    topic = _topic(ctx) if as_json else None
    failed = 0
    with _progress(err, len(inputs)) as progress:
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
            if explain:
                result, removals = explain_article(
                    page.data, page.url, charset=page.charset, selectors=selectors
                )
            else:
                result = extract_article(page.data, page.url, charset=page.charset, selectors=selectors)
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


def _report_failure(err: Console, as_json: bool, source: str, message: str) -> None:
    if as_json:
        print(json.dumps(result_record(source, None, error=message), ensure_ascii=False))
    else:
        err.print(f"[red]✗[/] {escape(message)}")


FIXTURES_EPILOG = """\b
Examples:
  hotline fixtures add https://www.khmertimeskh.com/501191234/some-story/ --name siem-reap-talks
  hotline fixtures add saved.html --url https://example.com/a/ --name example-story --source example
  hotline fixtures check
  hotline fixtures check khmer-times --json
"""


@click.group(epilog=FIXTURES_EPILOG)
def fixtures() -> None:
    """Keep saved pages with expected results, and check extraction against all of them."""


def _guess_source(ctx: click.Context, url: str) -> str:
    """The configured source whose URLs share the page's host, else a name made from the host."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host or urlsplit(url).scheme == "file":
        return "local"
    try:
        from crawler.cli import get_config

        for source in get_config(ctx).sources:
            hosts = {(urlsplit(u).hostname or "").lower().removeprefix("www.") for u in source.urls}
            if host in hosts:
                return source.name
    except click.ClickException:
        pass
    return host.replace(".", "-")


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

    agent = _user_agent(ctx) if is_url(target) else FALLBACK_AGENT
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
    err = _err()
    results = []
    with _progress(err, len(found)) as progress:
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
