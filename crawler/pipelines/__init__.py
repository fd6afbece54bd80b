"""Item pipeline: thin adapters from Scrapy to the pure stages, each counting in ``crawler.stats``.

    ExtractPipeline (100)    page bytes -> Article | Rejected           crawler.core.extract.extract_reported
    RelevancePipeline (300)  article -> score, relevant, matched        crawler.core.relevance.analyse_article
    DedupPipeline (500)      article -> fingerprint, event date, and    crawler.core.dedup.fingerprint,
                             for a relevant one its event features      crawler.core.stories.event_features
    StorePipeline (900)      article -> articles row (a relevant one placed in its story in the same
                             transaction: store.stories.place); failure / not-an-article ->
                             failures row; counts new, relevant new and boilerplate leaks

The stages between extract and store read ``item.article`` and build ``item.findings`` (a typed record).
Story assignment happens in the store's write transaction, not in a stage of its own, because the
candidate lookup and the insert must hold one lock (two crawl processes may store one event at once).
A page that failed to download, or whose extraction failed, is recorded as a failure to retry on a
later run (with backoff); a page that is "not an article" is remembered so it is not fetched again.
Each stage is a module here (``extract``, ``analysis``, ``store``, ``rawpages``, ``export``); settings name
them through this package.
"""

from crawler.pipelines.analysis import DedupPipeline, RelevancePipeline, configured_topic, crawl_topic
from crawler.pipelines.export import ExportRecordPipeline
from crawler.pipelines.extract import ExtractPipeline, extract_workers
from crawler.pipelines.rawpages import RawPagePipeline
from crawler.pipelines.store import StorePipeline

__all__ = [
    "DedupPipeline",
    "ExportRecordPipeline",
    "ExtractPipeline",
    "RawPagePipeline",
    "RelevancePipeline",
    "StorePipeline",
    "configured_topic",
    "crawl_topic",
    "extract_workers",
]
