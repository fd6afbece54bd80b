"""Scrapy settings for hotline and our own HOTLINE_* keys, in one place.

Polite by default: robots.txt obeyed, AutoThrottle on, a descriptive User-Agent with a contact URL
(the config's ``user_agent``, applied by the spiders), few requests per site, size and time limits,
retries with backoff. Tests and the bench override the slow bits with ``-s KEY=VALUE`` (priority
``cmdline``), never by editing this file.
"""

BOT_NAME = "hotline"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Politeness ----------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = "hotline/0.1 (+https://github.com/hotline-news/hotline; news monitoring)"  # config wins
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 0.5  # AutoThrottle's lower bound (±50% jitter: DOWNLOAD_DELAY_JITTER)
CONCURRENT_REQUESTS = 16  # many sites at once (news-search results) ...
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # ... but few requests to any one of them
COOKIES_ENABLED = False  # news pages need none, and consent walls set plenty
CONCURRENT_ITEMS = 8  # per response; Scrapy starts this many tasks for each callback's output

# --- Limits --------------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
URLLENGTH_LIMIT = 2048  # the store's URL columns hold this much
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DNS_TIMEOUT = 10  # a name that does not resolve is known in seconds (UnreachableHostMiddleware: no retry)
DEPTH_LIMIT = 0  # listing depth is the source's `depth`, counted by the listing spider

# --- Off: caches, consoles, remote code execution ------------------------------------------------
HTTPCACHE_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"  # scrapy crawl -O: Chinese and Arabic as written, not \\u escapes
LOGSTATS_INTERVAL = 60.0

# --- Components ----------------------------------------------------------------------------------
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.DueFailuresMiddleware": 30,  # retries of earlier failures go first
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.KnownUrlMiddleware": 60,  # before robots.txt: a known URL costs nothing
    "crawler.middlewares.ConditionalGetMiddleware": 560,  # inside retries, sees the final response
    "crawler.middlewares.RetryBackoffMiddleware": 540,
    "crawler.middlewares.RetryAfterMiddleware": 555,  # sees 429/503 before RetryMiddleware (550)
    "crawler.middlewares.UnreachableHostMiddleware": 580,  # DNS failure, refused: no in-run retry
}
ITEM_PIPELINES = {
    "crawler.pipelines.RawPagePipeline": 50,  # keep the page raw, for reextract and WARC (store.pages)
    "crawler.pipelines.ExtractPipeline": 100,  # page -> Article | Rejected
    "crawler.pipelines.RelevancePipeline": 300,  # score, relevant, matched terms
    "crawler.pipelines.DedupPipeline": 500,  # fingerprint, event date, event features
    "crawler.pipelines.StorePipeline": 900,  # row + story placement in one transaction; failures
    "crawler.pipelines.ExportRecordPipeline": 950,  # articles go on as ArticleRecord (scrapy crawl -O)
}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 500,
}

# --- hotline's own keys --------------------------------------------------------------------------
HOTLINE_CONFIG = None  # config file path; default $HOTLINE_CONFIG, else the bundled sources
HOTLINE_STORE = None  # database URL; default the config's `store`
HOTLINE_RETRY_BACKOFF = 2.0  # seconds before the first in-run retry, doubling per retry
HOTLINE_RETRY_BACKOFF_MAX = 30.0
HOTLINE_RETRY_AFTER_MAX = 30.0  # longest Retry-After waited for in a run; longer: retried on a later run
HOTLINE_FAILURE_BACKOFF = 900.0  # seconds before a failed article is due again, doubling per attempt
HOTLINE_FAILURE_BACKOFF_MAX = 86400.0
HOTLINE_FAILURE_MAX_ATTEMPTS = 6  # then the page is given up (remembered, not retried)
HOTLINE_SITEMAP_MAX_AGE_DAYS = 30  # skip sitemap entries older than this (lastmod, news date); 0 = all
HOTLINE_SINCE = None  # YYYY-MM-DD (crawl --since): dated entries before it skipped; replaces the max age
HOTLINE_BACKFILL_PAGES = 50  # listing "next" pages followed when HOTLINE_SINCE is set
HOTLINE_EXTRACT_WORKERS = "auto"  # extraction processes beside the crawl: a count, 0 (in the crawl
# process itself) or auto (one per core, at most 4; none on a single core)
HOTLINE_EXTRACT_INLINE = 24  # pages extracted in the crawl process before the workers start
HOTLINE_RUN_UPDATE_INTERVAL = 5.0  # seconds between progress writes to the run's row
