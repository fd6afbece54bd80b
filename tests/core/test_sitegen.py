"""bench/sitegen/: the generated news site the crawl benchmarks run on.

The site must be what a real crawl meets: pages of 80-150 KB on average, each article's own text, a
minority on the beat in events of several articles, and boilerplate our extraction removes. These
tests extract its pages with the real pipeline stages (extract, relevance, dedup) and serve it with
crawler/devtools/site.py, the server the benchmarks use.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

from bench.sitegen import MARKERS, SiteFacts, main, make_site
from crawler.core.dedup import fingerprint, near_duplicate
from crawler.core.extract import extract_article
from crawler.core.extract.leaks import boilerplate_leaks
from crawler.core.records import Article
from crawler.core.relevance import bundled_topic, score_article
from tests.conftest import SiteServer

ROOT = Path(__file__).resolve().parents[2]
PAGES, ON_BEAT = 48, 0.25
BASE = "http://127.0.0.1:8000"


@dataclass(frozen=True, slots=True)
class Page:
    """One generated page: its URL as written, the HTML as served, and what extraction made of it."""

    url: str
    html: str
    article: Article

    def texts(self, xpath: str) -> list[str]:
        tree = lxml_html.fromstring(self.html)
        return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteFacts]:
    folder = tmp_path_factory.mktemp("sitegen") / "site"
    return folder, make_site(folder, PAGES, on_beat=ON_BEAT)


@pytest.fixture(scope="module")
def pages(site: tuple[Path, SiteFacts]) -> list[Page]:
    folder, _ = site
    found = []
    for n in range(PAGES):
        text = (folder / "articles" / f"{n}.html").read_text(encoding="utf-8").replace("{base}", BASE)
        result = extract_article(text.encode(), f"{BASE}/articles/{n}.html", charset="utf-8")
        assert isinstance(result, Article), result
        found.append(Page("{base}" + f"/articles/{n}.html", text, result))
    return found


def test_the_same_seed_writes_the_same_bytes_and_another_seed_other_ones(tmp_path: Path) -> None:
    first, again, other = (tmp_path / name for name in ("first", "again", "other"))
    facts = make_site(first, 6, seed=7)
    assert make_site(again, 6, seed=7) == facts
    make_site(other, 6, seed=8)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) == 8  # six articles, the sitemap, robots.txt
    assert all((first / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert all((first / f).read_bytes() != (other / f).read_bytes() for f in files if f.suffix == ".html")


def test_pages_are_the_size_of_real_news_pages(site: tuple[Path, SiteFacts]) -> None:
    folder, facts = site
    sizes = [p.stat().st_size for p in (folder / "articles").glob("*.html")]
    assert len(sizes) == PAGES
    assert facts.total_bytes == sum(sizes)
    assert 80_000 <= facts.mean_page_bytes <= 150_000, facts.summary()
    assert min(sizes) >= 60_000 and max(sizes) <= 200_000


def test_the_beat_is_a_minority_grouped_in_events(site: tuple[Path, SiteFacts]) -> None:
    folder, facts = site
    assert facts.on_beat_count == round(PAGES * ON_BEAT)
    assert sorted(itertools.chain.from_iterable(facts.events)) == sorted(facts.on_beat_urls)
    assert all(2 <= len(urls) <= 6 for urls in facts.events)
    assert facts.wire_copies, "this seed and size should give at least one wire copy"
    for copy, original in facts.wire_copies:
        assert any(copy in urls and original in urls for urls in facts.events)
    sitemap = (folder / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>{base}/articles/") == PAGES
    assert "Sitemap: {base}/sitemap.xml" in (folder / "robots.txt").read_text(encoding="utf-8")


def test_extraction_gives_the_article_text_and_none_of_the_boilerplate(pages: list[Page]) -> None:
    for page in pages:
        text = page.article.text
        paragraphs = page.texts("//div[@class='entry-content']/p[not(@class)]")
        assert text.split("\n\n") == paragraphs, page.url
        assert page.article.title == page.texts("//h1")[0]
        assert page.article.published and page.article.published[:10] in page.html
        for name, marker in MARKERS.items():
            assert marker.lower() not in text.lower(), (page.url, name)
        boilerplate = (
            page.texts("//div[@class='wpd-comment-text']")
            + page.texts("//p[@class='related-excerpt' or @class='jp-relatedposts-post-excerpt']")
            + page.texts("//*[@class='related-post-title' or @class='jp-relatedposts-post-title']")
            + page.texts("//p[@class='read-more-inline']")
            + page.texts("//div[contains(@class, 'subscriptions__container')]//p")
            + page.texts("//figcaption")
            + page.texts("//div[contains(@class, 'author-bio')]/p")
        )
        assert len(boilerplate) >= 3 + 6 + 6
        leaked = [snippet for snippet in boilerplate if snippet in text]
        assert not leaked, (page.url, leaked)
        assert boilerplate_leaks(text) == [], page.url


def test_only_wire_copies_are_near_duplicates(site: tuple[Path, SiteFacts], pages: list[Page]) -> None:
    _, facts = site
    prints = {page.url: fingerprint(page.article.text) for page in pages}
    copies = {frozenset(pair) for pair in facts.wire_copies}
    same_event = {frozenset(pair) for urls in facts.events for pair in itertools.combinations(urls, 2)}
    assert same_event - copies, "events should have articles written separately, not only copies"
    found = {
        frozenset((a, b))
        for a, b in itertools.combinations(prints, 2)
        if near_duplicate(prints[a], prints[b])
    }
    assert found == copies


def test_relevance_tells_the_beat_from_the_rest(site: tuple[Path, SiteFacts], pages: list[Page]) -> None:
    _, facts = site
    topic = bundled_topic()
    on_beat = set(facts.on_beat_urls)
    confusion = Counter((page.url in on_beat, score_article(topic, page.article).relevant) for page in pages)
    assert confusion[True, True] >= 0.8 * len(on_beat), confusion
    assert confusion[False, True] <= 0.1 * (PAGES - len(on_beat)), confusion


@pytest.mark.slow
def test_devsite_serves_the_site_under_its_own_url(site: tuple[Path, SiteFacts]) -> None:
    folder, facts = site
    server = SiteServer(folder)
    try:
        with urllib.request.urlopen(f"{server.url}/sitemap.xml", timeout=10) as response:
            sitemap = response.read().decode()
        first = facts.on_beat_urls[0].replace("{base}", server.url)
        assert f"<loc>{first}</loc>" in sitemap
        with urllib.request.urlopen(first, timeout=10) as response:
            page = response.read().decode()
        assert f'<link rel="canonical" href="{first}">' in page
        assert "{base}" not in page
    finally:
        server.close()


def test_bad_arguments_are_refused_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="pages"):
        make_site(tmp_path / "none", 0)
    with pytest.raises(ValueError, match="on_beat"):
        make_site(tmp_path / "share", 5, on_beat=1.5)
    assert main(["--pages", "0", "--out", str(tmp_path / "cli")]) == 2  # the script's exit status
    assert capsys.readouterr().err.strip().startswith("sitegen: pages must be at least 1")


@pytest.mark.slow
def test_the_script_prints_the_facts_and_the_extraction_time(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.sitegen", "--pages", "10", "--out", str(tmp_path / "s"),
         "--sample", "4"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "10 pages, 1 on the beat" in done.stdout
    assert "ms/page over 4 pages" in done.stdout
    assert "relevance on the sample:" in done.stdout
