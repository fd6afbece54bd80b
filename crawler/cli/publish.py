"""``hotline serve``: publish the feed directory over HTTP (and, later, ``hotline feed``)."""

from __future__ import annotations

import errno
import json
import logging
from pathlib import Path

import click

from crawler.cli import get_config

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
    from feeds.serve import make_server  # stdlib only, but keep `hotline --help` import-light

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
