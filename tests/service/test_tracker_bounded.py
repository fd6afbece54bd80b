"""The tracker's files stay bounded whatever the store holds: a channel with thousands of events draws
monthly bins, lists and exports its newest events with the total, and still gets its state right."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from crawler.core.tracker import track_rows
from crawler.service.analyst import SHOWN, summaries
from feeds.channels import channels_html, channels_json


def _rows(count: int) -> list[tuple[str, str, str, tuple[str, ...], bool]]:
    """``count`` calls a day apart, a suspension in the middle, then contacts again."""
    start = date(2016, 1, 1)
    rows = []
    for n in range(count):
        kind = "suspended" if n == count // 2 else "call"
        rows.append(((start + timedelta(days=n)).isoformat(), f"story-{n:05d}", kind, (), False))
    return rows


def test_a_channel_with_thousands_of_events_is_drawn_and_listed_bounded() -> None:
    rows = _rows(3000)
    (view,) = track_rows({"mmca": rows}, ["mmca"], {"mmca": "Maritime"}, keep=SHOWN)
    assert view.total == 3000 and len(view.events) == SHOWN == len(view.states)
    assert view.events[-1].story == "story-02999" and view.state == "active"
    assert [c.state for c in view.changes] == ["active", "suspended", "active"]
    months = {r[0][:7] for r in rows}
    assert len(months) <= len(view.series) <= 2 * len(months) < 3000  # per month and class, not per event
    assert sum(m.count for m in view.series) == 3000
    (summary,) = summaries([view], {}, {}, frozenset())
    data = json.loads(channels_json([summary], datetime(2026, 1, 1, tzinfo=UTC)))
    channel = data["channels"][0]
    assert channel["events_total"] == 3000 and len(channel["events"]) == SHOWN
    assert channel["events"][-1]["story"] == "story-02999"  # the newest, oldest first as before
    page = channels_html([summary], datetime(2026, 1, 1, tzinfo=UTC), "t", date(2026, 1, 1)).decode()
    assert page.count("<circle") + page.count("<rect") < 2 * len(view.series) + 10
    assert "3000 events" in page


def test_a_short_timeline_draws_every_event() -> None:
    (view,) = track_rows({"mmca": _rows(40)}, ["mmca"], keep=SHOWN)
    assert len(view.series) == 40 and all(m.count == 1 and m.story for m in view.series)
    assert view.total == len(view.events) == 40
