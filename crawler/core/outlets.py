"""Outlets: who published an article, counted once, and how authoritative a report it is. Pure.

A story lists the outlets that carried it, so an outlet must be one name however its pages are
reached: an AMP or print variant, a mobile host or a tracking URL is the same outlet. Its name comes
from the page (og:site_name or the JSON-LD publisher, as extraction reads them; else a title suffix
such as "… | Reuters"), else the source's configured name, else the registered domain — never a port.
The lead of a story is the fullest report from the most authoritative outlet: an official readout,
then a wire, then the rest, so a content farm's copy never leads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from crawler.core.records import Article

OFFICIAL, WIRE, OTHER = 0, 1, 2
# Registered domains of official readouts (defence ministries, foreign ministries, the military press
# of both sides) and of the wires; everything else is an ordinary outlet.
OFFICIAL_DOMAINS = frozenset(
    {"defense.gov", "war.gov", "state.gov", "whitehouse.gov", "mod.gov.cn", "mfa.gov.cn", "81.cn"}
)
WIRE_DOMAINS = frozenset(
    {"reuters.com", "apnews.com", "afp.com", "news.cn", "xinhuanet.com", "chinanews.com.cn"}
)
_TITLE_SUFFIX = re.compile(r"\s[|–—-]\s([^|–—-]{2,40})$")
_TWO_LEVEL = frozenset(
    {"co", "com", "gov", "org", "net", "ac", "edu", "mil"}
)  # co.uk, gov.cn without tldextract


@lru_cache(maxsize=1)
def _extractor() -> object | None:
    """tldextract with its bundled suffix list (never fetched: no network), when installed."""
    try:
        import tldextract
    except ImportError:
        return None
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registered_domain(url: str) -> str:
    """``news.example.co.uk`` for any page of it; a bare IP or ``localhost`` as it is, without port."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host or host.replace(".", "").isdigit() or "." not in host:
        return host
    extract = _extractor()
    if extract is not None:
        parts = extract(host)  # type: ignore[operator]
        if parts.domain and parts.suffix:
            return f"{parts.domain}.{parts.suffix}"
    labels = host.split(".")
    size = 3 if len(labels) >= 3 and labels[-2] in _TWO_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-size:])


def outlet_key(article: Article) -> str:
    """One key per outlet: its registered domain (AMP, print and mobile pages share it); on a host
    without one (an IP, an intranet name) the page's site name, else host and port."""
    url = article.canonical_url or article.url
    domain = registered_domain(url)
    if "." in domain and not domain.replace(".", "").isdigit():
        return domain
    return (article.site_name or "").strip().lower() or urlsplit(url).netloc.lower()


def title_suffix(title: str | None) -> str | None:
    """The outlet named at the end of a headline ("China cancels talks | The Ledger"), if any."""
    match = _TITLE_SUFFIX.search(title or "")
    return match.group(1).strip() if match else None


def outlet_name(article: Article, source: str | None = None) -> str:
    """The outlet's name: the page's own (site name, title suffix), the source's, else its domain."""
    for name in (article.site_name, title_suffix(article.title), source):
        if name and name.strip() and not _is_address(name):
            return name.strip()
    return registered_domain(article.canonical_url or article.url) or article.url


def _is_address(name: str) -> bool:
    """A "name" that is only a host, maybe with a port (127.0.0.1:8765): no outlet is called that."""
    return re.fullmatch(r"[\w.-]+(:\d+)?", name.strip()) is not None and (
        ":" in name or name.replace(".", "").isdigit()
    )


def authority(article: Article) -> int:
    """OFFICIAL for a ministry's readout, WIRE for a news agency, else OTHER (lower leads first)."""
    domain = registered_domain(article.canonical_url or article.url)
    if domain in OFFICIAL_DOMAINS or domain.endswith((".gov", ".mil", ".gov.cn")):
        return OFFICIAL
    if domain in WIRE_DOMAINS:
        return WIRE
    return OTHER


def distinct_outlets(lead: Article, others: Iterable[Article]) -> list[Article]:
    """One article per outlet among ``others``, first seen kept, never the lead's own outlet."""
    seen = {outlet_key(lead)}
    kept = []
    for article in others:
        key = outlet_key(article)
        if key not in seen:
            seen.add(key)
            kept.append(article)
    return kept
