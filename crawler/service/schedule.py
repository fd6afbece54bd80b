"""APScheduler jobs, one per source: each fires one crawl process, then health and feeds follow.

APScheduler 3 runs in the daemon process; every crawl runs in its own child process (Twisted's reactor
cannot be restarted), started through a launcher so that Scrapyd nodes can take the local processes'
place by configuration. The job store lives in the data directory, so a restarted daemon keeps each
source's schedule and runs at once what fell due while it was down (coalesced into one run). A source
whose last real run (not one its user stopped) is older than its interval, or that never ran, runs
soon after start, whatever the stored schedule says.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import Config, Source
from crawler.service.launch import Launcher, RunResult

log = logging.getLogger("hotline.daemon")

JOB_PREFIX = "crawl:"


def trigger_for(source: Source, config: Config, interval: int | None = None) -> Any:
    """IntervalTrigger for durations and ``auto`` (current adaptive interval), CronTrigger for cron."""
    if source.every.cron:
        return CronTrigger.from_crontab(source.every.cron, timezone=UTC)
    seconds = interval or source.every.seconds or _auto_start(config)
    jitter = min(config.daemon.jitter, seconds // 10) or None
    return IntervalTrigger(seconds=seconds, jitter=jitter, timezone=UTC)


def _auto_start(config: Config) -> int:
    low, high = config.daemon.auto_min, config.daemon.auto_max
    return int(min(high, max(low, (low * high) ** 0.5)))


def due_after(trigger: Any, last: datetime | None, now: datetime) -> datetime:
    """When a source whose last real run started at ``last`` is next due (``now`` if it never ran)."""
    if last is None:
        return now
    interval = getattr(trigger, "interval", None)
    if interval is not None:
        return last + interval
    return trigger.get_next_fire_time(None, last) or now


def next_runs(config: Config) -> dict[str, datetime | None]:
    """Each scheduled source's next run as the daemon's job store holds it (empty before any daemon)."""
    path = config.data_dir / "schedule.db"
    if not path.exists():
        return {}
    store = SQLAlchemyJobStore(url=f"sqlite:///{path}")
    try:
        store.start(None, "default")  # type: ignore[arg-type]  # reading only: no scheduler needed
        jobs = store.get_all_jobs()
    except Exception as exc:  # a job store from another version: status still works
        log.warning("cannot read the schedule in %s: %s", path, exc)
        return {}
    finally:
        store.shutdown()
    return {job.id[len(JOB_PREFIX):]: job.next_run_time for job in jobs if job.id.startswith(JOB_PREFIX)}


def _seconds(trigger: Any) -> int:
    interval = getattr(trigger, "interval", None)
    return int(interval.total_seconds()) if interval is not None else 86400


def same_trigger(a: Any, b: Any) -> bool:
    """Whether a stored job's trigger is the one the config asks for (then its next run is kept)."""
    same_jitter = getattr(a, "jitter", None) == getattr(b, "jitter", None)
    return type(a) is type(b) and str(a) == str(b) and same_jitter


# The daemon whose jobs are running in this process: jobs are stored by reference ("module:function" +
# source name) so that the persistent job store can reload them after a restart.
_current: Daemon | None = None


class QuietShutdownScheduler(BackgroundScheduler):
    """APScheduler's background scheduler without its shutdown race.

    ``shutdown`` wakes the scheduler thread once more, and that pass hands whatever is due to the
    executors just shut down, logging a RuntimeError traceback for each job (agronholm/apscheduler#285,
    #985). Here a pass runs only while the scheduler runs; ``Daemon.stop`` pauses it first, so no pass
    is under way when the executors go.
    """

    def _process_jobs(self) -> float | None:
        if self.state != STATE_RUNNING:
            return None
        return super()._process_jobs()


def crawl_job(source: str) -> None:
    """Job entry point stored in the job store: crawl ``source`` with the running daemon."""
    if _current is None:
        raise RuntimeError("no daemon is running in this process")
    _current.crawl(source)


