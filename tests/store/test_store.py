"""The store on real SQLite files and on a real PostgreSQL server (``postgres_db`` in conftest)."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from crawler.core.findings import Findings
from crawler.core.records import Article, Score
from crawler.core.runs import RunRecord, run_stats
from crawler.store import Store, StoreError, backoff_delay
from crawler.store.schema import runs
from tests.storeview import (
    all_failures,
    clear_failure,
    get_article,
    mark_unfinished_runs,
    set_validators,
    update_article,
)


def make_article(n: int, host: str = "news.example") -> Article:
    url = f"https://{host}/2024/story-{n}.html"
    return Article(
        url=url,
        canonical_url=url,
        title=f"Story {n}",
        text=f"Paragraph of story {n}. " * 5,
        published="2024-04-16",
        author="A. Writer",
        site_name="Example News",
        language="en",
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nested' / 'dir' / 'hotline.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, sqlite_url: str) -> Iterator[Store]:
    """The store on a new SQLite file, and on a new database of the session's PostgreSQL cluster."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_db")
    with Store(url) as opened:
        yield opened


def test_add_article_is_idempotent_and_remembers_every_spelling(store: Store):
    article = make_article(1)
    assert store.articles.add(article, "wire", urls={"https://news.example/s?id=1"}) is True
    assert store.articles.add(article, "wire") is False
    assert store.articles.add(article, "another-source") is False
    assert store.articles.count() == 1
    assert store.articles.has("https://news.example/2024/story-1.html")
    assert store.articles.has("https://news.example/s?id=1")
    assert not store.articles.has("https://news.example/2024/story-2.html")
    row = get_article(store, "https://news.example/s?id=1")
    assert row.source == "wire" and row.text_length == len(article.text)
    assert row.first_seen.tzinfo is not None


def test_storing_an_article_clears_its_failures(store: Store):
    store.failures.record("https://news.example/s?id=1", "wire", "HTTP 500", True)
    store.failures.record("https://news.example/2024/story-1.html", "wire", "timed out", True)
    store.articles.add(make_article(1), "wire", urls={"https://news.example/s?id=1"})
    assert all_failures(store) == []


def test_the_stages_findings_are_stored_as_typed_columns(store: Store):
    findings = Findings(Score(0.82, True, ("Austin", "Dong Jun")), event_date=date(2024, 4, 16))
    store.articles.add(make_article(1), "wire", findings)
    store.articles.add(make_article(2), "wire")  # unscored: the stages' columns stay empty
    first, second = store.articles.all()
    assert (first.score, first.relevant, first.matched, first.story_id) == (
        0.82,
        True,
        ("Austin", "Dong Jun"),
        None,
    )
    assert first.event_date == date(2024, 4, 16) and first.fingerprint is None and first.features is None
    assert (second.score, second.relevant, second.matched, second.event_date) == (None, None, (), None)
    assert update_article(store, first.canonical_url, relevant=False) is True
    assert get_article(store, first.canonical_url).relevant is False


def test_failures_back_off_and_are_given_up_after_max_attempts(store: Store):
    url, start = "https://news.example/flaky.html", datetime(2024, 5, 1, tzinfo=UTC)
    seen = []
    for _ in range(4):
        failure = store.failures.record(
            url, "wire", "HTTP 503", True, backoff=60, backoff_cap=200, max_attempts=4, now=start
        )
        seen.append((failure.attempts, failure.retryable, failure.next_attempt))
    assert seen == [
        (1, True, start + timedelta(seconds=60)),
        (2, True, start + timedelta(seconds=120)),
        (3, True, start + timedelta(seconds=200)),  # capped
        (4, False, None),  # given up: remembered, never due again
    ]
    assert store.failures.due("wire", now=start + timedelta(days=30)) == []
    assert store.articles.known(url).startswith("not an article: gave up after 4 attempts: HTTP 503")


def test_due_failures_are_per_source_and_only_when_due(store: Store):
    now = datetime(2024, 5, 1, tzinfo=UTC)
    store.failures.record("https://a.example/1", "a", "timed out", True, backoff=600, now=now)
    store.failures.record("https://a.example/2", "a", "HTTP 500", True, backoff=60, now=now)
    store.failures.record("https://a.example/3", "a", "not an article", False, now=now)
    store.failures.record("https://b.example/1", "b", "HTTP 500", True, backoff=60, now=now)
    assert store.failures.due("a", now=now) == []
    assert store.failures.due("a", now=now + timedelta(seconds=61)) == ["https://a.example/2"]
    assert store.failures.due("a", now=now + timedelta(hours=1)) == [
        "https://a.example/2",
        "https://a.example/1",
    ]
    assert clear_failure(store, "https://a.example/2") is True
    assert store.failures.due("a", now=now + timedelta(hours=1)) == ["https://a.example/1"]
    assert backoff_delay(3, 900, 86400) == timedelta(hours=1)


def test_validators_round_trip(store: Store):
    assert store.validators.get("https://a.example/feed") == (None, None)
    set_validators(store, "https://a.example/feed", '"abc"', "Tue, 16 Apr 2024 10:00:00 GMT")
    set_validators(store, "https://a.example/feed", '"def"', None)
    assert store.validators.get("https://a.example/feed") == ('"def"', None)


