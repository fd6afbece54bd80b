"""hotline's publishing side: feed records, RSS/Atom/JSON Feed rendering, atomic files, HTTP serving.

Knows nothing of Scrapy or of the crawler: ``crawler`` reads its store and hands ``feeds.model``
records over. Modules, in the order data flows: ``model`` (records) → ``prepare`` (cleaned entries
and their HTML) → ``render`` (Atom, RSS), ``jsonfeed`` and ``index`` (front page) → ``site`` (the
published folder, written with ``write.atomic_write``) → ``app`` and ``serve`` (HTTP).
"""
