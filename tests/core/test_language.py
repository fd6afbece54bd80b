"""One language guess and one CJK test: extraction, story profiles and page kinds read Chinese alike."""

from __future__ import annotations

import pytest

from crawler.core.dedup import fingerprint
from crawler.core.extract.pagekind import _CJK as PAGEKIND_CJK
from crawler.core.features import event_features
from crawler.core.records import Article, Score
from crawler.core.text import IDEOGRAPH, guess_language

CHINESE = "国防部长与美方通话，双方同意保持两军沟通渠道畅通。" * 3
ENGLISH = "The two defence chiefs spoke by video link and agreed to keep the channels open. " * 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CHINESE, "zh"),
        (ENGLISH, None),  # not Chinese: what a page does not declare is not guessed further
        (ENGLISH + "（国防部）", None),  # a Chinese name in an English report
        (CHINESE + " Reuters", "zh"),
        ("", None),
        ("   ", None),
    ],
)
def test_guess_language(text: str, expected: str | None) -> None:
    assert guess_language(text) == expected


def test_a_story_profile_uses_the_same_guess() -> None:
    """An undeclared article's profile says zh exactly when the guess does, else en (when it has text)."""
    for text, expected in ((CHINESE, "zh"), (ENGLISH, "en")):
        article = Article("https://a.example/1", "https://a.example/1", "Talk", text)
        features = event_features(article, Score(0.9, True, ()), fingerprint(text))
        assert features.language == expected


def test_the_hexagram_block_is_not_chinese_text() -> None:
    """U+4DC0-4DFF (Yijing hexagrams) sits between two ideograph blocks; no reader counts it."""
    for pattern in (IDEOGRAPH, PAGEKIND_CJK):
        assert pattern.search("\u4dc0\u4dff") is None
        assert pattern.search("\u4e2d") is not None
