"""hotline's crawl side: sources, spiders, extraction, relevance, dedup, store, scheduler and CLI."""

__version__ = "0.1.0"
