"""``hotline serve`` run as a real process: defaults from the config, URLs printed, clear errors."""

from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
import pytest

from feeds.site import write_all
from tests.feedsamples import story_feed

pytestmark = pytest.mark.slow  # every test runs hotline as a process

HOTLINE = [sys.executable, "-c", "from crawler.cli import main; main()"]


def write_config(tmp_path: Path, port: int = 0) -> Path:
    config = tmp_path / "hotline.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n\n[server]\nhost = "127.0.0.1"\nport = {port}\n')
    return config


class Served:
    """A running ``hotline serve`` whose stdout lines are collected by a thread (no blocking reads)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def read_line(self, timeout: float = 20) -> str:
        """The next stdout line, failing the test instead of hanging."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output from hotline serve (exit code {self.process.poll()})") from None


@contextmanager
def running(*args: str) -> Iterator[Served]:
    process = subprocess.Popen([*HOTLINE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield Served(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_serves_the_configured_feed_folder_and_prints_its_urls(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    write_all(tmp_path / "data" / "feeds", story_feed())
    with running("--config", str(config), "serve", "--json") as served:
        announced = json.loads(served.read_line())
        assert announced["directory"] == str((tmp_path / "data" / "feeds").resolve())
        url = announced["url"]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/")
        assert announced["files"]["atom.xml"] == url + "atom.xml"
        assert announced["files"]["index.html"] == url
        assert "health.xml" not in announced["files"]
        with urllib.request.urlopen(announced["files"]["rss.xml"], timeout=10) as response:
            assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
            parsed = feedparser.parse(response.read())
        assert not parsed.bozo and len(parsed.entries) == 3


def test_human_output_lists_each_feed(tmp_path: Path) -> None:
    write_all(tmp_path / "feeds", story_feed(), story_feed())
    with running(
        "--config", str(write_config(tmp_path)), "serve", "--port", "0", "--dir", str(tmp_path / "feeds")
    ) as served:
        lines = [served.read_line() for _ in range(8)]
    text = "".join(lines)
    assert text.startswith(f"Serving {(tmp_path / 'feeds').resolve()} at http://127.0.0.1:")
    for name in ("atom.xml", "rss.xml", "feed.json", "articles.atom.xml", "articles.json"):
        assert f"/{name}" in text


def test_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    write_all(tmp_path / "feeds", story_feed())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                *HOTLINE,
                "--config",
                str(write_config(tmp_path)),
                "serve",
                "--port",
                str(port),
                "--dir",
                str(tmp_path / "feeds"),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr and "already in use" in result.stderr
    assert "--port" in result.stderr


def test_missing_feed_folder_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*HOTLINE, "--config", str(write_config(tmp_path)), "serve", "--dir", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert str(tmp_path / "nope") in result.stderr and "hotline feed" in result.stderr


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_has_an_example(flag: str) -> None:
    result = subprocess.run([*HOTLINE, "serve", flag], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "Example: hotline serve" in result.stdout and "--port" in result.stdout
