"""``hotline crawl``, ``status`` and ``export`` run as real processes against the fixture site."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli.crawl import EXPORT_FIELDS

pytestmark = pytest.mark.slow


def hotline(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site_server, newsroom_config, fast_crawl):
    """One ``hotline crawl`` of two sources, the Atom feed answering 404: (config path, the process)."""
    site_server.reset()
    site_server.fault("/atom.xml", "404")
    config = newsroom_config(tmp_path_factory.mktemp("cli"))
    settings = [arg for key, value in fast_crawl.items() for arg in ("-s", f"{key}={value}")]
    done = hotline("--config", str(config), "crawl", "newsroom-rss", "newsroom-atom", "--json", *settings)
    site_server.reset()
    return config, done


def test_crawl_prints_one_json_summary_per_source_and_fails_if_one_failed(crawled):
    _, done = crawled
    assert done.returncode == 1, done.stderr
    results = {r["source"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert results["newsroom-rss"]["outcome"] == "ok"
    assert results["newsroom-rss"]["articles_new"] == 5
    assert results["newsroom-rss"]["not_articles"] == 1
    assert results["newsroom-rss"]["pages_fetched"] >= 7
    assert results["newsroom-atom"]["outcome"] == "failed"
    assert "atom.xml: HTTP 404" in results["newsroom-atom"]["errors"]
    assert all(r["seconds"] > 0 and r["run_id"] for r in results.values())


def test_status_shows_health_per_source(crawled):
    config, _ = crawled
    done = hotline("--config", str(config), "status", "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["source"]: row for row in json.loads(done.stdout)}
    assert set(rows) == {
        "newsroom-rss",
        "newsroom-atom",
        "newsroom-sitemap",
        "newsroom-listing",
        "newsroom-search",
    }
    rss, atom = rows["newsroom-rss"], rows["newsroom-atom"]
    assert (rss["last_outcome"], rss["articles_total"], rss["articles_new_last_run"]) == ("ok", 5, 5)
    assert rss["consecutive_failures"] == 0 and rss["last_success"]
    assert (atom["last_outcome"], atom["consecutive_failures"], atom["last_success"]) == ("failed", 1, None)
    assert "HTTP 404" in atom["last_error"]
    assert rows["newsroom-listing"]["last_outcome"] is None
    table = hotline("--config", str(config), "status")
    assert table.returncode == 0 and "newsroom-atom" in table.stdout and "failed" in table.stdout
    # a source never crawled is not called "ok": nothing is known of it yet
    listing = next(line for line in table.stdout.splitlines() if "newsroom-listing" in line)
    assert "not yet" in listing and " ok " not in listing


def test_export_jsonl_and_csv(crawled, tmp_path: Path):
    config, _ = crawled
    jsonl = hotline("--config", str(config), "export")
    assert jsonl.returncode == 0, jsonl.stderr
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(records) == 5
    assert all(list(r) == list(EXPORT_FIELDS) for r in records)
    assert all(r["source"] == "newsroom-rss" and r["text"] and r["first_seen"] for r in records)
    # scored by the relevance stage; on-topic articles only are placed in a story
    assert all(isinstance(r["score"], float) for r in records)
    assert all((r["story_id"] is not None) == r["relevant"] for r in records)

    out = tmp_path / "articles.csv"
    done = hotline(
        "--config", str(config), "export", "--format", "csv", "--since", "2000-01-01", "-o", str(out)
    )
    assert done.returncode == 0 and "5 article(s) written" in done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["canonical_url"] for r in rows] == [r["canonical_url"] for r in records]
    assert rows[0]["text"] == records[0]["text"]  # multi-line text survives CSV quoting

    later = hotline("--config", str(config), "export", "--since", "2999-01-01")
    assert later.returncode == 0 and later.stdout == ""


def test_unknown_source_is_one_clear_line(crawled):
    config, _ = crawled
    done = hotline("--config", str(config), "crawl", "newsroom-rs")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"Error: {config}: no source named 'newsroom-rs' (known: newsroom-rss, newsroom-atom, "
        "newsroom-sitemap, newsroom-listing, newsroom-search)"
    ]


@pytest.mark.parametrize("command", ["crawl", "status", "export"])
def test_help_has_an_example(command: str):
    done = hotline(command, "--help")
    assert done.returncode == 0 and "Example" in done.stdout and f"hotline {command}" in done.stdout
