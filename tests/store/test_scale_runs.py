"""Runs tagged with their launcher job (``runs.job_id``); PostgreSQL tests that never skip silently."""

from __future__ import annotations

from pathlib import Path

import pytest

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
        store.runs.start("wire", pid=13, job_id="someone-else")  # a newer row of the same source
        store.runs.finish(tagged, "ok", articles_new=2)
        assert store.runs.for_job("job-a").id == tagged  # the Scrapyd launcher's only way to its row
        assert store.runs.for_job("job-a").articles_new == 2
        assert store.runs.get(untagged).job_id is None
        assert store.runs.for_job("job-b") is None



def test_missing_postgresql_fails_unless_skipping_is_asked_for(monkeypatch):
    monkeypatch.delenv(SKIP_POSTGRES, raising=False)
    with pytest.raises(pytest.fail.Exception, match=f"initdb is not installed.*{SKIP_POSTGRES}=1"):
        postgres_unavailable("PostgreSQL's initdb is not installed")
    monkeypatch.setenv(SKIP_POSTGRES, "1")
    with pytest.raises(pytest.skip.Exception, match="initdb is not installed"):
        postgres_unavailable("PostgreSQL's initdb is not installed")
