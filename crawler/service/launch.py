"""One crawl = one process: start a crawl of one source, wait with a time limit, report what happened.

Twisted's reactor cannot restart, so every crawl runs in a fresh ``python -m crawler.process`` process
(its own process group, so a timeout kills it and anything it started). The crawl process writes its
own ``runs`` row (``crawler.extensions.RunRecorder``) and a small result file; the launcher reads
them back, and closes the run as 'timeout', 'stopped', 'killed' or 'crashed' when the process could
not. The crawl holds its source's lock (``crawler.service.lifecycle``): a source already being crawled
by another process is skipped. ``Launcher`` is the small interface the scheduler uses, so that a
Scrapyd launcher can replace ``LocalLauncher``.

This module never imports Scrapy: it only starts crawl processes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from crawler.service.lifecycle import holder, source_lock_path, try_lock
from crawler.service.outcome import (
    Launcher,
    ProgressCallback,
    RunResult,
    close_run,
    crawl_command,
    not_started,
    read_result,
    resolve_crawl,
    unrun,
)
from crawler.store import RunRecord, Store

__all__ = [
    "EXIT_CONFIG",
    "Launcher",
    "LocalLauncher",
    "ProgressCallback",
    "RunResult",
    "close_run",
    "crawl_command",
    "not_started",
    "resolve_crawl",
    "run_crawl_process",
    "unrun",
]

# What the crawl process's exit code says (``crawler.process.EXIT_CONFIG``; not imported from there, because
# that module is the Scrapy side of the process boundary): it could not read its config or settings.
EXIT_CONFIG = 2


class LocalLauncher:
    """Crawl processes on this machine; logs go to ``<data_dir>/logs/<source>.log``."""

    def __init__(
        self,
        settings: Mapping[str, object] | None = None,
        *,
        kill_grace: float = 10.0,
        poll_interval: float = 0.5,
    ) -> None:
        self.settings = dict(settings or {})
        self.kill_grace = kill_grace
        self.poll_interval = poll_interval
        self._running: dict[int, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def run(
        self,
        config_path: str | None,
        source: str,
        timeout: float,
        *,
        progress: ProgressCallback | None = None,
    ) -> RunResult:
        started = time.monotonic()
        if self._stopping.is_set():
            return not_started(source)
        config, _spec, store_url = resolve_crawl(config_path, source, self.settings)
        lock_path = source_lock_path(config.data_dir, source)
        lock = try_lock(lock_path)
        if lock is None:
            why = f"skipped: {source} is being crawled by another process (pid {holder(lock_path)})"
            return unrun(source, "skipped", why)
        try:
            return self._run(config.data_dir / "logs", config_path, source, store_url, timeout,
                             started, lock, progress)
        finally:
            os.close(lock)

    def _run(
        self,
        logs: Path,
        config_path: str | None,
        source: str,
        store_url: str,
        timeout: float,
        started: float,
        lock: int,
        progress: ProgressCallback | None,
    ) -> RunResult:
        log_path = logs / f"{source}.log"
        logs.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=logs, prefix=f".{source}.", suffix=".result.json")
        os.close(handle)
        result_path = Path(name)
        # The store this launcher reads is the one the crawl writes, whatever its working directory.
        # The crawl stops itself a little after our own limit, should we die before enforcing it.
        command = crawl_command(
            config_path, source, settings={**self.settings, "HOTLINE_STORE": store_url},
            time_limit=timeout + 2 * self.kill_grace + 5, result=result_path,
        )
        with open(log_path, "wb") as log, Store(store_url) as store:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches all it started
                pass_fds=(lock,),  # the source's lock lives as long as the crawl does
            )
            with self._lock:
                self._running[process.pid] = process
            if self._stopping.is_set():  # a stop came while it was starting: it must not run on
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGTERM)
            try:
                timed_out = self._wait(process, store, source, started + timeout, progress)
                if timed_out:
                    self._stop(process)
            finally:
                with self._lock:
                    self._running.pop(process.pid, None)
            exit_code = process.returncode
            record = store.runs.for_pid(process.pid, source)
            outcome = self._outcome(record, exit_code, timed_out, self._stopping.is_set())
            told = read_result(result_path)
            why = ""  # an 'ok' run needs no explanation
            if outcome != "ok":
                if record is None:
                    fallback = f"the crawl process ended ({outcome}) before it started"
                else:
                    fallback = f"crawl process exited with {exit_code}"
                why = str(told.get("error") or "") or fallback
            if outcome == "stopped" and (record is None or record.outcome == "running"):
                why = "stopped: hotline was stopping"
            return close_run(
                store,
                record,
                source=source,
                outcome=outcome,
                timed_out=timed_out,
                started=started,
                why=why,
                pid=process.pid,
                exit_code=exit_code,
                log_path=str(log_path),
            )

    def _wait(
        self,
        process: subprocess.Popen[bytes],
        store: Store,
        source: str,
        deadline: float,
        progress: ProgressCallback | None,
    ) -> bool:
        """Wait for the process; True if the deadline passed first."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            try:
                process.wait(timeout=min(self.poll_interval, remaining))
                return False
            except subprocess.TimeoutExpired:
                if progress is not None:
                    record = store.runs.for_pid(process.pid, source)
                    if record is not None:
                        progress(record)

    def request_stop(self) -> int:
        """Start no more crawls and ask the running ones to stop (SIGTERM: Scrapy's graceful
        shutdown, each run closed as 'stopped'); returns at once, with how many were asked."""
        self._stopping.set()
        return self._signal_all(signal.SIGTERM)

    def kill_all(self) -> int:
        """SIGKILL the process group of every crawl still running (a second Ctrl-C, or no grace left)."""
        self._stopping.set()
        return self._signal_all(signal.SIGKILL)

    def running(self) -> int:
        with self._lock:
            return len(self._running)

    def _signal_all(self, sig: int) -> int:
        with self._lock:
            running = list(self._running.values())
        for process in running:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
        return len(running)

    def stop_all(self, grace: float) -> None:
        """Start no more crawls; SIGTERM the running ones, wait up to ``grace`` seconds for them, then
        SIGKILL what is left. Their runs are recorded as 'stopped': a user's stop, not a failure."""
        with self._lock:
            running = list(self._running.values())
        self.request_stop()
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)

    def _stop(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM to the group (Scrapy shuts down gracefully and closes its run), then SIGKILL."""
        for sig, grace in ((signal.SIGTERM, self.kill_grace), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue

    @staticmethod
    def _outcome(record: RunRecord | None, exit_code: int | None, timed_out: bool, stopping: bool) -> str:
        if timed_out:
            return "timeout"
        if record is not None and record.outcome != "running":
            return record.outcome
        if stopping and exit_code != 0:
            return "stopped"  # ended by our stop before it could close its run
        if exit_code is not None and exit_code < 0:
            return "killed"  # ended by a signal before it could close its run
        if exit_code == EXIT_CONFIG or (record is None and not exit_code):
            return "failed"
        return "crashed"


def run_crawl_process(
    config_path: str | None,
    source: str,
    timeout: float,
    *,
    settings: Mapping[str, object] | None = None,
    progress: ProgressCallback | None = None,
) -> RunResult:
    """Crawl ``source`` in its own process and wait at most ``timeout`` seconds."""
    return LocalLauncher(settings).run(config_path, source, timeout, progress=progress)
