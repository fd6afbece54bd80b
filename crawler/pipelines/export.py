"""The last pipeline stage: hand Scrapy's feed exports the article record, not the fetched page.

A ``PageItem`` carries the raw body (bytes) and the stages' working data; exported as it is, JSON
lines fail on the bytes and CSV fills with HTML and reprs. After the store stage has recorded every
outcome, an article goes on as its ``ArticleRecord`` and a page that gave none (an error, a page
that is not an article) stops here, dropped quietly (at DEBUG): the store has it already.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrapy.exceptions import DropItem

from crawler.items import PageItem, article_record


class ExportRecordPipeline:
    """PageItem → ArticleRecord for the feed exports and ``item_scraped`` listeners."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExportRecordPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        record = article_record(item, datetime.now(UTC))
        if record is None:
            reason = item.error or (item.rejected.reason if item.rejected else "no article")
            raise DropItem(f"{item.url}: no article ({reason})", log_level="DEBUG")
        self.stats.inc_value("hotline/records_out")
        return record
