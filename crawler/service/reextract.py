"""Re-extraction: today's extraction, relevance, dedup and stories over the pages the store kept raw.

A fix to the cleaning should heal the past, and a page wrongly rejected should come back, without
fetching anything (the page may be gone or changed). Each kept page goes through the stages of a crawl
(``crawler.core``: ``extract_article``, ``analyse_article``, ``fingerprint``, ``event_features``) and
the result is written the way a crawl writes it: a new article is added or placed in its story
(``store.articles.add`` / ``store.stories.place``, which also clear the page's failure row); a stored
article whose record changed is rewritten and placed again (``store.revisions.revise``). One page is one
write transaction under the store's locks, so it can run beside a crawl, and a kill leaves every page
either done or untouched: running it again finishes the work and duplicates nothing.

A page still rejected has its failure row rewritten under today's ``EXTRACTOR_VERSION`` (and reason),
so the next crawl does not fetch it again to reach the verdict re-extraction just reached.
A page now rejected whose article is stored keeps its article: re-extraction never deletes (it is
counted as ``now_rejected``, to look at with ``hotline extract --explain``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crawler.config import Config, ConfigError
from crawler.core.extract import extract_article
from crawler.core.extract.profile import SiteProfile, site_host
from crawler.core.findings import Findings, with_event
from crawler.core.records import HTML_TYPES, Article, Rejected, fill_from_hint, without_surrogates
from crawler.core.relevance import Topic, analyse_article, load_topic
from crawler.core.urls import canonical_url
from crawler.store import RawPage, Store, StoredArticle

OUTCOMES = ("added", "updated", "unchanged", "rejected", "now_rejected")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# what a re-extraction compares to tell an article changed (not its URL spellings)
_COMPARED = tuple(name for name in Article.__dataclass_fields__ if name not in ("url", "canonical_url"))


@dataclass
class Summary:
    """What a re-extraction did, page by page: counts per outcome, and the URLs that changed."""

    pages: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    changed: list[str] = field(default_factory=list)  # the added and updated articles' URLs

    def to_dict(self) -> dict[str, Any]:
        return {"pages": self.pages, **self.counts, "changed": self.changed}


@dataclass(frozen=True, slots=True)
class Staged:
    """A page after the stages: its article and what the later stages found, or why not."""

    article: Article | None
    rejected: Rejected | None = None
    findings: Findings | None = None


def reextract(
    config: Config,
    store: Store,
    *,
    source: str | None = None,
    since: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Re-run the stages over the kept pages (of ``source``, fetched since ``since``) and write the
    results; ``progress(done, total)`` after each page."""
    try:
        topic = load_topic(config.topic)
    except ValueError as exc:
        raise ConfigError(f"{config.where}: {exc}") from None
    selectors = {s.name: s.selectors for s in config.sources}
    unprofiled = {s.name for s in config.sources if not s.profile}
    profiles: dict[str, SiteProfile | None] = {}  # per host, read once per run
    urls = store.pages.urls(source=source, since=since)
    summary = Summary()
    for done, url in enumerate(urls, 1):
        page = store.pages.get(url)
        if page is not None:  # else dropped by retention meanwhile
            host = site_host(page.final_url)
            if host not in profiles:
                profiles[host] = store.profiles.get(host)
            profile = None if page.source in unprofiled else profiles[host]
            outcome, article_url = reextract_page(
                store, topic, page, selectors.get(page.source, ()), profile
            )
            summary.pages += 1
            summary.counts[outcome] += 1
            if outcome in ("added", "updated"):
                summary.changed.append(article_url)
        if progress is not None:
            progress(done, len(urls))
    return summary


def reextract_page(
    store: Store,
    topic: Topic,
    page: RawPage,
    selectors: tuple[str, ...],
    profile: SiteProfile | None = None,
) -> tuple[str, str]:
    """One page through the stages and into the store: (outcome, the page's or article's URL);
    ``profile`` is its site's (the store's, so a re-extraction keeps what the profile removes)."""
    staged = run_stages(topic, page, selectors, profile)
    spellings = {canonical_url(page.url), canonical_url(page.final_url)}
    article = staged.article
    if article is not None:
        spellings.add(article.canonical_url)
    stored = store.revisions.current(spellings)
    if article is None:
        if stored is not None:
            return "now_rejected", page.final_url
        rejected = staged.rejected
        if rejected is not None and rejected.extractor is not None:  # today's verdict, not a stale one
            store.failures.rejudged(spellings, rejected.reason, rejected.retryable, rejected.extractor)
        return "rejected", page.final_url
    findings = staged.findings
    assert findings is not None  # every article is scored
    where = {"urls": spellings, "fetched_at": page.fetched_at}
    if stored is None:
        if findings.placed:
            new = store.stories.place(article, page.source, findings, **where) is not None
        else:
            new = store.articles.add(article, page.source, findings, **where)
        return ("added" if new else "unchanged"), article.canonical_url
    if same_record(stored, article, findings):
        return "unchanged", stored.canonical_url
    store.revisions.revise(stored.id, article, page.source, findings, **where)
    return "updated", stored.canonical_url


def run_stages(
    topic: Topic, page: RawPage, selectors: tuple[str, ...], profile: SiteProfile | None = None
) -> Staged:
    """The crawl's stages on a kept page: extract (ExtractPipeline), relevance (RelevancePipeline),
    event date, fingerprint and story features (DedupPipeline), in the same order and with the same
    inputs; the day it was fetched stands in for an undated article's date, as on the crawl's day."""
    content_type = page.header("Content-Type") or ""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type and not media_type.startswith(HTML_TYPES):
        return Staged(None, Rejected(page.final_url, f"not an HTML page ({media_type})"))
    match = _CHARSET.search(content_type)
    charset = match.group(1).lower() if match else None
    result = extract_article(page.body, page.final_url, charset=charset, selectors=selectors, profile=profile)
    if isinstance(result, Rejected):
        return Staged(None, result)
    article = without_surrogates(fill_from_hint(result, page.hint))
    evidence = analyse_article(topic, article)
    findings = with_event(Findings(evidence.score), article, topic, evidence, page.fetched_at.date())
    return Staged(article, None, findings)


def same_record(stored: StoredArticle, article: Article, findings: Findings) -> bool:
    """Whether re-extraction found what is stored: the same record, score and relevance."""
    if any(getattr(stored, name) != getattr(article, name) for name in _COMPARED):
        return False
    score = findings.score
    return (
        stored.relevant == score.relevant
        and stored.matched == tuple(score.matched)
        and stored.score is not None
        and abs(stored.score - score.value) < 1e-9
    )


