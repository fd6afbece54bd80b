"""Shared test fixtures: the fixture-site server, crawl configs pointing at it, fast crawl settings,
and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "fixtures" / "sites"

# --- the inner loop --------------------------------------------------------------------------------

# Fixtures that start a process or a server (directly or through the fixtures they use). Every test
# that needs one is marked ``slow``, so ``pytest -m "not slow"`` runs the in-process tests in seconds;
# the default run (the CI gate) still runs everything.
PROCESS_FIXTURES = frozenset({
    "site_server",  # the fixture-site server: newsroom, crawl_config, crawl, store_of ...
    "redesign",  # the redesign site server (tests/crawl/test_health_e2e.py)
    "postgres_cluster",  # a PostgreSQL cluster: postgres_url, postgres_db
})
# Backend parameters whose fixture asks for the cluster with ``request.getfixturevalue``.
PROCESS_PARAMS = frozenset({"postgresql"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that uses a process-starting fixture or the PostgreSQL backend."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = set(map(str, callspec.params.values())) if callspec is not None else set()
        if fixtures & PROCESS_FIXTURES or params & PROCESS_PARAMS:
            item.add_marker(pytest.mark.slow)


# Politeness off for a server on loopback; short timeouts; failures due again at once.
FAST_CRAWL: dict[str, object] = {
    "AUTOTHROTTLE_START_DELAY": 0.01,
    "AUTOTHROTTLE_MAX_DELAY": 0.5,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 10,  # a loaded 2-core machine must not turn into timeouts (one test uses 1)
    "RETRY_TIMES": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "HOTLINE_RETRY_BACKOFF": 0,
    "HOTLINE_FAILURE_BACKOFF": 0,
    "HOTLINE_RUN_UPDATE_INTERVAL": 0.5,
    "LOGSTATS_INTERVAL": 0,
}


class SiteServer:
    """``crawler.devtools.site`` in a subprocess: a fixture site on 127.0.0.1 with a request log."""

    def __init__(self, site: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.devtools.site", "--site", str(site), "--watch-stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError(f"site server for {site} did not start (printed {self.url!r})")
        self.alt_url = self.url.replace("127.0.0.1", "localhost")

    def _call(self, path: str, data: object = None) -> Any:
        body = None if data is None else json.dumps(data).encode()
        method = "GET" if path == "/_log" else "POST"
        request = urllib.request.Request(self.url + path, data=body, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def reset(self) -> None:
        self._call("/_reset")

    def log(self) -> list[dict[str, Any]]:
        return self._call("/_log")

    def clear_log(self) -> None:
        self._call("/_log/clear")

    def requested(self, prefix: str = "/") -> list[str]:
        """Paths requested so far that start with ``prefix``, in order, repeats kept."""
        return [entry["path"] for entry in self.log() if entry["path"].startswith(prefix)]

    def fault(self, path: str, kind: str, seconds: float | None = None) -> None:
        fault: dict[str, object] = {"path": path, "kind": kind}
        if seconds is not None:
            fault["seconds"] = seconds
        self._call("/_fault", fault)

    def clear_faults(self) -> None:
        self._call("/_faults/clear")

    def publish(self, name: str) -> list[str]:
        return self._call(f"/_publish?name={name}")["published"]

    def page(self, path: str) -> str:
        """A page as the server renders it (read from disk, so the request log is untouched)."""
        text = (SITES / "newsroom" / path.lstrip("/")).read_text(encoding="utf-8")
        return text.replace("{base}", self.url).replace("{alt}", self.alt_url)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=10)


@pytest.fixture(scope="session")
def site_server() -> Iterator[SiteServer]:
    server = SiteServer(SITES / "newsroom")
    yield server
    server.close()


@pytest.fixture
def newsroom(site_server: SiteServer) -> SiteServer:
    """The newsroom fixture site, fresh: original files, no faults, empty request log."""
    site_server.reset()
    return site_server


def write_newsroom_config(path: Path, site: SiteServer, data_dir: Path) -> Path:
    """A config whose sources are the newsroom site, one per kind (and no bundled sources)."""
    path.write_text(
        f"""
bundled_sources = false
data_dir = "{data_dir.as_posix()}"
user_agent = "hotline-tests/0.1 (+http://127.0.0.1/contact)"

[[sources]]
name = "newsroom-rss"
kind = "feed"
url = "{site.url}/rss.xml"

[[sources]]
name = "newsroom-atom"
kind = "feed"
url = "{site.url}/atom.xml"

[[sources]]
name = "newsroom-sitemap"
kind = "sitemap"
url = "{site.url}/sitemap_index.xml"
follow = '/articles/'

