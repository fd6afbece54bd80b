"""Extraction: HTML + URL → a clean Article, or Rejected. Pure: no Scrapy, no IO."""

from crawler.extract.article import extract_article

__all__ = ["extract_article"]
