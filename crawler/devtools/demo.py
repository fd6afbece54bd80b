"""``hotline demo``: the whole product, offline, in one command.

Serves the bundled fixture news site on 127.0.0.1, points a temporary configuration at it, runs the
real daemon (scheduler, crawl processes, feed server) with short intervals, publishes a new article on
the site once the first crawl is in the feed, and shows it arriving — the path a newcomer's feed
reader would see.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.request import Request, urlopen

import feedparser
from rich.console import Console

from crawler.config import load_config
from crawler.service.daemon import STATE_FILE, run_daemon

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "fixtures" / "sites" / "newsroom"
DRAFT = "hegseth-call"
FAST = {
    "AUTOTHROTTLE_START_DELAY": 0.05,
    "AUTOTHROTTLE_MAX_DELAY": 1,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 15,
    "HOTLINE_FAILURE_BACKOFF": 0,
    "LOGSTATS_INTERVAL": 0,
}


class DemoError(RuntimeError):
    """The demo cannot run here; the message says why and what to do."""


def start_site(site: Path) -> tuple[subprocess.Popen[str], str]:
    """The fixture site in its own process (a working copy, so publishing leaves the checkout alone).

    The site lives in the source checkout, not in the wheel: without it, one clear DemoError.
    """
    if not site.is_dir():
        raise DemoError(f"the demo site is missing ({site}); run hotline demo from a clone of the project "
                        "installed with pip install -e .")
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.devtools.site", "--site", str(site), "--watch-stdin",
         "--lifetime", "86400"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    url = proc.stdout.readline().strip() if proc.stdout else ""
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise DemoError(f"the demo site server did not start (it printed {url!r})")
    return proc, url


def write_config(folder: Path, site_url: str, interval: int, port: int) -> Path:
    """A config with the fixture site's feed and listing as sources, polled every ``interval`` seconds."""
    scrapy = "\n".join(f"{key} = {value!r}" for key, value in FAST.items())
    path = folder / "hotline.toml"
    path.write_text(f"""# Written by hotline demo: the bundled fixture site, polled every {interval} s.
bundled_sources = false
data_dir = "{(folder / 'data').as_posix()}"

[server]
port = {port}

[daemon]
jitter = 0
crawl_timeout = 120

[scrapy]
{scrapy}

[[sources]]
name = "demo-newsroom-feed"
kind = "feed"
url = "{site_url}/rss.xml"
every = "{interval}s"

[[sources]]
name = "demo-newsroom-listing"
kind = "listing"
url = "{site_url}/news/index.html"
follow = '/articles/[a-z0-9-]+\\.html$'
every = "{interval}s"
""", encoding="utf-8")
    return path


def feed_links(url: str) -> list[str]:
    """The entry links of a served feed, read as a feed reader reads them."""
    with urlopen(Request(url, headers={"User-Agent": "hotline-demo"}), timeout=10) as response:
        parsed = feedparser.parse(response.read())
    return [entry.get("link", "") for entry in parsed.entries]


def wait_until(check: Callable[[], bool], timeout: float, stop: threading.Event) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.is_set():
        try:
            if check():
                return True
        except OSError:
            pass
        stop.wait(0.5)
    return False


def publish_draft(site_url: str, name: str = DRAFT) -> None:
    with urlopen(Request(f"{site_url}/_publish?name={name}", method="POST", data=b""), timeout=10):
        pass


def run_demo(console: Console, *, port: int, interval: int, keep_running: bool,
             wait_for_stop: Callable[[threading.Event], object],
             stop: threading.Event | None = None) -> float | None:
    """Run the demo; return the seconds from publishing the new article to its arrival in the feed
    (None when ``stop`` was set first: the user stopped it)."""
    site, site_url = start_site(SITE)  # first: a missing site leaves nothing behind
    folder = Path(tempfile.mkdtemp(prefix="hotline-demo-"))
    stop = stop or threading.Event()
    arrival: list[float] = []

    def expect(done: bool, problem: str) -> None:
        if not done and not stop.is_set():
            raise DemoError(problem)
        if not done:
            raise _Stopped

    def script() -> None:
        state = folder / "data" / STATE_FILE
        expect(wait_until(state.exists, 30, stop), "the daemon did not start within 30 s; see the log above")
        feed_url = json.loads(state.read_text(encoding="utf-8"))["url"]
        console.print(f"[bold]1.[/] fixture site on {site_url}; daemon crawling it every {interval} s")
        expect(wait_until(lambda: len(feed_links(feed_url + "articles.atom.xml")) > 0, 180, stop),
               "the first crawl did not reach the feed within 180 s; see the log above")
        console.print(f"[bold]2.[/] first crawl is in the feed: {len(feed_links(feed_url + 'atom.xml'))} "
                      f"stories, {len(feed_links(feed_url + 'articles.atom.xml'))} articles")
        console.print(f"   open [link={feed_url}]{feed_url}[/link] in a browser, or subscribe to "
                      f"{feed_url}atom.xml in a feed reader")
        started = time.monotonic()
        publish_draft(site_url)
        console.print("[bold]3.[/] the site publishes a new article (Hegseth–Dong video call)…")
        arrived = wait_until(
            lambda: any("hegseth" in link for link in feed_links(feed_url + "articles.atom.xml")),
            max(60, 10 * interval), stop,
        )
        expect(arrived, "the new article did not arrive in the feed in time; see the log above")
        arrival.append(time.monotonic() - started)
        console.print(f"[bold green]4.[/] it arrived in the feed {arrival[0]:.1f} s after publication "
                      f"(interval {interval} s).")
        if keep_running:
            console.print("   the daemon keeps running: press Ctrl-C to stop")
            wait_for_stop(stop)

    config_path = write_config(folder, site_url, interval, port)
    errors: list[BaseException] = []

    def wait() -> None:
        try:
            script()
        except _Stopped:
            pass
        except BaseException as exc:  # reported after the daemon stopped cleanly
            errors.append(exc)

    try:
        run_daemon(load_config(config_path), port=port, shutdown_grace=10, wait=wait)
    finally:
        site.kill()
        site.communicate(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    if errors:
        raise errors[0]
    return arrival[0] if arrival else None


class _Stopped(Exception):
    """The user stopped the demo while it waited: not an error."""
