"""Extraction: HTML + URL → a clean Article, or Rejected. Pure: no Scrapy, no IO."""

from crawler.core.extract.article import explain_article, extract_article
from crawler.core.extract.rules import Removal

__all__ = ["Removal", "explain_article", "extract_article"]
