"""The events of stories, read from the store and cached there per story version (``store.events``).

Split from the analyst's writer so reading stays one job: a rebuild reads only the stories that are new
or grew since the last one, and every cached event is read again when the rules it was read with change
(the topic's channels, spelling and people, or this reader's ``EVENTS_FORMAT``). Channels come from the
topic's ``[[channels]]``; a user topic without them uses the bundled ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from crawler.config import Config
from crawler.core.channels import bundled_topic_raw
from crawler.core.events import Event, EventModel, derive_event, event_model
from crawler.core.records import Article
from crawler.store import FeedArticle, Store

logger = logging.getLogger(__name__)
BATCH = 500
EVENTS_FORMAT = 3  # raise when crawler.core.events reads differently: cached events are read again


def topic_with_channels(config: Config) -> dict[str, Any]:
    """The configured topic, with the bundled channels when it declares none."""
    topic = dict(config.topic)
    if not topic.get("channels"):
        topic["channels"] = bundled_topic_raw().get("channels", [])
    return topic


def as_article(row: FeedArticle) -> Article:
    """A stored article as the event reader takes it (it knows nothing of the store)."""
    return Article(
        url=row.url,
        canonical_url=row.canonical_url,
        title=row.title or "",
        text=row.text or "",
        published=row.published,
        language=row.language,
        site_name=row.site_name,
    )


def rules_version(topic: dict[str, Any]) -> str:
    """A digest of what an event is read with (the topic's channels and people, the reader's code
    version): cached events read with other rules are read again."""
    groups = topic.get("groups", {})
    people = {side: (groups.get(side) or {}).get("people") for side in ("us", "china")}
    data = json.dumps([EVENTS_FORMAT, topic.get("channels"), topic.get("spelling"), people], sort_keys=True)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]


def refresh_events(
    store: Store, model: EventModel, threshold: float, rules: str = "", budget: int | None = None
) -> list[str]:
    """Recompute the event of every story that is new or changed since its event (at most ``budget``
    stories: a rebuild's cost stays bounded on a large old store, later rebuilds do the rest); their ids."""
    refreshed: list[str] = []
    while budget is None or len(refreshed) < budget:
        size = BATCH if budget is None else min(BATCH, budget - len(refreshed))
        stale = store.events.stale(threshold=threshold, limit=size)
        for story in stale:
            event = derive_event(story.id, [as_article(a) for a in story.articles], model)
            record = {**event.to_dict(), "title": story.title or story.lead.title, "rules": rules}
            store.events.save(
                story.id,
                story.updated,
                event.date,
                event.kind,
                json.dumps(record, ensure_ascii=False),
                event.channels,
                event.approximate,
            )
            refreshed.append(story.id)
        if len(stale) < size:
            break
    if budget is not None and len(refreshed) >= budget:
        logger.info("events of %d stories read; the rest in the next rebuilds", len(refreshed))
    return refreshed


def load_events(store: Store, rules: str | None = None) -> tuple[list[Event], dict[str, str]]:
    """Every cached event and each story's title; a record that cannot be read is logged and skipped.

    With ``rules``, a record read with other rules raises ``StaleRules`` (the caller reads them again).
    """
    events, titles = [], {}
    for story_id, record in store.events.all():
        try:
            raw = json.loads(record)
            event = Event.from_dict(raw)
        except (ValueError, TypeError) as exc:
            logger.warning("event of story %r left out: %s", story_id, exc)
            continue
        if rules is not None and raw.get("rules") != rules:
            raise StaleRules(story_id)
        events.append(event)
        titles[story_id] = str(raw.get("title") or "")
    return events, titles


class StaleRules(Exception):
    """Cached events were read with other rules (a changed topic or a newer reader)."""


def current_events(
    store: Store, topic: dict[str, Any], threshold: float, budget: int | None = None
) -> tuple[list[Event], dict[str, str], set[str]]:
    """Every story's event, read again where stale: (events, titles, ids of the stories read now)."""
    model, rules = event_model(topic), rules_version(topic)
    drop_if_rules_changed(store, rules)
    refreshed = set(refresh_events(store, model, threshold, rules, budget))
    store.events.prune()
    return load_current(store, model, rules, threshold, budget, refreshed)


def drop_if_rules_changed(store: Store, rules: str) -> bool:
    """Forget every cached event when they were read with other rules (checked on one record: a change
    clears them all before any is written again, so they always share their rules); whether it did."""
    sample = store.events.sample()
    if sample is None:
        return False
    try:
        same = json.loads(sample).get("rules") == rules
    except (ValueError, AttributeError):
        same = False
    if not same:
        logger.info("event rules changed: reading every story's event again")
        store.events.clear()
    return not same


def load_current(
    store: Store, model: EventModel, rules: str, threshold: float, budget: int | None, refreshed: set[str]
) -> tuple[list[Event], dict[str, str], set[str]]:
    """Every cached event; all read again first when they were read with other rules."""
    try:
        events, titles = load_events(store, rules)
    except StaleRules:
        logger.info("event rules changed: reading every story's event again")
        store.events.clear()
        refreshed = set(refresh_events(store, model, threshold, rules, budget))
        events, titles = load_events(store)
    return events, titles, refreshed
