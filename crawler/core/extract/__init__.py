"""Extraction: HTML + URL → a clean Article, or Rejected. Pure: no Scrapy, no IO."""

from crawler.core.extract.article import (
    EXTRACTOR_VERSION,
    CleaningReport,
    explain_article,
    extract_article,
    extract_reported,
)
from crawler.core.extract.rules import Removal

__all__ = [
    "EXTRACTOR_VERSION",
    "CleaningReport",
    "Removal",
    "explain_article",
    "extract_article",
    "extract_reported",
]
