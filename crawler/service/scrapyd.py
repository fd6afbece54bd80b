"""Crawls on Scrapyd nodes: the ``Launcher`` the daemon uses when the config says ``launcher = "scrapyd"``.

Same contract as ``LocalLauncher`` (one crawl of one source, to its end or its time limit), but the
crawl process runs on one of several Scrapyd nodes. The launcher builds an egg of this project once
(the ``crawler`` and ``feeds`` packages with their data files), uploads it to each node the first
time it uses it (``addversion.json``), gives each crawl to the least busy node that answers
(``daemonstatus.json``), schedules it (``schedule.json``: spider = the source's kind, ``source`` as
spider argument, the config and store as ``-s`` settings so the node writes to the same store),
follows it (``listjobs.json``), cancels it past its time limit (``cancel.json``) and reads its
``runs`` row back from the store. A node that does not answer is skipped.

The run row is matched by job id: the launcher names each job (``jobid``) and passes the same id as
the ``HOTLINE_JOB_ID`` setting, which ``RunRecorder`` stores in ``runs.job_id``. A row without a job
id (written by an egg older than that column) is matched as before, by source and id: the first of
its source with an id above the newest one before the job was scheduled (the daemon runs one crawl
per source at a time), with the job's pid once ``listjobs.json`` has shown it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import Source
from crawler.service.launch import ProgressCallback, RunResult, not_started, resolve_crawl
from crawler.store import RunRecord, Store

PROJECT = "hotline"
PACKAGES = ("crawler", "feeds")
PACKAGE_DATA = {"crawler": ["data/*.toml"], "feeds": ["static/*"]}
SETTINGS_MODULE = "crawler.settings"

_SETUP_PY = """\
from setuptools import find_packages, setup

