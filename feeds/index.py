"""The front page, ``index.html``: recent stories with their sources, broken sources on top.

A person who opens the server's root URL should see what the feed holds and how to subscribe,
without a feed reader. Built from the same prepared entries as the feeds, so it shows the same
cleaned text; every value is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from feeds.model import Feed
from feeds.prepare import PreparedEntry, prepare_feed
from feeds.sanitize import escape, link_html

MAX_STORIES = 100
_SEPARATOR = '<span class="sep">·</span>'
FeedLink = tuple[str, str, str]  # (file name, label, MIME type for <link rel="alternate">)


def render_index(
    stories: Feed, health: Feed | None = None, links: Sequence[FeedLink] = (), health_file: str = "health.xml"
) -> bytes:
    """The front page as UTF-8 HTML bytes, with a subscribe link for each of ``links``."""
    feed = prepare_feed(stories)
    broken = prepare_feed(health).entries if health is not None else ()
    title = escape(feed.title)
    head_links = "\n".join(
        f'<link rel="alternate" type="{mime}" title="{escape(feed.title)} ({label})" href="{name}">'
        for name, label, mime in links
    )
    pills = "\n".join(f'<a class="pill" href="{name}">{escape(label)}</a>' for name, label, _ in links)
    stories_html = "\n".join(_story(entry) for entry in feed.entries[:MAX_STORIES])
    if not stories_html:
        stories_html = '<p class="empty">No stories yet: the crawler has not found any matching reports.</p>'
    else:
        stories_html = f'<ol class="stories">\n{stories_html}\n</ol>'
    page = f"""<!DOCTYPE html>
<html lang="{escape(feed.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="style.css">
{head_links}
</head>
<body>
<header class="masthead">
<p class="kicker">News monitor</p>
<h1>{title}</h1>
<p class="lede">{escape(feed.description)}</p>
<nav class="subscribe"><span class="label">Subscribe:</span>
{pills}
</nav>
<p class="updated">Updated {_when(feed.updated)} · {len(feed.entries)} stories{_channels_link(links)}</p>
</header>
<main>
{_health(broken, health_file)}{stories_html}
</main>
<footer>Made by hotline. Each story links to the original reporting; "why" shows what matched.</footer>
</body>
</html>
"""
    return page.encode("utf-8")


def _channels_link(links: Sequence[FeedLink]) -> str:
    """A link to the channel tracker when it is published beside the feeds (its feed is in ``links``)."""
    published = any(name == "channels.xml" for name, _, _ in links)
    return ' · <a href="channels.html">Channel tracker</a>' if published else ""


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _story(entry: PreparedEntry) -> str:
    meta = [f'<time datetime="{entry.published.isoformat()}">{_when(entry.published)}</time>']
    if entry.site_name:
        meta.append(f'<span class="site">{escape(entry.site_name)}</span>')
    if entry.author:
        meta.append(escape(entry.author))
    parts = [
        '<li class="story">',
        f"<h2>{link_html(entry.link, entry.title)}</h2>",
        f'<p class="meta">{_SEPARATOR.join(meta)}</p>',
    ]
    if entry.page:  # beside this page, wherever the folder is served or opened from
        page = "stories/" + entry.page.rpartition("/stories/")[2] if "/stories/" in entry.page else entry.page
        parts.append(f'<p class="story-link"><a href="{escape(page)}">Event and readouts</a></p>')
    if entry.reason:
        parts.append(f'<p class="why"><strong>Why this is here:</strong> {escape(entry.reason)}</p>')
    if entry.summary:
        parts.append(f'<p class="summary">{escape(entry.summary)}</p>')
    if entry.outlets:
        outlets = ", ".join(link_html(o.url, o.site) for o in entry.outlets)
        parts.append(f'<p class="outlets"><strong>Also carried by:</strong> {outlets}</p>')
    if entry.categories:
        tags = "".join(f'<span class="tag">{escape(c)}</span>' for c in entry.categories)
        parts.append(f'<p class="tags">{tags}</p>')
    parts.append("</li>")
    return "\n".join(parts)


def _health(broken: tuple[PreparedEntry, ...], health_file: str) -> str:
    if not broken:
        return ""
    items = "\n".join(
        f"<li>{link_html(e.link, e.title)} "
        f'<span class="detail">({_when(e.updated)}) {escape(e.summary)}</span></li>'
        for e in broken
    )
    noun = "source needs" if len(broken) == 1 else "sources need"
    return (
        f'<section class="health">\n<h2>{len(broken)} {noun} attention</h2>\n<ul>\n{items}\n</ul>\n'
        f'<p class="detail">Details: <a href="{escape(health_file)}">health feed</a></p>\n</section>\n'
    )
