"""Site profiles during a crawl: look a page's profile up, count the page in it, heal what it learned.

The crawl's pipeline calls ``lookup`` before extracting a page and ``add`` after storing a new
article. Both are cheap per page: a profile read is reused for ``REFRESH`` pages of its host, and
pages are counted ``BATCH`` at a time in one write transaction (``flush``; at the latest when the
crawl ends). A page extracted with a profile a little out of date is healed like the first pages:
what the profiles learn (a block that became chrome, a new title) is collected per host, and
``heal`` re-cleans, from their raw pages, the host's stored articles that hold it (through
``reextract_page``: the same stages and writes as ``hotline reextract``), so the first pages of a new
source do not keep their chrome. The feeds are rebuilt after the crawl as always.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from crawler.core.extract.profile import PageSample, SiteProfile, holds_learned, site_host
from crawler.core.relevance import Topic
from crawler.store import Store

LOGGER = logging.getLogger(__name__)
# a lesson heals at most this many of the host's newest stored articles (a scan of their text)
HEAL_RECENT = 300
REFRESH = 20  # pages of a host extracted with one read of its profile
BATCH = 20  # pages counted per write transaction


class SiteProfiles:
    """One crawl's view of the store's site profiles, and what they learned during it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.learned: dict[str, set[str]] = defaultdict(set)
        self.cached: dict[str, tuple[SiteProfile | None, int]] = {}  # host -> (profile, uses left)
        self.pending: dict[str, list[PageSample]] = defaultdict(list)

    def lookup(self, url: str) -> SiteProfile | None:
        """The profile of the page's host (None: none yet, or the store cannot say: the page is still
        extracted, with the generic rules)."""
        host = site_host(url)
        if not host:
            return None
        profile, left = self.cached.get(host, (None, 0))
        if left <= 0:
            try:
                profile = self.store.profiles.get(host)
            except Exception as exc:
                LOGGER.warning("cannot read the profile of %s: %s", host, exc)
                profile = None
            left = REFRESH
        self.cached[host] = (profile, left - 1)
        return profile

    def add(self, url: str, sample: PageSample) -> None:
        """Count the page in its host's profile (written with the next ``BATCH``)."""
        host = site_host(url)
        if host:
            self.pending[host].append(sample)
            if len(self.pending[host]) >= BATCH:
                self.flush(host)

    def flush(self, host: str | None = None) -> None:
        """Write the pages waiting to be counted (of ``host``, or all)."""
        for name in [host] if host else list(self.pending):
            samples = self.pending.pop(name, [])
            if samples:
                self.learned[name].update(self.store.profiles.add_pages(name, samples))

    def heal(self, topic: Topic, selectors_of: Callable[[str], tuple[str, ...] | None]) -> list[str]:
        """Re-clean the stored articles holding what the profiles learned; the URLs that changed.
        ``selectors_of(source)`` is the source's ``selectors``, None for a source not to heal (unknown
        to the config, or with ``profile = false``)."""
        self.flush()
        healed: list[str] = []
        for host, keys in sorted(self.learned.items()):
            healed += heal_host(self.store, topic, host, frozenset(keys), selectors_of)
        self.learned.clear()
        return healed


def heal_host(
    store: Store,
    topic: Topic,
    host: str,
    keys: frozenset[str],
    selectors_of: Callable[[str], tuple[str, ...] | None],
    *,
    limit: int = HEAL_RECENT,
) -> list[str]:
    """Re-extract the host's recent articles whose text holds one of ``keys``, with today's profile."""
    from crawler.service.reextract import reextract_page

    if not keys:
        return []
    profile = store.profiles.get(host)
    healed = []
    for article_id, text in store.profiles.recent_articles(host, limit=limit):
        if not holds_learned(text, keys):
            continue
        page = store.profiles.raw_page_of(article_id)
        selectors = selectors_of(page.source) if page is not None else None
        if page is None or selectors is None:
            continue
        try:
            outcome, url = reextract_page(store, topic, page, selectors, profile)
        except Exception as exc:  # healing is a bonus: it must never cost the crawl
            LOGGER.warning("cannot heal %s with the profile of %s: %s", page.final_url, host, exc)
            continue
        if outcome == "updated":
            healed.append(url)
    if healed:
        LOGGER.info("profile of %s: %d stored article(s) re-cleaned", host, len(healed))
    return healed
