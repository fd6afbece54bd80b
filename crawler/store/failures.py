"""Pages that gave no article, and the HTTP validators that make the next fetch conditional.

A retryable failure comes back when due, after a backoff that doubles per attempt; the others (not an
article, gone, given up) are remembered so that they are not fetched every run. A page the extractor
rejected is remembered with the extractor's version: when extraction changes (a new version), the
verdict may be wrong, so the page is due again (``reopen_outdated``) and judged by today's extractor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, update

from crawler.store.engine import Database
from crawler.store.schema import failures, validators


@dataclass(frozen=True, slots=True)
class Failure:
    """One page that gave no article, and when (if ever) to try it again."""

    url: str
    canonical_url: str
    source: str
    reason: str
    retryable: bool
    attempts: int
    first_failed: datetime
    last_failed: datetime
    next_attempt: datetime | None
    extractor: int | None = None


def backoff_delay(attempts: int, base: float, cap: float) -> timedelta:
    """``base`` seconds after the first failure, doubling with each attempt, at most ``cap``."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class Failures:
    """``store.failures``: count failed attempts at a page, and say which are due again."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        url: str,
        source: str,
        reason: str,
        retryable: bool,
        *,
        canonical_url: str | None = None,
        backoff: float = 900.0,
        backoff_cap: float = 86400.0,
        max_attempts: int = 6,
        extractor: int | None = None,
        now: datetime | None = None,
    ) -> Failure:
        """Count one more failed attempt at ``url``; a retryable one is due again after a backoff
        that doubles per attempt, and after ``max_attempts`` it is given up (no longer retried).
        ``extractor`` is the version of the extraction that rejected the page (None: a fetch failure)."""
        now = now or datetime.now(UTC)
        reason = reason[:500]
        with self.db.write() as conn:
            previous = conn.execute(
                select(failures.c.attempts, failures.c.first_failed).where(failures.c.url == url)
            ).first()
            attempts = (previous.attempts if previous else 0) + 1
            first_failed = previous.first_failed if previous else now
            if retryable and attempts >= max_attempts:
                retryable, reason = False, f"gave up after {attempts} attempts: {reason}"[:500]
            next_attempt = now + backoff_delay(attempts, backoff, backoff_cap) if retryable else None
            values = {
                "canonical_url": canonical_url or url,
                "source": source,
                "reason": reason,
                "retryable": retryable,
                "attempts": attempts,
                "last_failed": now,
                "next_attempt": next_attempt,
                "extractor": extractor,
            }
            conn.execute(
                self.db.insert(failures)
                .values(url=url, first_failed=first_failed, **values)
                .on_conflict_do_update(index_elements=["url"], set_=values)
            )
        return Failure(
            url,
            values["canonical_url"],
            source,
            reason,
            retryable,
            attempts,
            first_failed,
            now,
            next_attempt,
            extractor,
        )

    def reopen_outdated(self, source: str, version: int, now: datetime | None = None) -> int:
        """Make ``source``'s pages rejected by an extractor older than ``version`` due now, attempts
        counted afresh; how many. Until judged again they are retryable, so no longer "known"."""
        now = now or datetime.now(UTC)
        outdated = and_(
            failures.c.source == source,
            failures.c.extractor.is_not(None),
            failures.c.extractor < version,
            failures.c.retryable.is_(False),
        )
        with self.db.write() as conn:
            reopened = conn.execute(
                update(failures).where(outdated).values(retryable=True, attempts=0, next_attempt=now)
            )
        return reopened.rowcount

    def rejudged(
        self, urls: set[str], reason: str, retryable: bool, extractor: int, now: datetime | None = None
    ) -> int:
        """Record that ``extractor`` judged the kept page of ``urls`` again, without fetching it, and
        rejected it again; how many rows. Only a rejection by another extractor version is rewritten
        (a fetch failure is the network's verdict, not extraction's): it takes today's version and
        reason, so ``reopen_outdated`` no longer sends the next crawl to fetch it again. A retryable
        verdict keeps the row's backoff (due now if it had none); attempts are left as counted."""
        now = now or datetime.now(UTC)
        rows = and_(
            or_(failures.c.url.in_(sorted(urls)), failures.c.canonical_url.in_(sorted(urls))),
            failures.c.extractor.is_not(None),
            failures.c.extractor != extractor,
        )
        values: dict[str, object] = {"reason": reason[:500], "extractor": extractor, "retryable": retryable}
        with self.db.write() as conn:
            if not retryable:
                done = conn.execute(update(failures).where(rows).values(next_attempt=None, **values))
                return done.rowcount
            waiting = conn.execute(
                update(failures).where(rows, failures.c.next_attempt.is_not(None)).values(**values)
            ).rowcount
            fresh = conn.execute(update(failures).where(rows).values(next_attempt=now, **values)).rowcount
            return waiting + fresh

    def due(self, source: str, now: datetime | None = None) -> list[str]:
        """URLs of ``source`` whose retry is due, longest-waiting first."""
        now = now or datetime.now(UTC)
        query = (
            select(failures.c.url)
            .where(failures.c.source == source, failures.c.retryable.is_(True))
            .where(failures.c.next_attempt <= now)
            .order_by(failures.c.next_attempt, failures.c.url)
        )
        with self.db.read() as conn:
            return list(conn.execute(query).scalars())


class Validators:
    """``store.validators``: the ETag and Last-Modified last seen per URL (feeds, sitemaps, listings)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) last seen for ``url``, for If-None-Match / If-Modified-Since."""
        with self.db.read() as conn:
            row = conn.execute(
                select(validators.c.etag, validators.c.last_modified).where(validators.c.url == url)
            ).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def set_many(self, found: Mapping[str, tuple[str | None, str | None]]) -> None:
        """Remember (ETag, Last-Modified) per URL, in one transaction."""
        now = datetime.now(UTC)
        with self.db.write() as conn:
            for url, (etag, last_modified) in sorted(found.items()):
                values = {"etag": etag, "last_modified": last_modified, "checked_at": now}
                conn.execute(
                    self.db.insert(validators)
                    .values(url=url, **values)
                    .on_conflict_do_update(index_elements=["url"], set_=values)
                )
