"""Crawls on real Scrapyd nodes: the egg, least-busy placement, a dead node, a job past its time limit.

Two ``scrapyd`` servers run as subprocesses on 127.0.0.1, each with its own ``scrapyd.conf`` and
directories. They cannot import the hotline checkout (a ``sitecustomize`` drops the editable install
from their import path), so every crawl they run comes from the egg the launcher uploaded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.core.urls import canonical_url
from crawler.store import Store
from tests.newsroom import ATOM, LISTING, RSS, article_url, stop_mid_crawl, stored_urls

scrapyd = pytest.importorskip("scrapyd", reason="scrapyd is not installed: pip install scrapyd")

from crawler.service.scrapyd import ScrapydLauncher  # noqa: E402
from crawler.service.scrapyd_client import PROJECT, ScrapydNode, build_egg, egg_version  # noqa: E402

pytestmark = pytest.mark.slow

# Nodes must not find the checkout: what they run has to come from the uploaded egg.
NO_CHECKOUT = """\
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScrapydProcess:
    """``python -m scrapyd`` in its own directory with its own ``scrapyd.conf``, on a free port."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "site").mkdir()
        (folder / "site" / "sitecustomize.py").write_text(NO_CHECKOUT, encoding="utf-8")
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (folder / "scrapyd.conf").write_text(
            f"""[scrapyd]
bind_address = 127.0.0.1
http_port = {self.port}
eggs_dir = {folder / "eggs"}
logs_dir = {folder / "logs"}
dbs_dir = {folder / "dbs"}
poll_interval = 0.2
max_proc = 2
""",
            encoding="utf-8",
        )
        env = {**os.environ, "PYTHONPATH": str(folder / "site")}
        env.pop("HOTLINE_CONFIG", None)
        env.pop("HOTLINE_STORE", None)
        self.log = open(folder / "scrapyd.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/daemonstatus.json", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = (folder / "scrapyd.log").read_text(errors="replace")[-1500:]
                    raise RuntimeError(f"scrapyd at {self.url} did not start:\n{log}") from None
                time.sleep(0.1)

    def finished_jobs(self) -> list[dict]:
        return ScrapydNode(self.url).jobs(PROJECT)["finished"]

    def stop(self) -> None:
        """Kill the node and every crawl it started (its process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()


def two_scrapyd_nodes(base: Path) -> Iterator[list[ScrapydProcess]]:
    """Two real scrapyd nodes under ``base``, stopped (with their crawls) when the caller is done."""
    started: list[ScrapydProcess] = []
    try:
        for name in ("node-a", "node-b"):
            started.append(ScrapydProcess(base / name))
        yield started
    finally:
        for node in started:
            node.stop()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ScrapydProcess]]:
    yield from two_scrapyd_nodes(tmp_path_factory.mktemp("scrapyd"))


def launcher_for(urls: list[str], crawl_settings: dict[str, object], **kwargs: object) -> ScrapydLauncher:
    return ScrapydLauncher(urls, settings=crawl_settings, poll_interval=0.2, **kwargs)


def node_of(result, nodes: list[ScrapydProcess]) -> ScrapydProcess:
    """The node a crawl ran on, from its log URL."""
    (node,) = [n for n in nodes if (result.log_path or "").startswith(n.url + "/")]
    return node


def test_the_egg_carries_the_spiders_the_data_files_and_the_settings_entry_point(tmp_path):
    version = egg_version()
    egg = build_egg(version, tmp_path)
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    for kind in ("feed", "sitemap", "listing", "search"):
        assert f"crawler/spiders/{kind}.py" in names
    assert {"crawler/data/defaults.toml", "crawler/data/topic.toml", "crawler/data/boilerplate.toml"} <= names
    assert "feeds/static/style.css" in names
    assert not [n for n in names if n.startswith(("tests/", "fixtures/"))]
    assert "[scrapy]" in entry_points and "settings = crawler.settings" in entry_points
    assert egg_version() == version  # unchanged code, same version: not uploaded twice


