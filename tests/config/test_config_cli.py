"""A bad value anywhere in the config stops ``hotline run`` and ``hotline status`` at once, as one line.

Each case is a config a user could write; the real CLI runs as a process and must exit non-zero with a
single ``Error:`` line naming the file, the source (when there is one) and the key, and no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts the CLI as a process

SOURCE = '[[sources]]\nname = "harbour-news"\nkind = "feed"\nurl = "https://harbour.example/feed.xml"\n'

# (case id, config body after the common head, what the line must name besides the file)
BAD = [
    ("cron", SOURCE + 'every = "cron: 61 * * * *"\n', ["source 'harbour-news'", "'every'", "61"]),
    ("port", SOURCE + "[server]\nport = 99999\n", ["'server.port'", "65535", "99999"]),
    ("threshold", SOURCE + "[feed]\nthreshold = 5\n", ["'feed.threshold'", "at most 1", "5"]),
    ("entries", SOURCE + "[feed]\nentries = -3\n", ["'feed.entries'", "at least 1", "-3"]),
    ("delay", SOURCE + '[scrapy]\nDOWNLOAD_DELAY = "soon"\n', ["'scrapy.DOWNLOAD_DELAY'", "'soon'"]),
    ("source-delay", SOURCE + 'settings = {DOWNLOAD_DELAY = "no"}\n', ["'settings.DOWNLOAD_DELAY'", "'no'"]),
    ("selector", SOURCE + 'selectors = ["div[class=ad"]\n', ["source 'harbour-news'", "'selectors'", "ad"]),
    ("official", SOURCE + 'official = "uk"\n', ["source 'harbour-news'", "'official'", "'us'", "'uk'"]),
    ("typo", SOURCE + 'evry = "1h"\n', ["source 'harbour-news'", "unknown key 'evry'", "every"]),
    ("topic", SOURCE + "[topic]\nname = 'beat'\nthreshhold = 0.4\n", ["topic", "'threshhold'", "unknown"]),
]


def hotline(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HOTLINE_CONFIG", "HOTLINE_STORE")}
    return subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=config.parent,
    )


@pytest.mark.parametrize(("body", "names"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
@pytest.mark.parametrize("command", ["run", "status"])
def test_a_bad_value_stops_the_command_with_one_line(
    tmp_path: Path, command: str, body: str, names: list[str]
) -> None:
    config = tmp_path / "hotline.toml"
    config.write_text(f'bundled_sources = false\ndata_dir = "data"\n{body}', encoding="utf-8")
    done = hotline(config, command)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"Error: {config}: ")
    for name in names:
        assert name in lines[0]
    assert not (tmp_path / "data").exists()  # nothing ran: no store, no feeds, no schedule
