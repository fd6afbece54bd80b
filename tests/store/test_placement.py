"""The story-placement decision on its own (records in, a decision out), then merges in a SQLite store."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from crawler.config import load_config
from crawler.core.dedup import fingerprint
from crawler.core.findings import Findings
from crawler.core.placement import Copied, Decision, Member, elect_lead, place, split
from crawler.core.records import Article, Score
from crawler.core.stories import EventFeatures, new_story_id
from crawler.service.publish import publish, story_entry_id
from crawler.store import Store

CALL = "Austin and Dong Jun spoke by video call for an hour about the channels between the militaries. " * 4
HARBOUR = "The harbour authority reopened the waterfront roads after the marathon on Sunday afternoon. " * 4



def on_beat(features: EventFeatures) -> Findings:
    """The findings of a relevant article with these event features."""
    return Findings(Score(0.9, True, ()), features=features)

def article(n: int, text: str = CALL, published: str | None = "2024-04-16") -> Article:
    url = f"https://news.example/{n}.html"
    return Article(url=url, canonical_url=url, title=f"Report {n}", text=text, published=published)


def features(
    text: str = CALL, *, people: tuple[str, ...] = ("Austin", "Dong Jun"), kind: str = "call"
) -> EventFeatures:
    weight = round(1 / len(people), 4) if people else 0.0
    return EventFeatures(
        date="2024-04-16",
        language="en",
        entities=tuple((p, weight) for p in people),
        kinds=((kind, 1.0),) if kind else (),
        fingerprint=fingerprint(text),
        relevance=0.9,
    )


def untouched() -> Iterator[tuple[str, EventFeatures]]:
    """Candidates that fail the test if the decision reads them (a copy needs none)."""
    raise AssertionError("a copy must not look at candidate stories")
    yield  # pragma: no cover


def test_a_copy_joins_its_originals_story_without_reading_candidates():
    copied = Copied(article_id=7, story_id="story-call", published_later=False)
    decision = place(article(2), features(), copied, untouched())
    assert decision == Decision("story-call", new_story=False, duplicate_of=7)


def test_a_copy_published_first_becomes_the_original_of_the_group():
    copied = Copied(article_id=7, story_id="story-call", published_later=True)
    decision = place(article(2, published="2024-04-15"), features(), copied, untouched())
    assert decision == Decision("story-call", new_story=False, duplicate_of=None, supersedes=7)


def test_a_copy_of_an_article_in_no_story_is_matched_like_any_other():
    new = article(3)
    copied = Copied(article_id=7, story_id=None, published_later=False)
    assert place(new, features(), copied, []) == Decision(new_story_id(new), new_story=True)
    joined = place(new, features(), copied, [("story-call", features())])
    assert joined == Decision("story-call", new_story=False)


def test_a_report_of_the_same_event_joins_the_closest_story():
    candidates = [("story-harbour", features(HARBOUR, people=(), kind="")), ("story-call", features())]
    assert place(article(4), features(), None, candidates) == Decision("story-call", new_story=False)


def test_an_unrelated_article_founds_a_story_of_its_own():
    new = article(5, HARBOUR)
    harbour = features(HARBOUR, people=("Harbour authority",), kind="closure")
    decision = place(new, harbour, None, [("story-call", features())])
    assert decision == Decision(new_story_id(new), new_story=True)
    assert decision.story_id == place(new, harbour, None, []).story_id  # the same article, the same id


def test_the_lead_is_an_original_and_the_story_takes_its_title_and_earliest_date():
    full = article(1, CALL * 2, published="2024-04-16T10:00:00Z")
    copy = article(2, CALL * 3, published="2024-04-16T08:00:00Z")  # longer and earlier, but a copy
    short = article(3, CALL, published="2024-04-15T09:00:00Z")  # earliest, but far less complete
    members = [
        Member(1, full, event_date=date(2024, 4, 16)),
        Member(2, copy, duplicate_of=1, event_date=date(2024, 4, 16)),
        Member(3, short, event_date=date(2024, 4, 15)),
    ]
    head = elect_lead(members)
    assert (head.lead_id, head.title, head.event_date) == (1, "Report 1", date(2024, 4, 15))


def test_a_story_of_copies_only_still_has_a_lead():
    members = [Member(4, article(4), duplicate_of=9), Member(5, article(5, CALL * 2), duplicate_of=9)]
    assert elect_lead(members).lead_id == 5
    with pytest.raises(ValueError, match="at least one article"):
        elect_lead([])


# ------------------------------------------------------------------ merges and splits: pure, then stored


def words_of(name: object) -> str:
    """A text of its own: two reports share no words, so only who they name links them."""
    return " ".join(f"w{name}x{i}" for i in range(60))


def linked(*people: str, text: str | None = None) -> EventFeatures:
    """Features of one report naming ``people``: two reports sharing none of them do not link."""
    return features(text or words_of("".join(people)), people=people)


def test_an_article_linking_two_stories_merges_them_into_the_oldest():
    candidates = [("story-b", linked("Dong Jun")), ("story-a", linked("Austin"))]
    ages = {"story-a": 1, "story-b": 2}
    decision = place(article(6), linked("Austin", "Dong Jun"), None, candidates, ages.__getitem__)
    assert decision == Decision("story-a", new_story=False, merged=("story-b",))


def test_a_story_that_lost_its_bridge_splits_and_its_oldest_part_keeps_the_id():
    members = [
        (Member(1, article(1)), linked("Austin", text=words_of(1))),
        (Member(2, article(2)), linked("Dong Jun", text=words_of(2))),
        (Member(3, article(3), duplicate_of=2), linked("Dong Jun", text=words_of(3))),
        (Member(4, article(4)), linked("Austin", text=words_of(4))),
    ]
    assert split("story-a", members) == [("story-a", [1, 4]), (new_story_id(article(2)), [2, 3])]
    assert split("story-a", members[:1]) == [("story-a", [1])]


BRIDGED = {  # a and b share no one, c names both: the event is one story only once c is there
    "a": ("Austin",),
    "b": ("Dong Jun",),
    "c": ("Austin", "Dong Jun"),
    "d": ("Dong Jun",),
}


def story_of(store: Store) -> dict[str, str]:
    """Canonical URL -> story id of every stored article."""
    return {a.canonical_url: a.story_id for a in store.articles.all()}


def grouping(store: Store) -> set[frozenset[str]]:
    stories: dict[str, set[str]] = {}
    for url, story_id in story_of(store).items():
        stories.setdefault(story_id, set()).add(url)
    return {frozenset(group) for group in stories.values()}


@pytest.fixture(scope="module")
def every_order(tmp_path_factory) -> list[tuple[tuple[str, ...], set[frozenset[str]], list[str], Store]]:
    """Each of the 24 arrival orders of a bridged 4-report event, stored in a SQLite file of its own."""
    results = []
    for n, order in enumerate(itertools.permutations(BRIDGED)):
        url = f"sqlite:///{tmp_path_factory.mktemp('order') / f'{n}.db'}"
        store = Store(url)
        ids = []
        for name in order:
            new = Article(
                url=f"https://{name}.example/call.html",
                canonical_url=f"https://{name}.example/call.html",
                title=f"Report {name}",
                text=words_of(name),
                published="2024-04-16",
            )
            placed = store.stories.place(new, name, on_beat(linked(*BRIDGED[name], text=words_of(name))))
            ids.append(placed.story_id)
            ids.extend(placed.merged)
        results.append((order, grouping(store), ids, store))
    return results


def test_every_arrival_order_of_an_event_gives_the_same_story(every_order):
    groupings = {frozenset(g) for _, g, _, _ in every_order}
    assert len(every_order) == 24 and len(groupings) == 1
    assert [len(g) for g in next(iter(groupings))] == [4]  # one story of all four reports


def test_every_story_id_a_reader_saw_still_resolves_after_merges(every_order):
    merged_somewhere = 0
    for _, _, ids, store in every_order:
        final = set(story_of(store).values())
        assert len(final) == 1
        assert {store.stories.resolve(sid) for sid in ids} == final
        merged_somewhere += len(set(ids)) > 1
        store.close()
    assert merged_somewhere >= 8  # orders where a and b (or d) came before c: two stories, then a merge


# ----------------------------------------------------------------------------- a merge, as readers see it


def reader_view(feeds: Path, had: dict[str, str]) -> dict[str, str]:
    """What a feed reader holding ``had`` (entry id -> title) shows after fetching atom.xml: it keeps
    entries it saw, updates those it sees again, and drops those the feed tombstones (RFC 6721)."""
    document = (feeds / "atom.xml").read_bytes()
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.get("bozo_exception")
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    gone = {e.get("ref") for e in root.iter("{http://purl.org/atompub/tombstones/1.0}deleted-entry")}
    view = {k: v for k, v in had.items() if k not in gone}
    view.update({e.id: e.title for e in parsed.entries})
    return view


def test_a_merge_replaces_the_merged_away_entry_for_a_reader_and_keeps_its_id_resolvable(tmp_path):
    config_file = tmp_path / "hotline.toml"
    config_file.write_text(
        f'bundled_sources = false\ndata_dir = "{(tmp_path / "data").as_posix()}"\n'
        '[feed]\nlink = "http://127.0.0.1:8008/"\n',
        encoding="utf-8",
    )
    config = load_config(config_file)
    with Store(config.store) as store:

        def report(name: str, people: tuple[str, ...]) -> str:
            url = f"https://{name}.example/2024/04/16/call.html"
            new = Article(
                url=url,
                canonical_url=url,
                title=f"{name} report",
                text=words_of(name),
                published="2024-04-16",
            )
            placed = store.stories.place(new, name, on_beat(linked(*people, text=words_of(name))))
            return placed.story_id

        first, second = report("ledger", ("Austin",)), report("wire", ("Dong Jun",))
        assert first != second
        publish(config, store)
        had = reader_view(config.feeds_dir, {})
        assert {story_entry_id(first), story_entry_id(second)} <= set(had)

        time.sleep(1.1)  # feed times have whole seconds
        bridge = report("gazette", ("Austin", "Dong Jun"))
        survivor_id = store.stories.resolve(first)
        assert bridge == survivor_id and {store.stories.resolve(first), store.stories.resolve(second)} == {
            bridge
        }
        publish(config, store)
        after = reader_view(config.feeds_dir, had)
        event_entries = [i for i in after if i in {story_entry_id(first), story_entry_id(second)}]
        assert event_entries == [story_entry_id(bridge)], (
            "the reader shows the event once, under the survivor"
        )
        for name in ("rss.xml", "feed.json"):
            text = (config.feeds_dir / name).read_text(encoding="utf-8")
            merged_away = ({first, second} - {bridge}).pop()
            assert merged_away not in text and bridge in text
        assert not feedparser.parse((config.feeds_dir / "rss.xml").read_bytes()).bozo
        json.loads((config.feeds_dir / "feed.json").read_text(encoding="utf-8"))


def test_a_story_whose_bridge_goes_off_the_beat_splits_back_and_old_ids_mean_themselves_again(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'split.db'}") as store:
        placed = {}
        for name in ("a", "b", "c"):
            url = f"https://{name}.example/call.html"
            new = Article(
                url=url,
                canonical_url=url,
                title=f"Report {name}",
                text=words_of(name),
                published="2024-04-16",
            )
            found = on_beat(linked(*BRIDGED[name], text=words_of(name)))
            placed[name] = store.stories.place(new, name, found)
        story_a, story_b = placed["a"].story_id, placed["b"].story_id
        assert placed["c"].merged == (story_b,) and placed["c"].story_id == story_a
        assert set(story_of(store).values()) == {story_a}

        bridge = placed["c"]
        url = "https://c.example/call.html"
        off = Article(
            url=url, canonical_url=url, title="Report c", text="A harbour reopened.", published="2024-04-16"
        )
        assert store.revisions.revise(bridge.article_id, off, "c", Findings(Score(0.1, False, ()))) is None
        stories = story_of(store)
        assert stories["https://a.example/call.html"] == story_a  # the oldest part keeps the id
        assert stories["https://b.example/call.html"] == story_b  # b founds its own story again
        assert store.stories.resolve(story_b) == story_b  # no longer a redirect
