"""crawler.devtools: recording pages with a draft expectation, readable diffs on a failed check; the demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.core.records import Article, Rejected
from crawler.devtools.fixtures import (
    FixtureError,
    check_fixture,
    compare,
    find_fixtures,
    leaked_phrases,
    missing_paragraphs,
    record_fixture,
)

ROOT = Path(__file__).resolve().parents[2]
KHMER = ROOT / "fixtures/pages/khmer-times/siem-reap-defence-talks.html"
NOT_FOUND = ROOT / "fixtures/pages/dallas-express/page-not-found.html"
URL = "https://www.khmertimeskh.com/501191234/us-china-mend-defence-ties-at-siem-reap-talks/"

ARTICLE = Article(
    url="https://example.com/a",
    canonical_url="https://example.com/a",
    title="Talks resume",
    text="First paragraph of the story.\n\nSecond   paragraph,\nwrapped.\n\nSubscribe now",
    published="2024-04-16T10:00:00+00:00",
    site_name="Example",
)


def test_paragraph_and_phrase_checks_ignore_wrapping_and_case() -> None:
    assert missing_paragraphs(ARTICLE.text, ["Second paragraph, wrapped.", "Third paragraph."]) == [
        "Third paragraph."
    ]
    assert leaked_phrases(ARTICLE.text, ["SUBSCRIBE NOW", "Leave a Reply"]) == ["SUBSCRIBE NOW"]


def test_compare_lists_every_difference() -> None:
    expected = {
        "title": "Talks resumed",
        "published": "2024-04-17",
        "site_name": "Example",
        "must": ["First paragraph of the story.", "A paragraph that is not there."],
        "must_not": ["Subscribe now"],
        "once": ["First paragraph of the story."],
    }
    assert compare(expected, ARTICLE) == [
        "title: expected 'Talks resumed', got 'Talks resume'",
        "published: expected '2024-04-17', got '2024-04-16T10:00:00+00:00'",
        "missing paragraph: 'A paragraph that is not there.'",
        "leaked boilerplate: 'Subscribe now'",
    ]


def test_compare_not_article_expectations() -> None:
    rejected = Rejected("https://example.com/", "not an article: listing page (9 of 10 ...)")
    assert compare({"not_article": True, "reason": "listing page"}, rejected) == []
    assert compare({"not_article": True, "reason": "error page"}, rejected) == [
        "rejected for 'not an article: listing page (9 of 10 ...)', expected a reason with 'error page'"
    ]
    assert compare({"not_article": True}, ARTICLE) == [
        "expected a rejected page, got an article titled 'Talks resume'"
    ]
    assert compare({"title": "Talks resume"}, rejected) == [
        "expected an article, got rejected: not an article: listing page (9 of 10 ...)"
    ]


def test_record_then_check(tmp_path: Path) -> None:
    html_path, json_path, result = record_fixture(KHMER.read_bytes(), URL, tmp_path, "khmer-times", "talks")
    assert html_path.read_bytes() == KHMER.read_bytes()
    assert isinstance(result, Article)
    draft = json.loads(json_path.read_text(encoding="utf-8"))
    assert draft["title"] == "US, China mend defence ties at Siem Reap talks"
    assert draft["published"] == "2022-11-23" and draft["url"] == URL
    assert len(draft["must"]) == 3 and all(p in result.text for p in draft["must"])
    # what the cleaning removed becomes the draft's must-not list, so a regression would show
    assert any("Related Articles" in p for p in draft["must_not"])
    assert any(p.startswith("Chinese Defence Minister Wei Fenghe walks") for p in draft["must_not"])

    [fixture] = find_fixtures(tmp_path)
    assert fixture.id == "khmer-times/talks"
    assert check_fixture(fixture).problems == (
        "unreviewed: check the generated expectations, then delete the 'review' key",
    )
    draft.pop("review")
    json_path.write_text(json.dumps(draft), encoding="utf-8")
    assert check_fixture(find_fixtures(tmp_path)[0]).passed


def test_record_a_page_that_is_not_an_article(tmp_path: Path) -> None:
    _, json_path, result = record_fixture(
        NOT_FOUND.read_bytes(), "https://dallasexpress.com/x/", tmp_path, "dallas-express", "gone"
    )
    assert isinstance(result, Rejected)
    draft = json.loads(json_path.read_text(encoding="utf-8"))
    assert draft["not_article"] is True and draft["reason"] == "not an article: error page"


def test_record_refuses_to_overwrite_and_bad_names(tmp_path: Path) -> None:
    record_fixture(KHMER.read_bytes(), URL, tmp_path, "khmer-times", "talks")
    with pytest.raises(FixtureError, match="already exists"):
        record_fixture(KHMER.read_bytes(), URL, tmp_path, "khmer-times", "talks")
    record_fixture(KHMER.read_bytes(), URL, tmp_path, "khmer-times", "talks", overwrite=True)
    with pytest.raises(FixtureError, match="--name"):
        record_fixture(KHMER.read_bytes(), URL, tmp_path, "khmer-times", "../escape")
    with pytest.raises(FixtureError, match="--source"):
        record_fixture(KHMER.read_bytes(), URL, tmp_path, "Khmer Times", "talks")


def test_missing_or_broken_expectations_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "some-source"
    folder.mkdir()
    (folder / "no-json.html").write_bytes(KHMER.read_bytes())
    (folder / "bad-json.html").write_bytes(KHMER.read_bytes())
    (folder / "bad-json.json").write_text("{not json", encoding="utf-8")
    results = {f.name: check_fixture(f) for f in find_fixtures(tmp_path)}
    assert "not valid JSON" in results["bad-json"].problems[0]
    assert "no expectation file no-json.json" in results["no-json"].problems[0]
    assert not any(r.passed for r in results.values())


def test_demo_without_its_site_folder_is_one_clear_line(tmp_path: Path) -> None:
    """The demo's site ships in the checkout, not the wheel: without it, one line, not a traceback."""
    missing = tmp_path / "no-site"
    code = (
        "import pathlib, sys; import crawler.devtools.demo as demo; demo.SITE = pathlib.Path(sys.argv[1]); "
        "from crawler.cli import main; sys.argv = ['hotline', 'demo', '--exit', '--port', '0']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(missing)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(missing) in result.stderr and "clone" in result.stderr
