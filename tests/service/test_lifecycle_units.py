"""Stops and restarts, the in-process parts: a user's stop is no failure, crashed runs are closed at
start, half-written feed files are swept, and the locks that keep two crawls of a source apart."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.config import load_config
from crawler.core.health import OK, HealthPolicy, assess, failure_grade
from crawler.core.runs import RunRecord
from crawler.service.lifecycle import Busy, lock_daemon, process_alive, recover, try_lock
from crawler.store import Store
from feeds.write import atomic_write, sweep_temp_files

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def facts(i: int, outcome: str, errors: str = "") -> RunRecord:
    return RunRecord(T0 + timedelta(hours=i), outcome, 3, 3, mean_text_length=3000.0, errors=errors, id=i)


def test_runs_stopped_by_their_user_do_not_count_against_health() -> None:
    stopped = [facts(i, "stopped", "stopped: hotline was stopping") for i in range(1, 6)]
    assert failure_grade(stopped[0]) is None
    verdict = assess([facts(0, "ok"), *stopped], HealthPolicy(broken_after=3))
    assert verdict.status == OK and verdict.consecutive_failures == 0 and not verdict.reasons
    # nor do they hide a real failing streak
    failing = [facts(i, "failed", "rss.xml: HTTP 503") for i in (1, 3, 5)]
    verdict = assess([facts(0, "ok"), *failing, facts(2, "stopped"), facts(4, "stopped")], HealthPolicy(3))
    assert verdict.status != OK and verdict.consecutive_failures == 3


def test_store_streak_skips_stopped_runs(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'h.db'}") as store:
        for outcome in ("ok", "failed", "stopped", "stopped"):
            store.runs.finish(store.runs.start("wire", pid=1), outcome)
        (summary,) = store.runs.summary()
        assert summary.consecutive_failures == 1


def test_runs_left_running_by_a_dead_process_are_closed_as_crashed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with Store(f"sqlite:///{tmp_path / 'h.db'}") as store:
        orphan = store.runs.start("wire", pid=dead.pid)
        live = store.runs.start("desk", pid=os.getpid())
        scrapyd = store.runs.start("node", pid=dead.pid, job_id="abc")
        closed = store.runs.close_crashed(lambda pid: pid == os.getpid())
        assert [run.id for run in closed] == [orphan]
        assert store.runs.get(orphan).outcome == "crashed" and store.runs.get(orphan).finished
        assert "without closing" in store.runs.get(orphan).errors
        assert store.runs.get(live).outcome == "running" and store.runs.get(scrapyd).outcome == "running"
        assert store.runs.close_crashed(lambda pid: True) == []  # nothing left to close


def test_process_alive_knows_a_dead_pid_and_a_reused_one() -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert not process_alive(dead.pid)
    assert not process_alive(os.getpid())  # alive, but not a crawl process (pytest)
    crawl = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "crawler.process"])
    try:
        assert process_alive(crawl.pid)
    finally:
        crawl.kill()
        crawl.wait()


def test_stray_temp_files_of_a_killed_feed_write_are_swept(tmp_path: Path) -> None:
    atomic_write(tmp_path / "atom.xml", b"<feed/>")
    old = tmp_path / ".atom.xml.k3j4h5_z.tmp"
    fresh = tmp_path / ".rss.xml.a8b7c6d5.tmp"  # a rebuild beside us is writing it now
    for path in (old, fresh):
        path.write_bytes(b"<half")
    past = time.time() - 3600
    os.utime(old, (past, past))
    assert sweep_temp_files(tmp_path) == 1
    assert not old.exists() and fresh.exists() and (tmp_path / "atom.xml").read_bytes() == b"<feed/>"


def test_recover_closes_crashed_runs_and_sweeps(tmp_path: Path) -> None:
    config_path = tmp_path / "hotline.toml"
    config_path.write_text(f'bundled_sources = false\ndata_dir = "{(tmp_path / "data").as_posix()}"\n')
    config = load_config(config_path)
    config.feeds_dir.mkdir(parents=True)
    stray = config.feeds_dir / ".feed.json.abcdef12.tmp"
    stray.write_bytes(b"{")
    os.utime(stray, (0, 0))
    with Store(config.store) as store:
        store.runs.start("wire", pid=2**22 + 12345)  # no such process
        found = recover(config, store)
    assert found.crashed == ("wire (run 1)",) and found.swept == 1


def test_a_lock_is_held_by_one_process_and_dropped_when_it_dies(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "wire.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from crawler.service.lifecycle import try_lock; import sys, time; "
         f"fd = try_lock(__import__('pathlib').Path({str(path)!r})); print(fd is not None, flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert holder.stdout.readline().strip() == "True"
        assert try_lock(path) is None
    finally:
        holder.kill()
        holder.wait()
    fd = try_lock(path)
    assert fd is not None
    os.close(fd)


def test_a_second_daemon_on_one_data_folder_is_refused(tmp_path: Path) -> None:
    config_path = tmp_path / "hotline.toml"
    config_path.write_text(f'bundled_sources = false\ndata_dir = "{(tmp_path / "data").as_posix()}"\n')
    config = load_config(config_path)
    first = lock_daemon(config)
    try:
        # flock is per open file: a second open in this process is refused like another process
        try:
            lock_daemon(config)
        except Busy as exc:
            assert f"pid {os.getpid()}" in str(exc) and str(config.data_dir) in str(exc)
        else:
            raise AssertionError("the second lock was granted")
    finally:
        os.close(first)


def test_a_source_is_due_an_interval_after_its_last_real_run_or_now_if_none() -> None:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from crawler.service.schedule import due_after

    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    every_6h = IntervalTrigger(hours=6, timezone=UTC)
    assert due_after(every_6h, None, now) == now  # never crawled: now
    assert due_after(every_6h, now - timedelta(hours=7), now) < now  # overdue
    assert due_after(every_6h, now - timedelta(hours=1), now) == now + timedelta(hours=5)
    hourly = CronTrigger.from_crontab("0 * * * *", timezone=UTC)
    assert due_after(hourly, now - timedelta(minutes=30), now) == now
