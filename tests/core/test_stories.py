"""Stories: one event across outlets and languages is one story; other events stay apart."""

from __future__ import annotations

import dataclasses
import itertools
import random
import tomllib
from collections import Counter
from datetime import date
from typing import Any

import pytest

from crawler.core.dedup import fingerprint
from crawler.core.outlets import authority, distinct_outlets, outlet_name
from crawler.core.records import Article, Score
from crawler.core.relevance import bundled_topic, load_topic, score_article
from crawler.core.stories import (
    JOIN_THRESHOLD,
    STORY_WINDOW_DAYS,
    EventFeatures,
    cluster_articles,
    event_date,
    event_features,
    match_story,
    new_story_id,
    pick_lead,
    story_similarity,
)
from crawler.core.topic import without_people
from tests.corpus import CORPUS, as_article, load_corpus

TOPIC_TOML = CORPUS.parent.parent / "crawler" / "data" / "topic.toml"


def corpus() -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in load_corpus()}


@pytest.fixture(scope="module")
def docs() -> dict[str, dict[str, Any]]:
    return corpus()


@pytest.fixture(scope="module")
def features(docs) -> dict[str, EventFeatures]:
    topic = bundled_topic()
    out = {}
    for key, doc in docs.items():
        if doc["label"] == "relevant":
            article = as_article(doc)
            score = score_article(topic, article)
            out[key] = event_features(article, score, fingerprint(article.text), topic)
    return out


def purity_completeness(groups: dict[str, list[str]], event_of: dict[str, str]) -> tuple[float, float]:
    """Purity: share of articles in their story's main event; completeness: in their event's main story."""
    total = sum(len(members) for members in groups.values())
    purity = sum(Counter(event_of[m] for m in members).most_common(1)[0][1] for members in groups.values())
    by_event: dict[str, list[str]] = {}
    for story, members in groups.items():
        for m in members:
            by_event.setdefault(event_of[m], []).append(story)
    completeness = sum(Counter(stories).most_common(1)[0][1] for stories in by_event.values())
    return purity / total, completeness / total


# ------------------------------------------------------------------------------------ the corpus


def test_offline_clustering_is_pure_and_complete(docs):
    relevant = {d["url"]: d for d in docs.values() if d["label"] == "relevant"}
    stories = cluster_articles([as_article(d) for d in relevant.values()])
    groups = {s.id: [a.url for a in s.articles] for s in stories}
    event_of = {url: d["event"] for url, d in relevant.items()}
    purity, completeness = purity_completeness(groups, event_of)
    report = (
        f"stories={len(stories)} events={len(set(event_of.values()))} "
        f"purity={purity:.3f} completeness={completeness:.3f}"
    )
    print("\n" + report)
    assert purity >= 0.95 and completeness >= 0.95, report


def test_online_path_in_arrival_order_agrees(docs, features):
    """The pipeline sees articles in crawl order and fetches only a date window: same quality."""
    event_of = {k: d["event"] for k, d in docs.items() if d["label"] == "relevant"}
    for seed in (1, 2, 3):
        order = sorted(features)
        random.Random(seed).shuffle(order)
        stored: list[tuple[str, str, EventFeatures]] = []  # (key, story_id, features): the "store"
        for key in order:
            mine = features[key]
            when = date.fromisoformat(mine.date)
            window = [
                (sid, f)
                for _, sid, f in stored
                if abs((date.fromisoformat(f.date) - when).days) <= STORY_WINDOW_DAYS
            ]
            story = match_story(mine, window) or new_story_id(as_article(docs[key]))
            stored.append((key, story, mine))
        groups: dict[str, list[str]] = {}
        for key, story, _ in stored:
            groups.setdefault(story, []).append(key)
        purity, completeness = purity_completeness(groups, event_of)
        assert purity >= 0.95 and completeness >= 0.95, (seed, purity, completeness)


def test_chinese_readout_joins_the_english_reports(features):
    english = [
        ("story-a", features[k])
        for k in ("2022-04-20-en-seed001-austin-wei-first-talk", "2022-04-21-en-seed002-wire-rare-call")
    ]
    assert match_story(features["2022-04-21-zh-mnd-wei-austin-call"], english) == "story-a"
    kl = [("story-kl", features["2025-10-31-en-hegseth-dong-kuala-lumpur"])]
    assert match_story(features["2025-10-31-zh-dong-meets-hegseth-kl"], kl) == "story-kl"
    assert match_story(features["2025-11-01-zh-tw-hegseth-dong-kl"], kl) == "story-kl"  # traditional script


