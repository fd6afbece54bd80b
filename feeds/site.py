"""The published folder: which files it holds, under which names, written in which order.

The CSS, the story and article feed sets in three formats, the health feed, an HTML page beside each
XML feed (``atom.xml`` → ``atom.html``, what the server gives a browser) and the index page; every
file goes through ``atomic_write``, the index last.
"""

from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin

from feeds.index import FeedLink, render_index
from feeds.jsonfeed import render_json
from feeds.model import Feed
from feeds.page import page_name, render_feed_page
from feeds.render import render_atom, render_rss
from feeds.write import atomic_write

STATIC_FILES = ("style.css",)
RETIRED_FILES = ("feed.xsl",)  # the XSLT stylesheet of older versions: removed from the folder
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
    for name, kind in ((atom_name, "Atom feed"), (rss_name, "RSS feed")):
        page = render_feed_page(feed, name, kind, self_link=self_link_for(feed, name))
        atomic_write(directory / page_name(name), page)
        paths.append(directory / page_name(name))
    return paths


def write_health(directory: Path, health: Feed) -> list[Path]:
    """Write the health feed (sources that broke) as Atom, ``health.xml``, and its page ``health.html``."""
    path = Path(directory) / HEALTH_FILE
    self_link = self_link_for(health, HEALTH_FILE)
    atomic_write(path, render_atom(health, self_link=self_link))
    page = Path(directory) / page_name(HEALTH_FILE)
    atomic_write(page, render_feed_page(health, HEALTH_FILE, "Atom feed", self_link=self_link))
    return [path, page]


def write_static(directory: Path) -> list[Path]:
    """Copy the CSS the pages use into ``directory``; remove files older versions wrote there."""
    static = resources.files("feeds").joinpath("static")
    paths = []
    for name in STATIC_FILES:
        path = Path(directory) / name
        atomic_write(path, static.joinpath(name).read_bytes())
        paths.append(path)
    for name in RETIRED_FILES:
        with contextlib.suppress(FileNotFoundError):
            (Path(directory) / name).unlink()
    return paths


def write_all(
    directory: Path,
    stories: Feed,
    articles: Feed | None = None,
    health: Feed | None = None,
    status: str = "",
) -> list[Path]:
    """Write every published file atomically: static files, the story and article sets, health, index.

    Without a ``health`` feed an old ``health.xml`` (and its page) is removed, so the files and the
    index agree. The index is written last, once every file it links to is in place; ``status`` is
    its line on what the crawler is doing.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = write_static(directory)
    paths += write_feed_set(directory, "", stories)
    if articles is not None:
        paths += write_feed_set(directory, "articles.", articles)
    if health is not None:
        paths += write_health(directory, health)
    else:
        for name in (HEALTH_FILE, page_name(HEALTH_FILE)):
            with contextlib.suppress(FileNotFoundError):
                (directory / name).unlink()
    paths.append(write_index(directory, stories, health, status))
    return paths


def write_index(directory: Path, stories: Feed, health: Feed | None = None, status: str = "") -> Path:
    """Write ``index.html`` into ``directory``, linking the feed files that are there; return its path."""
    directory = Path(directory)
    present = [link for link in _FEED_LINKS if (directory / link[0]).exists()]
    path = directory / INDEX_FILE
    atomic_write(path, render_index(stories, health, present, HEALTH_FILE, status))
    return path
