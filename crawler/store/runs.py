"""Crawl runs: one row per crawl of one source, opened by the crawl process and closed with an outcome.

The launchers find a crawl's row by its job id (Scrapyd) or its process id, and ``hotline status`` and
the health feed read the latest rows per source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update

from crawler.core.runs import RUN_COUNTS, RunRecord
from crawler.store.engine import Database
from crawler.store.schema import OUTCOMES, articles, runs

__all__ = ["RunRecord", "Runs", "SourceSummary"]


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source's health for ``hotline status``."""

    source: str
    articles_total: int
    last_run: RunRecord | None
    last_success: datetime | None
    consecutive_failures: int  # runs since the last 'ok' that did not end 'ok'
    last_error: str


class Runs:
    """``store.runs``: open, update and close a crawl's row; find rows by id, process or job."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, source: str, pid: int | None, *, job_id: str | None = None) -> int:
        """Open a 'running' row for a crawl of ``source`` by process ``pid`` (launcher job ``job_id``)."""
        with self.db.write() as conn:
            result = conn.execute(
                runs.insert().values(
                    source=source, pid=pid, job_id=job_id, started=_now(), outcome="running", errors=""
                )
            )
            return int(result.inserted_primary_key[0])

    def update(self, run_id: int, **counts: Any) -> None:
        """Progress of a running crawl (the counts so far), so a killed run still shows its work."""
        with self.db.write() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(**_run_counts(counts)))

    def finish(self, run_id: int, outcome: str, **counts: Any) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"finish_run: outcome {outcome!r} is not one of {OUTCOMES}")
        with self.db.write() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(outcome=outcome, finished=_now(), **_run_counts(counts))
            )

    def close_crashed(self, alive: Callable[[int], bool]) -> list[RunRecord]:
        """Close as 'crashed' the local runs left 'running' whose process is gone (``alive(pid)`` is
        False): their crawl died with its launcher. Scrapyd jobs (a job id) are their nodes' business."""
        query = select(runs).where(runs.c.outcome == "running", runs.c.job_id.is_(None))
        with self.db.read() as conn:
            open_runs = [RunRecord(**row) for row in conn.execute(query).mappings()]
        dead = [run for run in open_runs if run.pid is None or not alive(run.pid)]
        for run in dead:
            why = "; ".join(filter(None, (run.errors, "its process ended without closing the run")))
            with self.db.write() as conn:
                conn.execute(
                    update(runs)
                    .where(runs.c.id == run.id, runs.c.outcome == "running")
                    .values(outcome="crashed", finished=_now(), errors=why[:500])
                )
        return dead

    def latest(self, source: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The latest runs, newest first."""
        query = select(runs).order_by(runs.c.started.desc(), runs.c.id.desc()).limit(limit)
        if source is not None:
            query = query.where(runs.c.source == source)
        with self.db.read() as conn:
            return [RunRecord(**row) for row in conn.execute(query).mappings()]

    def get(self, run_id: int) -> RunRecord | None:
        return self._one(select(runs).where(runs.c.id == run_id))

    def for_pid(self, pid: int, source: str | None = None) -> RunRecord | None:
        """The latest run process ``pid`` wrote (of ``source``)."""
        query = select(runs).where(runs.c.pid == pid).order_by(runs.c.id.desc()).limit(1)
        if source is not None:
            query = query.where(runs.c.source == source)
        return self._one(query)

    def for_job(self, job_id: str) -> RunRecord | None:
        """The run a launcher job wrote (``HOTLINE_JOB_ID``); the latest if it wrote several."""
        return self._one(select(runs).where(runs.c.job_id == job_id).order_by(runs.c.id.desc()).limit(1))

    def _one(self, query: Any) -> RunRecord | None:
        with self.db.read() as conn:
            row = conn.execute(query).mappings().first()
        return RunRecord(**row) if row else None

    def summary(self) -> list[SourceSummary]:
        """Per source seen in the store: article total, last run, last success, failing streak."""
        with self.db.read() as conn:
            totals = dict(
                conn.execute(select(articles.c.source, func.count()).group_by(articles.c.source)).all()
            )
            names = set(totals) | set(conn.execute(select(runs.c.source).distinct()).scalars())
        summaries = []
        for name in sorted(names):
            recent = self.latest(name, limit=200)
            finished = [r for r in recent if r.outcome not in ("running", "stopped")]  # a user's stop
            streak = 0
            for run in finished:
                if run.outcome == "ok":
                    break
                streak += 1
            last_ok = next((r for r in finished if r.outcome == "ok"), None)
            last_error = next((r.errors for r in recent if r.errors), "")
            summaries.append(
                SourceSummary(
                    source=name,
                    articles_total=int(totals.get(name, 0)),
                    last_run=recent[0] if recent else None,
                    last_success=(last_ok.finished or last_ok.started) if last_ok else None,
                    consecutive_failures=streak,
                    last_error=last_error,
                )
            )
        return summaries


def _now() -> datetime:
    return datetime.now(UTC)


def _run_counts(counts: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(counts) - set(RUN_COUNTS)
    if unknown:
        raise TypeError(f"unknown run count(s) {sorted(unknown)}; known: {RUN_COUNTS}")
    return dict(counts)
