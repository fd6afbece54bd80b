"""Crawls on Scrapyd nodes: the ``Launcher`` the daemon uses when the config says ``launcher = "scrapyd"``.

Same contract as ``LocalLauncher`` (one crawl of one source, to its end or its time limit), but the
crawl process runs on one of several Scrapyd nodes. The launcher builds an egg of this project once
(``scrapyd_client``: the ``crawler`` and ``feeds`` packages with their data files), uploads it to each
node the first time it uses it (``addversion.json``), gives each crawl to the least busy node that
answers (``daemonstatus.json``), schedules it (``schedule.json``: spider = the source's kind, ``source``
as spider argument, the config and store as ``-s`` settings so the node writes to the same store),
follows it (``listjobs.json``), cancels it past its time limit (``cancel.json``) and reads its
``runs`` row back from the store. A node that does not answer is skipped.

The run row is matched by job id: the launcher names each job (``jobid``) and passes the same id as
the ``HOTLINE_JOB_ID`` setting, which ``RunRecorder`` stores in ``runs.job_id``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crawler.config import Source
from crawler.service.launch import (
    ProgressCallback,
    RunResult,
    close_run,
    not_started,
    resolve_crawl,
)
from crawler.service.scrapyd_client import PROJECT, ScrapydError, ScrapydNode, project_egg, stored_version
from crawler.store import Store


class NoNodeError(ScrapydError):
    """No node could take a crawl."""


@dataclass(slots=True)
class _Job:
    node: ScrapydNode
    id: str
    source: str
    pid: int | None = None
    log_url: str | None = None
    state: str = "pending"
    cancelled: bool = False
    unreachable: str = ""
    done: threading.Event = field(default_factory=threading.Event)


def _setting(value: object) -> str:
    """A Scrapy setting as ``-s KEY=VALUE`` text (tables and lists as JSON, which Scrapy decodes)."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value)
    return str(value)


