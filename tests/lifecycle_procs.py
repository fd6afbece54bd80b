"""Process helpers for the stop-and-restart tests: the hotline CLI as a process, its descendants
and the crawl processes of a config, read from /proc (no psutil needed)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import FAST_CRAWL


def settings_args(**extra: object) -> list[str]:
    return [arg for key, value in {**FAST_CRAWL, **extra}.items() for arg in ("-s", f"{key}={value}")]


def start_hotline(config: Path, *args: str) -> subprocess.Popen[str]:
    """``hotline --config CONFIG ARGS`` in its own session, so a signal reaches only it."""
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "--config", str(config), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def crawl_pids(config: Path) -> list[int]:
    """Crawl processes (``crawler.process``) running with ``config``, living ones only."""
    marker = str(config.resolve()).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            cmdline = _cmdline(int(entry.name))
            if b"crawler.process" in cmdline and marker in cmdline and _alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (children, grandchildren, ...)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def wait_until(check: Callable[[], object], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


def none_alive(pids: set[int] | list[int]) -> bool:
    return not any(_alive(pid) for pid in pids)


def kill_left(pids: set[int] | list[int]) -> None:
    """Clean up after a failed test (only the pids the test itself started)."""
    for pid in pids:
        if _alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
