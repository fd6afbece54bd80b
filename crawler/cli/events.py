"""``hotline export --events``: every story's event record as JSON lines or CSV, for scripts.

The records are the ones the channel tracker is built from (``crawler.service.analyst``): stale ones
are recomputed first, so the export matches what the next rebuild publishes.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from typing import Any, TextIO

from crawler.config import Config
from crawler.core.events import KIND_NAMES, Event
from crawler.service.analyst import current_events, topic_with_channels
from crawler.store import Store

EVENT_FIELDS = (
    "story_id",
    "title",
    "date",
    "approximate",
    "kind",
    "kind_name",
    "channels",
    "us",
    "cn",
    "first_reported",
    "date_evidence",
    "kind_evidence",
    "channel_evidence",
)


def event_row(event: Event, title: str) -> dict[str, Any]:
    """One event as a flat record; each ``*_evidence`` is the sentence the field was read from."""
    first = {s.field: s.sentence for s in reversed(event.support)}
    return {
        "story_id": event.story_id,
        "title": title,
        "date": event.date,
        "approximate": event.approximate,
        "kind": event.kind,
        "kind_name": KIND_NAMES.get(event.kind or "", ""),
        "channels": list(event.channels),
        "us": list(event.us),
        "cn": list(event.cn),
        "first_reported": event.first_reported,
        "date_evidence": first.get("date", ""),
        "kind_evidence": first.get("kind", ""),
        "channel_evidence": first.get("channel", ""),
    }


def write_events(config: Config, store: Store, out: TextIO, fmt: str, since: datetime | None = None) -> int:
    """Write every event (on or after ``since``, by event date) as JSON lines or CSV; how many."""
    events, titles, _ = current_events(store, topic_with_channels(config), config.feed.threshold)
    floor = since.date() if since else None
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EVENT_FIELDS)
        writer.writeheader()
    count = 0
    for event in events:
        if floor and (not event.date or date.fromisoformat(event.date) < floor):
            continue
        row = event_row(event, titles.get(event.story_id, ""))
        if writer is not None:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
        else:
            row["support"] = [
                dict(field=s.field, value=s.value, sentence=s.sentence, url=s.url) for s in event.support
            ]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
