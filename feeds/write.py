"""Write feed files atomically, so a reader (or the HTTP server) never sees half a file.

Each file is written to a hidden temporary file in the same directory, flushed and fsync'd, then
moved over the old one with ``os.replace`` (atomic on POSIX and Windows). A file whose bytes did not
change is left alone, so its mtime, and with it ``Last-Modified``, stays put across rebuilds.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from importlib import resources
from pathlib import Path

from feeds.model import Feed
from feeds.render import render_atom, render_json, render_rss, self_link_for

STATIC_FILES = ("feed.xsl", "style.css")
HEALTH_FILE = "health.xml"


def feed_file_names(name_prefix: str) -> tuple[str, str, str]:
    """File names of one feed set: ``<prefix>atom.xml``, ``<prefix>rss.xml`` and ``<prefix>json``.

    An empty prefix stands for ``feed.`` in the JSON name only, which gives the two sets we publish:
    ``atom.xml, rss.xml, feed.json`` and, with ``"articles."``, ``articles.atom.xml,
    articles.rss.xml, articles.json``.
    """
    return f"{name_prefix}atom.xml", f"{name_prefix}rss.xml", f"{name_prefix or 'feed.'}json"


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644) -> bool:
    """Replace ``path`` with ``data`` atomically; return False (and touch nothing) if it already holds it."""
    path = Path(path)
    with contextlib.suppress(OSError):
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)  # mkstemp makes 0600; feeds are public
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); not possible on every platform, so best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_feed_set(directory: Path, name_prefix: str, feed: Feed) -> list[Path]:
    """Render ``feed`` as Atom, RSS and JSON Feed into ``directory``; return the three paths.

    Each file's self link is its own name beside ``feed.self_link`` (or ``feed.link``).
    """
    directory = Path(directory)
    atom_name, rss_name, json_name = feed_file_names(name_prefix)
    outputs = (
        (atom_name, render_atom(feed, self_link=self_link_for(feed, atom_name))),
        (rss_name, render_rss(feed, self_link=self_link_for(feed, rss_name))),
        (json_name, render_json(feed, self_link=self_link_for(feed, json_name))),
    )
    paths = []
    for name, data in outputs:
        atomic_write(directory / name, data)
        paths.append(directory / name)
    return paths


def write_health(directory: Path, health: Feed) -> Path:
    """Write the health feed (sources that broke) as Atom: ``health.xml``."""
    path = Path(directory) / HEALTH_FILE
    atomic_write(path, render_atom(health, self_link=self_link_for(health, HEALTH_FILE)))
    return path


def write_static(directory: Path) -> list[Path]:
    """Copy the XSL stylesheet and the CSS the feeds and the index page use into ``directory``."""
    static = resources.files("feeds").joinpath("static")
    paths = []
    for name in STATIC_FILES:
        path = Path(directory) / name
        atomic_write(path, static.joinpath(name).read_bytes())
        paths.append(path)
    return paths


def write_all(
    directory: Path, stories: Feed, articles: Feed | None = None, health: Feed | None = None
) -> list[Path]:
    """Write every published file atomically: static files, the story and article sets, health, index.

    Without a ``health`` feed an old ``health.xml`` is removed, so the files and the index agree.
    The index is written last, once every file it links to is in place.
    """
    from feeds.site import write_index  # site imports write; keep the import one-way at load time

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = write_static(directory)
    paths += write_feed_set(directory, "", stories)
    if articles is not None:
        paths += write_feed_set(directory, "articles.", articles)
    if health is not None:
        paths.append(write_health(directory, health))
    else:
        with contextlib.suppress(FileNotFoundError):
            (directory / HEALTH_FILE).unlink()
    paths.append(write_index(directory, stories, health))
    return paths
