"""Relevance, near duplicates and stories wired into the crawl: real crawls of the newsroom fixture site
served on 127.0.0.1, a real SQLite store, the CLI run as a process."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from crawler.core.dedup import Fingerprint, fingerprint
from crawler.core.extract import extract_article
from crawler.core.extract.leaks import boilerplate_leaks, parse_leak_phrases, phrase_pattern
from crawler.core.findings import Findings
from crawler.core.reasons import words
from crawler.core.records import Article
from crawler.core.relevance import bundled_topic, score_article
from crawler.core.stories import EventFeatures, event_features
from crawler.service.launch import RunResult, run_crawl_process
from crawler.store import COPY_CANDIDATES, Store, StoredArticle
from tests.storeview import all_stories, get_article, get_story, story_members

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "pages"
CORPUS = ROOT / "fixtures" / "corpus"
NEWSROOM = ROOT / "fixtures" / "sites" / "newsroom"

WIRE_SOURCE = """
[[sources]]
name = "newsroom-wire"
kind = "feed"
url = "{url}/wire.xml"
"""
# The Austin–Dong Jun video call of 16 April 2024, as four outlets carried it
CALL = {
    "articles/austin-dong-video-call",  # The Pacific Ledger's own report (rss.xml)
    "wire/austin-dong-call-wire",  # the wire original: the fullest text
    "wire/austin-dong-call-syndicated",  # a partner's reprint of it: a near duplicate, never the lead
    "wire/austin-dong-call-mnd-readout",  # China's defence ministry readout, in Chinese
}
OTHER_EVENTS = {
    "articles/theater-commanders-talk",
    "articles/maritime-consultations-honolulu",  # 11 days before the call
    "articles/shangri-la-meeting",  # the same two ministers six weeks later
    "wire/laos-meeting-declined",  # ... and seven months later
}
OFF_TOPIC = {
    "articles/marathon-road-closures",
    "wire/austin-kihara-command-upgrade",  # Austin, talks, a defence minister: but Japan's
    "wire/ferry-timetable-changes",  # its renamed comment markup leaks into the text
}


def slug(row: StoredArticle) -> str:
    """``wire/austin-dong-call-wire`` for a stored article."""
    return "/".join(row.canonical_url.rsplit("/", 2)[1:]).removesuffix(".html")


def by_slug(store: Store) -> dict[str, StoredArticle]:
    return {slug(row): row for row in store.articles.all()}


def crawl_config(folder: Path, site: Any, newsroom_config: Callable[[Path], Path]) -> Path:
    """The newsroom sources of conftest plus ``newsroom-wire`` (wire.xml)."""
    path = newsroom_config(folder)
    path.write_text(path.read_text(encoding="utf-8") + WIRE_SOURCE.format(url=site.url), encoding="utf-8")
    return path


def crawl_at_once(config: Path, sources: list[str], settings: dict[str, object]) -> dict[str, RunResult]:
    """One crawl process per source, all started together (they store into one SQLite file)."""
    with ThreadPoolExecutor(len(sources)) as pool:
        futures = {s: pool.submit(run_crawl_process, str(config), s, 90, settings=settings) for s in sources}
        return {source: future.result() for source, future in futures.items()}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, site_server, newsroom_config, fast_crawl):
    """The rss and wire feeds crawled by two processes at the same time: (config path, their results)."""
    site_server.reset()
    config = crawl_config(tmp_path_factory.mktemp("topic"), site_server, newsroom_config)
    results = crawl_at_once(config, ["newsroom-rss", "newsroom-wire"], dict(fast_crawl))
    assert all(result.outcome == "ok" for result in results.values()), results
    return config, results


def open_store(config: Path) -> Store:
    from crawler.config import load_config

    return Store(load_config(config).store)


# ---------------------------------------------------------------------------------- relevance


def test_every_article_gets_a_score_with_its_terms_and_off_topic_ones_no_story(crawled):
    config, _ = crawled
    with open_store(config) as store:
        rows = by_slug(store)
    assert set(rows) == CALL | OTHER_EVENTS | OFF_TOPIC
    threshold = bundled_topic().threshold
    for name, row in rows.items():
        assert isinstance(row.matched, tuple), name
        assert isinstance(row.event_date, date), name
        assert row.relevant == (row.score >= threshold), name
    for name in CALL | OTHER_EVENTS:
        row = rows[name]
        assert row.relevant and row.story_id, name
        assert Fingerprint.from_bytes(row.fingerprint).size > 20, name  # what copies are found by
        assert EventFeatures.from_json(row.features).entities, name
    for name in OFF_TOPIC:
        row = rows[name]
        assert not row.relevant and row.story_id is None and row.features is None, name
        assert row.fingerprint is None, name  # off the beat: no copies or stories to find
    assert {"Austin", "Dong Jun"} <= set(words(rows["wire/austin-dong-call-wire"].matched))
    assert "act:by video" in rows["wire/austin-dong-call-wire"].matched  # the article's words
    assert {"Dong Jun", "Austin"} <= set(words(rows["wire/austin-dong-call-mnd-readout"].matched))  # Chinese
    assert "Austin" in words(rows["wire/austin-kihara-command-upgrade"].matched)  # matched, yet off the beat
    assert rows["articles/marathon-road-closures"].matched == ()
    # the crawl stored what the stages compute from the article itself
    served = extract_article(
        (NEWSROOM / "wire/austin-dong-call-mnd-readout.html").read_text(encoding="utf-8"),
        rows["wire/austin-dong-call-mnd-readout"].url,
    )
    assert rows["wire/austin-dong-call-mnd-readout"].score == score_article(bundled_topic(), served).value


def test_runs_count_new_relevant_articles_and_boilerplate_leaks(crawled):
    config, results = crawled
    with open_store(config) as store:
        runs = {run.source: run for run in store.runs.latest()}
    assert results["newsroom-wire"].run.articles_new == 6 and results["newsroom-rss"].run.articles_new == 5
    assert runs["newsroom-rss"].relevant_new == 4  # all but the marathon
    assert runs["newsroom-wire"].relevant_new == 4  # all but Kihara and the ferries
    assert runs["newsroom-rss"].boilerplate_hits == 0
    assert runs["newsroom-wire"].boilerplate_hits == 1  # the ferry page, whose comment markup was renamed


# ------------------------------------------------------------------------------------- stories


def test_four_outlets_on_one_call_make_one_story_led_by_the_fullest_original(crawled):
    config, _ = crawled
    with open_store(config) as store:
        rows = by_slug(store)
        story_id = rows["wire/austin-dong-call-wire"].story_id
        members = {slug(row) for row in story_members(store, story_id)}
        story = get_story(store, story_id)
    assert members == CALL
    wire, copy = rows["wire/austin-dong-call-wire"], rows["wire/austin-dong-call-syndicated"]
    assert copy.duplicate_of == wire.id  # whichever of the two was stored first
    assert all(rows[name].duplicate_of is None for name in CALL - {"wire/austin-dong-call-syndicated"})
    # the reprint is longer (editor's note) but a copy; the ministry readout is earlier but much shorter
    assert story["lead_article_id"] == wire.id
    assert (
        story["title"]
        == wire.title
        == "US and Chinese defense chiefs hold first talks in 17 months by video link"
    )
    assert story["event_date"] == date(2024, 4, 16)


def test_other_events_and_the_same_ministers_months_apart_stay_separate(crawled):
    config, _ = crawled
    with open_store(config) as store:
        rows = by_slug(store)
        stories = all_stories(store)
    call = rows["wire/austin-dong-call-wire"].story_id
    separate = [rows[name].story_id for name in OTHER_EVENTS]
    assert len(set(separate)) == len(OTHER_EVENTS) and call not in separate
    assert len(stories) == 1 + len(OTHER_EVENTS)
    for story in stories:
        lead = next(row for row in rows.values() if row.id == story["lead_article_id"])
        assert lead.story_id == story["id"] and story["title"] == lead.title


def test_a_late_article_joins_its_story_in_a_later_run_and_a_recrawl_adds_nothing(
    tmp_path, newsroom, newsroom_config, crawl_settings
):
    config = crawl_config(tmp_path, newsroom, newsroom_config)

    def crawl(source: str = "newsroom-wire") -> RunResult:
        result = run_crawl_process(str(config), source, 90, settings=crawl_settings)
        assert result.outcome == "ok", result
        return result

    crawl()
    with open_store(config) as store:
        story_id = by_slug(store)["wire/austin-dong-call-wire"].story_id
        before = get_story(store, story_id)
        count = len(all_stories(store))

    newsroom.publish("late-analysis")
    assert crawl().run.articles_new == 1
    with open_store(config) as store:
        late = by_slug(store)["wire/austin-dong-call-analysis"]
        after = get_story(store, story_id)
        assert late.story_id == story_id and late.duplicate_of is None
        assert len(story_members(store, story_id)) == 4
        assert len(all_stories(store)) == count  # joined, not a story of its own
        assert store.runs.latest("newsroom-wire")[0].relevant_new == 1
    assert after["updated"] > before["updated"] and after["updated"] == late.first_seen
    assert after["first_seen"] == before["first_seen"]
    assert after["lead_article_id"] == before["lead_article_id"]  # a later, shorter analysis

    newsroom.clear_log()
    again = crawl()
    assert again.run.articles_new == 0
    assert newsroom.requested("/wire/") == []  # every article known
    with open_store(config) as store:
        assert get_story(store, story_id) == after
        assert len(all_stories(store)) == count and store.articles.count() == 7


# --------------------------------------------------------------------- placement in the store


def page_article(name: str, base: str = "https://ledger.example") -> Article:
    """A fixture-site page extracted as if served from ``base``."""
    path = NEWSROOM / f"{name}.html"
    if not path.exists():
        path = NEWSROOM / "_drafts" / "late-analysis" / f"{name}.html"
    html = path.read_text(encoding="utf-8").replace("{base}", base)
    article = extract_article(html, f"{base}/{name}.html")
    assert isinstance(article, Article), article
    return article


def place(store: Store, article: Article) -> Any:
    """What the pipeline's stages and store do for one relevant article."""
    score = score_article(bundled_topic(), article)
    assert score.relevant, article.url
    features = event_features(article, score, fingerprint(article.text))
    return store.stories.place(article, "test", Findings(score, features=features))


