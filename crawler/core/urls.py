"""Canonical article URLs: one key per article however a feed, a sitemap or a share link spells it."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from courlan import normalize_url


def canonical_url(url: str, declared: str | None = None) -> str:
    """Normalize ``url`` (lower-case host, default port, sorted query, tracking parameters and fragment
    dropped), preferring the page's own ``<link rel=canonical>`` when it points to the same site."""
    base = _normalize(url)
    if declared:
        candidate = _normalize(urljoin(url, declared.strip()))
        if candidate and _site(candidate) == _site(base):
            return candidate
    return base


def _normalize(url: str) -> str:
    try:
        return urldefrag(normalize_url(url.strip(), strict=False)).url
    except (ValueError, AttributeError):
        return urldefrag(url.strip()).url


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.").removeprefix("m.").removeprefix("amp.")
