"""HTML pages for people: the pieces the front page and each feed's own page share.

Browsers are dropping XSLT, so a feed opened in a browser is no longer styled by a stylesheet: the
server answers a browser asking for ``atom.xml`` with ``atom.html``, written here beside the feed
from the same prepared records. Every date on every page goes through ``when`` so they read alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feeds.model import Feed
from feeds.prepare import PreparedEntry, prepare_feed
from feeds.sanitize import escape, link_html

MAX_ENTRIES = 100
STORY_FOOTER = 'Made by hotline. Each story links to the original reporting; "why" shows what matched.'
SEPARATOR = '<span class="sep">·</span>'


def when(moment: datetime) -> str:
    """The one way pages write a time: ``2026-12-03 02:15 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def page_name(feed_file: str) -> str:
    """The HTML page written beside a feed file: ``atom.xml`` → ``atom.html``."""
    stem, dot, _ = feed_file.rpartition(".")
    return f"{stem}.html" if dot else f"{feed_file}.html"


def entry_item(entry: PreparedEntry) -> str:
    """One entry as a list item: title link, date and outlet, why it is here, summary, outlets, tags."""
    meta = [f'<time datetime="{entry.published.isoformat()}">{when(entry.published)}</time>']
    if entry.site_name:
        meta.append(f'<span class="site">{escape(entry.site_name)}</span>')
    if entry.author:
        meta.append(escape(entry.author))
    parts = [
        '<li class="story">',
        f"<h2>{link_html(entry.link, entry.title)}</h2>",
        f'<p class="meta">{SEPARATOR.join(meta)}</p>',
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


def entry_list(entries: tuple[PreparedEntry, ...], empty: str) -> str:
    """The entries as an ordered list, or ``empty`` (already HTML) when there are none."""
    if not entries:
        return f'<p class="empty">{empty}</p>'
    items = "\n".join(entry_item(e) for e in entries[:MAX_ENTRIES])
    return f'<ol class="stories">\n{items}\n</ol>'


def document(
    title: str, language: str, head: str, header: str, main: str, footer: str = STORY_FOOTER
) -> bytes:
    """A whole page as UTF-8 bytes; every argument is HTML already escaped by the caller."""
    return f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="style.css">
{head}
</head>
<body>
<header class="masthead">
{header}
</header>
<main>
{main}
</main>
<footer>{escape(footer)}</footer>
</body>
</html>
""".encode()


def render_feed_page(feed: Feed, feed_file: str, kind: str, *, self_link: str | None = None) -> bytes:
    """The page a browser gets for ``feed_file``: the feed's entries and how to subscribe to it.

    ``kind`` names the format for the reader ("Atom feed", "RSS feed"). A feed whose entries have no
    "why" line (the health feed) gets a footer without it.
    """
    prepared = prepare_feed(feed, self_link=self_link)
    title = escape(prepared.title)
    address = escape(prepared.self_link or feed_file)
    noun = "entry" if len(prepared.entries) == 1 else "entries"
    header = f"""<p class="kicker">{escape(kind)}</p>
<h1>{title}</h1>
<p class="lede">{escape(prepared.description)}</p>
<p class="note">This is a web feed. Copy its address into your feed reader to follow it:
<code>{address}</code></p>
<nav class="subscribe"><span class="label">Also here:</span>
<a class="pill" href="index.html">Front page, all feeds</a>
</nav>
<p class="updated">Updated {when(prepared.updated)} · {len(prepared.entries)} {noun}</p>"""
    head = f'<link rel="alternate" type="{_mime(feed_file)}" title="{title}" href="{escape(feed_file)}">'
    main = entry_list(prepared.entries, "No entries yet.")
    footer = (
        STORY_FOOTER
        if any(e.reason.startswith("relevance") for e in prepared.entries)
        else "Made by hotline."
    )
    return document(f"{title} (web feed)", escape(prepared.language), head, header, main, footer)


def _mime(feed_file: str) -> str:
    return "application/rss+xml" if feed_file.endswith("rss.xml") else "application/atom+xml"
