"""Is a source still working? A verdict from its recent crawl runs, including silent degradation.

A monitoring tool that stops finding news looks exactly like a quiet news day; this module is what
tells them apart. It grades failures (one timeout is weather, a 404 on the feed URL is a broken source)
and watches the runs that "succeed" for the ways a site change hides: extraction yielding nothing,
article text collapsing to a fraction of its usual length, boilerplate phrases coming back into the
text, and a source that keeps fetching but has said nothing on the beat for far longer than its rhythm.
Pure: run records in, a verdict out.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crawler.core.runs import RunRecord

OK, DEGRADED, BROKEN = "ok", "degraded", "broken"
FAILING = "failing"  # never worked yet and failing: shown at once, not "ok" until the K-th failure
HARD, SOFT, TEMPORARY = "hard", "soft", "temporary"

# What a failed run's error text says about the kind of failure. A hard failure means the source as
# configured cannot work (the feed URL is gone, the host does not exist); a temporary one is expected
# to pass on its own (timeouts, 5xx, rate limits, resets).
_HARD_ERRORS = re.compile(
    r"\b(HTTP|status)[ :]*(40[0-4]|41[0]|451)\b|"
    r"robots\.txt|forbidden by robots|unknown source|ConfigError|invalid (feed|sitemap)|not a (feed|sitemap)",
    re.IGNORECASE,
)
_TEMPORARY_ERRORS = re.compile(
    r"timeout|timed out|\b(HTTP|status)[ :]*(5\d\d|429)\b|connection (refused|reset|lost|was closed)|"
    r"ConnectionRefused|ResponseNeverReceived|TCPTimedOut|killed|crashed|"
    # A name that does not resolve is as often the network as the source: an alarm after K runs.
    r"DNSLookupError|CannotResolveHost|DNS lookup failed|host name not found|no such host|"
    r"Name or service not known",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    """Thresholds; ``broken_after`` is the K of "K runs in a row" from the config."""

    broken_after: int = 3
    length_collapse: float = 0.3  # mean text length below this fraction of the usual one
    min_history: int = 3  # ok runs with articles needed before "usual" means anything
    boilerplate_share: float = 0.5  # share of new articles carrying a known boilerplate phrase
    cleaning_undone_share: float = 0.5  # share of pages whose cleaning had to be undone
    quiet_factor: float = 5.0  # silence longer than this many usual gaps between relevant articles
    quiet_floor: timedelta = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A source's state with the reasons a person reads, and the run where the trouble began."""

    status: str
    reasons: tuple[str, ...] = ()
    grade: str | None = None  # hard | soft | temporary, for a failing source
    since_run: int | None = None
    since: datetime | None = None
    consecutive_failures: int = 0
    details: dict[str, float] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return self.status == OK


# Runs that say nothing of the source: still going, or stopped because the daemon or CLI stopped.
UNJUDGED = ("running", "stopped")


def failure_grade(run: RunRecord) -> str | None:
    """Grade one run: None when it worked (or was stopped by its user), else hard, soft or temporary."""
    if run.outcome in UNJUDGED:
        return None
    if run.outcome != "ok":
        if _HARD_ERRORS.search(run.errors or ""):
            return HARD
        return (
            TEMPORARY
            if run.outcome in ("timeout", "killed") or _TEMPORARY_ERRORS.search(run.errors or "")
            else SOFT
        )
    if run.pages_fetched > 0 and run.articles_new == 0 and run.not_articles > 0 and run.articles_failed == 0:
        # Pages came back but none of them gave an article: the layout changed under our extractor.
        return SOFT
    return None


def is_neutral(run: RunRecord) -> bool:
    """A run that worked but met no new article page (an unchanged feed): it tells nothing of health."""
    met = run.articles_new + run.not_articles + run.articles_failed
    return run.outcome == "ok" and met == 0


def assess(runs: Sequence[RunRecord], policy: HealthPolicy, now: datetime | None = None) -> Verdict:
    """Judge a source from its runs (any order); the newest ``broken_after`` runs decide failures.
    A run stopped by the user's stop is left out: it neither fails the source nor clears a streak."""
    finished = sorted((r for r in runs if r.outcome not in UNJUDGED), key=lambda r: r.started)
    if not finished:
        return Verdict(OK, ("no finished run yet",))
    streak: list[RunRecord] = []
    for run in reversed(finished):
        if is_neutral(run):
            continue  # nothing new to judge by: neither a failure nor a recovery
        if failure_grade(run) is None:
            break
        streak.append(run)
    streak.reverse()
    if streak:
        grades = [failure_grade(r) for r in streak]
        first = streak[0]
        last_reason = _describe_failure(streak[-1], grades[-1])
        if HARD in grades:
            return Verdict(BROKEN, (last_reason,), HARD, first.id, first.started, len(streak))
        if len(streak) >= policy.broken_after:
            grade = SOFT if SOFT in grades else TEMPORARY
            reason = f"{len(streak)} runs in a row failed; last: {last_reason}"
            return Verdict(BROKEN, (reason,), grade, first.id, first.started, len(streak))
        if all(failure_grade(r) is not None for r in finished):
            # Nothing ever worked: no past success makes this weather. Say so from the first run.
            reason = f"has not worked yet: {last_reason}"
            return Verdict(FAILING, (reason,), grades[-1], first.id, first.started, len(streak))
        return Verdict(
            OK,
            (f"{len(streak)} failed run(s), below the alarm threshold: {last_reason}",),
            grades[-1],
            None,
            None,
            len(streak),
        )
    return _degradation(finished, policy, now or finished[-1].started)


