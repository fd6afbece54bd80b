"""``hotline run``: the scheduler and the feed server in one long-running process.

The feed is up before the first crawl (built from whatever the store holds) and stays up while crawls
come and go in their own processes; after a crawl that stored something new, or a source whose health
changed, the feed files are rebuilt atomically under the running server.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crawler.config import Config, Source
from crawler.core.health import Verdict, auto_interval
from crawler.service.launch import Launcher, LocalLauncher, RunResult
from crawler.service.lifecycle import lock_daemon, recover
from crawler.service.publish import health_verdicts, publish
from crawler.service.schedule import Daemon
from crawler.store import Store
from feeds.serve import FeedServer, make_server

log = logging.getLogger("hotline.daemon")


class Publisher:
    """Rebuilds the feeds after a crawl when there is something new to show, one rebuild at a time."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self.lock = threading.Lock()
        self.verdicts: dict[str, Verdict] = {}
        self.rebuilds = 0

    def rebuild(self) -> None:
        with self.lock:
            result = publish(self.config, self.store)
            self.verdicts = health_verdicts(self.config, self.store)
            self.rebuilds += 1
        log.info("feeds rebuilt: %d stories, %d articles%s", result.stories, result.articles,
                 f"; broken or degraded: {', '.join(result.broken)}" if result.broken else "")

    def after_crawl(self, source: Source, result: RunResult) -> None:
        verdict = health_verdicts(self.config, self.store).get(source.name)
        before = self.verdicts.get(source.name)
        changed = verdict is not None and (before is None or before.status != verdict.status)
        if verdict is not None and not verdict.healthy and changed:
            log.warning("source %s is %s: %s", source.name, verdict.status, "; ".join(verdict.reasons))
        if result.run.articles_new > 0 or changed:
            self.rebuild()

    def last_crawled(self, name: str) -> datetime | None:
        """When the source's last real run started: one its user stopped, or that crashed with its
        launcher, does not count (the source is still due)."""
        for run in self.store.runs.latest(name, limit=20):
            if run.outcome in COUNTED:
                return run.started
        return None

    def next_interval(self, source: Source) -> int:
        times = self.store.articles.publish_times(source.name, limit=50)
        return auto_interval(times, self.config.daemon.auto_min, self.config.daemon.auto_max)


def start_feed_server(config: Config, host: str | None, port: int | None) -> FeedServer:
    """Serve ``<data_dir>/feeds`` in a background thread; OSError when the address is taken."""
    server = make_server(config.feeds_dir, host or config.server.host,
                         config.server.port if port is None else port)
    threading.Thread(target=server.serve_forever, name="feed-server", daemon=True).start()
    return server


STATE_FILE = "daemon.json"
COUNTED = ("ok", "failed", "timeout")  # runs after which a source waits its interval


def write_state(config: Config, url: str) -> Path:
    """``<data_dir>/daemon.json``: the running daemon's pid and feed URL, for ``status`` and scripts."""
    path = config.data_dir / STATE_FILE
    state = {"pid": os.getpid(), "url": url, "started": datetime.now(UTC).isoformat(timespec="seconds")}
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(state) + "\n", encoding="utf-8")
    os.replace(temp, path)
    return path


def read_state(config: Config) -> dict[str, object] | None:
    """The running daemon's state, or None when none is running for this data directory."""
    try:
        state = json.loads((config.data_dir / STATE_FILE).read_text(encoding="utf-8"))
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state


def make_launcher(config: Config) -> Launcher:
    """The config's launcher: local crawl processes, or Scrapyd nodes (``launcher = "scrapyd"``).
    A crawl past its time limit is asked to stop, then killed after a grace that suits the limit."""
    kill_grace = min(10.0, max(1.0, config.daemon.crawl_timeout / 4))
    if config.launcher == "scrapyd":
        from crawler.service.scrapyd import ScrapydLauncher

        return ScrapydLauncher(config.scrapyd, kill_grace=kill_grace)
    return LocalLauncher(kill_grace=kill_grace)


def run_daemon(
    config: Config,
    *,
    host: str | None = None,
    port: int | None = None,
    shutdown_grace: float = 30.0,
    wait: Callable[[], None],
    launcher: Launcher | None = None,
) -> None:
    """Start everything, block in ``wait()`` (until a signal), then stop in order, the store consistent.

    Busy when another daemon runs on this data folder (one line, nothing started)."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    lock = lock_daemon(config)
    try:
        _run_daemon(config, host, port, shutdown_grace, wait, launcher)
    finally:
        os.close(lock)


def _run_daemon(
    config: Config,
    host: str | None,
    port: int | None,
    shutdown_grace: float,
    wait: Callable[[], None],
    launcher: Launcher | None,
) -> None:
    store = Store(config.store)
    try:
        server = start_feed_server(config, host, port)  # fail fast when the address is taken
    except OSError:
        store.close()
        raise
    recovered = recover(config, store)
    if recovered.crashed:
        log.warning("closed as crashed (their crawl died with an earlier daemon or CLI): %s",
                    ", ".join(recovered.crashed))
    publisher = Publisher(config, store)
    publisher.rebuild()
    log.info("hotline %s: %d source(s); feeds at %s (started %s)",
             "daemon", sum(s.enabled for s in config.sources), server.url,
             datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
    if launcher is None:
        launcher = make_launcher(config)
    daemon = Daemon(config, launcher, after_crawl=publisher.after_crawl,
                    next_interval=publisher.next_interval, last_crawled=publisher.last_crawled)
    daemon.start()
    state = write_state(config, server.url)
    try:
        wait()
    finally:
        state.unlink(missing_ok=True)
        log.info("stopping: no new crawls; running crawls get %.0f s", shutdown_grace)
        daemon.stop(shutdown_grace)
        server.shutdown()
        server.server_close()
        store.close()
        log.info("stopped after %d crawl(s)", daemon.crawls)
