"""The store: articles, stories, runs, failures and HTTP validators in one database, behind SQLAlchemy Core.

The only package that speaks SQL. ``Store(url)`` opens the database (``engine``: SQLite or PostgreSQL,
the schema made current) and exposes one part per group of tables::

    store.articles    add an article once, know a URL before fetching it        (articles.py)
    store.stories     store a relevant article and place it in its story         (placement.py)
    store.failures    failed pages and their retry backoff                       (failures.py)
    store.validators  ETag / Last-Modified per URL                               (failures.py)
    store.runs        one row per crawl: started, progress, outcome              (runs.py)
    store.feed        what the feeds show: newest relevant articles and stories  (feedrows.py)
    store.pages       every fetched article page, raw, for re-extraction         (pages.py)
    store.revisions   rewrite a stored article from a re-extraction, re-place it (revise.py)
    store.profiles    per host, the blocks its pages repeat and its titles         (profiles.py)
    store.events      each story's event record, cached by story version         (events.py)

Tables and columns are in ``schema.py``, migrations in ``migrations/``.
"""

from __future__ import annotations

from crawler.store.articles import Articles, StoredArticle
from crawler.store.engine import Database, StoreError
from crawler.store.events import EventRows
from crawler.store.failures import Failure, Failures, Validators, backoff_delay
from crawler.store.feedrows import FeedArticle, FeedRows, FeedStory
from crawler.store.pages import Pages, RawPage
from crawler.store.placement import COPY_CANDIDATES, Placement, Stories
from crawler.store.profiles import Profiles
from crawler.store.revise import Revisions
from crawler.store.runs import RunRecord, Runs, SourceSummary
from crawler.store.schema import ARTICLE_FIELDS, OUTCOMES

__all__ = [
    "ARTICLE_FIELDS",
    "COPY_CANDIDATES",
    "OUTCOMES",
    "Failure",
    "FeedArticle",
    "FeedStory",
    "Placement",
    "RawPage",
    "RunRecord",
    "SourceSummary",
    "Store",
    "StoreError",
    "StoredArticle",
    "backoff_delay",
    "crawler_store",
]


class Store:
    """Articles and crawl bookkeeping in one database, given by its SQLAlchemy URL."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.db = Database(url, echo=echo)
        self.url, self.dialect, self.engine = url, self.db.dialect, self.db.engine
        self.articles = Articles(self.db)
        self.stories = Stories(self.db, self.articles)
        self.failures = Failures(self.db)
        self.validators = Validators(self.db)
        self.runs = Runs(self.db)
        self.feed = FeedRows(self.db)
        self.pages = Pages(self.db)
        self.revisions = Revisions(self.db, self.stories)
        self.profiles = Profiles(self.db)
        self.events = EventRows(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_STORES: dict[str, Store] = {}


def shared_store(url: str) -> Store:
    """One Store per URL for the whole process: the components of a crawl share its engine and locks."""
    if url not in _STORES:
        _STORES[url] = Store(url)
    return _STORES[url]