class ScrapydLauncher:
    """Crawls on Scrapyd nodes, each to the least busy node that answers; see the module docstring."""

    def __init__(
        self,
        nodes: Iterable[str],
        project: str = PROJECT,
        settings: Mapping[str, object] | None = None,
        *,
        kill_grace: float = 10.0,
        poll_interval: float = 0.5,
        request_timeout: float = 5.0,
    ) -> None:
        self.nodes = [ScrapydNode(url, request_timeout) for url in nodes]
        if not self.nodes:
            raise ValueError("ScrapydLauncher needs at least one node URL (config key 'scrapyd')")
        self.project = project
        self.settings = dict(settings or {})
        self.kill_grace = kill_grace
        self.poll_interval = poll_interval
        self._lock = threading.Lock()  # node choice, deploys and scheduling, one crawl at a time
        self._jobs: dict[str, _Job] = {}
        self._jobs_lock = threading.Lock()
        self._stopping = threading.Event()
        self._stop_deadline = float("inf")
        self._egg: tuple[str, bytes] | None = None
        self._deployed: set[str] = set()
        self._last_used: dict[str, int] = {}
        self._uses = 0

    # --- deploy and schedule ---------------------------------------------------------------------

    def egg(self) -> tuple[str, bytes]:
        """(version, egg bytes), built on first use."""
        if self._egg is None:
            self._egg = project_egg()
        return self._egg

    def deploy(self, node: ScrapydNode) -> None:
        """Upload the egg to ``node`` unless it already has this version."""
        if node.url in self._deployed:
            return
        version, egg = self.egg()
        if stored_version(version) not in {stored_version(v) for v in node.versions(self.project)}:
            spiders = node.add_version(self.project, version, egg)
            if spiders == 0:
                raise ScrapydError(
                    f"{node.url}: the {self.project} egg holds no spiders (see the node's log)"
                )
        self._deployed.add(node.url)

    def _submit(self, source: Source, settings: Mapping[str, str], job_id: str) -> ScrapydNode:
        """Schedule the crawl on the least busy node that answers; NoNodeError with every node's reason."""
        with self._lock:
            reasons: list[str] = []
            ranked = []
            for index, node in enumerate(self.nodes):
                try:
                    ranked.append((node.load(), self._last_used.get(node.url, 0), index, node))
                except ScrapydError as exc:
                    reasons.append(str(exc))
            for _load, _used, _index, node in sorted(ranked, key=lambda r: r[:3]):
                try:
                    self.deploy(node)
                    version = self.egg()[0]
                    node.schedule(
                        self.project, version, source.kind, job_id, settings, {"source": source.name}
                    )
                except ScrapydError as exc:
                    self._deployed.discard(node.url)  # a node that lost its eggs gets them again next time
                    reasons.append(str(exc))
                    continue
                self._uses += 1
                self._last_used[node.url] = self._uses
                return node
            raise NoNodeError(f"no Scrapyd node took the crawl of {source.name!r}: " + "; ".join(reasons))

    def _job_settings(self, config_path: str | None, store_url: str, job_id: str) -> dict[str, str]:
        """The crawl's ``-s`` settings: the launcher's, then where config and store are (the config's own
        settings are applied by the spider on the node, from the same config file)."""
        settings = {key: _setting(value) for key, value in self.settings.items()}
        if config_path:
            settings["HOTLINE_CONFIG"] = str(Path(config_path).resolve())
        settings["HOTLINE_STORE"] = store_url
        settings["HOTLINE_JOB_ID"] = job_id
        return settings

    # --- one crawl -------------------------------------------------------------------------------

    def run(
        self,
        config_path: str | None,
        source: str,
        timeout: float,
        *,
        progress: ProgressCallback | None = None,
    ) -> RunResult:
        """Crawl ``source`` on a node and wait at most ``timeout`` seconds (then cancel it)."""
        started = time.monotonic()
        if self._stopping.is_set():
            return not_started(source)
        _config, spec, store_url = resolve_crawl(config_path, source, self.settings)
        job_id = uuid.uuid4().hex
        with Store(store_url) as store:
            try:
                node = self._submit(spec, self._job_settings(config_path, store_url, job_id), job_id)
            except NoNodeError as exc:
                run_id = store.runs.start(source, None, job_id=job_id)
                store.runs.finish(run_id, "failed", errors=str(exc)[:500])
                return close_run(
                    store, store.runs.get(run_id), source=source, outcome="failed", timed_out=False,
                    started=started, why=str(exc), job_id=job_id,
                )
            job = _Job(node, job_id, source)
            with self._jobs_lock:
                self._jobs[job_id] = job
            try:
                timed_out = self._follow(job, store, started + timeout, progress)
            finally:
                with self._jobs_lock:
                    self._jobs.pop(job_id, None)
                job.done.set()
            return self._result(job, store, timed_out, started)

    def _poll(self, job: _Job) -> None:
        try:
            found = job.node.job(self.project, job.id)
        except ScrapydError as exc:
            job.unreachable = str(exc)
            return
        job.unreachable = ""
        if found is None:
            job.state = "lost"
            return
        job.state, entry = found
        job.pid = entry.get("pid") or job.pid
        job.log_url = entry.get("log_url") or job.log_url

    def _follow(self, job: _Job, store: Store, deadline: float, progress: ProgressCallback | None) -> bool:
        """Poll the node until the job has finished; cancel it at ``deadline``. True if it timed out."""
        timed_out = False
        next_step = deadline  # the time limit, then SIGKILL after the grace, then stop waiting
        signals = ["INT", "KILL"]  # SIGINT: Scrapy shuts down cleanly and closes its run
        while True:
            self._poll(job)
            if job.state in ("finished", "lost"):
                return timed_out
            record = store.runs.for_job(job.id)
            if job.unreachable and record is not None and record.outcome != "running":
                return timed_out  # the node went away, but the crawl closed its run
            if progress is not None and record is not None:
                progress(record)
            now = time.monotonic()
            if now >= self._stop_deadline:
                return timed_out  # stop_all's grace is over; do not wait for a node that does not answer
            if now >= next_step:
                if not signals:
                    return True
                timed_out = True
                self._cancel(job, signals.pop(0))
                next_step = now + (self.kill_grace if signals else 5.0)
            time.sleep(self.poll_interval)

    def _cancel(self, job: _Job, signal: str) -> None:
        job.cancelled = True
        try:
            job.node.cancel(self.project, job.id, signal)
        except ScrapydError as exc:
            job.unreachable = str(exc)

    def _result(self, job: _Job, store: Store, timed_out: bool, started: float) -> RunResult:
        """Close the run as a local launcher would, and report it."""
        record = store.runs.for_job(job.id)
        if timed_out:
            outcome = "timeout"
        elif record is not None and record.outcome != "running":
            outcome = record.outcome
        elif job.cancelled:
            outcome = "stopped"  # cancelled by stop_all (a timeout is handled above)
        elif record is not None:
            outcome = "crashed"  # the process ended without closing its run
        else:
            outcome = "failed"  # it never opened its spider (see the log)
        why = ""  # an 'ok' run needs no explanation, and its log need not be fetched
        if outcome != "ok":
            if job.state == "lost" and job.cancelled:
                reason = f"cancelled on {job.node.url} before it started"
            elif job.state == "lost":
                reason = f"job {job.id} is unknown to {job.node.url} (was the node restarted?)"
            elif job.unreachable:
                reason = f"lost contact with the node: {job.unreachable}"
            elif record is None:
                reason = f"the crawl ended ({outcome}) on {job.node.url} before it started"
            else:
                reason = f"the crawl ended as {outcome} on {job.node.url}"
            why = reason  # the run's own errors (its stats) come first in close_run; never the log
        return close_run(
            store,
            record,
            source=job.source,
            outcome=outcome,
            timed_out=timed_out,
            started=started,
            why=why,
            pid=job.pid,
            job_id=job.id,
            log_path=job.node.url + job.log_url if job.log_url else None,
        )

    # --- shutdown --------------------------------------------------------------------------------

    def stop_all(self, grace: float) -> None:
        """Start no more crawls; cancel the running jobs (SIGINT: Scrapy closes each run as 'stopped'),
        wait up to ``grace`` seconds for them, then cancel what is left with SIGKILL."""
        self._stopping.set()
        self._stop_deadline = time.monotonic() + grace + 5.0
        with self._jobs_lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            self._cancel(job, "INT")
        deadline = time.monotonic() + grace
        for job in jobs:
            if not job.done.wait(timeout=max(0.0, deadline - time.monotonic())):
                self._cancel(job, "KILL")
        for job in jobs:
            job.done.wait(timeout=max(0.0, self._stop_deadline - time.monotonic()))