def _describe_failure(run: RunRecord, grade: str | None) -> str:
    if run.outcome == "ok":
        return (
            f"{run.pages_fetched} page(s) fetched but no article extracted "
            f"({run.not_articles} rejected as not articles): the site's layout may have changed"
        )
    error = (run.errors or run.outcome).strip().splitlines()[0][:200]
    return f"{grade} failure ({run.outcome}): {error}"


def _degradation(finished: list[RunRecord], policy: HealthPolicy, now: datetime) -> Verdict:
    """Runs that succeed but whose output says the extraction went wrong, or the source went quiet."""
    reasons: list[str] = []
    details: dict[str, float] = {}
    with_articles = [r for r in finished if r.articles_new > 0 and r.mean_text_length]
    if len(with_articles) > policy.min_history:
        latest = with_articles[-1]
        usual = statistics.median(r.mean_text_length or 0 for r in with_articles[:-1])
        details["usual_text_length"] = usual
        details["latest_text_length"] = latest.mean_text_length or 0
        if usual > 0 and (latest.mean_text_length or 0) < policy.length_collapse * usual:
            reasons.append(
                f"article text collapsed to {latest.mean_text_length:.0f} characters on average "
                f"(usually {usual:.0f}): extraction is probably missing the article body"
            )
    if with_articles:
        latest = with_articles[-1]
        share = latest.boilerplate_hits / latest.articles_new
        details["boilerplate_share"] = share
        if share >= policy.boilerplate_share:
            reasons.append(
                f"{latest.boilerplate_hits} of {latest.articles_new} new article(s) carry known boilerplate "
                "phrases: the site's page furniture is leaking into the text (add selectors)"
            )
    quiet = _quiet_for(finished, policy, now)
    if quiet:
        reasons.append(quiet)
    cleaning = _cleaning_undone(finished, policy, details)
    if cleaning and cleaning[1]:
        reasons.append(cleaning[0])
    if reasons:
        first = with_articles[-1] if with_articles else finished[-1]
        return Verdict(DEGRADED, tuple(reasons), SOFT, first.id, first.started, 0, details)
    return Verdict(OK, (cleaning[0],) if cleaning else (), None, None, None, 0, details)


def _cleaning_undone(
    finished: list[RunRecord], policy: HealthPolicy, details: dict[str, float]
) -> tuple[str, bool] | None:
    """The newest run's pages whose cleaning was undone: (what to show, whether it degrades the source)."""
    latest = next((r for r in reversed(finished) if r.cleaning_pages), None)
    if latest is None or not latest.cleaning_undone:
        return None
    share = latest.cleaning_undone / latest.cleaning_pages
    details["cleaning_undone_share"] = share
    text = (
        f"cleaning undone on {latest.cleaning_undone} of {latest.cleaning_pages} pages: a rule matches "
        "the article itself there (hotline extract --explain shows which)"
    )
    return text, share >= policy.cleaning_undone_share


def _quiet_for(finished: list[RunRecord], policy: HealthPolicy, now: datetime) -> str | None:
    """A source that keeps fetching yet has had nothing on the beat for far longer than its rhythm."""
    relevant_times = [r.started for r in finished if r.relevant_new > 0]
    if len(relevant_times) < policy.min_history:
        return None
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(relevant_times)]
    usual_gap = statistics.median(gaps)
    limit = max(policy.quiet_factor * usual_gap, policy.quiet_floor.total_seconds())
    silent = (now - relevant_times[-1]).total_seconds()
    fetching = any(r.pages_fetched > 0 for r in finished if r.started > relevant_times[-1])
    if silent > limit and fetching:
        days = silent / 86400
        return (
            f"nothing on the beat for {days:.1f} days while pages keep being fetched "
            f"(usually every {usual_gap / 86400:.1f} days): check the source's relevance or layout"
        )
    return None


def auto_interval(publish_times: Sequence[datetime], low: int, high: int) -> int:
    """``every = "auto"``: poll about four times per usual gap between the source's articles, in bounds.

    A busy wire that publishes every ten minutes is polled at the lower bound; an outlet with one piece a
    week is polled rarely. With too little history the interval stays in the middle of the bounds.
    """
    times = sorted(publish_times)[-50:]
    if len(times) < 3:
        return int(min(high, max(low, (low * high) ** 0.5)))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    gaps = [g for g in gaps if g > 0] or [float(low)]
    return int(min(high, max(low, statistics.median(gaps) / 4)))
