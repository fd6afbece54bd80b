"""Canonical article URLs: one key per article however a feed, a sitemap or a share link spells it."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from courlan import extract_domain, normalize_url


def canonical_url(url: str, declared: str | None = None) -> str:
    """Normalize ``url`` (lower-case host, default port, sorted query, tracking parameters and fragment
    dropped), preferring the page's own ``<link rel=canonical>`` when it points to the same site."""
    base = _normalize(url)
    if declared:
        candidate = _normalize(urljoin(url, declared.strip()))
        if candidate and same_site(candidate, base):
            return candidate
    return base


def _normalize(url: str) -> str:
    try:
        return urldefrag(normalize_url(url.strip(), strict=False)).url
    except (ValueError, AttributeError):
        return urldefrag(url.strip()).url


def site_of(url: str) -> str:
    """The site ``url`` belongs to: its registrable domain (``news.bbc.co.uk`` → ``bbc.co.uk``, from the
    public suffix list via courlan), or the bare host where there is none (``127.0.0.1``, ``localhost``);
    "" for a URL without a host. The one definition of "same site" for canonical links, a spider's
    own links and the fixture folder a saved page goes to."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:  # a malformed address, such as an unclosed IPv6 bracket
        return ""
    return _site_of_host(host) if host else ""


@lru_cache(maxsize=4096)
def _site_of_host(host: str) -> str:
    return (extract_domain(f"http://{host}/") or host).lower()


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on the same site (``site_of``); never for URLs without a host."""
    site = site_of(url)
    return bool(site) and site == site_of(other)
