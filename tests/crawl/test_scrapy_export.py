"""``scrapy crawl SPIDER -O FILE`` exports the article records, the way Scrapy users run spiders ad hoc.

Real ``scrapy crawl`` processes against the newsroom fixture site; the files are read back with the
standard library. Before the export stage, JSON lines failed on the page bytes ("Object of type bytes
is not JSON serializable") and CSV held raw HTML and Python reprs.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.etree
import pytest

from crawler.cli.crawl import EXPORT_FIELDS
from tests.conftest import FAST_CRAWL

ROOT = Path(__file__).resolve().parents[2]


def scrapy_crawl(
    config: Path, spider: str, source: str, output: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    settings = [arg for key, value in FAST_CRAWL.items() for arg in ("-s", f"{key}={value}")]
    env = {**os.environ, "HOTLINE_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            spider,
            "-a",
            f"source={source}",
            "-O",
            str(output),
            *settings,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "TypeError" not in done.stderr, done.stderr[-3000:]
    assert "Error caught on signal handler" not in done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch Scrapy project folder: scrapy.cfg pointing at the crawler settings."""
    (tmp_path / "scrapy.cfg").write_text((ROOT / "scrapy.cfg").read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_jsonl_export_holds_the_article_records(crawl_config: Path, project: Path) -> None:
    out = project / "items.jsonl"
    done = scrapy_crawl(crawl_config, "feed", "newsroom-rss", out, project)
    assert_clean(done)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 4
    for record in records:
        assert list(record) == list(EXPORT_FIELDS)  # the fields and order of ``hotline export``
        assert record["source"] == "newsroom-rss"
        assert record["url"].startswith("http://127.0.0.1") and record["title"] and record["text"]
        assert "<" not in record["text"] and "body" not in record
        assert isinstance(record["matched"], list) and isinstance(record["score"], float)
    relevant = [r for r in records if r["relevant"]]
    assert relevant and all(r["matched"] and r["story_id"].startswith("story-") for r in relevant)
    # the articles went to the store as well, in the config's data folder
    assert (crawl_config.parent / "data").is_dir()


@pytest.mark.parametrize("suffix", ["csv", "xml"])
def test_csv_and_xml_exports_carry_plain_values(crawl_config: Path, project: Path, suffix: str) -> None:
    out = project / f"items.{suffix}"
    done = scrapy_crawl(crawl_config, "sitemap", "newsroom-sitemap", out, project)
    assert_clean(done)
    data = out.read_text(encoding="utf-8")
    for leak in ("b'", 'b"', "<html", "<p>", "PageItem", "Article(", "datetime.", "{'"):
        assert leak not in data, leak
    if suffix == "csv":
        rows = list(csv.DictReader(data.splitlines()))
        assert rows and list(rows[0]) == list(EXPORT_FIELDS)
        assert all(row["title"] and float(row["score"]) >= 0 for row in rows)
    else:
        root = lxml.etree.fromstring(data.encode("utf-8"))
        items = root.findall("item")
        assert items and [child.tag for child in items[0]][:4] == ["url", "canonical_url", "title", "text"]
