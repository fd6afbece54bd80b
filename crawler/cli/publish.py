"""``hotline feed`` and ``hotline serve``: rebuild the feed files from the store; serve them over HTTP."""

from __future__ import annotations

import errno
import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.cli import get_config

if TYPE_CHECKING:
    from crawler.config import Config
    from crawler.service.publish import Published

# Files worth announcing when the server starts, in the order shown.
ANNOUNCED = (
    "index.html",
    "atom.xml",
    "rss.xml",
    "feed.json",
    "articles.atom.xml",
    "articles.rss.xml",
    "articles.json",
    "health.xml",
)


@click.command(
    epilog="Example: hotline serve --port 8008 --dir data/feeds   (then open http://127.0.0.1:8008/)",
)
@click.option("--host", default=None, help="Address to listen on (default: [server] host, 127.0.0.1).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port (default: [server] port, 8008; 0 picks a free one).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of feed files (default: <data_dir>/feeds).",
)
@click.option("--access-log", is_flag=True, help="Print one line per request.")
@click.option("--json", "as_json", is_flag=True, help="Print the URLs as one JSON line, then serve.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    directory: Path | None,
    access_log: bool,
    as_json: bool,
) -> None:
    """Serve the feeds (RSS, Atom, JSON Feed) and the front page over HTTP until Ctrl-C."""
    from feeds.serve import make_server  # keep `hotline --help` import-light

    config = get_config(ctx)
    host = host if host is not None else config.server.host
    port = port if port is not None else config.server.port
    directory = (directory or config.feeds_dir).expanduser().resolve()
    if not directory.is_dir():
        raise click.ClickException(
            f"feed folder {directory} does not exist: build the feeds first (hotline feed) or pass --dir"
        )
    logging.basicConfig(level=logging.INFO if access_log else logging.WARNING, format="%(message)s")
    try:
        server = make_server(directory, host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"cannot listen on {host}:{port}: the port is already in use "
                "(pass --port, or set [server] port in the config)"
            ) from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    base = server.url
    present = [name for name in ANNOUNCED if (directory / name).is_file()]
    urls = {name: base + ("" if name == "index.html" else name) for name in present}
    if as_json:
        click.echo(json.dumps({"url": base, "directory": str(directory), "files": urls}))
    else:
        click.echo(f"Serving {directory} at {base}")
        for name, url in urls.items():
            click.echo(f"  {name:<18} {url}")
        if not present:
            click.echo("  (no feed files yet: run 'hotline feed' to build them)")
        click.echo("Press Ctrl-C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command(
    epilog="\b\nExamples:\n  hotline feed              # rebuild <data_dir>/feeds from the store\n"
    "  hotline --config my.toml feed --json |\n    jq '.files[] | select(.changed) | .name'",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (counts, files), not text.")
@click.pass_context
def feed(ctx: click.Context, as_json: bool) -> None:
    """Rebuild every feed file (stories, articles, source health, front page) from the store.

    Files whose content did not change are left untouched, so readers polling them get 304s.
    """
    config = get_config(ctx)
    started = time.monotonic()
    if as_json:
        result = rebuild_feeds(config)
    else:
        from rich.console import Console

        with Console(stderr=True).status(f"Rebuilding the feeds in {config.feeds_dir}…"):
            result = rebuild_feeds(config)
    seconds = time.monotonic() - started
    report = feed_report(result, seconds)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(
        f"Rebuilt {len(result.paths)} files in {report['directory']} ({seconds:.2f} s): "
        f"{result.stories} stories, {result.articles} articles, {len(result.changed)} file(s) changed"
    )
    for item in report["files"]:
        mark = "changed" if item["changed"] else "unchanged"
        click.echo(f"  {item['name']:<18} {item['bytes']:>9,} bytes  {mark}")
    if result.broken:
        click.echo(f"Sources in trouble (see health.xml): {', '.join(result.broken)}")
    if result.status:
        click.echo(result.status)


def rebuild_feeds(config: Config) -> Published:
    """``crawler.service.publish.publish`` with every store or disk problem turned into one clear line."""
    from crawler.service.publish import publish
    from crawler.store import Store, StoreError

    try:
        with Store(config.store) as store:
            return publish(config, store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(
            f"feed folder {config.feeds_dir}: cannot write ({exc.strerror or exc}); check its permissions "
            f"or 'data_dir' in {config.where}"
        ) from None


def feed_report(result: Published, seconds: float) -> dict[str, Any]:
    """What ``hotline feed --json`` prints: counts, and per file its path, size and whether it changed."""
    changed = set(result.changed)
    files = []
    for path in result.paths:
        size = path.stat().st_size if path.is_file() else 0
        files.append({"name": path.name, "path": str(path), "bytes": size, "changed": path in changed})
    return {
        "directory": str(result.directory or (result.paths[0].parent if result.paths else "")),
        "stories": result.stories,
        "articles": result.articles,
        "broken": list(result.broken),
        "status": result.status,  # the front page's line on what the crawler is doing
        "changed": len(changed),
        "seconds": round(seconds, 3),
        "files": files,
    }
