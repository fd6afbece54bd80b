"""Pipeline details: text a database cannot take never costs an article (lone surrogates are replaced
before storing); the extraction workers setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.config import ConfigError
from crawler.core.records import Article, without_surrogates
from crawler.pipelines import extract_workers
from crawler.store import Store
from tests.storeview import get_article


def test_lone_surrogates_are_replaced_and_the_article_is_stored(tmp_path: Path) -> None:
    broken = Article(url="http://127.0.0.1/a", canonical_url="http://127.0.0.1/a",
                     title="Hotline \ud800call", text="Both sides \udfffspoke.", author=None)
    with Store(f"sqlite:///{tmp_path / 'h.db'}") as store:
        with pytest.raises(UnicodeEncodeError):
            store.articles.add(broken, "s")  # what would happen without the cleaning
        clean = without_surrogates(broken)
        assert clean.title == "Hotline \ufffdcall" and clean.text == "Both sides \ufffdspoke."
        assert store.articles.add(clean, "s")
        assert get_article(store, clean.canonical_url).text == clean.text
    ok = Article(url="u", canonical_url="u", title="t", text="x")
    assert without_surrogates(ok) is ok


def test_extract_workers_setting_is_a_count_or_auto() -> None:
    cores = len(os.sched_getaffinity(0))
    assert extract_workers("auto") == extract_workers(None) == (0 if cores == 1 else min(4, cores))
    assert extract_workers("2") == extract_workers(2) == 2 and extract_workers(0) == 0
    for bad in ("many", -1):
        with pytest.raises(ConfigError, match=r"^HOTLINE_EXTRACT_WORKERS: "):
            extract_workers(bad)