setup(
    name={project!r},
    version={version!r},
    packages=find_packages(include=["crawler*", "feeds*"]),
    package_data={package_data!r},
    entry_points={{"scrapy": ["settings = {settings}"]}},
    zip_safe=False,
)
"""


_EGGS: dict[str, bytes] = {}  # built eggs by version, shared by the launchers of this process


class ScrapydError(RuntimeError):
    """A Scrapyd node did not answer, or refused a request; the message names the node."""


class NoNodeError(ScrapydError):
    """No node could take a crawl."""


# --- the egg -------------------------------------------------------------------------------------


def _package_dir(name: str) -> Path:
    module = __import__(name)
    return Path(module.__file__).resolve().parent


def _project_files() -> list[tuple[str, Path]]:
    """(path inside the egg, file) for every source and data file of the packages, sorted."""
    files = []
    for package in PACKAGES:
        root = _package_dir(package)
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                files.append((f"{package}/{path.relative_to(root).as_posix()}", path))
    return files


def egg_version(base: str = "0.1.0") -> str:
    """``0.1.0+<hash>``: the hash of the packaged files, so unchanged code is not uploaded again."""
    digest = hashlib.sha256()
    for name, path in _project_files():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{base}+{digest.hexdigest()[:12]}"


def build_egg(version: str, dest: Path) -> Path:
    """Build ``hotline-<version>.egg`` in ``dest`` with setuptools' ``bdist_egg`` from a clean copy of the
    packages (no tests, no fixtures) and the ``scrapy`` entry point Scrapyd reads the settings module from."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hotline-egg-") as staging:
        root = Path(staging)
        for name, path in _project_files():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        (root / "setup.py").write_text(
            _SETUP_PY.format(
                project=PROJECT, version=version, package_data=PACKAGE_DATA, settings=SETTINGS_MODULE
            ),
            encoding="utf-8",
        )
        done = subprocess.run(
            [sys.executable, "setup.py", "-q", "bdist_egg", "--dist-dir", str(dest)],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        eggs = sorted(dest.glob("*.egg"), key=lambda p: p.stat().st_mtime)
        if done.returncode != 0 or not eggs:
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no egg written"]
            raise ScrapydError(f"building the {PROJECT} egg failed: {detail[0]}")
    return eggs[-1]


def stored_version(version: str) -> str:
    """A version as Scrapyd's egg storage names it (and ``listversions.json`` lists it): every character
    but letters, digits, ``_`` and ``-`` becomes ``_`` (``0.1.0+ab12`` is listed as ``0_1_0_ab12``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", version)


# --- one node ------------------------------------------------------------------------------------


def _multipart(fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass(slots=True)
class ScrapydNode:
    """One Scrapyd server's JSON API, each call one HTTP request with a short timeout."""

    url: str
    timeout: float = 5.0

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")

    def call(
        self,
        endpoint: str,
        params: Iterable[tuple[str, str]] = (),
        *,
        post: bool = False,
        body: tuple[bytes, str] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """GET or POST ``endpoint``; the decoded answer, or ScrapydError naming the node and the call."""
        query = urllib.parse.urlencode(list(params))
        url = f"{self.url}/{endpoint}"
        data, content_type = body or (
            (query.encode(), "application/x-www-form-urlencoded") if post else (None, "")
        )
        if query and not post:
            url += "?" + query
        request = urllib.request.Request(url, data=data, method="POST" if post else "GET")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise ScrapydError(f"{self.url}: {endpoint} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ScrapydError(f"{self.url}: not reachable ({reason})") from None
        except ValueError:
            raise ScrapydError(
                f"{self.url}: {endpoint} did not answer JSON; is this a Scrapyd server?"
            ) from None
        if answer.get("status") != "ok":
            raise ScrapydError(f"{self.url}: {endpoint}: {answer.get('message', answer)}")
        return answer

    def load(self) -> int:
        """Jobs pending and running on the node."""
        status = self.call("daemonstatus.json")
        return int(status.get("pending", 0)) + int(status.get("running", 0))

    def versions(self, project: str) -> list[str]:
        try:
            return list(self.call("listversions.json", [("project", project)]).get("versions", []))
        except ScrapydError:
            return []

    def add_version(self, project: str, version: str, egg: bytes) -> int:
        """Upload an egg; the number of spiders the node found in it."""
        body = _multipart({"project": project, "version": version}, {"egg": (f"{project}.egg", egg)})
        return int(self.call("addversion.json", post=True, body=body, timeout=120).get("spiders", 0))

    def schedule(
        self,
        project: str,
        version: str,
        spider: str,
        job: str,
        settings: Mapping[str, str],
        args: Mapping[str, str],
    ) -> str:
        params = [("project", project), ("spider", spider), ("_version", version), ("jobid", job)]
        params += [("setting", f"{key}={value}") for key, value in settings.items()]
        params += list(args.items())
        return str(self.call("schedule.json", params, post=True)["jobid"])

    def job(self, project: str, job: str) -> tuple[str, dict[str, Any]] | None:
        """(``pending``/``running``/``finished``, the job's entry) from ``listjobs.json``; None if unknown."""
        jobs = self.call("listjobs.json", [("project", project)])
        for state in ("finished", "running", "pending"):
            for entry in jobs.get(state, []):
                if entry.get("id") == job:
                    return state, entry
        return None

    def jobs(self, project: str) -> dict[str, list[dict[str, Any]]]:
        return self.call("listjobs.json", [("project", project)])

    def cancel(self, project: str, job: str, signal: str = "INT") -> str | None:
        answer = self.call("cancel.json", [("project", project), ("job", job), ("signal", signal)], post=True)
        return answer.get("prevstate")

    def text(self, path: str, limit: int = 200_000) -> str:
        """A text file the node serves (a job's log), or '' when it cannot be read."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=self.timeout) as response:
                return response.read(limit).decode("utf-8", errors="replace")
        except (urllib.error.URLError, OSError, ValueError):
            return ""


# --- the launcher --------------------------------------------------------------------------------


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


def _error_line(text: str) -> str:
    for line in reversed(text.splitlines()):
        if "ERROR" in line or line.startswith(("hotline:", "Traceback")) or "Error" in line:
            return line.strip()[:300]
    return ""


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
            version = egg_version()
            if version not in _EGGS:
                with tempfile.TemporaryDirectory(prefix="hotline-dist-") as dist:
                    _EGGS[version] = build_egg(version, Path(dist)).read_bytes()
            self._egg = version, _EGGS[version]
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

    def _job_settings(
        self, config_path: str | None, source: Source, store_url: str, job_id: str
    ) -> dict[str, str]:
        """The crawl's ``-s`` settings: the source's own, the launcher's, then where config and store are."""
        settings = {key: _setting(value) for key, value in {**source.settings, **self.settings}.items()}
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
            floor = max((r.id for r in store.runs.latest(source, limit=1)), default=0)
            try:
                node = self._submit(spec, self._job_settings(config_path, spec, store_url, job_id), job_id)
            except NoNodeError as exc:
                run_id = store.runs.start(source, None, job_id=job_id)
                store.runs.finish(run_id, "failed", errors=str(exc)[:500])
                return RunResult(
                    source,
                    "failed",
                    None,
                    round(time.monotonic() - started, 2),
                    run_id=run_id,
                    errors=str(exc),
                )
            job = _Job(node, job_id, source)
            with self._jobs_lock:
                self._jobs[job_id] = job
            try:
                timed_out = self._follow(job, store, floor, started + timeout, progress)
            finally:
                with self._jobs_lock:
                    self._jobs.pop(job_id, None)
                job.done.set()
            return self._result(job, store, floor, timed_out, started)

    def _record(self, store: Store, job: _Job, floor: int) -> RunRecord | None:
        """The job's ``runs`` row: the row with its job id; else (an older egg that stores no job id)
        its source's first row after ``floor`` without a job id (with the job's pid if known)."""
        record = store.runs.for_job(job.id)
        if record is not None:
            return record
        for record in reversed(store.runs.latest(job.source, limit=20)):
            same_pid = job.pid is None or record.pid in (None, job.pid)
            if record.id > floor and record.job_id is None and same_pid:
                return record
        return None

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

    def _follow(
        self, job: _Job, store: Store, floor: int, deadline: float, progress: ProgressCallback | None
    ) -> bool:
        """Poll the node until the job has finished; cancel it at ``deadline``. True if it timed out."""
        timed_out = False
        next_step = deadline  # the time limit, then SIGKILL after the grace, then stop waiting
        signals = ["INT", "KILL"]  # SIGINT: Scrapy shuts down cleanly and closes its run
        while True:
            self._poll(job)
            if job.state in ("finished", "lost"):
                return timed_out
            record = self._record(store, job, floor)
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

    def _result(self, job: _Job, store: Store, floor: int, timed_out: bool, started: float) -> RunResult:
        """Close the run as a local launcher would, and report it."""
        record = self._record(store, job, floor)
        log_text = job.node.text(job.log_url) if job.log_url else ""
        if timed_out:
            outcome = "timeout"
        elif record is not None and record.outcome != "running":
            outcome = record.outcome
        elif job.cancelled:
            outcome = "killed"
        elif record is not None:
            outcome = "crashed"  # the process ended without closing its run
        else:
            outcome = "failed"  # it never opened its spider (see the log)
        reason = ""
        if job.state == "lost" and job.cancelled:
            reason = f"cancelled on {job.node.url} before it started"
        elif job.state == "lost":
            reason = f"job {job.id} is unknown to {job.node.url} (was the node restarted?)"
        elif job.unreachable:
            reason = f"lost contact with the node: {job.unreachable}"
        if record is None:
            run_id = store.runs.start(job.source, job.pid, job_id=job.id)
            error = (
                _error_line(log_text)
                or reason
                or f"the crawl ended ({outcome}) on {job.node.url} before it started"
            )
            store.runs.finish(run_id, outcome, errors=error[:500])
            record = store.runs.get(run_id)
        elif record.outcome == "running" or timed_out:
            store.runs.finish(record.id, outcome)
            record = store.runs.get(record.id)
        errors = record.errors if record else ""
        if not errors and outcome != "ok":
            errors = _error_line(log_text) or reason or f"the crawl ended as {outcome} on {job.node.url}"
        return RunResult(
            source=job.source,
            outcome=outcome,
            exit_code=None,
            seconds=round(time.monotonic() - started, 2),
            run_id=record.id if record else None,
            pages_fetched=record.pages_fetched if record else 0,
            articles_new=record.articles_new if record else 0,
            articles_failed=record.articles_failed if record else 0,
            not_articles=record.not_articles if record else 0,
            skipped_known=record.skipped_known if record else 0,
            errors=errors,
            log_path=job.node.url + job.log_url if job.log_url else None,
        )

    # --- shutdown --------------------------------------------------------------------------------

    def stop_all(self, grace: float) -> None:
        """Start no more crawls; cancel the running jobs (SIGINT: Scrapy closes each run as 'killed'),
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