[[sources]]
name = "newsroom-listing"
kind = "listing"
url = "{site.url}/news/index.html"
follow = '/articles/[a-z0-9-]+\\.html$'
depth = 2

[[sources]]
name = "newsroom-search"
kind = "search"
url = "{site.url}/search.xml"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def newsroom_config(site_server: SiteServer) -> Callable[[Path], Path]:
    """``newsroom_config(folder)``: write ``folder/hotline.toml`` (data in ``folder/data``); its path."""
    return lambda folder: write_newsroom_config(folder / "hotline.toml", site_server, folder / "data")


@pytest.fixture
def crawl_config(tmp_path: Path, newsroom: SiteServer, newsroom_config: Callable[[Path], Path]) -> Path:
    return newsroom_config(tmp_path)


@pytest.fixture(scope="session")
def fast_crawl() -> dict[str, object]:
    """FAST_CRAWL, for session- and module-scoped fixtures (do not modify)."""
    return FAST_CRAWL


@pytest.fixture
def crawl_settings() -> dict[str, object]:
    """Scrapy settings for crawls of the fixture sites (a copy of FAST_CRAWL to add to)."""
    return dict(FAST_CRAWL)


@pytest.fixture
def crawl(crawl_config: Path, crawl_settings: dict[str, object]) -> Callable[..., Any]:
    """``crawl(source, **settings)``: one real crawl process with ``crawl_settings``; its RunResult."""
    from crawler.service.launch import run_crawl_process

    def run(source: str, timeout: float = 60, **settings: object) -> Any:
        return run_crawl_process(str(crawl_config), source, timeout, settings={**crawl_settings, **settings})

    return run


@pytest.fixture
def store_of(crawl_config: Path) -> Callable[[], Any]:
    """Open the store of ``crawl_config`` (call it after a crawl; close it when done)."""
    from crawler.config import load_config
    from crawler.store import Store

    return lambda: Store(load_config(crawl_config).store)


# --- PostgreSQL ------------------------------------------------------------------------------------

SKIP_POSTGRES = "HOTLINE_SKIP_POSTGRES"  # =1: skip the PostgreSQL tests where PostgreSQL is missing


def postgres_bindir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` directory (Debian's layout first, then ``$PATH``)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """A throwaway PostgreSQL cluster: ``initdb`` into a temporary directory, started on a free
    127.0.0.1 port with ``fsync=off``; trust authentication, user ``postgres``. RuntimeError (one
    line, saying what to install) when it cannot be started."""

    def __init__(self) -> None:
        try:
            import psycopg  # noqa: F401 - the driver the store URLs name
        except ImportError:
            raise RuntimeError("psycopg is not installed (pip install -e '.[test]')") from None
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL's initdb is not installed (apt-get install postgresql)")
        self.bindir = bindir
        self.run_as: list[str] = []
        self.workdir = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            if not shutil.which("runuser"):
                raise RuntimeError("running as root without runuser: cannot start PostgreSQL")
            shutil.chown(self.workdir, "postgres", "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self.data, self.port = self.workdir / "data", _free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir} -c fsync=off"
        try:
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
            self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.workdir / "log"), "-o", options,
                      "start")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            shutil.rmtree(self.workdir, ignore_errors=True)
            last = detail.decode(errors="replace").strip().splitlines()[-1:] or [str(exc)]
            raise RuntimeError(f"could not start PostgreSQL from {bindir}: {last[0]}") from None

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.run_as, str(self.bindir / program), *args], check=True, capture_output=True,
                       timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as db:
            db.execute(statement)

    def create_database(self, prefix: str = "hotline") -> str:
        """A new empty database; its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database`` (closing any connection left to it)."""
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[-1]}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run([*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.workdir, ignore_errors=True)


def postgres_unavailable(reason: str) -> NoReturn:
    """Fail the PostgreSQL tests with ``reason`` (never a silent skip), unless HOTLINE_SKIP_POSTGRES=1."""
    if os.environ.get(SKIP_POSTGRES) == "1":
        pytest.skip(f"PostgreSQL tests skipped ({SKIP_POSTGRES}=1): {reason}")
    pytest.fail(
        f"PostgreSQL tests cannot run: {reason}. Install it (scripts/test.sh does) "
        f"or set {SKIP_POSTGRES}=1 to skip them.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the whole session; a test that needs it fails where it cannot start."""
    try:
        cluster = PostgresCluster()
    except RuntimeError as exc:
        postgres_unavailable(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The cluster's ``postgres`` database (shared: prefer ``postgres_db`` for a clean one)."""
    return postgres_cluster.url()


@pytest.fixture
def postgres_db(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh, empty database of the session cluster for one test; its URL. Dropped afterwards."""
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url)
