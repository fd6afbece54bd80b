"""A site whose layout changes under the crawler is reported broken after K runs — in status and feeds.

The redesign fixture site publishes, run after run, new articles in a JavaScript-only layout that gives
no article text. Fetch works, nothing fails loudly: only the health check can tell the user.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from tests.conftest import FAST_CRAWL, SITES, SiteServer


@pytest.fixture(scope="module")
def redesign() -> Iterator[SiteServer]:
    server = SiteServer(SITES / "redesign")
    yield server
    server.close()


def hotline(config: Path, *args: str) -> Any:
    done = subprocess.run([sys.executable, "-m", "crawler", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode in (0, 1), done.stderr
    try:
        parsed = json.loads(done.stdout)  # a JSON array (status) ...
    except ValueError:  # ... or one JSON object per line (crawl)
        return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return parsed if isinstance(parsed, list) else [parsed]


def health_of(config: Path, source: str) -> dict[str, Any]:
    return next(row for row in hotline(config, "status", "--json") if row["source"] == source)


def test_layout_change_is_reported_broken_after_k_runs(tmp_path: Path, redesign: SiteServer) -> None:
    redesign.reset()
    scrapy = "\n".join(f"{key} = {value!r}" for key, value in FAST_CRAWL.items())
    config = tmp_path / "hotline.toml"
    config.write_text(f"""
bundled_sources = false
data_dir = "{(tmp_path / 'data').as_posix()}"

[daemon]
broken_after = 2

[scrapy]
{scrapy}

[[sources]]
name = "harbour"
kind = "feed"
url = "{redesign.url}/rss.xml"
""", encoding="utf-8")

    first = hotline(config, "crawl", "harbour", "--json")[0]
    assert first["articles_new"] == 2
    assert health_of(config, "harbour")["health"] == "ok"

    redesign.publish("redesign-1")
    second = hotline(config, "crawl", "harbour", "--json")[0]
    assert second["articles_new"] == 0 and second["not_articles"] == 1
    assert health_of(config, "harbour")["health"] == "ok"  # one run is not yet a pattern

    hotline(config, "crawl", "harbour", "--json")  # nothing new: neither breaks nor heals
    redesign.publish("redesign-2")
    hotline(config, "crawl", "harbour", "--json")
    status = health_of(config, "harbour")
    assert status["health"] == "broken", status
    assert "layout" in " ".join(status["health_reasons"])

    feeds = tmp_path / "data" / "feeds"
    health = feedparser.parse((feeds / "health.xml").read_bytes())
    assert not health.bozo
    assert [e.title for e in health.entries] == ["Source harbour is broken"]
    assert "layout" in health.entries[0].summary
    assert "harbour" in (feeds / "index.html").read_text(encoding="utf-8")
