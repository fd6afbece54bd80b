"""The one record of a crawl run: its ``runs`` row, what health judges, what a launcher reports.

The crawl process writes the row from ``crawler.stats`` (each count names its stats key here, so
``crawler.extensions`` derives its mapping and ``crawler.store`` its columns from this one list); the
store reads it back as this record; ``crawler.core.health`` judges a source's recent records; a
launcher's ``RunResult`` is this record plus what only the parent process knows (exit code, time).
Adding a counter is one field here and one column in ``crawler/store/schema.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

STAT = "stat"  # a count field's metadata key: the crawler.stats key it is read from


def _count(stat: str) -> Any:
    return field(default=0, metadata={STAT: stat})


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One crawl of one source, as the crawl process recorded it."""

    started: datetime
    outcome: str  # running | ok | failed | killed | timeout | crashed | stopped (skipped: never started)
    pages_fetched: int = _count("downloader/response_count")
    articles_new: int = _count("hotline/articles_new")
    not_articles: int = _count("hotline/not_articles")
    articles_failed: int = _count("hotline/articles_failed")
    skipped_known: int = _count("hotline/skipped_known")
    skipped_old: int = _count("hotline/skipped_old")  # dated entries older than the cutoff, not fetched
    boilerplate_hits: int = _count("hotline/boilerplate_hits")
    relevant_new: int = _count("hotline/relevant_new")
    cleaning_pages: int = _count("hotline/cleaning/pages")  # pages extracted
    cleaning_refused: int = _count("hotline/cleaning/pages_refused")  # a guard refused a removal
    cleaning_undone: int = _count("hotline/cleaning/pages_undone")  # the cleaning cost the article: undone
    mean_text_length: float | None = None  # of the new articles
    errors: str = ""
    id: int | None = None  # the row's id (None: never stored, e.g. a crawl skipped before it started)
    source: str = ""
    finished: datetime | None = None
    pid: int | None = None
    job_id: str | None = None  # the launcher's id for the crawl (a Scrapyd job)

    @property
    def seconds(self) -> float | None:
        return (self.finished - self.started).total_seconds() if self.finished else None


def run_stats() -> dict[str, str]:
    """The counted fields and the ``crawler.stats`` key each is read from."""
    return {f.name: f.metadata[STAT] for f in fields(RunRecord) if STAT in f.metadata}


# what a crawl's progress updates and its closing write: the counts, the mean text length, the errors
RUN_COUNTS = (*run_stats(), "mean_text_length", "errors")
