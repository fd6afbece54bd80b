"""What the newsroom fixture site (fixtures/sites/newsroom) offers each kind of source: the article
slugs a crawl of it must store, shared by the crawl, Scrapyd and PostgreSQL tests."""

from __future__ import annotations

import threading
import time
from typing import Any

RSS = {
    "austin-dong-video-call",
    "theater-commanders-talk",
    "maritime-consultations-honolulu",
    "shangri-la-meeting",
    "marathon-road-closures",
}
ATOM = {
    "siem-reap-talks",
    "first-call-in-a-year",
    "beijing-declines-meeting",
    "defense-telephone-link-explainer",
    "harbor-festival",
    "chip-plant-expansion",
}
SITEMAP = {
    "austin-dong-video-call",
    "theater-commanders-talk",
    "maritime-consultations-honolulu",
    "first-call-in-a-year",
    "beijing-declines-meeting",
    "defense-telephone-link-explainer",
    "harbor-festival",
}
LISTING = {
    "austin-dong-video-call",
    "siem-reap-talks",
    "marathon-road-closures",
    "theater-commanders-talk",
    "first-call-in-a-year",
    "harbor-festival",
    "maritime-consultations-honolulu",
    "beijing-declines-meeting",
    "chip-plant-expansion",
}
SEARCH = {  # all on {alt}, another host
    "defense-telephone-link-explainer",
    "chip-plant-expansion",
    "shangri-la-meeting",
    "beijing-declines-meeting",
}


def article_url(site: Any, slug: str, host: str = "base") -> str:
    """An article's URL on the site server (``host="alt"``: the same server as another host)."""
    return f"{site.url if host == 'base' else site.alt_url}/articles/{slug}.html"


def stored_urls(store: Any) -> set[str]:
    """The canonical URLs of every article in an open store."""
    return {row.canonical_url for row in store.articles.all()}


def stop_mid_crawl(launcher: Any, site: Any, config: str, *, timeout: float, wait: float) -> Any:
    """Start a crawl of the listing source, stop every crawl once it fetches an article, return its result.

    ``site`` should answer articles slowly (a ``slow`` fault), so that the stop lands mid-crawl.
    """
    results: list[Any] = []
    worker = threading.Thread(
        target=lambda: results.append(launcher.run(config, "newsroom-listing", timeout=timeout))
    )
    worker.start()
    deadline = time.monotonic() + wait
    while not site.requested("/articles/"):
        assert time.monotonic() < deadline, "the crawl never reached an article"
        time.sleep(0.05)
    launcher.stop_all(10)
    worker.join(timeout=wait / 2 + 5)
    (result,) = results
    return result
