"""Scrapy settings for hotline and our own HOTLINE_* keys (overridden per run by the CLI)."""

BOT_NAME = "hotline"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