@pytest.mark.parametrize("copy_first", [True, False])
def test_the_original_leads_whichever_copy_is_stored_first(tmp_path, copy_first):
    wire, copy = page_article("wire/austin-dong-call-wire"), page_article("wire/austin-dong-call-syndicated")
    with Store(f"sqlite:///{tmp_path / 'h.db'}") as store:
        first, second = (copy, wire) if copy_first else (wire, copy)
        placed_first, placed_second = place(store, first), place(store, second)
        assert placed_second.story_id == placed_first.story_id and not placed_second.new_story
        wire_row, copy_row = get_article(store, wire.canonical_url), get_article(store, copy.canonical_url)
        assert copy_row.duplicate_of == wire_row.id and wire_row.duplicate_of is None
        assert get_story(store, placed_first.story_id)["lead_article_id"] == wire_row.id
        assert place(store, copy) is None  # known: nothing placed twice


def test_a_wire_story_reprinted_by_many_outlets_stays_one_original(tmp_path):
    """More reprints than COPY_CANDIDATES: each new one is still found to be a copy of the wire text."""
    wire = page_article("wire/austin-dong-call-wire")
    outlets = COPY_CANDIDATES + 8
    with Store(f"sqlite:///{tmp_path / 'h.db'}") as store:
        story_id = place(store, wire).story_id
        for n in range(outlets):
            url = f"http://outlet{n}.test/news/austin-dong-call"
            intro = f"Reported for readers of outlet {n} by its regional desk number {n * 7}."
            copy = dataclasses.replace(wire, url=url, canonical_url=url, text=f"{intro}\n\n{wire.text}")
            placed = place(store, copy)
            assert placed.story_id == story_id and placed.duplicate_of is not None, n
        wire_id = get_article(store, wire.canonical_url).id
        members = story_members(store, story_id)
    assert len(members) == outlets + 1
    assert [m.canonical_url for m in members if m.duplicate_of is None] == [wire.canonical_url]
    assert {m.duplicate_of for m in members if m.duplicate_of is not None} == {wire_id}


