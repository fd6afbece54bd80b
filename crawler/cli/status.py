"""``hotline status``: per source, its health verdict and why, its last run, and its next one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.cli import get_config
from crawler.cli.crawl import _open_store


@click.command(
    epilog="\b\nExamples:\n  hotline status\n  hotline status --json |\n"
    "    jq '.[] | select(.health != \"ok\") | {source, health_reasons}'"
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Per source: health verdict (ok, degraded, broken) and why, last run, last success, articles.

    The verdict is the one the health feed and the daemon use: failures graded (a 404 on the feed URL
    is broken at once, timeouts only after several runs), and runs that "succeed" checked for silent
    breakage (no article extracted, text collapsed, boilerplate leaking in).
    """
    from crawler.service.daemon import read_state
    from crawler.service.publish import health_verdicts
    from crawler.service.schedule import next_runs

    config = get_config(ctx)
    with _open_store(config) as store:
        summaries = {s.source: s for s in store.runs.summary()}
        verdicts = health_verdicts(config, store)
    scheduled = next_runs(config)
    daemon = read_state(config) is not None
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
                "next_run": _next_run(scheduled, name),
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
    table.add_column("next run", overflow="fold")
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
            # nothing known yet is not "ok": a source never crawled says so (--json keeps the verdict)
            f"[{style}]{health or 'not configured'}" if row["last_run"] or health != "ok" else "[dim]not yet",
            f"{_when(row['last_run'])} {outcome}" if row["last_run"] else outcome,
            _when(row["last_success"]),
            f"{row['articles_total']} (+{row['articles_new_last_run']})",
            _until(row["next_run"]) if row["next_run"] else "-",
        )
        why = row["health_reasons"][0] if row["health_reasons"] else row["last_error"]
        if why and (health != "ok" or failing or row["last_error"]):
            notes.append(f"[{style}]{row['source']}[/] ({health or 'not configured'}): {escape(why[:300])}")
    console = Console()
    console.print(table)
    for note in notes:
        console.print(note, highlight=False)
    if not daemon and scheduled:
        console.print("the daemon is not running: sources due by now run soon after `hotline run` starts",
                      highlight=False)


HEALTH_STYLE = {"ok": "green", "degraded": "yellow", "failing": "red", "broken": "bold red"}


def _next_run(scheduled: dict[str, datetime | None], name: str) -> str | None:
    when = scheduled.get(name)
    return when.astimezone(UTC).isoformat(timespec="seconds") if when else None


def _until(iso: str, now: datetime | None = None) -> str:
    """``"in 5m"``, or ``"due"`` when the time has passed (the daemon runs it soon after it starts)."""
    seconds = int((datetime.fromisoformat(iso) - (now or datetime.now(UTC))).total_seconds())
    if seconds <= 0:
        return "due"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"in {seconds // size}{unit}"
    return f"in {seconds}s"


def _when(iso: str | None, now: datetime | None = None) -> str:
    """``"5m ago"``: short enough for a table; ``--json`` has the full ISO time."""
    if not iso:
        return "-"
    seconds = max(0, int(((now or datetime.now(UTC)) - datetime.fromisoformat(iso)).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"
