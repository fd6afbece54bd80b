"""Event records on the labelled corpus: date, channel and kind accuracy per story, and the tracker's
verdict per channel (last contact, state) against the one the labels give.

Stories are the labelled ones (articles sharing an ``event``), so these figures measure the event
reading alone, not story grouping (``bench.quality`` prints that). Three stories' texts give no day
("this week", "in recent days"; labelled ``event_date_stated: false``): their dates are estimates,
shown as "about", and a second figure accepts an estimate within two days. A corpus file without the
``event_date`` / ``event_channels`` / ``event_kind`` fields is left out of the field it lacks.

Usage: python3 -m bench.events [--show]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from crawler.core.channels import bundled_topic_raw
from crawler.core.events import Event, derive_event, event_model
from crawler.core.tracker import track_channels
from tests.corpus import as_article, load_corpus

TARGET = 0.95
NEAR_DAYS = 2


def labelled_stories(docs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Relevant corpus documents grouped by their labelled event, in file order."""
    stories: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        if doc.get("label") == "relevant" and doc.get("event"):
            stories.setdefault(doc["event"], []).append(doc)
    return stories


def gold(members: list[dict[str, Any]], key: str) -> Any:
    """The label a story's documents give for ``key`` (the first that has it), or None."""
    return next((d[key] for d in members if d.get(key) is not None), None)


def evaluate(show: bool = False) -> dict[str, float]:
    """Print per-field accuracy and the tracker check; return the accuracies."""
    model = event_model(bundled_topic_raw())
    stories = labelled_stories(load_corpus())
    right = {"date": 0, "channel": 0, "kind": 0}
    counted = {"date": 0, "channel": 0, "kind": 0}
    events: list[Event] = []
    gold_events: list[Event] = []
    unstated = near = 0
    for story_id, members in stories.items():
        event = derive_event(story_id, [as_article(d) for d in members], model)
        events.append(event)
        expected = {
            "date": gold(members, "event_date"),
            "channel": tuple(sorted(gold(members, "event_channels") or ())) or None,
            "kind": gold(members, "event_kind"),
        }
        got = {"date": event.date, "channel": tuple(sorted(event.channels)), "kind": event.kind}
        for field, want in expected.items():
            if want is None:
                continue
            counted[field] += 1
            right[field] += got[field] == want
            if field == "date" and gold(members, "event_date_stated") is False:
                unstated += 1
                near += got[field] == want or _near(event, want)
            elif field == "date":
                near += got[field] == want
            if show and got[field] != want:
                print(f"  miss {field:7} {story_id}: got {got[field]}, labelled {want}")
        if None not in expected.values():
            gold_events.append(
                Event(story_id, expected["date"], expected["kind"], expected["channel"] or (), (), ())
            )
    accuracy = {f: right[f] / counted[f] if counted[f] else 0.0 for f in right}
    print(f"events on the corpus ({len(stories)} labelled stories)")
    for field, value in accuracy.items():
        verdict = "ok" if value >= TARGET else "BELOW TARGET"
        figure = f"{value:.3f} ({right[field]}/{counted[field]})"
        print(f"  {field:8} accuracy {figure}  target >= {TARGET}  {verdict}")
    if counted["date"]:
        print(
            f"  date, where {unstated} stories' texts give no day: right, or within {NEAR_DAYS} days"
            f" and shown as approximate, for {near}/{counted['date']} ({near / counted['date']:.3f})"
        )
        accuracy["date_stated"] = near / counted["date"]
    channel_ids = [c.id for c in model.channels.channels]
    ours = {c.id: c for c in track_channels(events, channel_ids)}
    truth = {c.id: c for c in track_channels(gold_events, channel_ids)}
    agree = sum(
        ours[c].state == truth[c].state and _day(ours[c].last_contact) == _day(truth[c].last_contact)
        for c in channel_ids
    )
    unstated_ids = {s for s, members in stories.items() if gold(members, "event_date_stated") is False}
    near_agree = sum(
        ours[c].state == truth[c].state
        and _near_point(ours[c].last_contact, truth[c].last_contact, unstated_ids)
        for c in channel_ids
    )
    print(
        f"  tracker: last contact and state right for {agree}/{len(channel_ids)} channels"
        f" ({near_agree}/{len(channel_ids)} counting an estimate within {NEAR_DAYS} days"
        " of a day no text gives)"
    )
    if show:
        for c in channel_ids:
            print(
                f"    {c:20} {ours[c].state:10} last contact {_day(ours[c].last_contact)}  "
                f"(labels: {truth[c].state}, {_day(truth[c].last_contact)})"
            )
    accuracy["tracker"] = agree / len(channel_ids) if channel_ids else 0.0
    accuracy["tracker_stated"] = near_agree / len(channel_ids) if channel_ids else 0.0
    return accuracy


def _near(event: Event, want: str) -> bool:
    """An approximate date within NEAR_DAYS of the label: the best a text without a day allows."""
    if not event.approximate or not event.date:
        return False
    return abs((date.fromisoformat(event.date) - date.fromisoformat(want)).days) <= NEAR_DAYS


def _near_point(ours: Any, truth: Any, unstated: set[str]) -> bool:
    """Same last contact, or an approximate one within NEAR_DAYS of a labelled day no text gives."""
    if _day(ours) == _day(truth):
        return True
    if ours is None or truth is None or truth.story not in unstated or not ours.approximate:
        return False
    return abs((date.fromisoformat(ours.date) - date.fromisoformat(truth.date)).days) <= NEAR_DAYS


def _day(point: Any) -> str | None:
    return point.date if point is not None else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every miss and each channel's verdict")
    args = parser.parse_args()
    evaluate(show=args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
