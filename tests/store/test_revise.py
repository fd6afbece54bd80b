"""``store.revisions``: a stored article rewritten by a re-extraction keeps its row and its copies, and
its story follows it — on SQLite and PostgreSQL. The records come from the crawl's own stages
(``crawler.service.reextract.run_stages``) over a newsroom fixture page."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.core.findings import Findings
from crawler.core.relevance import load_topic
from crawler.service.reextract import Staged, run_stages
from crawler.store import RawPage, Store
from tests.storeview import all_stories, get_article

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "newsroom" / "articles"
SLUG = "theater-commanders-talk"
SECOND_PARAGRAPH = "It was the first conversation at the level of theater commanders"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'revise.db'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_db")
    with Store(url) as opened:
        yield opened


def stage(url: str, selectors: tuple[str, ...] = ()) -> Staged:
    html = (PAGES / f"{SLUG}.html").read_text(encoding="utf-8")
    html = html.replace(f"{{base}}/articles/{SLUG}.html", url).replace("{base}", "http://news.example")
    page = RawPage(url, url, url, "wire", 200, (), html.encode(), datetime(2026, 11, 2, tzinfo=UTC))
    staged = run_stages(load_topic(load_config(None).topic), page, selectors)
    assert staged.article is not None
    return staged


def off_the_beat(findings: Findings) -> Findings:
    """The same findings as a topic that no longer counts the article relevant would give."""
    score = dataclasses.replace(findings.score, relevant=False)
    return dataclasses.replace(findings, score=score, fingerprint=None, features=None)


def place(store: Store, staged: Staged) -> int:
    assert staged.findings is not None and staged.findings.placed
    placed = store.stories.place(staged.article, "wire", staged.findings)
    assert placed is not None
    return placed.article_id


def check_stories(store: Store) -> None:
    """Every story has members and an original member as its lead; every copy sits with its original."""
    by_id = {a.id: a for a in store.articles.all()}
    for story in all_stories(store):
        members = [a for a in by_id.values() if a.story_id == story["id"]]
        assert members, story
        lead = by_id[story["lead_article_id"]]
        assert lead.story_id == story["id"] and lead.duplicate_of is None
    for article in by_id.values():
        if article.duplicate_of is not None:
            assert by_id[article.duplicate_of].story_id == article.story_id


def test_a_revised_article_keeps_its_row_its_copies_and_its_story(store):
    original, copy = "http://news.example/a/1.html", "http://news.example/b/1.html"
    first = place(store, stage(original))
    second = place(store, stage(copy))
    assert get_article(store, copy).duplicate_of == first
    (story,) = all_stories(store)
    seen = get_article(store, original).first_seen

    healed = stage(original, (".story-body > p:nth-of-type(2)",))
    assert SECOND_PARAGRAPH not in healed.article.text
    assert store.revisions.current({original}).id == first
    assert store.revisions.revise(first, healed.article, "wire", healed.findings) == story["id"]
    revised = get_article(store, original)
    assert revised.id == first and revised.first_seen == seen  # the same row
    assert SECOND_PARAGRAPH not in revised.text and revised.text_length == len(revised.text)
    assert get_article(store, copy).duplicate_of == first  # its copy still copies it, in its story
    assert [s["id"] for s in all_stories(store)] == [story["id"]]
    check_stories(store)

    assert healed.findings is not None
    off = off_the_beat(healed.findings)
    assert store.revisions.revise(first, healed.article, "wire", off) is None
    assert get_article(store, original).story_id is None
    assert get_article(store, copy).duplicate_of is None  # its copy stands on its own, leading the story
    (left,) = all_stories(store)
    assert left["lead_article_id"] == second
    check_stories(store)

    assert store.revisions.revise(first, healed.article, "wire", healed.findings) == left["id"]
    assert get_article(store, original).duplicate_of in (None, second)
    assert store.articles.count() == 2 and len(all_stories(store)) == 1
    check_stories(store)


def test_a_story_left_empty_is_dropped(store):
    url = "http://news.example/a/1.html"
    article_id = place(store, stage(url))
    assert len(all_stories(store)) == 1
    staged = stage(url)
    assert staged.findings is not None
    off = off_the_beat(staged.findings)
    assert store.revisions.revise(article_id, staged.article, "wire", off) is None
    assert all_stories(store) == []
    assert store.revisions.revise(10_000, staged.article, "wire", off) is None  # gone: nothing
