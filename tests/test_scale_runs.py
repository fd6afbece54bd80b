"""Runs tagged with their launcher job (``runs.job_id``); PostgreSQL tests that never skip silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from crawler.store import Store
from tests.conftest import SKIP_POSTGRES, postgres_unavailable


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hotline.db'}"
    return request.getfixturevalue("postgres_db")


def test_runs_keep_their_job_id_and_are_found_by_it(store_url: str):
    with Store(store_url) as store:
        tagged = store.start_run("wire", pid=11, job_id="job-a")
        untagged = store.start_run("wire", pid=12)
        store.start_run("wire", pid=13, job_id="someone-else")  # a newer row of the same source
        store.finish_run(tagged, "ok", articles_new=2)
        assert store.run_for_job("job-a").id == tagged  # the Scrapyd launcher's only way to its row
        assert store.run_for_job("job-a").articles_new == 2
        assert store.get_run(untagged).job_id is None
        assert store.run_for_job("job-b") is None


def test_an_older_database_gains_the_job_id_column_when_opened(store_url: str):
    with Store(store_url) as store:
        old = store.start_run("wire", pid=7)
        with store.engine.begin() as conn:  # back to the schema before runs.job_id (revision 0001)
            conn.exec_driver_sql("DROP INDEX ix_runs_job_id")
            conn.exec_driver_sql("ALTER TABLE runs DROP COLUMN job_id")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    with Store(store_url) as store:
        columns = {c["name"] for c in inspect(store.engine).get_columns("runs")}
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("runs")}
        assert "job_id" in columns and "ix_runs_job_id" in indexes
        assert store.get_run(old).source == "wire" and store.get_run(old).job_id is None
        new = store.start_run("wire", pid=8, job_id="job-c")
        assert store.run_for_job("job-c").id == new


def test_missing_postgresql_fails_unless_skipping_is_asked_for(monkeypatch):
    monkeypatch.delenv(SKIP_POSTGRES, raising=False)
    with pytest.raises(pytest.fail.Exception, match=f"initdb is not installed.*{SKIP_POSTGRES}=1"):
        postgres_unavailable("PostgreSQL's initdb is not installed")
    monkeypatch.setenv(SKIP_POSTGRES, "1")
    with pytest.raises(pytest.skip.Exception, match="initdb is not installed"):
        postgres_unavailable("PostgreSQL's initdb is not installed")
