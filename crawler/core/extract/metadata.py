"""The record's metadata (title, author, date, site, image, description, categories) from a parsed page.

trafilatura's ``extract_metadata`` does this, and also work the record never uses: licence links,
tags, the host's registered domain, and htmldate's search when the page already declares its date
(``pagemeta`` read it). On real pages it was a fifth of our extraction time. This runs the same steps
with trafilatura's own readers, minus that unused work, and parses JSON-LD as written: trafilatura
first un-escapes the whole script (a character loop, and ``&quot;`` inside a value then breaks the
JSON, sending it to a slow regex fallback); here the values are cleaned after parsing instead.
"""

from __future__ import annotations

import json
import logging
from html import unescape

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.json_metadata import extract_json, extract_json_parse_error, normalize_json
from trafilatura.metadata import (
    JSON_MINIFY,
    META_URL,
    examine_meta,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import HTML_STRIP_TAGS

from crawler.core.extract.bylines import find_author, find_categories

LOGGER = logging.getLogger(__name__)
_JSON_SCRIPTS = './/script[@type="application/ld+json" or @type="application/settings+json"]'
_JSON_FIELDS = ("title", "author", "sitename", "description", "image", "pagetype")


def read_metadata(tree: HtmlElement, url: str, declared_date: str | None, extensive_dates: bool) -> Document:
    """trafilatura's metadata of ``tree``; htmldate runs only when the page declares no date."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # as trafilatura: a one-word meta author is a handle, not a name
    try:
        metadata = _json_ld(tree, metadata)
    except Exception as exc:  # trafilatura's JSON readers have bugs on odd input: keep the rest
        LOGGER.warning("JSON-LD metadata skipped on %s: %s", url, exc)
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or find_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    if declared_date is None:
        metadata.date = find_date(tree, **{**set_date_params(extensive_dates), "url": metadata.url})
    metadata.sitename = metadata.sitename or extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url and (match := META_URL.match(metadata.url)):
        metadata.sitename = match[1]
    if not metadata.categories:
        metadata.categories = find_categories(tree)
    metadata.categories = [unescape(c) if isinstance(c, str) else c for c in metadata.categories or ()]
    metadata.clean_and_trim()
    return metadata


def _json_ld(tree: HtmlElement, metadata: Document) -> Document:
    """Fold each JSON-LD script into ``metadata``: parsed as written, trafilatura's way if that fails."""
    for script in tree.xpath(_JSON_SCRIPTS):
        if not script.text:
            continue
        try:
            schema = json.loads(script.text, strict=False)
        except (ValueError, RecursionError):
            text = normalize_json(JSON_MINIFY.sub(r"\1", script.text))
            try:
                metadata = extract_json(json.loads(text, strict=False), metadata)
            except (ValueError, RecursionError):
                metadata = extract_json_parse_error(text, metadata)
            continue
        if isinstance(schema, dict | list):
            metadata = extract_json(schema, metadata)
    for field in _JSON_FIELDS:
        value = getattr(metadata, field)
        if isinstance(value, str) and "<" in value:
            setattr(metadata, field, HTML_STRIP_TAGS.sub("", value))
    return metadata
