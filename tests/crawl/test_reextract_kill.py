"""A ``hotline reextract`` killed with SIGKILL halfway leaves the store consistent, and a second run
finishes the work: the same articles and stories as a run never interrupted, nothing twice.

The store holds only raw pages (copies of the newsroom's articles under their own URLs, relevant and
not), as if an older extractor had rejected every one of them: the re-extraction adds and places them
all, so the kill lands among story placements.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.config import load_config
from crawler.store import RawPage, Store

ARTICLES = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "newsroom" / "articles"
SLUGS = ("austin-dong-video-call", "theater-commanders-talk", "first-call-in-a-year", "harbor-festival")
COPIES = 40


def seed(store: Store) -> int:
    """Raw pages only: each fixture article ``COPIES`` times, each copy at its own URL; how many."""
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    count = 0
    for i in range(COPIES):
        for slug in SLUGS:
            url = f"http://news.example/copies/{i}/{slug}.html"
            html = (ARTICLES / f"{slug}.html").read_text(encoding="utf-8")
            html = html.replace(f"{{base}}/articles/{slug}.html", url)
            html = html.replace("{base}", "http://news.example").replace("{alt}", "http://alt.example")
            page = RawPage(
                url=url,
                canonical_url=url,
                final_url=url,
                source="newsroom-rss",
                status=200,
                headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=html.encode(),
                fetched_at=fetched + timedelta(seconds=count),
            )
            assert store.pages.keep(page)
            count += 1
    return count


def reextract(config: Path, store_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "--config", str(config), "reextract", "--json", "--no-feed"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOTLINE_STORE": store_url},
    )


def count_articles(path: Path) -> int:
    with sqlite3.connect(path, timeout=30) as conn:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def assert_consistent(path: Path) -> None:
    """The database and the story invariants: every reference resolves, every story has its lead."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        broken = {
            "article in a missing story": "SELECT a.id FROM articles a "
            "LEFT JOIN stories s ON s.id = a.story_id WHERE a.story_id IS NOT NULL AND s.id IS NULL",
            "story without articles": "SELECT s.id FROM stories s WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.story_id = s.id)",
            "lead outside its story": "SELECT s.id FROM stories s "
            "LEFT JOIN articles a ON a.id = s.lead_article_id "
            "WHERE a.id IS NULL OR a.story_id IS NOT s.id OR a.duplicate_of IS NOT NULL",
            "copy apart from its original": "SELECT c.id FROM articles c "
            "LEFT JOIN articles o ON o.id = c.duplicate_of "
            "WHERE c.duplicate_of IS NOT NULL AND (o.id IS NULL OR o.story_id IS NOT c.story_id)",
            "placed without bands": "SELECT a.id FROM articles a WHERE a.story_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM fingerprint_bands b WHERE b.article_id = a.id)",
            "article without its URL": "SELECT a.id FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_urls u WHERE u.url = a.canonical_url AND u.article_id = a.id)",
        }
        for what, query in broken.items():
            assert conn.execute(query).fetchall() == [], what
    finally:
        conn.close()


def outcome(path: Path) -> tuple[list[tuple[str, str]], set[frozenset[str]]]:
    """(canonical URL and text of every article, the story partition as sets of canonical URLs)."""
    with sqlite3.connect(path, timeout=30) as conn:
        rows = conn.execute(
            "SELECT canonical_url, text, story_id FROM articles ORDER BY canonical_url"
        ).fetchall()
    members: dict[str, set[str]] = {}
    for url, _, story in rows:
        if story:
            members.setdefault(story, set()).add(url)
    return [(url, text) for url, text, _ in rows], {frozenset(m) for m in members.values()}


def test_a_killed_reextract_leaves_the_store_consistent(crawl_config, tmp_path):
    db = tmp_path / "killed.db"
    url = f"sqlite:///{db}"
    assert load_config(crawl_config).raw_pages_days == 90
    with Store(url) as store:
        pages = seed(store)
    reference = tmp_path / "reference.db"
    shutil.copy(db, reference)

    proc = reextract(crawl_config, url)
    deadline = time.monotonic() + 120
    while count_articles(db) < 12:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_before_kill = count_articles(db)
    assert 12 <= done_before_kill < pages  # killed halfway
    assert_consistent(db)

    finish = reextract(crawl_config, url)
    out, err = finish.communicate(timeout=300)
    assert finish.returncode == 0, err
    summary = json.loads(out)
    assert summary["pages"] == pages
    assert summary["added"] == pages - done_before_kill and summary["unchanged"] == done_before_kill
    assert_consistent(db)

    uninterrupted = reextract(crawl_config, f"sqlite:///{reference}")
    out, err = uninterrupted.communicate(timeout=300)
    assert uninterrupted.returncode == 0, err
    assert json.loads(out)["added"] == pages
    assert outcome(db) == outcome(reference)
    texts, stories = outcome(db)
    assert len(texts) == pages and len({u for u, _ in texts}) == pages  # nothing twice
    assert stories  # the relevant copies were placed in stories
