"""Site profiles in the store: per host, the blocks its pages repeat and the titles of its pages.

``add`` counts one page in a single write transaction of upserts (no re-reading of the site's past:
each block seen is a row whose count goes up), so crawls of one host in several processes add up
instead of overwriting each other. ``get`` reads only what extraction uses: the blocks seen often
enough to be chrome candidates, and the titles. Every ``PRUNE_EVERY`` pages the rows not seen for
``WINDOW`` pages, and titles beyond ``MAX_TITLES``, are dropped: a profile's size is bounded whatever
the site's age.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection

from crawler.core.extract.profile import (
    MAX_TITLES,
    MIN_PAGES,
    WINDOW,
    PageSample,
    Seen,
    SiteProfile,
    is_chrome,
)
from crawler.store.engine import Database
from crawler.store.pages import RawPage, raw_page
from crawler.store.schema import article_urls, articles, raw_pages, site_blocks, site_profiles

PRUNE_EVERY = 50
BLOCK, TITLE = "block", "title"


@dataclass(frozen=True, slots=True)
class ProfileSummary:
    """One host's profile for ``hotline sites``: pages seen, its top chrome blocks, when it changed."""

    host: str
    pages: int
    updated: datetime
    learned: datetime | None
    titles: int
    blocks: tuple[tuple[str, int, int], ...]  # (text, pages seen on, of pages since it first appeared)


