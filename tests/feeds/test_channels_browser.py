"""Headless Chromium opens the channel tracker and a story page built from the labelled corpus: the
timelines are drawn (inline SVG, no JavaScript), the readouts stand side by side, the screenshots are
real pictures. ``python -m tests.feeds.test_channels_browser docs`` writes the README's screenshots."""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from crawler.service.publish import publish
from crawler.store import Store
from feeds.serve import FeedServer, make_server
from feeds.storypage import page_name
from tests.feeds.test_browser import CHROMIUM, chromium, png_stats
from tests.service.test_channels import BOTH_SIDES_STORY, IDS, make_config, seed_corpus

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/test.sh installs it)"),
]


def build(folder: Path) -> Path:
    """Publish the corpus (two of its outlets as official sources) into ``folder``; the feeds folder."""
    config = make_config(folder)
    with Store(config.store) as store:
        seed_corpus(store)
        publish(config, store)
    return config.feeds_dir


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedServer]:
    served = make_server(build(tmp_path_factory.mktemp("analyst")), "127.0.0.1", 0)
    threading.Thread(target=served.serve_forever, args=(0.05,), daemon=True).start()
    yield served
    served.shutdown()
    served.server_close()


def test_the_tracker_draws_a_timeline_per_channel(server: FeedServer, tmp_path: Path) -> None:
    dom = chromium(tmp_path / "profile", "--dump-dom", server.url + "channels.html").stdout
    page = lxml.html.fromstring(dom)
    sections = page.cssselect("section.channel")
    assert [s.get("id") for s in sections] == IDS
    theatre = sections[IDS.index("theater-commanders")]
    assert "Active since 2024-09-10" in " ".join(theatre.text_content().split())
    markers = theatre.xpath(".//*[local-name()='svg']//*[local-name()='a']")
    assert len(markers) == len(theatre.cssselect("ol.events li")) >= 4  # one linked marker per event


def test_a_story_page_shows_both_readouts(server: FeedServer, tmp_path: Path) -> None:
    dom = chromium(tmp_path / "profile", "--dump-dom", server.url + page_name(BOTH_SIDES_STORY)).stdout
    page = lxml.html.fromstring(dom)
    assert len(page.cssselect(".side-by-side .readout")) == 2
    assert "董军 → Dong Jun" in page.text_content()


@pytest.mark.parametrize("name", ["channels.html", page_name(BOTH_SIDES_STORY)])
def test_screenshot_is_a_real_picture(server: FeedServer, tmp_path: Path, name: str) -> None:
    shot = tmp_path / "page.png"
    chromium(tmp_path / "profile", f"--screenshot={shot}", server.url + name)
    width, height, colours, inked, _top = png_stats(shot.read_bytes())
    assert (width, height) == (1100, 1400) and colours > 50 and 0.02 < inked < 0.9


def screenshots(target: Path) -> None:
    """Write docs/channels.png and docs/story.png from the corpus (needs chromium and a CJK font)."""
    with tempfile.TemporaryDirectory() as folder:
        feeds = build(Path(folder))
        profile = Path(folder) / "profile"
        for name, page in (("channels.png", "channels.html"), ("story.png", page_name(BOTH_SIDES_STORY))):
            chromium(profile, f"--screenshot={target / name}", (feeds / page).as_uri())


if __name__ == "__main__":
    screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
