"""The daemon across stops and restarts: one daemon per data folder, a source that was never crawled
(or whose run the stop cut short) runs soon after a restart, ``status`` shows each next run, and the
demo ends on Ctrl-C without a traceback. Real processes, real signals, nothing left running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import SiteServer
from tests.daemonproc import DaemonProcess, runs, write_config
from tests.lifecycle_procs import descendants, kill_left, none_alive, wait_until

pytestmark = pytest.mark.slow


def hourly(site: SiteServer) -> str:
    return f"""
[[sources]]
name = "newsroom-listing"
kind = "listing"
url = "{site.url}/news/index.html"
follow = '/articles/[a-z0-9-]+\\.html$'
every = "1h"
"""


def test_a_second_daemon_on_the_same_data_folder_exits_with_one_line(tmp_path: Path, newsroom) -> None:
    config = write_config(tmp_path, newsroom, every="1h")
    first = DaemonProcess(config)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "crawler", "--config", str(config), "run", "--port", "0"],
            capture_output=True, text=True, timeout=60,
        )
        assert second.returncode == 1
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "another hotline daemon" in lines[0] and str(first.proc.pid) in lines[0]
        assert first.proc.poll() is None
    finally:
        assert first.stop() == 0


def test_a_source_whose_run_was_stopped_runs_soon_after_a_restart(tmp_path: Path, newsroom) -> None:
    newsroom.fault("/articles/*", "slow", seconds=1)
    config = write_config(tmp_path, newsroom, sources=hourly(newsroom))
    first = DaemonProcess(config)
    try:
        first.wait_for(lambda: newsroom.requested("/articles/"), 60, "the first crawl")
    finally:
        assert first.stop() == 0
    (stopped,) = runs(first.data)
    assert stopped["outcome"] == "stopped"  # the user's stop: not a failure of the source

    status = subprocess.run([sys.executable, "-m", "crawler", "--config", str(config), "status", "--json"],
                            capture_output=True, text=True, timeout=60)
    (row,) = json.loads(status.stdout)
    assert row["next_run"] and row["consecutive_failures"] == 0 and row["health"] == "ok", row

    newsroom.clear_faults()
    second = DaemonProcess(config)
    try:
        waited = second.wait_for(lambda: any(r["outcome"] == "ok" for r in runs(second.data)), 60,
                                 "the cut-short source to run again")
    finally:
        assert second.stop() == 0
    assert waited < 45  # soon, not an hour later
    status = subprocess.run([sys.executable, "-m", "crawler", "--config", str(config), "status"],
                            capture_output=True, text=True, timeout=60)
    assert "next run" in status.stdout and ("in 59m" in status.stdout or "in 1h" in status.stdout)


def test_ctrl_c_ends_the_demo_with_a_goodbye_and_nothing_left(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "demo", "--port", "0", "--interval", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    lines: list[str] = []
    errors: list[str] = []
    readers = [threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True),
               threading.Thread(target=lambda: errors.extend(iter(proc.stderr.readline, "")), daemon=True)]
    for reader in readers:
        reader.start()
    children: set[int] = set()
    try:
        wait_until(lambda: any(line.startswith("1.") for line in lines) or proc.poll() is not None, 90,
                   "the demo to start")
        time.sleep(1)
        children = descendants(proc.pid)
        assert proc.poll() is None and children, lines
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to every process of the group
        proc.wait(timeout=60)
    finally:
        kill_left(children | {proc.pid})
    for reader in readers:
        reader.join(timeout=5)
    output = "".join(lines + errors)
    assert proc.returncode == 0, output[-3000:]
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-3000:]
    assert "Goodbye" in "".join(lines)
    wait_until(lambda: none_alive(children), 10, "the demo's processes to end")
