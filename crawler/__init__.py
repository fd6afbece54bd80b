"""hotline's crawl side: a Scrapy project (settings, items, spiders, middlewares, pipelines, extensions)
plus its layers — ``core`` (pure stages), ``store`` (the only SQL), ``service`` (running crawls, the
daemon, publishing), ``cli`` and ``devtools``. docs/layout.md places every module."""

__version__ = "0.1.0"
