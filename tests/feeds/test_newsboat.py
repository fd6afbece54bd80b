"""A real feed reader, Debian's newsboat, subscribes to the served feeds and lists their entries.

newsboat runs non-interactively with its own urls/config/cache files (``-x reload``) against the
server on 127.0.0.1; its SQLite cache is then read back. Once it holds the ETag, a reload is a 304.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.serve import FeedServer, make_server
from feeds.site import write_all
from tests.feedsamples import story_entries, story_feed

NEWSBOAT = shutil.which("newsboat")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (scripts/test.sh installs it)"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FeedServer]:
    write_all(tmp_path / "feeds", story_feed(), story_feed())
    server = make_server(tmp_path / "feeds", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def reload(home: Path, url: str) -> Path:
    """Run ``newsboat -x reload`` for one feed with its own files; return its cache database."""
    home.mkdir(exist_ok=True)
    (home / "urls").write_text(url + "\n")
    (home / "config").write_text("download-timeout 15\nreload-threads 1\n")
    cache = home / "cache.db"
    result = subprocess.run(
        [NEWSBOAT, "-u", str(home / "urls"), "-c", str(cache), "-C", str(home / "config"), "-x", "reload"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return cache


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "articles.rss.xml"])
def test_newsboat_lists_the_entries(
    server: FeedServer, tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.url + name
    with caplog.at_level(logging.INFO, logger="feeds.serve"):
        for _ in range(3):  # newsboat 2.21 stores the ETag from its second fetch of a new feed on
            cache = reload(tmp_path / "newsboat", url)
    with sqlite3.connect(cache) as db:
        items = db.execute(
            "SELECT guid, title, url, author, feedurl FROM rss_item ORDER BY pubDate DESC"
        ).fetchall()
        (feed_title,) = db.execute("SELECT title FROM rss_feed WHERE rssurl = ?", (url,)).fetchone()
    assert feed_title == "Hotline: US–China military communications"
    newest_first = sorted(story_entries(), key=lambda e: e.published, reverse=True)
    assert [(guid, title, link, author) for guid, title, link, author, _ in items] == [
        (e.id, e.title, e.link, e.author) for e in newest_first
    ]
    assert {feedurl for *_, feedurl in items} == {url}
    statuses = [r.getMessage().rsplit(" ", 2)[-2] for r in caplog.records if r.name == "feeds.serve"]
    assert statuses[0] == "200" and statuses[-1] == "304"  # nothing changed: no body the third time