def test_seed_events_form_their_stories(features):
    call = [("story-call", features["2022-04-20-en-seed001-austin-wei-first-talk"])]
    for key in ("2022-04-21-en-seed000-local-first-call", "2022-04-21-en-seed002-wire-rare-call"):
        assert match_story(features[key], call) == "story-call", key
    siem_reap = [("story-sr", features["2022-11-22-en-wire-austin-wei-cambodia"])]
    assert match_story(features["2022-11-23-en-seed003-siem-reap-meeting"], siem_reap) == "story-sr"
    unanswered = [("story-u", features["2021-05-21-en-austin-xu-requests"])]
    assert match_story(features["2021-05-24-en-seed004-calls-unreturned"], unanswered) == "story-u"


def test_same_people_at_a_different_event_stay_apart(features):
    pairs = [
        ("2022-04-20-en-seed001-austin-wei-first-talk", "2022-06-10-en-shangri-la-austin-wei"),
        ("2024-04-16-en-wire-austin-dong-video-call", "2024-05-31-en-shangri-la-austin-dong"),
        ("2025-09-10-en-hegseth-dong-first-call", "2025-10-31-en-hegseth-dong-kuala-lumpur"),
        ("2024-09-10-en-paparo-wu-video-call", "2024-09-24-en-wu-yanan-meets-paparo-hawaii"),
    ]
    for first, later in pairs:
        assert story_similarity(features[first], features[later]) == 0.0, (first, later)
        assert match_story(features[later], [("earlier", features[first])]) is None


def test_two_events_in_the_same_week_stay_apart(features):
    call = features["2024-09-10-en-paparo-wu-video-call"]
    talks = features["2024-09-16-en-defense-working-meeting-beijing"]  # mentions the call in passing
    assert match_story(talks, [("paparo-call", call)]) is None
    # The Chinese readout of the call recounts the earlier policy talks and MMCA round ("此前..."): that
    # background sentence must not pull it into the story of the next policy talks.
    readout = features["2024-09-10-zh-wu-yanan-paparo"]
    assert match_story(talks, [("paparo-call", readout)]) is None
    suspension = features["2022-08-05-en-china-cancels-military-talks"]
    unanswered = features["2022-08-06-en-pentagon-calls-ignored"]
    assert match_story(unanswered, [("suspension", suspension)]) is None


def test_syndicated_copy_joins_its_original(features):
    original = features["2024-04-16-en-wire-austin-dong-video-call"]
    copy = features["2024-04-17-en-syndicated-17-months"]
    assert story_similarity(original, copy) == 1.0


# ----------------------------------------------------------------------------------- the parts


def test_features_describe_who_what_when(features):
    call = features["2024-04-17-zh-dong-austin-video-call"]
    assert call.date == "2024-04-17" and call.language == "zh"
    assert {name for name, _ in call.entities} >= {"Dong Jun", "Austin"}
    assert call.kinds[0][0] == "call"
    assert sum(weight for _, weight in call.entities) == pytest.approx(1.0, abs=0.01)
    refusal = features["2023-05-30-en-shangri-la-meeting-declined"]
    assert dict(refusal.kinds).get("refusal", 0) > 0.3


def test_features_json_round_trip(features):
    original = features["2022-04-21-zh-mnd-wei-austin-call"]
    back = EventFeatures.from_json(original.to_json())
    assert back.entities == original.entities and back.kinds == original.kinds
    assert back.date == original.date and back.language == original.language
    assert back.fingerprint.jaccard(original.fingerprint) == 1.0
    assert story_similarity(back, original) == 1.0
    assert "魏凤和" not in original.to_json() and "Wei Fenghe" in original.to_json()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("not json", "not JSON"),
        ("[]", "v=1"),
        ('{"v": 1, "date": "yesterday", "entities": {}, "kinds": {}, "fingerprint": ""}', "'date'"),
        ('{"v": 1, "date": null, "entities": [], "kinds": {}, "fingerprint": ""}', "'entities'"),
        ('{"v": 1, "date": null, "entities": {}, "kinds": {}, "fingerprint": "!!"}', "'fingerprint'"),
    ],
)
def test_bad_features_json_is_a_clear_error(text, named):
    with pytest.raises(ValueError, match=named):
        EventFeatures.from_json(text)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2022-04-21", "2022-04-21"),
        ("2022-04-21T07:30:00+08:00", "2022-04-20"),
        ("2022-04-20T19:40:00-04:00", "2022-04-20"),
        ("2022-04-20T23:40:00Z", "2022-04-20"),
        ("2022-04-21T08:58", "2022-04-21"),
        ("21 April 2022", None),
        ("", None),
        (None, None),
    ],
)
def test_event_date_is_the_utc_calendar_day(published, expected):
    assert event_date(published) == expected


