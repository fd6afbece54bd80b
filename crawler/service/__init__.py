"""Running hotline: launchers, Scrapyd, schedule, daemon, publishing. Never imports Scrapy."""