def test_runs_and_source_health(store: Store):
    first = store.runs.start("wire", pid=101)
    store.runs.finish(first, "ok", pages_fetched=5, articles_new=3, mean_text_length=900.5)
    for pid in (102, 103):
        run = store.runs.start("wire", pid=pid)
        store.runs.finish(run, "failed", errors="https://a.example/feed: HTTP 404")
    store.runs.start("wire", pid=104)  # killed: never finished
    assert mark_unfinished_runs(store, 104, "killed") == 1
    assert mark_unfinished_runs(store, 104, "killed") == 0
    store.articles.add(make_article(1), "wire")

    assert [r.outcome for r in store.runs.latest("wire")] == ["killed", "failed", "failed", "ok"]
    assert store.runs.for_pid(101).articles_new == 3
    (summary,) = store.runs.summary()
    assert summary.source == "wire" and summary.articles_total == 1
    assert summary.consecutive_failures == 3
    assert summary.last_error == "https://a.example/feed: HTTP 404"
    assert summary.last_success == store.runs.get(first).finished
    with pytest.raises(ValueError, match="outcome"):
        store.runs.finish(first, "great")


def test_the_run_record_is_the_runs_row_and_every_count_is_a_stat(store: Store):
    """One record of a run: a field per ``runs`` column, each count read from one crawler.stats key."""
    assert {f.name for f in dataclasses.fields(RunRecord)} == set(runs.c.keys())
    stats = run_stats()
    assert set(stats) <= set(runs.c.keys()) and len(set(stats.values())) == len(stats)
    counts = {name: n for n, name in enumerate(stats, 1)}
    run_id = store.runs.start("wire", pid=7)
    store.runs.finish(run_id, "ok", **counts)
    record = store.runs.get(run_id)
    assert record is not None and {name: getattr(record, name) for name in stats} == counts
    with pytest.raises(TypeError, match="unknown run count"):
        store.runs.update(run_id, colour=1)


def test_articles_since_filters_by_first_seen(store: Store):
    store.articles.add(make_article(1), "wire")
    assert len(list(store.articles.all(since=date(2000, 1, 1)))) == 1
    assert list(store.articles.all(since=datetime.now(UTC) + timedelta(days=1))) == []


def test_sqlite_file_uses_wal_and_survives_reopen(sqlite_url: str):
    with Store(sqlite_url) as store:
        store.articles.add(make_article(1), "wire")
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(sqlite_url) as again:
        assert again.articles.count() == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "not a database URL"), ("mysql://u@h/db", "only sqlite:// and postgresql://")],
)
def test_bad_store_urls_give_one_clear_line(url: str, message: str):
    with pytest.raises(StoreError, match=message) as info:
        Store(url)
    assert url in str(info.value) and "\n" not in str(info.value)


WRITER = textwrap.dedent(
    """
    import sys
    from crawler.core.records import Article
    from crawler.store import Store
    store = Store(sys.argv[1])
    for n in range(int(sys.argv[2]), int(sys.argv[3])):
        url = f"https://news.example/2024/story-{n}.html"
        store.articles.add(Article(url, url, f"Story {n}", f"Text of story {n}. " * 40), sys.argv[4])
        store.failures.record(f"https://news.example/broken-{n}", sys.argv[4], "HTTP 500", True)
        print(n, flush=True)
    """
)


@pytest.mark.slow
def test_three_processes_writing_at_once_neither_fail_nor_lose_updates(sqlite_url: str):
    Store(sqlite_url).close()
    ranges = ((0, 150), (100, 250), (50, 200))  # 100..149 written by all three
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, sqlite_url, str(lo), str(hi), f"w{lo}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lo, hi in ranges
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with Store(sqlite_url) as store:
        assert store.articles.count() == 250
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        count, total, most = conn.execute(
            "SELECT COUNT(*), SUM(attempts), MAX(attempts) FROM failures"
        ).fetchone()
    # every record_failure counted exactly once (read-modify-write under BEGIN IMMEDIATE)
    assert (count, total, most) == (250, sum(hi - lo for lo, hi in ranges), 3)


@pytest.mark.slow
def test_sigkill_while_writing_leaves_a_consistent_file(sqlite_url: str):
    Store(sqlite_url).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, sqlite_url, "0", "100000", "w"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert writer.stdout is not None
    for _ in range(30):  # let it commit a few dozen rows, then kill it mid-write
        writer.stdout.readline()
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT canonical_url, text, text_length FROM articles").fetchall()
        aliases = conn.execute("SELECT COUNT(*) FROM article_urls").fetchone()[0]
    assert len(rows) >= 30
    assert all(length == len(text) for _, text, length in rows)  # no half-written row
    assert aliases == len(rows)  # each article's alias row came in the same transaction
    # a re-run over the same range completes the work without duplicates
    again = subprocess.run(
        [sys.executable, "-c", WRITER, sqlite_url, "0", "60", "w"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    with Store(sqlite_url) as store:
        assert store.articles.count() == max(60, len(rows))
        assert len({r.canonical_url for r in store.articles.all()}) == store.articles.count()
