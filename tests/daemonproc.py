"""A real ``hotline run`` process for tests and benches: start it, read its feed, stop it cleanly."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser

from tests.conftest import FAST_CRAWL, SiteServer

DRAFT_LINK = "hegseth-dong-video-call"


def write_config(folder: Path, site: SiteServer, *, every: str = "2s", extra: str = "",
                 sources: str | None = None) -> Path:
    scrapy = "\n".join(f"{key} = {value!r}" for key, value in FAST_CRAWL.items())
    sources = sources if sources is not None else f"""
[[sources]]
name = "newsroom-rss"
kind = "feed"
url = "{site.url}/rss.xml"
every = "{every}"
"""
    path = folder / "hotline.toml"
    path.write_text(f"""
bundled_sources = false
data_dir = "{(folder / 'data').as_posix()}"

[daemon]
jitter = 0
{extra}

[scrapy]
{scrapy}
{sources}
""", encoding="utf-8")
    return path


class DaemonProcess:
    """``hotline run --port 0`` in a subprocess; its feed URL read from ``data/daemon.json``."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.data = config.parent / "data"
        self.log = open(config.parent / "daemon.log", "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "--config", str(config), "run", "--port", "0",
             "--shutdown-grace", "10"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        state = self.data / "daemon.json"
        deadline = time.monotonic() + 60
        while not state.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"daemon did not start:\n{self.output()}")
            time.sleep(0.2)
        self.url = json.loads(state.read_text())["url"]

    def output(self) -> str:
        return (self.config.parent / "daemon.log").read_text(errors="replace")

    def get(self, name: str) -> bytes:
        with urllib.request.urlopen(self.url + name, timeout=10) as response:
            assert response.status == 200
            return response.read()

    def entries(self, name: str = "articles.atom.xml") -> list[Any]:
        parsed = feedparser.parse(self.get(name))
        assert not parsed.bozo, parsed.get("bozo_exception")
        return parsed.entries

    def wait_for(self, check: Callable[[], bool], timeout: float, what: str) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited while waiting for {what}:\n{self.output()}")
            if check():
                return time.monotonic() - started
            time.sleep(0.25)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}:\n{self.output()[-3000:]}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.log.close()
        return code


def runs(data: Path, source: str | None = None) -> list[sqlite3.Row]:
    with sqlite3.connect(data / "hotline.db") as db:
        db.row_factory = sqlite3.Row
        query = "SELECT * FROM runs" + (" WHERE source = ?" if source else "") + " ORDER BY id"
        return db.execute(query, (source,) if source else ()).fetchall()


def integrity(data: Path) -> tuple[str, int, int]:
    with sqlite3.connect(data / "hotline.db") as db:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        query = "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
        total, distinct = db.execute(query).fetchone()
    return check, total, distinct


def run_seconds(run: sqlite3.Row) -> float:
    return (datetime.fromisoformat(run["finished"]) - datetime.fromisoformat(run["started"])).total_seconds()


def next_run(data: Path, job_id: str) -> float:
    with sqlite3.connect(data / "schedule.db") as db:
        return db.execute("SELECT next_run_time FROM apscheduler_jobs WHERE id = ?", (job_id,)).fetchone()[0]


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def crawl_wall_seconds(log_text: str) -> list[float]:
    """Each crawl's wall time (process start to end) from the daemon's one line per crawl."""
    return [float(m) for m in re.findall(r"crawl \S+: ok, .*?, ([0-9.]+) s", log_text)]
