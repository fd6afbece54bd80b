"""A crawl of ``fixtures/sites/channels``: the theatre-commander channel is active, suspended, then
(after the site publishes the September call) restored; ``channels.xml`` gets one entry per change and
the March story's page shows the U.S. and Chinese readouts side by side."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import lxml.html
import pytest

from tests.conftest import FAST_CRAWL, SITES, SiteServer
from tests.htmlcheck import html_problems

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    server = SiteServer(SITES / "channels")
    yield server
    server.close()


def hotline(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    settings = [arg for key, value in FAST_CRAWL.items() for arg in ("-s", f"{key}={value}")]
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from crawler.cli import main; main()",
            "--config",
            str(config),
            *args,
            *settings,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )


def write_config(folder: Path, site: SiteServer) -> Path:
    path = folder / "hotline.toml"
    path.write_text(
        f"""
bundled_sources = false
data_dir = "{(folder / "data").as_posix()}"

[[sources]]
name = "courier"
kind = "feed"
url = "{site.url}/news/rss.xml"

[[sources]]
name = "us-readouts"
kind = "feed"
url = "{site.url}/us/rss.xml"
official = "us"

[[sources]]
name = "cn-readouts"
kind = "feed"
url = "{site.url}/cn/rss.xml"
official = "cn"
""",
        encoding="utf-8",
    )
    return path


def theatre(feeds: Path) -> dict:
    data = json.loads((feeds / "channels.json").read_bytes())
    return next(c for c in data["channels"] if c["id"] == "theater-commanders")


def test_a_suspension_then_a_restoration_is_tracked(site: SiteServer, tmp_path: Path) -> None:
    site.reset()
    config = write_config(tmp_path, site)
    feeds = tmp_path / "data" / "feeds"
    done = hotline(config, "crawl", "--json")
    assert done.returncode == 0, done.stderr

    channel = theatre(feeds)
    assert (channel["state"], channel["since"]) == ("suspended", "2026-06-12")
    assert channel["last_contact"]["date"] == "2026-03-03" and channel["last_contact"]["kind"] == "video-call"
    assert channel["last_breakdown"]["date"] == "2026-06-12"
    first = feedparser.parse((feeds / "channels.xml").read_bytes())
    assert not first.bozo and len(first.entries) == 2

    page = feeds / channel["last_contact"]["page"]
    assert html_problems(page.read_bytes()) == []
    tree = lxml.html.fromstring(page.read_bytes())
    us, cn = tree.cssselect(".readout-us"), tree.cssselect(".readout-cn")
    assert "Indo-Pacific Command" in us[0].text_content() and "南部战区" in cn[0].text_content()
    # the longest term the topic knows is glossed: 南部战区司令员 (a role) before 南部战区 (the command)
    assert re.search("南部战区\\w* → theater command", cn[0].cssselect(".gloss")[0].text_content())

    assert site.publish("restored")
    done = hotline(config, "crawl", "--json")
    assert done.returncode == 0, done.stderr
    channel = theatre(feeds)
    assert (channel["state"], channel["since"]) == ("active", "2026-09-22")
    assert [c["state"] for c in channel["changes"]] == ["active", "suspended", "active"]
    second = feedparser.parse((feeds / "channels.xml").read_bytes())
    assert len(second.entries) == 3
    assert second.entries[0].title == "Theatre commanders: first contact since June 2026"
    assert {e.id for e in first.entries} < {e.id for e in second.entries}  # earlier entries keep their ids
    html = (feeds / "channels.html").read_text(encoding="utf-8")
    assert html_problems(html.encode()) == [] and "Active since 2026-09-22" in html
