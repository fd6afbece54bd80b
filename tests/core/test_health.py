"""Health verdicts: graded failures, silent degradation, and the adaptive interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.core.health import (
    BROKEN,
    DEGRADED,
    FAILING,
    HARD,
    OK,
    SOFT,
    TEMPORARY,
    HealthPolicy,
    assess,
    auto_interval,
    failure_grade,
)
from crawler.core.runs import RunRecord

T0 = datetime(2025, 1, 1, tzinfo=UTC)
POLICY = HealthPolicy(broken_after=3)


def run(i: int, **kw: object) -> RunRecord:
    facts = {"outcome": "ok", "pages_fetched": 3, "articles_new": 3, "mean_text_length": 3000.0,
             "relevant_new": 1, "id": i}
    facts.update(kw)
    return RunRecord(started=T0 + timedelta(hours=i), **facts)  # type: ignore[arg-type]


def test_healthy_history_is_ok() -> None:
    assert assess([run(i) for i in range(6)], POLICY).status == OK


def test_one_timeout_raises_no_alarm_but_k_in_a_row_do() -> None:
    timeout = {"outcome": "timeout", "errors": "crawl timed out after 600 s"}
    one = assess([run(0), run(1), run(2, **timeout)], POLICY)
    assert one.status == OK and one.grade == TEMPORARY and one.consecutive_failures == 1
    three = assess([run(0)] + [run(i, **timeout) for i in (1, 2, 3)], POLICY)
    assert three.status == BROKEN and three.grade == TEMPORARY and three.since_run == 1


def test_a_404_on_the_feed_url_is_broken_at_once() -> None:
    verdict = assess([run(0), run(1, outcome="failed", errors="HTTP 404 on https://x.test/rss.xml")], POLICY)
    assert verdict.status == BROKEN and verdict.grade == HARD
    assert "404" in verdict.reasons[0]


def test_a_recovered_source_is_ok_again() -> None:
    bad = {"outcome": "failed", "errors": "HTTP 503"}
    assert assess([run(1, **bad), run(2, **bad), run(3, **bad), run(4)], POLICY).status == OK


def test_layout_change_yields_nothing_and_is_broken_after_k_runs() -> None:
    changed = {"articles_new": 0, "not_articles": 3, "mean_text_length": None, "relevant_new": 0}
    assert failure_grade(run(1, **changed)) == SOFT
    two = assess([run(0)] + [run(i, **changed) for i in (1, 2)], POLICY)
    assert two.status == OK
    three = assess([run(0)] + [run(i, **changed) for i in (1, 2, 3)], POLICY)
    assert three.status == BROKEN and "layout" in three.reasons[0]


def test_nothing_new_is_not_a_failure() -> None:
    quiet = {"pages_fetched": 1, "articles_new": 0, "not_articles": 0, "relevant_new": 0}
    assert assess([run(0)] + [run(i, **quiet) for i in range(1, 8)], POLICY).status == OK


def test_text_length_collapse_is_degraded() -> None:
    runs = [run(i) for i in range(5)] + [run(5, mean_text_length=400.0)]
    verdict = assess(runs, POLICY)
    assert verdict.status == DEGRADED and "collapsed" in verdict.reasons[0]
    assert assess([run(i) for i in range(5)] + [run(5, mean_text_length=2500.0)], POLICY).status == OK


def test_boilerplate_coming_back_is_degraded() -> None:
    verdict = assess([run(0), run(1, boilerplate_hits=3)], POLICY)
    assert verdict.status == DEGRADED and "boilerplate" in verdict.reasons[0]


def test_long_silence_on_the_beat_while_fetching_is_degraded() -> None:
    daily = [RunRecord(T0 + timedelta(days=d), "ok", 2, 2, mean_text_length=2000.0, relevant_new=1, id=d)
             for d in range(6)]
    silent = [RunRecord(T0 + timedelta(days=d), "ok", 2, 2, mean_text_length=2000.0, relevant_new=0, id=d)
              for d in range(6, 30)]
    verdict = assess(daily + silent, POLICY)
    assert verdict.status == DEGRADED and "nothing on the beat" in verdict.reasons[0]
    assert assess(daily + silent[:3], POLICY).status == OK


def test_auto_interval_follows_the_publishing_rhythm_within_bounds() -> None:
    busy = [T0 + timedelta(minutes=10 * i) for i in range(20)]
    weekly = [T0 + timedelta(days=7 * i) for i in range(6)]
    low, high = 300, 86400
    assert auto_interval(busy, low, high) == low
    assert auto_interval(weekly, low, high) == high
    hourly = [T0 + timedelta(hours=2 * i) for i in range(10)]
    assert auto_interval(hourly, low, high) == 1800
    assert low < auto_interval([], low, high) < high


def test_runs_with_nothing_new_neither_break_nor_heal_a_layout_streak() -> None:
    changed = {"articles_new": 0, "not_articles": 2, "mean_text_length": None, "relevant_new": 0}
    idle = {"pages_fetched": 1, "articles_new": 0, "not_articles": 0, "relevant_new": 0}
    runs = [run(0), run(1, **changed), run(2, **idle), run(3, **changed), run(4, **idle), run(5, **changed)]
    verdict = assess(runs, POLICY)
    assert verdict.status == BROKEN and verdict.since_run == 1 and verdict.consecutive_failures == 3


def test_a_host_that_does_not_resolve_alarms_after_k_runs_not_at_once() -> None:
    dns = {"outcome": "failed", "errors": "https://x.test/rss.xml: CannotResolveHostError: DNS lookup failed"}
    assert assess([run(0), run(1, **dns)], POLICY).status == OK
    verdict = assess([run(0)] + [run(i, **dns) for i in (1, 2, 3)], POLICY)
    assert verdict.status == BROKEN and verdict.grade == TEMPORARY


def test_a_source_that_never_worked_is_failing_from_its_first_failed_run() -> None:
    # offline, every bundled source fails DNS: "ok" until the third failure would hide that
    dns = {"outcome": "failed", "errors": "https://x.test/rss.xml: DNSLookupError: DNS lookup failed"}
    first = assess([run(1, **dns)], POLICY)
    assert first.status == FAILING and not first.healthy
    assert first.since_run == 1 and first.grade == TEMPORARY and "DNS lookup failed" in first.reasons[0]
    assert assess([run(1, **dns), run(2, **dns)], POLICY).since_run == 1  # one episode
    third = assess([run(i, **dns) for i in (1, 2, 3)], POLICY)
    assert third.status == BROKEN and third.since_run == 1
    # a source that worked before gets the benefit of the doubt for one failure
    assert assess([run(0), run(1, **dns)], POLICY).status == OK
    # an unchanged feed (nothing new) is a run that worked
    idle = {"pages_fetched": 1, "articles_new": 0, "not_articles": 0, "relevant_new": 0}
    assert assess([run(0, **idle), run(1, **dns)], POLICY).status == OK
