"""hotline's publishing side: feed records, RSS/Atom/JSON Feed rendering, atomic files, HTTP serving.

Knows nothing of Scrapy or of the crawler: ``crawler`` reads its store and hands ``feeds.model``
records over.
"""