def test_crawls_spread_over_both_nodes_and_store_every_article_once(
    nodes, newsroom, crawl_config, crawl_settings
):
    launcher = launcher_for([n.url for n in nodes], crawl_settings)
    results = {}

    def crawl(source: str) -> None:
        results[source] = launcher.run(str(crawl_config), source, timeout=90)

    workers = [threading.Thread(target=crawl, args=(s,)) for s in ("newsroom-rss", "newsroom-atom")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    crawl("newsroom-listing")  # after both: everything it lists is already known

    for source, result in results.items():
        assert result.outcome == "ok", (source, result.errors)
    assert {node_of(results[s], nodes).url for s in ("newsroom-rss", "newsroom-atom")} == {
        n.url for n in nodes
    }  # two crawls at once: one on each node
    finished = [job["spider"] for node in nodes for job in node.finished_jobs()]
    assert sorted(finished) == ["feed", "feed", "listing"]

    everything = RSS | ATOM
    assert everything >= LISTING
    assert results["newsroom-listing"].run.articles_new == 0
    assert results["newsroom-listing"].run.skipped_known > 0
    with Store(load_config(crawl_config).store) as store:
        expected = {canonical_url(article_url(newsroom, slug)) for slug in everything}
        assert stored_urls(store) == expected
        assert store.articles.count() == len(expected)
        runs = {run.id: run for run in store.runs.latest()}
    assert set(runs) == {r.run_id for r in results.values()}
    for result in results.values():
        run = runs[result.run_id]
        assert run.outcome == "ok" and run.source == result.source
        assert run.articles_new == result.run.articles_new and run.pages_fetched == result.run.pages_fetched
    log = newsroom.requested("/articles/")
    for slug in LISTING:  # the listing crawl on the other node fetched none of them again
        assert log.count(f"/articles/{slug}.html") == 1, slug


def test_a_job_past_its_time_limit_is_cancelled_and_recorded_as_timeout(
    nodes, newsroom, crawl_config, crawl_settings
):
    newsroom.fault("/articles/*", "slow", seconds=1)
    launcher = launcher_for([nodes[0].url], {**crawl_settings, "CONCURRENT_REQUESTS": 1}, kill_grace=5)
    started = time.monotonic()
    result = launcher.run(str(crawl_config), "newsroom-listing", timeout=4)
    assert result.outcome == "timeout"
    assert time.monotonic() - started < 4 + 5 + 5 + 3  # limit + SIGINT grace + SIGKILL wait + slack
    with Store(load_config(crawl_config).store) as store:
        (run,) = store.runs.latest()
        assert run.id == result.run_id and run.outcome == "timeout" and run.finished is not None
        assert store.articles.count() < len(LISTING)  # it really was cut short
    jobs = [
        j for j in nodes[0].finished_jobs() if j["spider"] == "listing" and j["log_url"] in result.log_path
    ]
    assert len(jobs) == 1  # the node ended the job (listjobs: finished), nothing left running
    assert not ScrapydNode(nodes[0].url).jobs(PROJECT)["running"]


def test_crawls_skip_a_dead_node_and_fail_clearly_when_every_node_is_down(
    nodes, newsroom, crawl_config, crawl_settings, tmp_path
):
    doomed = ScrapydProcess(tmp_path / "node-c")
    try:
        launcher = launcher_for([doomed.url, nodes[0].url], crawl_settings)
        first = launcher.run(str(crawl_config), "newsroom-rss", timeout=90)
        assert first.outcome == "ok" and node_of(first, [doomed, *nodes]) is doomed  # idle, listed first
    finally:
        doomed.stop()
    second = launcher.run(str(crawl_config), "newsroom-atom", timeout=90)
    assert second.outcome == "ok", second.errors
    assert node_of(second, nodes) is nodes[0]
    assert second.run.articles_new == len(ATOM)

    alone = launcher_for([doomed.url], crawl_settings)
    failed = alone.run(str(crawl_config), "newsroom-listing", timeout=30)
    assert failed.outcome == "failed" and failed.seconds < 10
    assert doomed.url in failed.errors and "not reachable" in failed.errors
    with Store(load_config(crawl_config).store) as store:
        run = store.runs.get(failed.run_id)
        assert run.outcome == "failed" and doomed.url in run.errors
        assert [r.outcome for r in store.runs.latest("newsroom-listing")] == ["failed"]  # status sees it


def test_stop_all_cancels_running_jobs_and_refuses_new_ones(nodes, newsroom, crawl_config, crawl_settings):
    newsroom.fault("/articles/*", "slow", seconds=1)
    launcher = launcher_for([n.url for n in nodes], {**crawl_settings, "CONCURRENT_REQUESTS": 1})
    result = stop_mid_crawl(launcher, newsroom, str(crawl_config), timeout=90, wait=60)
    assert result.outcome == "stopped", result.errors
    late = launcher.run(str(crawl_config), "newsroom-rss", timeout=60)
    assert late.outcome == "stopped" and late.run_id is None and "stopping" in late.errors
    with Store(load_config(crawl_config).store) as store:
        (run,) = store.runs.latest()
        assert run.outcome == "stopped" and run.finished is not None
    for node in nodes:
        assert not ScrapydNode(node.url).jobs(PROJECT)["running"]


def test_a_node_applies_the_sources_own_settings(nodes, newsroom, crawl_config, crawl_settings):
    """The launcher passes no source settings: the spider on the node reads them from the same config."""
    text = crawl_config.read_text(encoding="utf-8")
    crawl_config.write_text(
        text + f"""
[[sources]]
name = "own-agent"
kind = "feed"
url = "{newsroom.url}/rss.xml"
settings = {{ USER_AGENT = "source-agent/1" }}
""",
        encoding="utf-8",
    )
    result = launcher_for([nodes[0].url], crawl_settings).run(str(crawl_config), "own-agent", timeout=90)
    assert result.outcome == "ok", result.errors
    assert {entry["user_agent"] for entry in newsroom.log()} == {"source-agent/1"}
