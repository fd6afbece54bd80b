"""A Scrapyd node's JSON API (over ``requests``) and the egg of this project that the nodes run.

Not scrapyd-client: its ``ScrapydClient`` imports Scrapy (and Twisted) into the daemon, sets no request
timeout (a node that hangs would hang the daemon), and can neither upload an egg nor choose the cancel
signal; its ``scrapyd-deploy --build-egg`` needs a ``scrapy.cfg`` checkout to run in and writes
``setup.py`` and build directories into it. The egg here is built by setuptools' ``bdist_egg`` from a
clean copy of the ``crawler`` and ``feeds`` packages, data files included, and named by their hash."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

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


def project_egg() -> tuple[str, bytes]:
    """(version, egg bytes) of the packages as they are now, built once per version in this process."""
    version = egg_version()
    if version not in _EGGS:
        with tempfile.TemporaryDirectory(prefix="hotline-dist-") as dist:
            _EGGS[version] = build_egg(version, Path(dist)).read_bytes()
    return version, _EGGS[version]


def stored_version(version: str) -> str:
    """A version as Scrapyd's egg storage names it (and ``listversions.json`` lists it): every character
    but letters, digits, ``_`` and ``-`` becomes ``_`` (``0.1.0+ab12`` is listed as ``0_1_0_ab12``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", version)


# --- one node ------------------------------------------------------------------------------------


def _root_cause(exc: BaseException) -> BaseException:
    """The error under requests' and urllib3's wrappers (``[Errno 111] Connection refused``)."""
    while exc.__context__ is not None:
        exc = exc.__context__
    return exc


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
        files: Mapping[str, tuple[str, bytes]] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """GET or POST ``endpoint``; the decoded answer, or ScrapydError naming the node and the call."""
        fields = {"data": list(params)} if post else {"params": list(params)}
        try:
            response = requests.request(
                "POST" if post else "GET",
                f"{self.url}/{endpoint}",
                files=files,
                timeout=timeout or self.timeout,
                **fields,
            )
            response.raise_for_status()
            answer = response.json()
        except requests.HTTPError as exc:
            raise ScrapydError(f"{self.url}: {endpoint} answered HTTP {exc.response.status_code}") from None
        except requests.JSONDecodeError:
            raise ScrapydError(
                f"{self.url}: {endpoint} did not answer JSON; is this a Scrapyd server?"
            ) from None
        except requests.RequestException as exc:
            raise ScrapydError(f"{self.url}: not reachable ({_root_cause(exc)})") from None
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            message = answer.get("message", answer) if isinstance(answer, dict) else answer
            raise ScrapydError(f"{self.url}: {endpoint}: {message}")
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
        params = [("project", project), ("version", version)]
        files = {"egg": (f"{project}.egg", egg)}
        answer = self.call("addversion.json", params, post=True, files=files, timeout=120)
        return int(answer.get("spiders", 0))

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
        """The node's pending, running and finished jobs of ``project``: none on a node the project
        was never deployed to (Scrapyd answers that with an error)."""
        if project not in self.call("listprojects.json").get("projects", []):
            return {"pending": [], "running": [], "finished": []}
        return self.call("listjobs.json", [("project", project)])

    def cancel(self, project: str, job: str, signal: str = "INT") -> str | None:
        answer = self.call("cancel.json", [("project", project), ("job", job), ("signal", signal)], post=True)
        return answer.get("prevstate")

    def text(self, path: str, limit: int = 200_000) -> str:
        """A text file the node serves (a job's log), or '' when it cannot be read."""
        try:
            with requests.get(self.url + path, timeout=self.timeout, stream=True) as response:
                if not response.ok:
                    return ""
                return response.raw.read(limit, decode_content=True).decode("utf-8", errors="replace")
        except (requests.RequestException, OSError, ValueError):
            return ""
