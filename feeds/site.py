"""The published folder: which files it holds, under which names, written in which order.

Static files (XSL stylesheet, CSS), the story and article feed sets in three formats, the health
feed and the index page; every file goes through ``atomic_write``, the index last.
"""

from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin

from feeds.index import FeedLink, render_index
from feeds.jsonfeed import render_json
from feeds.model import Feed
from feeds.render import render_atom, render_rss
from feeds.write import atomic_write

STATIC_FILES = ("feed.xsl", "style.css")
HEALTH_FILE = "health.xml"
INDEX_FILE = "index.html"


def feed_file_names(name_prefix: str) -> tuple[str, str, str]:
    """File names of one feed set: ``<prefix>atom.xml``, ``<prefix>rss.xml`` and ``<prefix>json``.

    An empty prefix stands for ``feed.`` in the JSON name only, which gives the two sets we publish:
    ``atom.xml, rss.xml, feed.json`` and, with ``"articles."``, ``articles.atom.xml,
    articles.rss.xml, articles.json``.
    """
    return f"{name_prefix}atom.xml", f"{name_prefix}rss.xml", f"{name_prefix or 'feed.'}json"


def self_link_for(feed: Feed, filename: str) -> str:
    """The URL ``filename`` is served at: beside ``feed.self_link`` (else ``feed.link``)."""
    return urljoin(feed.self_link or feed.link, filename)


# (file, label, MIME type for <link rel="alternate">), in the order shown
_FEED_LINKS: tuple[FeedLink, ...] = (
    (feed_file_names("")[0], "Atom", "application/atom+xml"),
    (feed_file_names("")[1], "RSS", "application/rss+xml"),
    (feed_file_names("")[2], "JSON Feed", "application/feed+json"),
    (feed_file_names("articles.")[0], "Articles (Atom)", "application/atom+xml"),
    (feed_file_names("articles.")[1], "Articles (RSS)", "application/rss+xml"),
    (feed_file_names("articles.")[2], "Articles (JSON)", "application/feed+json"),
    (HEALTH_FILE, "Source health", "application/atom+xml"),
    ("channels.xml", "Channel changes", "application/atom+xml"),  # feeds/channels.py writes it
)


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


def write_index(directory: Path, stories: Feed, health: Feed | None = None) -> Path:
    """Write ``index.html`` into ``directory``, linking the feed files that are there; return its path."""
    directory = Path(directory)
    present = [link for link in _FEED_LINKS if (directory / link[0]).exists()]
    path = directory / INDEX_FILE
    atomic_write(path, render_index(stories, health, present, HEALTH_FILE))
    return path
