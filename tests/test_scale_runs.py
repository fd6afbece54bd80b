"""Runs tagged with their launcher job (``runs.job_id``); PostgreSQL tests that never skip silently."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.service.scrapyd import ScrapydLauncher, ScrapydNode, _Job
from crawler.store import Store
from tests.conftest import SKIP_POSTGRES, postgres_unavailable


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hotline.db'}"
    return request.getfixturevalue("postgres_db")


def test_runs_keep_their_job_id_and_are_found_by_it(store_url: str):
    with Store(store_url) as store:
        tagged = store.runs.start("wire", pid=11, job_id="job-a")
        untagged = store.runs.start("wire", pid=12)
        store.runs.finish(tagged, "ok", articles_new=2)
        assert store.runs.for_job("job-a").id == tagged
        assert store.runs.for_job("job-a").articles_new == 2
        assert store.runs.get(untagged).job_id is None
        assert store.runs.for_job("job-b") is None


@pytest.fixture
def launcher_store(tmp_path: Path) -> Iterator[tuple[ScrapydLauncher, Store]]:
    launcher = ScrapydLauncher(["http://127.0.0.1:9"])  # no request is made by _record
    with Store(f"sqlite:///{tmp_path / 'hotline.db'}") as store:
        yield launcher, store


def test_the_launcher_takes_its_jobs_row_by_job_id(launcher_store):
    launcher, store = launcher_store
    floor = store.runs.start("wire", pid=1)
    store.runs.finish(floor, "ok")
    other = store.runs.start("wire", pid=2, job_id="someone-else")  # a newer row of the same source
    mine = store.runs.start("wire", pid=3, job_id="mine")
    job = _Job(ScrapydNode(launcher.nodes[0].url), "mine", "wire")
    assert launcher._record(store, job, floor).id == mine
    lost = _Job(ScrapydNode(launcher.nodes[0].url), "never-started", "wire")
    assert launcher._record(store, lost, floor) is None  # another job's row is never taken
    assert other != mine


def test_a_row_without_job_id_is_still_matched_by_source_and_pid(launcher_store):
    launcher, store = launcher_store
    floor = store.runs.start("wire", pid=1)
    older_egg = store.runs.start("wire", pid=44)  # a crawl from an egg that stores no job id
    job = _Job(ScrapydNode(launcher.nodes[0].url), "job-44", "wire", pid=44)
    assert launcher._record(store, job, floor).id == older_egg
    job.pid = 45
    assert launcher._record(store, job, floor) is None  # another process's row


def test_missing_postgresql_fails_unless_skipping_is_asked_for(monkeypatch):
    monkeypatch.delenv(SKIP_POSTGRES, raising=False)
    with pytest.raises(pytest.fail.Exception, match=f"initdb is not installed.*{SKIP_POSTGRES}=1"):
        postgres_unavailable("PostgreSQL's initdb is not installed")
    monkeypatch.setenv(SKIP_POSTGRES, "1")
    with pytest.raises(pytest.skip.Exception, match="initdb is not installed"):
        postgres_unavailable("PostgreSQL's initdb is not installed")