def test_no_candidates_means_a_new_story(features):
    mine = features["2023-12-21-en-brown-liu-video-call"]
    assert match_story(mine, []) is None


def test_new_story_id_is_stable_and_from_the_canonical_url():
    a = Article(
        url="https://x.example/a?utm_source=feed", canonical_url="https://x.example/a", title="", text=""
    )
    b = dataclasses.replace(a, url="https://x.example/a?ref=home")
    c = dataclasses.replace(a, canonical_url="https://x.example/b")
    assert new_story_id(a) == new_story_id(b) != new_story_id(c)
    assert new_story_id(a).startswith("story-") and len(new_story_id(a)) <= 64
    no_canonical = dataclasses.replace(a, canonical_url="")  # falls back to canonical_url(url)
    assert new_story_id(no_canonical) == new_story_id(a)


def _article(url: str, published: str | None, words: int, text: str | None = None) -> Article:
    body = text if text is not None else " ".join(f"word{i}" for i in range(words))
    return Article(url=url, canonical_url=url, title=url, text=body, published=published)


def test_pick_lead_prefers_complete_then_earliest():
    brief = _article("https://a.example/brief", "2024-04-16T10:00:00Z", 50)
    full = _article("https://a.example/full", "2024-04-16T12:00:00Z", 400)
    later_full = _article("https://a.example/later", "2024-04-17T09:00:00Z", 420)
    undated = _article("https://a.example/undated", None, 500)
    assert pick_lead([brief, later_full, full]) == full  # brief is too short; full beats later_full
    assert pick_lead([later_full, undated]) == later_full  # undated articles lead only if nothing else
    assert pick_lead([brief]) == brief


def test_pick_lead_never_picks_a_syndicated_copy(docs):
    original = as_article(docs["2024-04-16-en-wire-austin-dong-video-call"])
    copy = as_article(docs["2024-04-17-en-syndicated-17-months"])
    chinese = as_article(docs["2024-04-17-zh-dong-austin-video-call"])
    assert pick_lead([copy, chinese, original]) == original


def test_pick_lead_needs_an_article():
    with pytest.raises(ValueError, match="at least one article"):
        pick_lead([])


def test_cluster_uses_given_scores_and_keeps_every_article(docs):
    picked = [
        as_article(docs[k])
        for k in (
            "2022-06-10-en-shangri-la-austin-wei",
            "2022-06-10-zh-xinhua-wei-meets-austin",
            "2022-11-22-zh-mnd-wei-meets-austin",
        )
    ]
    scores = {a.canonical_url: Score(0.9, True, ()) for a in picked}
    stories = cluster_articles(picked, scores=scores)
    assert sorted(len(s.articles) for s in stories) == [1, 2]
    assert sum(len(s.articles) for s in stories) == 3


# ------------------------------------------------------------------ arrival order, and no names needed


def no_names_topic():
    return load_topic(without_people(tomllib.loads(TOPIC_TOML.read_text(encoding="utf-8"))))


def partition(stories) -> set[frozenset[str]]:
    return {frozenset(a.url for a in story.articles) for story in stories}


NO_LEXICON_EVENT = "2026-02-17-indopacom-eastern-theater-call"  # no participant is in the lexicon


@pytest.mark.parametrize("names", [True, False], ids=["lexicon", "no-names"])
def test_every_order_of_one_events_reports_gives_one_story(docs, names):
    topic = bundled_topic() if names else no_names_topic()
    reports = [as_article(d) for d in docs.values() if d.get("event") == NO_LEXICON_EVENT]
    assert len(reports) == 4
    found = {
        frozenset(partition(cluster_articles(order, topic))) for order in itertools.permutations(reports)
    }
    assert found == {frozenset({frozenset(a.url for a in reports)})}


@pytest.mark.parametrize("names", [True, False], ids=["lexicon", "no-names"])
def test_shuffled_corpus_gives_the_same_stories_as_the_events(docs, names):
    topic = bundled_topic() if names else no_names_topic()
    relevant = [d for d in docs.values() if d["label"] == "relevant"]
    events = {
        frozenset(d["url"] for d in relevant if d["event"] == e) for e in {d["event"] for d in relevant}
    }
    for seed in range(3):
        order = list(relevant)
        random.Random(seed).shuffle(order)
        assert partition(cluster_articles([as_article(d) for d in order], topic)) == events, seed


