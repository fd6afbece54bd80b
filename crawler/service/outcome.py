"""What one crawl did: the ``RunResult`` every launcher reports, and closing a run its process could not.

Shared by the local launcher (``crawler.service.launch``) and the Scrapyd one. The reason a crawl
failed comes from the crawl itself — its ``runs`` row (Scrapy's stats) or the result file the crawl
process writes (``crawler.process``) — never from reading its log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from crawler.config import Config, Source, load_config
from crawler.store import RunRecord, Store

# Outcomes that are not the source's failure: its user stopped it, or another process was crawling it.
NOT_FAILURES = ("ok", "stopped", "skipped")


# the counts ``hotline crawl --json`` prints for a run (its output shape); the run record has them all
REPORTED = (
    "pages_fetched", "articles_new", "articles_failed", "not_articles", "skipped_known", "skipped_old"
)


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one crawl did: what only its launcher knows (outcome, exit, time, log) and its ``runs`` row.

    The counts and errors are the row's (``result.run.articles_new``): one record of a run, written by
    the crawl process, read by status, health and the launchers alike.
    """

    run: RunRecord
    outcome: str  # ok, failed, killed, timeout, crashed, stopped; skipped (never started: running elsewhere)
    exit_code: int | None
    seconds: float
    log_path: str | None = None

    @property
    def source(self) -> str:
        return self.run.source

    @property
    def errors(self) -> str:
        return self.run.errors

    @property
    def run_id(self) -> int | None:
        """The ``runs`` row's id (None: the crawl never wrote one, e.g. it was skipped)."""
        return self.run.id

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def failed(self) -> bool:
        """The source's own failure (a stop by its user or a skip is none)."""
        return self.outcome not in NOT_FAILURES

    def to_dict(self) -> dict[str, object]:
        """``hotline crawl --json``'s line for this run."""
        head = {"source": self.source, "outcome": self.outcome, "exit_code": self.exit_code}
        counts = {name: getattr(self.run, name) for name in REPORTED}
        return {**head, "seconds": self.seconds, "run_id": self.run.id, **counts,
                "errors": self.errors, "log_path": self.log_path}


def unrun(source: str, outcome: str, why: str, seconds: float = 0.0) -> RunResult:
    """The result of a crawl that never wrote a run (skipped, not started, refused by its config)."""
    run = RunRecord(started=datetime.now(UTC), outcome=outcome, errors=why, source=source)
    return RunResult(run, outcome, None, seconds)


ProgressCallback = Callable[[RunRecord], None]


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
    config_path: str | None,
    source: str,
    *,
    settings: Mapping[str, object] | None = None,
    time_limit: float = 0,
    result: Path | None = None,
) -> list[str]:
    """The command line of a crawl process (Scrapy ``-s`` settings passed through)."""
    command = [sys.executable, "-m", "crawler.process", "--source", source]
    if config_path:
        command += ["--config", str(Path(config_path).resolve())]
    if time_limit > 0:
        command += ["--time-limit", f"{time_limit:g}"]
    if result is not None:
        command += ["--result", str(result)]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    return command


def read_result(path: Path) -> dict[str, object]:
    """The crawl process's result file (``crawler.process.write_result``), removed once read."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        result = {}
    with contextlib.suppress(OSError):
        path.unlink()
    return result if isinstance(result, dict) else {}


def not_started(source: str) -> RunResult:
    """What a launcher that is shutting down answers instead of starting a crawl."""
    return unrun(source, "stopped", "not started: the launcher is stopping")


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

    A run still 'running' (or cut short at its time limit, or stopped by its user) is closed as
    ``outcome``. A crawl that died before it wrote a run gets one here, with ``why`` as its error, or
    status would never show it.
    """
    if record is None:
        run_id = store.runs.start(source, pid, job_id=job_id)
        store.runs.finish(run_id, outcome, errors=why[:500])
        record = store.runs.get(run_id)
    elif record.outcome != outcome and (record.outcome == "running" or timed_out or outcome == "stopped"):
        store.runs.finish(record.id, outcome)
        record = store.runs.get(record.id)
    assert record is not None
    if not record.errors and why and outcome != "ok":  # the launcher knows why the crawl could not say
        record = dataclasses.replace(record, errors=why)
    seconds = round(time.monotonic() - started, 2)
    return RunResult(record, outcome, exit_code, seconds, log_path)
