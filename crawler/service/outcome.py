"""What one crawl did: the ``RunResult`` every launcher reports, and closing a run its process could not.

Shared by the local launcher (``crawler.service.launch``) and the Scrapyd one. The reason a crawl
failed comes from the crawl itself — its ``runs`` row (Scrapy's stats) or the result file the crawl
process writes (``crawler.process``) — never from reading its log.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from crawler.config import Config, Source, load_config
from crawler.store import RunRecord, Store

# Outcomes that are not the source's failure: its user stopped it, or another process was crawling it.
NOT_FAILURES = ("ok", "stopped", "skipped")


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one crawl process did: its exit, its outcome, and the counts from its ``runs`` row."""

    source: str
    outcome: str  # ok, failed, killed, timeout, crashed, stopped; skipped (never started: running elsewhere)
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

    @property
    def failed(self) -> bool:
        """The source's own failure (a stop by its user or a skip is none)."""
        return self.outcome not in NOT_FAILURES

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
    return RunResult(source, "stopped", None, 0.0, errors="not started: the launcher is stopping")


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
