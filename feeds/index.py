"""The front page, ``index.html``: what the crawler is doing, broken sources, then recent stories.

A person who opens the server's root URL should see what the feed holds and how to subscribe,
without a feed reader, and whether the crawler is working at all: a status line says so (no crawl
finished yet, sources failing and why, the last crawl's time). Built from the same prepared entries
as the feeds, so it shows the same cleaned text; every value is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from feeds.model import Feed
from feeds.page import document, entry_list, when
from feeds.prepare import PreparedEntry, prepare_feed
from feeds.sanitize import escape, link_html, one_line

FeedLink = tuple[str, str, str]  # (file name, label, MIME type for <link rel="alternate">)


def render_index(
    stories: Feed,
    health: Feed | None = None,
    links: Sequence[FeedLink] = (),
    health_file: str = "health.xml",
    status: str = "",
) -> bytes:
    """The front page as UTF-8 HTML bytes, with a subscribe link for each of ``links``.

    ``status`` is one line on what the crawler is doing, shown under the title when given.
    """
    feed = prepare_feed(stories)
    broken = prepare_feed(health).entries if health is not None else ()
    title = escape(feed.title)
    head = "\n".join(
        f'<link rel="alternate" type="{mime}" title="{title} ({label})" href="{name}">'
        for name, label, mime in links
    )
    pills = "\n".join(f'<a class="pill" href="{name}">{escape(label)}</a>' for name, label, _ in links)
    status_line = one_line(status, 1000)
    status_html = f'\n<p class="status">{escape(status_line)}</p>' if status_line else ""
    tracker = _channels_link(links)
    header = f"""<p class="kicker">News monitor</p>
<h1>{title}</h1>
<p class="lede">{escape(feed.description)}</p>
<nav class="subscribe"><span class="label">Subscribe:</span>
{pills}
</nav>
<p class="updated">Updated {when(feed.updated)} · {len(feed.entries)} stories{tracker}</p>{status_html}"""
    empty = "No stories yet."
    if not status_line:
        empty += " The crawler has not found any matching reports."
    main = _health(broken, health_file) + entry_list(feed.entries, empty)
    return document(title, escape(feed.language), head, header, main)


def _channels_link(links: Sequence[FeedLink]) -> str:
    """A link to the channel tracker when it is published beside the feeds (its feed is in ``links``)."""
    published = any(name == "channels.xml" for name, _, _ in links)
    return ' · <a href="channels.html">Channel tracker</a>' if published else ""


def _health(broken: tuple[PreparedEntry, ...], health_file: str) -> str:
    if not broken:
        return ""
    items = "\n".join(
        f"<li>{link_html(e.link, e.title)} "
        f'<span class="detail">({when(e.updated)}) {escape(e.summary)}</span></li>'
        for e in broken
    )
    noun = "source needs" if len(broken) == 1 else "sources need"
    return (
        f'<section class="health">\n<h2>{len(broken)} {noun} attention</h2>\n<ul>\n{items}\n</ul>\n'
        f'<p class="detail">Details: <a href="{escape(health_file)}">health feed</a></p>\n</section>\n'
    )