def test_the_no_lexicon_slice_is_relevant_without_any_name(docs):
    topic = no_names_topic()
    slice_ = [d for d in docs.values() if d["id"].startswith("2026-")]
    assert len(slice_) >= 4
    for doc in slice_:
        score = score_article(topic, as_article(doc))
        assert score.relevant, (doc["id"], score)
    names = [n for n in bundled_topic().people if len(n) > 4]  # full names, not "Xi"
    theater = [d["text"] for d in slice_ if d.get("event") == NO_LEXICON_EVENT]
    assert not [n for n in names if any(n in text for text in theater)], "a participant is in the lexicon"


def test_role_only_policy_talks_join_their_readout_despite_background_names(docs, features):
    report = features["2026-03-04-en-defense-policy-talks-roles"]  # names Austin, in background only
    readout = features["2026-03-05-zh-defense-policy-talks-readout"]
    assert story_similarity(report, readout) >= JOIN_THRESHOLD
    assert dict(report.entities).get("Austin", 0.0) < 0.1


# ------------------------------------------------------------- one site, crawled three ways, same stories


@pytest.mark.slow
def test_a_site_crawled_by_feed_by_sitemap_and_by_listing_gives_the_same_stories(
    tmp_path, newsroom, newsroom_config, crawl_settings
):
    """The three discovery paths meet the pages in different orders; the stories must not care."""
    from crawler.config import load_config
    from crawler.service.launch import run_crawl_process
    from crawler.store import Store

    groupings = {}
    for source in ("newsroom-rss", "newsroom-sitemap", "newsroom-listing"):
        (tmp_path / source).mkdir()
        config = newsroom_config(tmp_path / source)
        result = run_crawl_process(str(config), source, 60, settings=crawl_settings)
        assert result.outcome == "ok", result
        with Store(load_config(config).store) as store:
            stories: dict[str, set[str]] = {}
            for row in store.articles.all():
                if row.relevant:
                    assert row.story_id, f"{row.canonical_url} is relevant but in no story"
                    slug = row.canonical_url.rsplit("/", 1)[1].removesuffix(".html")
                    stories.setdefault(row.story_id, set()).add(slug)
        groupings[source] = stories
    common = set.intersection(*(set().union(*g.values()) for g in groupings.values()))
    assert len(common) >= 3
    seen = {
        source: {frozenset(group & common) for group in g.values() if group & common}
        for source, g in groupings.items()
    }
    assert seen["newsroom-rss"] == seen["newsroom-sitemap"] == seen["newsroom-listing"], seen


# ------------------------------------------------------------------------- outlets, and who leads


def page(url: str, words: int, *, site: str | None = None, title: str = "Defense chiefs talk") -> Article:
    return Article(url=url, canonical_url=url, title=title, text="word " * words, site_name=site)


def test_an_outlet_is_named_by_the_page_then_the_source_then_its_domain_never_a_port():
    assert outlet_name(page("https://a.example/x", 10, site="The Ledger")) == "The Ledger"
    assert outlet_name(page("https://a.example/x", 10, title="Chiefs talk | Harbor Post")) == "Harbor Post"
    assert outlet_name(page("http://127.0.0.1:8765/x", 10, site="127.0.0.1:8765"), "wire") == "wire"
    assert outlet_name(page("http://127.0.0.1:8765/x", 10)) == "127.0.0.1"
    assert outlet_name(page("https://amp.news.example.co.uk/x", 10)) == "example.co.uk"


def test_amp_and_print_pages_are_the_same_outlet_and_the_lead_is_never_also_carrying():
    lead = page("https://www.ledger.example/2024/call.html", 100)
    others = [
        page("https://amp.ledger.example/2024/call.html", 100),  # the lead's AMP page
        page("https://www.ledger.example/print/2024/call.html", 100),  # its print page
        page("https://wire.example/call.html", 100),
        page("https://m.wire.example/call.html", 100),  # the wire's mobile page
    ]
    assert [a.url for a in distinct_outlets(lead, others)] == ["https://wire.example/call.html"]


def test_the_lead_is_the_fullest_report_of_the_most_authoritative_outlet():
    farm = page("https://content-farm.example/call.html", 900)  # the longest, but nobody's report
    wire = page("https://www.reuters.com/world/call.html", 800)
    readout = page("https://www.defense.gov/News/Releases/call.html", 500)
    short_note = page("https://www.war.gov/News/brief.html", 120)  # official, but a fraction of the story
    assert pick_lead([farm, wire], collapsed=True) is wire
    assert pick_lead([farm, wire, readout], collapsed=True) is readout
    assert pick_lead([farm, wire, short_note], collapsed=True) is wire
    assert authority(readout) < authority(wire) < authority(farm)
