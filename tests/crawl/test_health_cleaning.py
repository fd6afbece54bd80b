"""A source's health counts the pages whose cleaning cost the article and had to be undone.

From the crawl's stats (``hotline/cleaning/*``) through the ``runs`` row (a real SQLite store) to the
verdict ``hotline status`` and ``health.xml`` show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.core.health import DEGRADED, OK, HealthPolicy, assess
from crawler.core.runs import RunRecord
from crawler.extensions import run_counts
from crawler.store import Store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = HealthPolicy(broken_after=3)


def run(i: int, pages: int = 40, undone: int = 0) -> RunRecord:
    return RunRecord(
        started=T0 + timedelta(hours=i),
        outcome="ok",
        pages_fetched=pages,
        articles_new=pages,
        mean_text_length=3000.0,
        relevant_new=1,
        id=i,
        cleaning_pages=pages,
        cleaning_undone=undone,
    )


def test_a_few_undone_pages_are_shown_without_alarm() -> None:
    verdict = assess([run(0), run(1), run(2, undone=3)], POLICY)
    assert verdict.status == OK
    assert verdict.reasons[0].startswith("cleaning undone on 3 of 40 pages")
    assert verdict.details["cleaning_undone_share"] == 3 / 40


def test_cleaning_undone_on_most_pages_degrades_the_source() -> None:
    verdict = assess([run(0), run(1), run(2, pages=10, undone=6)], POLICY)
    assert verdict.status == DEGRADED
    assert any(r.startswith("cleaning undone on 6 of 10 pages") for r in verdict.reasons)


def test_a_clean_run_shows_nothing() -> None:
    assert assess([run(0), run(1, undone=2), run(2)], POLICY).reasons == ()


def test_the_crawls_cleaning_stats_reach_the_verdict_through_the_store(tmp_path: Path) -> None:
    stats = {
        "downloader/response_count": 12,
        "hotline/articles_new": 9,
        "hotline/not_articles": 1,
        "hotline/text_length_total": 27000,
        "hotline/cleaning/pages": 10,
        "hotline/cleaning/pages_refused": 4,
        "hotline/cleaning/pages_undone": 2,
        "hotline/cleaning/undone": 5,  # removals, not pages
    }
    with Store(f"sqlite:///{tmp_path / 'hotline.db'}") as store:
        run_id = store.runs.start("wire", pid=None)
        store.runs.finish(run_id, "ok", **run_counts(stats))
        record = store.runs.get(run_id)
    assert record is not None
    assert (record.cleaning_pages, record.cleaning_refused, record.cleaning_undone) == (10, 4, 2)
    verdict = assess([record], POLICY)
    assert verdict.status == OK and verdict.reasons[0].startswith("cleaning undone on 2 of 10 pages")


def test_a_crawl_records_how_many_pages_its_cleaning_judged(crawl, store_of) -> None:
    result = crawl("newsroom-rss")
    assert result.outcome == "ok", result
    with store_of() as store:
        (record,) = store.runs.latest("newsroom-rss")
    assert record.articles_new > 0 and record.not_articles > 0
    assert record.cleaning_pages == record.articles_new + record.not_articles
    assert record.cleaning_undone <= record.cleaning_pages
