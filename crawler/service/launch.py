"""One crawl = one process: start a crawl of one source, wait with a time limit, report what happened.

Twisted's reactor cannot restart, so every crawl runs in a fresh ``python -m crawler.process`` process
(its own process group, so a timeout kills it and anything it started). The crawl process writes its
own ``runs`` row (``crawler.extensions.RunRecorder``); the launcher reads it back by pid, and closes
it as 'timeout', 'killed' or 'crashed' when the process could not. ``Launcher`` is the small
interface the scheduler uses, so that a Scrapyd launcher can replace ``LocalLauncher``.

This module never imports Scrapy: it only starts crawl processes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from crawler.config import Config, Source, load_config
from crawler.store import RunRecord, Store

# What the crawl process's exit code says (``crawler.process.EXIT_CONFIG``; not imported from there, because
# that module is the Scrapy side of the process boundary): it could not read its config or settings.
EXIT_CONFIG = 2


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one crawl process did: its exit, its outcome, and the counts from its ``runs`` row."""

    source: str
    outcome: str  # ok, failed, killed, timeout, crashed
    exit_code: int | None
    seconds: float
    run_id: int | None = None
    pages_fetched: int = 0
    articles_new: int = 0
    articles_failed: int = 0
    not_articles: int = 0
    skipped_known: int = 0
    skipped_old: int = 0  # dated entries older than the cutoff (sitemap max age, --since), not fetched
    errors: str = ""
    log_path: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


ProgressCallback = Callable[[RunRecord], None]
COUNTS = ("pages_fetched", "articles_new", "articles_failed", "not_articles", "skipped_known", "skipped_old")


class Launcher(Protocol):
    """Runs one crawl of one source to its end (or time limit) and reports it: a local process
    (``LocalLauncher``) or a Scrapyd node (``crawler.service.scrapyd.ScrapydLauncher``). The scheduler,
    the daemon and ``hotline crawl`` know launchers only through this."""

    def run(
        self,
        config_path: str | None,
        source: str,
        timeout: float,
        *,
        progress: ProgressCallback | None = None,
    ) -> RunResult: ...

    def stop_all(self, grace: float) -> None:
        """Stop every crawl still running: ask, wait up to ``grace`` seconds, then kill."""


def crawl_command(
    config_path: str | None, source: str, *, settings: Mapping[str, object] | None = None
) -> list[str]:
    """The command line of a crawl process (Scrapy ``-s`` settings passed through)."""
    command = [sys.executable, "-m", "crawler.process", "--source", source]
    if config_path:
        command += ["--config", str(Path(config_path).resolve())]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    return command


def not_started(source: str) -> RunResult:
    """What a launcher that is shutting down answers instead of starting a crawl."""
    return RunResult(source, "killed", None, 0.0, errors="not started: the launcher is stopping")


def resolve_crawl(
    config_path: str | None, source: str, settings: Mapping[str, object]
) -> tuple[Config, Source, str]:
    """The config, the source and the store URL a crawl of ``source`` uses (a ``-s HOTLINE_STORE``
    overrides the config's); ConfigError names the file and source."""
    config = load_config(config_path)
    spec = config.source(source)
    return config, spec, str(settings.get("HOTLINE_STORE") or config.store)


def close_run(
    store: Store,
    record: RunRecord | None,
    *,
    source: str,
    outcome: str,
    timed_out: bool,
    started: float,
    why: str,
    pid: int | None = None,
    job_id: str | None = None,
    exit_code: int | None = None,
    log_path: str | None = None,
) -> RunResult:
    """Close the crawl's run as its process could not, and report it; shared by every launcher.

    A run still 'running' (or cut short at its time limit) is closed as ``outcome``. A crawl that died
    before it wrote a run gets one here, with ``why`` as its error, or status would never show it.
    """
    if record is None:
        run_id = store.runs.start(source, pid, job_id=job_id)
        store.runs.finish(run_id, outcome, errors=why[:500])
        record = store.runs.get(run_id)
    elif record.outcome == "running" or timed_out:
        store.runs.finish(record.id, outcome)
        record = store.runs.get(record.id)
    return RunResult(
        source=source,
        outcome=outcome,
        exit_code=exit_code,
        seconds=round(time.monotonic() - started, 2),
        run_id=record.id,
        **{name: getattr(record, name) for name in COUNTS},
        errors=record.errors or (why if outcome != "ok" else ""),
        log_path=log_path,
    )


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
        log_path = config.data_dir / "logs" / f"{source}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        # The store this launcher reads is the one the crawl writes, whatever its working directory.
        command = crawl_command(config_path, source, settings={**self.settings, "HOTLINE_STORE": store_url})
        with open(log_path, "wb") as log, Store(store_url) as store:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches all it started
            )
            with self._lock:
                self._running[process.pid] = process
            try:
                timed_out = self._wait(process, store, source, started + timeout, progress)
                if timed_out:
                    self._stop(process)
            finally:
                with self._lock:
                    self._running.pop(process.pid, None)
            exit_code = process.returncode
            record = store.runs.for_pid(process.pid, source)
            outcome = self._outcome(record, exit_code, timed_out)
            why = ""  # an 'ok' run needs no explanation, and its log need not be read
            if outcome != "ok":
                if record is None:
                    fallback = f"the crawl process ended ({outcome}) before it started"
                else:
                    fallback = f"crawl process exited with {exit_code}"
                why = last_error_line(_read(log_path)) or fallback
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

    def stop_all(self, grace: float) -> None:
        """Start no more crawls; SIGTERM the running ones (Scrapy closes each run as 'killed'), wait
        up to ``grace`` seconds for them, then SIGKILL what is left."""
        self._stopping.set()
        with self._lock:
            running = list(self._running.values())
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
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
    def _outcome(record: RunRecord | None, exit_code: int | None, timed_out: bool) -> str:
        if timed_out:
            return "timeout"
        if record is not None and record.outcome != "running":
            return record.outcome
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


def _read(log_path: Path) -> str:
    try:
        return log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def last_error_line(log: str) -> str:
    """The last line of a crawl's log that says what went wrong ('' if none does)."""
    for line in reversed(log.splitlines()):
        if "ERROR" in line or line.startswith(("hotline:", "Traceback")) or "Error" in line:
            return line.strip()[:300]
    return ""
