"""The ideograph check relevance and dedup share: its lead-byte shortcut answers as the regex does."""

from __future__ import annotations

import pytest

from crawler.core.text import IDEOGRAPH, has_ideographs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Austin called Dong", False),
        ("China’s defence chief — “no comment” … café", False),  # E2/C3 lead bytes only
        ("Ideographic space\u3000and full stop。 are not ideographs", False),  # E3 lead, not ideographs
        ("Hangul 국방부 is not in the ranges", False),
        ("国防部", True),
        ("a compatibility ideograph \uf900", True),
        ("extension A \u3400", True),
    ],
)
def test_ideograph_check_matches_the_regex(text, expected):
    """The lead-byte shortcut must answer as the regex does: it only saves the scan."""
    assert has_ideographs(text) is expected
    assert (IDEOGRAPH.search(text) is not None) is expected