class Profiles:
    """``store.profiles``: look a host's profile up, add a page to it, list them, find pages to heal."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, host: str) -> SiteProfile | None:
        """The profile of ``host`` as extraction reads it, or None when no page of it was profiled."""
        with self.db.read() as conn:
            pages = conn.execute(select(site_profiles.c.pages).where(site_profiles.c.host == host)).scalar()
            if not pages:
                return None
            rows = conn.execute(
                select(site_blocks).where(
                    site_blocks.c.host == host,
                    or_(site_blocks.c.kind == TITLE, site_blocks.c.count >= MIN_PAGES),
                )
            ).mappings()
            blocks, titles = {}, {}
            for row in rows:
                if row["kind"] == TITLE:
                    titles[row["key"]] = row["text"]
                else:
                    blocks[row["key"]] = Seen(row["count"], row["first_page"], row["last_page"], row["text"])
        return SiteProfile(host, pages, blocks, titles)

    def add(self, host: str, sample: PageSample, *, now: datetime | None = None) -> dict[str, str]:
        """Count one page of ``host``; what the profile learned: {key: "block" | "title"}."""
        return self.add_pages(host, [sample], now=now)

    def add_pages(
        self, host: str, samples: Sequence[PageSample], *, now: datetime | None = None
    ) -> dict[str, str]:
        """Count pages of ``host`` one after the other, in one write transaction of a few statements
        (the pages' blocks added up first); what the profile learned: {key: "block" | "title"}."""
        if not samples:
            return {}
        now = now or datetime.now(UTC)
        seen: dict[str, list[Any]] = {}  # key -> [count, first, last, text] within the batch (1-based)
        titles: dict[str, tuple[int, str]] = {}
        for number, sample in enumerate(samples, 1):
            for key, text in sample.blocks:
                if key in seen:
                    seen[key][0] += 1
                    seen[key][2] = number
                else:
                    seen[key] = [1, number, number, text]
            if sample.title is not None:
                titles.setdefault(sample.title[0], (number, sample.title[1]))
        with self.db.write() as conn:
            upsert = self.db.insert(site_profiles).values(host=host, pages=len(samples), updated=now)
            upsert = upsert.on_conflict_do_update(
                index_elements=["host"], set_={"pages": site_profiles.c.pages + len(samples), "updated": now}
            ).returning(site_profiles.c.pages)
            pages = int(conn.execute(upsert).scalar_one())
            before = pages - len(samples)
            learned = self._count_blocks(conn, host, seen, before, pages)
            learned.update(self._add_titles(conn, host, titles, before))
            if learned and BLOCK in learned.values():
                conn.execute(update(site_profiles).where(site_profiles.c.host == host).values(learned=now))
            if pages // PRUNE_EVERY > before // PRUNE_EVERY:
                _prune(conn, host, pages)
        return learned

    def _count_blocks(
        self, conn: Connection, host: str, seen: dict[str, list[Any]], before: int, pages: int
    ) -> dict[str, str]:
        """Add the batch's block counts; the blocks that became chrome with it."""
        if not seen:
            return {}
        rows = [
            {
                "host": host,
                "kind": BLOCK,
                "key": key,
                "count": count,
                "first_page": before + first,
                "last_page": before + last,
                "text": text,
            }
            for key, (count, first, last, text) in seen.items()
        ]
        insert = self.db.insert(site_blocks)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=["host", "kind", "key"],
                set_={
                    "count": site_blocks.c.count + insert.excluded.count,
                    "last_page": insert.excluded.last_page,
                },
            ),
            rows,
        )
        often = conn.execute(
            select(
                site_blocks.c.key, site_blocks.c.count, site_blocks.c.first_page, site_blocks.c.last_page
            ).where(
                site_blocks.c.host == host,
                site_blocks.c.kind == BLOCK,
                site_blocks.c.key.in_(list(seen)),
                site_blocks.c.count >= MIN_PAGES,
            )
        ).all()
        learned = {}
        for key, count, first, last in often:
            earlier = Seen(count - seen[key][0], first, last)
            if is_chrome(Seen(count, first, last), pages) and not (
                earlier.count and is_chrome(earlier, before)
            ):
                learned[key] = BLOCK
        return learned

    def _add_titles(
        self, conn: Connection, host: str, titles: dict[str, tuple[int, str]], before: int
    ) -> dict[str, str]:
        """Add the batch's titles; the ones new to the profile."""
        if not titles:
            return {}
        known = set(
            conn.execute(
                select(site_blocks.c.key).where(
                    site_blocks.c.host == host,
                    site_blocks.c.kind == TITLE,
                    site_blocks.c.key.in_(list(titles)),
                )
            ).scalars()
        )
        new = {key: value for key, value in titles.items() if key not in known}
        if new:
            conn.execute(
                self.db.insert(site_blocks),
                [
                    {
                        "host": host,
                        "kind": TITLE,
                        "key": key,
                        "count": 1,
                        "first_page": before + number,
                        "last_page": before + number,
                        "text": title,
                    }
                    for key, (number, title) in new.items()
                ],
            )
        return dict.fromkeys(new, TITLE)

    def summaries(self, *, top: int = 5) -> list[ProfileSummary]:
        """Every host's profile, most pages first, with the ``top`` blocks it takes for the site's own."""
        with self.db.read() as conn:
            hosts = (
                conn.execute(select(site_profiles).order_by(site_profiles.c.pages.desc())).mappings().all()
            )
            counts = dict(
                conn.execute(
                    select(site_blocks.c.host, func.count())
                    .where(site_blocks.c.kind == TITLE)
                    .group_by(site_blocks.c.host)
                ).all()
            )
            result = []
            for row in hosts:
                blocks = conn.execute(
                    select(site_blocks.c.text, site_blocks.c.count, site_blocks.c.first_page)
                    .where(
                        site_blocks.c.host == row["host"],
                        site_blocks.c.kind == BLOCK,
                        site_blocks.c.count >= MIN_PAGES,
                    )
                    .order_by(site_blocks.c.count.desc(), site_blocks.c.key)
                ).all()
                pages = row["pages"]
                chrome = [b for b in blocks if is_chrome(Seen(b.count, b.first_page, pages), pages)]
                spans = tuple((text, count, pages - first + 1) for text, count, first in chrome[:top])
                result.append(
                    ProfileSummary(
                        row["host"],
                        row["pages"],
                        row["updated"],
                        row["learned"],
                        counts.get(row["host"], 0),
                        spans,
                    )
                )
        return result

    def size(self, host: str) -> int:
        """Rows the profile of ``host`` holds (for the benchmark: its bound)."""
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).where(site_blocks.c.host == host)).scalar_one())

    def recent_articles(self, host: str, *, limit: int) -> list[tuple[int, str]]:
        """(id, text) of the newest ``limit`` stored articles of ``host``: the ones a lesson may heal."""
        prefixes = [
            f"{scheme}://{www}{host}{end}"
            for scheme in ("http", "https")
            for www in ("", "www.")
            for end in ("/", ":")
        ]
        where = or_(*(articles.c.canonical_url.startswith(prefix, autoescape=True) for prefix in prefixes))
        query = (
            select(articles.c.id, articles.c.text).where(where).order_by(articles.c.id.desc()).limit(limit)
        )
        with self.db.read() as conn:
            return [(int(row[0]), row[1]) for row in conn.execute(query)]

    def raw_page_of(self, article_id: int) -> RawPage | None:
        """The newest kept raw page of a stored article (by any of its URL spellings), or None."""
        spellings = select(article_urls.c.url).where(article_urls.c.article_id == article_id)
        with self.db.read() as conn:
            row = (
                conn.execute(
                    select(raw_pages)
                    .where(raw_pages.c.canonical_url.in_(spellings))
                    .order_by(raw_pages.c.fetched_at.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
        return raw_page(row) if row is not None else None

    def forget(self, hosts: Iterable[str]) -> None:
        """Drop the profiles of ``hosts`` (they are learned again from the next pages)."""
        hosts = list(hosts)
        with self.db.write() as conn:
            conn.execute(delete(site_blocks).where(site_blocks.c.host.in_(hosts)))
            conn.execute(delete(site_profiles).where(site_profiles.c.host.in_(hosts)))


def _prune(conn: Connection, host: str, page: int) -> None:
    """Forget the blocks not seen for WINDOW pages and the titles beyond the newest MAX_TITLES."""
    conn.execute(
        delete(site_blocks).where(
            site_blocks.c.host == host,
            or_(
                and_(site_blocks.c.kind == BLOCK, site_blocks.c.last_page < page - WINDOW),
                and_(site_blocks.c.kind == TITLE, site_blocks.c.first_page <= page - MAX_TITLES),
            ),
        )
    )
