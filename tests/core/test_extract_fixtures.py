"""Every saved page in fixtures/pages gives what its JSON says; every bundled source has such pages.

The pages model real platforms (WordPress + wpDiscuz, paywalled news CMSs, AMP, Disqus, official
sites in GBK and Big5) with text written for the project. The last test shows the value of the
cleaning layer: bare trafilatura lets the same boilerplate through on several of these pages.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest
import trafilatura

from crawler.core.records import Article
from crawler.devtools.fixtures import DEFAULT_DIR, Fixture, check_fixture, find_fixtures, leaked_phrases

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / DEFAULT_DIR
FIXTURES = find_fixtures(PAGES)
ARTICLES = [f for f in FIXTURES if not f.expected.get("not_article")]


def test_there_are_enough_fixture_pages() -> None:
    assert len(FIXTURES) >= 20
    assert sum(1 for f in FIXTURES if f.expected.get("not_article")) >= 2


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_fixture(fixture: Fixture) -> None:
    result = check_fixture(fixture)
    assert result.passed, f"{fixture.id} ({fixture.html_path}):\n  - " + "\n  - ".join(result.problems)


@pytest.mark.parametrize("fixture", ARTICLES, ids=[f.id for f in ARTICLES])
def test_fixture_states_a_full_expectation(fixture: Fixture) -> None:
    expected = fixture.expected
    assert {"url", "title", "published", "must", "must_not"} <= set(expected), fixture.id
    assert expected["must"] and expected["must_not"], fixture.id
    assert "review" not in expected, f"{fixture.id}: generated expectation not reviewed yet"


def test_every_bundled_crawled_source_has_fixture_pages() -> None:
    """A source we crawl (feed, sitemap, listing) must have saved pages of its own; search sources only
    lead to other outlets' pages, so they are exempt."""
    defaults = tomllib.loads(resources.files("crawler.data").joinpath("defaults.toml").read_text("utf-8"))
    crawled = {s["name"] for s in defaults["sources"] if s["kind"] in ("feed", "sitemap", "listing")}
    covered = {f.source for f in FIXTURES if not f.error}
    missing = sorted(crawled - covered)
    assert not missing, f"bundled sources without fixtures/pages/<source>/*.html + .json: {missing}"


def test_bare_trafilatura_leaks_boilerplate_that_our_layer_removes() -> None:
    """The value we add: the same pages through trafilatura alone (comments off) keep boilerplate."""
    bare_leaks: dict[str, list[str]] = {}
    our_leaks: dict[str, list[str]] = {}
    for fixture in ARTICLES:
        html, phrases = fixture.read_html(), fixture.expected["must_not"]
        bare = trafilatura.extract(html, url=fixture.url, include_comments=False, with_metadata=False) or ""
        if leaked := leaked_phrases(bare, phrases):
            bare_leaks[fixture.id] = leaked
        ours = check_fixture(fixture).result
        assert isinstance(ours, Article), fixture.id
        if leaked := leaked_phrases(ours.text, phrases):
            our_leaks[fixture.id] = leaked
    assert sum(len(v) for v in bare_leaks.values()) > 0
    assert len(bare_leaks) >= 5, bare_leaks  # several platforms, not one odd page
    # the seed outlets' boilerplate is among what trafilatura alone lets through
    for seed_source in (
        "dallas-express",
        "wp-aggregator",
        "timeslive",
        "khmer-times",
        "american-military-news",
    ):
        assert any(fid.startswith(seed_source + "/") for fid in bare_leaks), seed_source
    assert our_leaks == {}
