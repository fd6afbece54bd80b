"""Prepared feeds → JSON Feed 1.1 bytes; our own fields sit under ``_hotline`` as the spec allows."""

from __future__ import annotations

import json

from feeds.model import Feed
from feeds.prepare import PROJECT_URL, PreparedEntry, prepare_feed

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_json(feed: Feed, *, self_link: str | None = None) -> bytes:
    """JSON Feed 1.1 bytes for ``feed``; our own fields sit under ``_hotline`` as the spec allows."""
    prepared = prepare_feed(feed, self_link=self_link)
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": prepared.title,
        "home_page_url": prepared.link,
    }
    if prepared.self_link:
        document["feed_url"] = prepared.self_link
    document["description"] = prepared.description
    if prepared.logo:
        document["icon"] = prepared.logo
    document["language"] = prepared.language
    document["items"] = [_json_item(entry) for entry in prepared.entries]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(entry: PreparedEntry) -> dict[str, object]:
    item: dict[str, object] = {"id": entry.id}
    if entry.link:
        item["url"] = entry.link
    item["title"] = entry.title
    item["content_html"] = entry.content_html
    item["summary"] = entry.summary
    if entry.image:
        item["image"] = entry.image
    item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    if entry.author:
        item["authors"] = [{"name": entry.author}]
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.language:
        item["language"] = entry.language
    extension: dict[str, object] = {"about": PROJECT_URL, "reason": entry.reason}
    if entry.site_name:
        extension["source"] = {"name": entry.site_name, "url": entry.site_url}
    extension["outlets"] = [
        {
            "site": o.site,
            "url": o.url,
            "title": o.title,
            "published": o.published.isoformat() if o.published else None,
        }
        for o in entry.outlets
    ]
    item["_hotline"] = extension
    return item
