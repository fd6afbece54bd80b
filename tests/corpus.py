"""The labelled corpus (fixtures/corpus): one JSON file per article, read by tests and bench.quality."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crawler.core.records import Article

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


def load_corpus() -> list[dict[str, Any]]:
    """Every corpus document, in file-name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.json"))]


def as_article(doc: dict[str, Any]) -> Article:
    """A corpus document as the Article that extraction would have produced."""
    return Article(
        url=doc["url"],
        canonical_url=doc["url"],
        title=doc["title"],
        text=doc["text"],
        published=doc["published"],
        language=doc["language"],
    )
