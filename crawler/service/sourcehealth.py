"""Sources' health for people: verdicts from the runs, the health feed, and the front page's status line.

The health feed has one entry per trouble episode of a source (its id stays while the episode lasts);
the status line says in one sentence what the crawler is doing, so a front page with no stories
tells "nothing on the beat" apart from "every source failing" and "no crawl finished yet".
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from crawler.config import Config
from crawler.core.health import BROKEN, DEGRADED, FAILING, HealthPolicy, Verdict, assess
from crawler.store import RunRecord, Store
from feeds.model import Entry, Feed
from feeds.page import when

FAILING_STATUSES = (FAILING, BROKEN)
_URL_PREFIX = re.compile(r"^\s*https?://\S+?:\s+")
_EXCEPTION_NAME = re.compile(r"^[A-Za-z_.]+(?:Error|Exception|Failure): ")


def health_verdicts(config: Config, store: Store, now: datetime | None = None) -> dict[str, Verdict]:
    """Each configured source's verdict from its recent runs."""
    return verdicts_from_runs(config, recent_runs(config, store), now)


def recent_runs(config: Config, store: Store) -> dict[str, list[RunRecord]]:
    """Each configured source's latest runs, newest first (through the ``(source, started)`` index)."""
    return {source.name: store.runs.latest(source=source.name, limit=200) for source in config.sources}


def verdicts_from_runs(
    config: Config, runs: dict[str, list[RunRecord]], now: datetime | None = None
) -> dict[str, Verdict]:
    policy = HealthPolicy(broken_after=config.daemon.broken_after)
    now = now or datetime.now(UTC)
    return {name: assess(history, policy, now) for name, history in runs.items()}


def health_feed(
    config: Config, verdicts: dict[str, Verdict], updated: datetime, metadata: dict[str, Any]
) -> Feed:
    """One entry per trouble episode of a source: its id stays while the episode lasts.

    ``updated`` is the feed's time when no source is in trouble (the newest episode's otherwise).
    """
    entries = []
    for name, verdict in sorted(verdicts.items()):
        if verdict.healthy or verdict.since is None:
            continue
        source = config.source(name)
        label = verdict.status if verdict.status in (BROKEN, FAILING) else DEGRADED
        text = "\n\n".join(verdict.reasons)
        entries.append(
            Entry(
                id=f"urn:hotline:health:{name}:{verdict.since_run}",
                title=f"Source {name} is {label}",
                link=source.urls[0],
                published=verdict.since,
                updated=verdict.since,
                text=text + f"\n\nSource URL: {source.urls[0]}",
                summary=verdict.reasons[0] if verdict.reasons else label,
                site_name=name,
                categories=(label, verdict.grade or ""),
                reason=f"{label} since {when(verdict.since)}",
            )
        )
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    newest = max((e.updated for e in entries), default=updated)
    return Feed(entries=tuple(entries), updated=newest, **metadata)


def last_activity(runs: dict[str, list[RunRecord]]) -> datetime | None:
    """When a crawl last changed the store: the newest run's end (or start), None before any run."""
    return max((r[0].finished or r[0].started for r in runs.values() if r), default=None)


def status_line(runs: dict[str, list[RunRecord]], verdicts: dict[str, Verdict]) -> str:
    """What the crawler is doing, in one line: e.g. "3 of 17 sources failing: DNS lookup failed (a, b, c).
    Last crawl finished 2026-12-03 02:15 UTC." or "No crawl finished yet: …"."""
    every = [run for history in runs.values() for run in history]
    if not every:
        return "No crawl has run yet."
    ended = [run.finished for run in every if run.outcome != "running" and run.finished]
    running = sum(1 for history in runs.values() if history and history[0].outcome == "running")
    parts = []
    failing = sorted(name for name, v in verdicts.items() if v.status in FAILING_STATUSES)
    if failing:
        reason, _ = Counter(_short_error(runs.get(name, [])) for name in failing).most_common(1)[0]
        names = ", ".join(failing[:3]) + (", …" if len(failing) > 3 else "")
        noun = "source" if len(verdicts) == 1 else "sources"
        parts.append(f"{len(failing)} of {len(verdicts)} {noun} failing: {reason} ({names}).")
    degraded = sum(1 for v in verdicts.values() if v.status == DEGRADED)
    if degraded:
        parts.append(f"{degraded} degraded.")
    if ended:
        parts.append(f"Last crawl finished {when(max(ended))}.")
    else:
        parts.append(f"No crawl finished yet: the first started {when(min(r.started for r in every))}.")
    if running:
        parts.append(f"{running} crawl{'s' if running > 1 else ''} running.")
    return " ".join(parts)


def _short_error(history: list[RunRecord]) -> str:
    """The latest failed run's reason as a phrase sources share: "https://x/rss.xml:
    CannotResolveHostError: DNS lookup failed: no results for …" → "DNS lookup failed"."""
    failed = next((r for r in history if r.outcome not in ("ok", "running")), None)
    if failed is None:
        return "no article extracted"
    errors = (failed.errors or "").strip()
    text = _URL_PREFIX.sub("", errors.splitlines()[0]) if errors else failed.outcome
    text = _EXCEPTION_NAME.sub("", text).split(": ")[0].split("; ")[0].strip() or failed.outcome
    return text if len(text) <= 80 else text[:79].rstrip() + "…"
