"""What keeps stops and restarts clean: locks on the data folder and on each source, and the recovery
at start of what a killed process left behind (runs still 'running', half-written feed files).

Locks are ``fcntl.flock`` on files in the data folder: the kernel drops them when the holder dies, so
a crash never leaves a stale lock. A source's lock is inherited by its crawl process, so it is held
until the crawl itself has ended, even when its launcher died first.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from crawler.config import Config
from crawler.store import Store
from feeds.write import sweep_temp_files

DAEMON_LOCK = ".daemon.lock"
LOCKS = "locks"


class Busy(RuntimeError):
    """Another process holds the lock; the message says which."""


def try_lock(path: Path) -> int | None:
    """Hold an exclusive lock on ``path`` (created if missing): its file descriptor, or None when
    another process holds it. Close the descriptor (or end the process) to release it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def holder(path: Path) -> str:
    """The pid written in a lock file by its holder ('?' when unreadable)."""
    try:
        return path.read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"


def lock_daemon(config: Config) -> int:
    """One daemon per data folder: the lock's descriptor, or Busy naming the daemon that holds it."""
    path = config.data_dir / DAEMON_LOCK
    fd = try_lock(path)
    if fd is None:
        raise Busy(f"another hotline daemon (pid {holder(path)}) is running on {config.data_dir}")
    return fd


def source_lock_path(data_dir: Path, source: str) -> Path:
    return data_dir / LOCKS / f"{source}.lock"


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a crawl process still running (a reused pid of another program is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="latin-1")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the signal check
    if stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]:
        return False  # a zombie nobody reaped (an orphan under a container's init): it has ended
    # empty: a process being started, not known to be something else
    return not cmdline or b"crawler.process" in cmdline or b"scrapy" in cmdline


@dataclass(frozen=True, slots=True)
class Recovered:
    """What the start-up recovery cleaned: runs closed as crashed, stray temporary files removed."""

    crashed: tuple[str, ...]
    swept: int


def recover(config: Config, store: Store) -> Recovered:
    """Close runs whose crawl died with its launcher as 'crashed'; remove feed files a killed rebuild
    left half-written. Safe beside a running daemon: live crawls and fresh temp files are left alone."""
    crashed = store.runs.close_crashed(process_alive)
    swept = sweep_temp_files(config.feeds_dir)
    return Recovered(tuple(f"{run.source} (run {run.id})" for run in crashed), swept)