def corpus_pairs() -> list[tuple[Article, Article]]:
    """(English report, Chinese report) of each labelled corpus event reported in both languages."""
    pairs: dict[str, dict[str, Article]] = {}
    for path in sorted(CORPUS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["label"] == "relevant" and not doc.get("duplicate_of"):
            article = Article(
                doc["url"], doc["url"], doc["title"], doc["text"], doc["published"], language=doc["language"]
            )
            pairs.setdefault(doc["event"], {}).setdefault(doc["language"], article)
    return [(found["en"], found["zh"]) for _, found in sorted(pairs.items()) if {"en", "zh"} <= set(found)]


def _place_rounds(url: str, worker: int, barrier: Any) -> None:
    """One process's side of the race: each round, its language's report of that round's event."""
    with Store(url) as store:
        for pair in corpus_pairs():
            barrier.wait(timeout=60)
            place(store, pair[worker])


@pytest.mark.slow
def test_two_processes_placing_one_event_at_once_make_one_story(tmp_path):
    """Each round both processes store a report of the same event at the same moment (one in English,
    one in Chinese): a story lookup outside the write lock would let both found a story of their own."""
    url, pairs = f"sqlite:///{tmp_path / 'race.db'}", corpus_pairs()
    assert len(pairs) >= 10
    Store(url).close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=_place_rounds, args=(url, w, barrier)) for w in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0, 0]
    with Store(url) as store:
        assert store.articles.count() == 2 * len(pairs)
        for english, chinese in pairs:
            story_id = get_article(store, english.canonical_url).story_id
            assert get_article(store, chinese.canonical_url).story_id == story_id, english.url
        assert len(all_stories(store)) == len(pairs)


