"""Headless Chromium opens the served feeds and front page: a feed URL gives the feed's HTML page.

Browsers are dropping XSLT (Chromium paints a "XSLT is being removed" banner over a styled feed), so
the server answers a browser with the page written beside the feed. ``--dump-dom`` must hold the
entry titles; a screenshot must be a real picture (size, not one flat colour) whose top band is the
page itself, not a banner. Skipped only without chromium.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from feeds.serve import FeedServer, make_server
from feeds.site import write_all
from tests.feedsamples import health_feed, story_entries, story_feed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1100,1400",
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/test.sh installs it)"),
]
TITLES = [e.title for e in story_entries()]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedServer]:
    directory = tmp_path_factory.mktemp("feeds")
    write_all(directory, story_feed(), story_feed(), health_feed(1))
    server = make_server(directory, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_feed_opened_in_a_browser_is_a_readable_page(server: FeedServer, tmp_path: Path, name: str) -> None:
    dom = chromium(tmp_path / "profile", "--dump-dom", server.url + name).stdout
    page = lxml.html.fromstring(dom)
    # our HTML page with our markup, not the raw XML tree, a text dump or an XSLT transform
    assert page.find(".//link[@href='style.css']") is not None
    assert "Copy its address into your feed reader" in page.text_content()
    headings = [" ".join(h.text_content().split()) for h in page.iter("h2")]
    assert headings == [TITLES[1], TITLES[2], TITLES[0]]  # newest first
    text = " ".join(page.text_content().split())
    assert "Why this is here: relevance 0.91: Austin, Dong Jun, video call, PLA" in text
    assert "Also carried by: Wire Service, Harbour Daily" in text
    links = {a.get("href") for a in page.iter("a")}
    assert "https://wire.example.org/a1" in links and "index.html" in links


def test_health_feed_opened_in_a_browser_has_its_own_page(server: FeedServer, tmp_path: Path) -> None:
    dom = chromium(tmp_path / "profile", "--dump-dom", server.url + "health.xml").stdout
    page = lxml.html.fromstring(dom)
    assert page.findtext(".//h1") == "Hotline source health"
    assert page.findtext(".//p[@class='lede']") == "Sources that broke"
    assert [h.text_content() for h in page.iter("h2")] == ["source-0: no articles in the last 3 runs"]


def test_front_page_lists_stories_and_broken_sources(server: FeedServer, tmp_path: Path) -> None:
    dom = chromium(tmp_path / "profile", "--dump-dom", server.url).stdout
    page = lxml.html.fromstring(dom)
    text = " ".join(page.text_content().split())
    assert text.index("1 source needs attention") < text.index(TITLES[1])
    for title in TITLES:
        assert title in text
    assert "Example News" in text and "Defence Desk" in text


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "health.xml", ""])
def test_screenshot_is_a_real_picture(server: FeedServer, tmp_path: Path, name: str) -> None:
    shot = tmp_path / "page.png"
    chromium(tmp_path / "profile", f"--screenshot={shot}", server.url + name)
    width, height, colours, inked, top = png_stats(shot.read_bytes())
    assert (width, height) == (1100, 1400)
    assert shot.stat().st_size > (20_000 if name != "health.xml" else 8_000)
    assert colours > 20  # text, cards, links: not one flat colour
    assert 0.005 < inked < 0.9  # share of pixels that differ from the page background
    assert top == 1.0  # the top band is page background: no banner over the title


def png_stats(data: bytes) -> tuple[int, int, int, float, float]:
    """(width, height, distinct colours, share of pixels unlike the most common one, share of the top
    16 rows' pixels that are the most common one) of an 8-bit PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6), "expected 8-bit RGB or RGBA"
    channels = 3 if colour_type == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        row = unfilter(line[0], bytearray(line[1:]), previous, channels)
        rows.append(bytes(row))
        previous = row
    counts: dict[bytes, int] = {}
    for row in rows[::4]:  # every 4th row and pixel is plenty for these figures
        for x in range(0, stride, channels * 4):
            pixel = row[x : x + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    total = sum(counts.values())
    background = max(counts, key=counts.__getitem__)
    band = [row[x : x + 3] for row in rows[:16] for x in range(0, stride, channels)]
    top = sum(pixel == background for pixel in band) / len(band)
    return width, height, len(counts), 1 - max(counts.values()) / total, top


def unfilter(kind: int, row: bytearray, previous: bytearray, step: int) -> bytearray:
    """Undo one PNG row filter (none, sub, up, average, Paeth)."""
    if kind == 0:
        return row
    for i in range(len(row)):
        left = row[i - step] if i >= step else 0
        up = previous[i]
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 0xFF
        else:
            corner = previous[i - step] if i >= step else 0
            estimate = left + up - corner
            pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
            row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
    return row
