"""The daemon's scheduler on its own: stopping it while a crawl is due logs nothing alarming."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from crawler.service.schedule import QuietShutdownScheduler


def test_stopping_while_a_crawl_is_due_logs_no_submit_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With the daemon's kind of job store and a job due, a plain BackgroundScheduler logs "Error
    submitting job ... cannot schedule new futures after shutdown", with a traceback, every time
    (APScheduler 3.11)."""
    store = SQLAlchemyJobStore(url=f"sqlite:///{tmp_path / 'schedule.db'}")
    scheduler = QuietShutdownScheduler(jobstores={"default": store}, timezone=UTC)
    scheduler.start(paused=True)
    scheduler.add_job(print, "interval", hours=1, next_run_time=datetime.now(UTC), misfire_grace_time=None)
    with caplog.at_level(logging.ERROR, logger="apscheduler.scheduler"):
        scheduler.shutdown(wait=True)
    assert [r.getMessage() for r in caplog.records if r.name == "apscheduler.scheduler"] == []