# ------------------------------------------------------------------------------------- leaks


def extraction_fixtures() -> list[Path]:
    return sorted(PAGES.glob("*/*.html"))


@pytest.mark.parametrize("page", extraction_fixtures(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_boilerplate_leaks_from_any_extraction_fixture(page: Path):
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    result = extract_article(
        page.read_bytes(), expected.get("url", "https://example.com/"), charset=expected.get("charset")
    )
    if isinstance(result, Article):
        assert boilerplate_leaks(result.title + "\n" + result.text) == []


def test_renamed_comment_markup_leaks_its_prompts():
    article = page_article("wire/ferry-timetable-changes")
    assert "DockSideDan" not in article.text  # (its author line went; the prompts did not)
    # the "Subscribe to Comments" line now goes as a call to action (issue 15's cold-start rules)
    assert boilerplate_leaks(article.text) == ["Inline Feedbacks"]


def test_leak_phrases_match_anywhere_ignoring_case_but_only_whole_words():
    phrases = parse_leak_phrases(
        {"promo": {"x": ["Join our … Telegram", "Post Comment", "Sign up (it's quick and free)"]}}
    )
    assert boilerplate_leaks("Great story. JOIN OUR verified  AMN\nTelegram channel for more.", phrases) == [
        "Join our … Telegram"
    ]
    far = "He did not join our call because the line was down and Telegram was blocked."
    assert boilerplate_leaks(far, phrases) == []  # seven words between: no promo
    assert boilerplate_leaks("a signpost comments section", phrases) == []
    assert boilerplate_leaks("Sign up (it’s quick and free) or sign in", phrases) == [
        "Sign up (it's quick and free)"
    ]
    assert phrase_pattern("Post Comment").startswith("post")  # a literal first: the scan can skip ahead
    with pytest.raises(ValueError, match=r"leaks\.promo\.x"):
        parse_leak_phrases({"promo": {"x": ["Join our …"]}})


def test_bundled_leak_phrases_find_the_seed_boilerplate_in_raw_page_text():
    raw = tomllib.loads(resources.files("crawler.data").joinpath("boilerplate.toml").read_text("utf-8"))
    groups = set(raw["leaks"])
    assert {"comments", "paywall", "promo", "related"} <= groups
    text = (
        "Leave a Reply. Your email address will not be published.\n3 Inline Feedbacks\n"
        "Support independent journalism by subscribing.\nJoin our verified AMN Telegram channel"
    )
    assert boilerplate_leaks(text) == [
        "Leave a Reply",
        "Your email address will not be published",
        "Inline Feedbacks",
        "Support independent journalism",
        "Join our … Telegram",
    ]


# --------------------------------------------------------------------------------------- CLI


def hotline(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HOTLINE_CONFIG", "HOTLINE_STORE")}
    return subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


@pytest.mark.slow
def test_extract_json_shows_relevance_with_the_configs_topic(tmp_path: Path):
    on_topic = NEWSROOM / "wire/austin-dong-call-wire.html"
    off_topic = NEWSROOM / "wire/austin-kihara-command-upgrade.html"
    done = hotline("extract", str(on_topic), str(off_topic), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    wire, kihara = map(json.loads, done.stdout.splitlines())
    assert wire["relevant"] is True and wire["score"] >= 0.9
    assert {"Austin", "Dong Jun"} <= set(words(wire["matched"]))
    assert kihara["relevant"] is False and kihara["score"] < 0.5 and "Austin" in words(kihara["matched"])

    strict = tomllib.loads(resources.files("crawler.data").joinpath("topic.toml").read_text("utf-8"))
    topic_text = (resources.files("crawler.data") / "topic.toml").read_text("utf-8")
    threshold = f"threshold = {strict['threshold']}"
    assert threshold in topic_text
    (tmp_path / "topic.toml").write_text(topic_text.replace(threshold, "threshold = 0.999"), encoding="utf-8")
    (tmp_path / "hotline.toml").write_text('topic_file = "topic.toml"\n', encoding="utf-8")
    done = hotline(
        "--config", str(tmp_path / "hotline.toml"), "extract", str(on_topic), "--json", cwd=tmp_path
    )
    record = json.loads(done.stdout)
    assert record["score"] == wire["score"] and record["relevant"] is False  # the config's threshold

    (tmp_path / "topic.toml").write_text(topic_text.replace(threshold, "threshold = 7"), encoding="utf-8")
    done = hotline(
        "--config", str(tmp_path / "hotline.toml"), "extract", str(on_topic), "--json", cwd=tmp_path
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'hotline.toml'}: topic: key 'threshold' must be a number between 0 and 1, not 7"
    ]