class Daemon:
    """The scheduler, its jobs and what follows each crawl (health, adaptive interval, feed rebuild)."""

    def __init__(
        self,
        config: Config,
        launcher: Launcher,
        after_crawl: Callable[[Source, RunResult], None] | None = None,
        next_interval: Callable[[Source], int | None] | None = None,
        last_crawled: Callable[[str], datetime | None] | None = None,
    ) -> None:
        self.config = config
        self.launcher = launcher
        self.after_crawl = after_crawl
        self.next_interval = next_interval
        self.last_crawled = last_crawled
        self.stopping = threading.Event()
        self.crawls = 0
        self._lock = threading.Lock()
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.scheduler = QuietShutdownScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{config.data_dir / 'schedule.db'}")},
            executors={"default": ThreadPoolExecutor(max_workers=config.daemon.max_crawls)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": config.daemon.misfire_grace,
            },
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def start(self) -> None:
        """Start the scheduler and bring its stored jobs in line with the configured sources."""
        global _current
        _current = self
        self.scheduler.start(paused=True)
        self.sync_jobs()
        self.scheduler.resume()

    def sync_jobs(self) -> list[str]:
        """Add new sources' jobs (due now), keep unchanged ones as stored, replace changed, drop removed."""
        wanted = {s.name: s for s in self.config.sources if s.enabled}
        stored = {job.id: job for job in self.scheduler.get_jobs()}
        now = datetime.now(UTC)
        for job_id in stored:
            if job_id.startswith(JOB_PREFIX) and job_id[len(JOB_PREFIX):] not in wanted:
                self.scheduler.remove_job(job_id)
        kept = []
        for i, source in enumerate(wanted.values()):
            job_id = JOB_PREFIX + source.name
            trigger = trigger_for(source, self.config, self._stored_interval(stored.get(job_id), source))
            job = stored.get(job_id)
            # A new or overdue source runs soon, spread over a few seconds so they do not start together.
            first = now + timedelta(seconds=min(i, 10) + random.uniform(0, 1))
            if job is not None and same_trigger(job.trigger, trigger) and job.next_run_time is not None:
                kept.append(source.name)
                self._catch_up(job, source.name, trigger, first)
                continue
            self.scheduler.add_job(
                "crawler.service.schedule:crawl_job",
                trigger=trigger,
                args=[source.name],
                id=job_id,
                name=f"crawl {source.name}",
                replace_existing=True,
                next_run_time=first,
                # A restarted daemon runs an overdue source once, however long it was down.
                misfire_grace_time=max(self.config.daemon.misfire_grace, _seconds(trigger)),
            )
        return kept

    def _catch_up(self, job: Any, name: str, trigger: Any, soon: datetime) -> None:
        """Bring a kept job's next run forward to when the source is really due: a source never
        crawled, or whose last run was stopped (the daemon stopped under it), must not wait a full
        interval after the restart."""
        if self.last_crawled is None:
            return
        last = self.last_crawled(name)
        due = max(due_after(trigger, last, soon), soon)
        if due < job.next_run_time:
            since = f"last run {last:%Y-%m-%d %H:%M} UTC" if last else "never crawled"
            # a shift of seconds (the stored time and the last run's finish differ slightly) is noise
            level = logging.INFO if job.next_run_time - due > timedelta(minutes=1) else logging.DEBUG
            log.log(
                level,
                "source %s: next crawl brought forward to %s UTC (%s; it was set for %s)",
                name,
                f"{due:%Y-%m-%d %H:%M:%S}",
                since,
                f"{job.next_run_time:%H:%M:%S}",
            )
            self.scheduler.modify_job(job.id, next_run_time=due)

    @staticmethod
    def _stored_interval(job: Any, source: Source) -> int | None:
        """An ``auto`` source keeps the interval it adapted to before the restart."""
        if job is None or not source.every.auto or not isinstance(job.trigger, IntervalTrigger):
            return None
        return int(job.trigger.interval.total_seconds())

    def crawl(self, name: str) -> RunResult | None:
        """One scheduled crawl: launch it, log one line, then health, interval and feeds."""
        if self.stopping.is_set():
            return None
        source = self.config.source(name)
        config_path = str(self.config.path) if self.config.path else None
        result = self.launcher.run(config_path, name, timeout=self.config.daemon.crawl_timeout)
        if result.outcome == "skipped":  # another process (a `hotline crawl`) is crawling it now
            log.info("crawl %s: %s", name, result.errors)
            return result
        with self._lock:
            self.crawls += 1
        run = result.run
        log.info(
            "crawl %s: %s, fetched %d, new %d, failed %d, %.1f s%s",
            name, result.outcome, run.pages_fetched, run.articles_new, run.articles_failed,
            result.seconds, f" ({result.errors})" if result.errors and result.outcome != "ok" else "",
        )
        if self.after_crawl is not None:
            try:
                self.after_crawl(source, result)
            except Exception:  # a failed feed rebuild must not stop the schedule
                log.exception("after crawl %s: feed rebuild or health check failed", name)
        if source.every.auto and self.next_interval is not None and not self.stopping.is_set():
            self._adapt(source)
        return result

    def _adapt(self, source: Source) -> None:
        interval = self.next_interval(source) if self.next_interval else None
        job = self.scheduler.get_job(JOB_PREFIX + source.name)
        if interval is None or job is None:
            return
        if int(job.trigger.interval.total_seconds()) != interval:
            log.info("source %s: polling every %d s from now on (auto)", source.name, interval)
            self.scheduler.reschedule_job(job.id, trigger=trigger_for(source, self.config, interval))

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its run time by more than the grace time; it runs at the next one",
                        event.job_id)
        elif event.exception is not None:
            log.error("job %s failed: %s", event.job_id, event.exception)

    def stop(self, grace: float = 30.0) -> None:
        """Stop taking jobs, give running crawls ``grace`` seconds, then kill what remains."""
        global _current
        self.stopping.set()
        with contextlib.suppress(Exception):  # already stopped
            self.scheduler.pause()
        self.launcher.stop_all(grace)
        self.scheduler.shutdown(wait=True)
        _current = None
