"""The one date reader: every spelling the sources use, read to an aware UTC moment or None."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from crawler.core.dates import is_date_only, parse_date, parse_stated, utc_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-16T10:00:00Z", datetime(2024, 4, 16, 10, tzinfo=UTC)),  # RFC 3339, Zulu
        ("2024-04-16T10:00Z", datetime(2024, 4, 16, 10, tzinfo=UTC)),
        ("2024-04-16t10:00:00z", datetime(2024, 4, 16, 10, tzinfo=UTC)),  # lower case is RFC 3339 too
        ("2024-04-16T18:00:00+08:00", datetime(2024, 4, 16, 10, tzinfo=UTC)),  # offset: moved to UTC
        ("2024-04-15T22:30:00-05:00", datetime(2024, 4, 16, 3, 30, tzinfo=UTC)),
        ("2024-04-16T10:00:00", datetime(2024, 4, 16, 10, tzinfo=UTC)),  # naive counts as UTC
        ("2024-04-16 10:00", datetime(2024, 4, 16, 10, tzinfo=UTC)),
        ("2024-04-16", datetime(2024, 4, 16, tzinfo=UTC)),  # a bare date: its midnight
        ("  2024-04-16  ", datetime(2024, 4, 16, tzinfo=UTC)),
        ("Tue, 16 Apr 2024 10:00:00 GMT", datetime(2024, 4, 16, 10, tzinfo=UTC)),  # RFC 822 (feeds)
        ("Tue, 16 Apr 2024 18:00:00 +0800", datetime(2024, 4, 16, 10, tzinfo=UTC)),
        ("16 Apr 2024 10:00:00 -0000", datetime(2024, 4, 16, 10, tzinfo=UTC)),
    ],
)
def test_readable_dates_become_aware_utc(text: str, expected: datetime) -> None:
    moment = parse_date(text)
    assert moment == expected
    assert moment is not None and moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text", [None, "", "   ", "yesterday", "2024-13-45", "2024-02-30", "Mon, 99 Foo 2024", "Apr 2024"]
)
def test_junk_is_none_not_an_error(text: str | None) -> None:
    assert parse_date(text) is None
    assert utc_day(text) is None


def test_the_stated_zone_is_kept_when_asked() -> None:
    """Extraction keeps the page's own offset in ``published``; comparisons use UTC."""
    stated = parse_stated("2024-04-16T01:00:00+08:00")
    assert stated is not None and stated.utcoffset() == timedelta(hours=8)
    assert stated == datetime(2024, 4, 15, 17, tzinfo=UTC)
    assert parse_stated("2024-04-16T01:00:00") == datetime(2024, 4, 16, 1, tzinfo=UTC)
    assert parse_stated("Tue, 16 Apr 2024 01:00:00 +0800").tzinfo == timezone(timedelta(hours=8))


def test_the_utc_day_of_a_late_evening_east_of_greenwich_is_the_day_before() -> None:
    assert utc_day("2024-04-16T01:00:00+08:00") == date(2024, 4, 15)
    assert utc_day("2024-04-16") == date(2024, 4, 16)


def test_date_only() -> None:
    assert is_date_only("2024-04-16") and is_date_only(" 2024-04-16 ")
    assert not is_date_only("2024-04-16T00:00:00") and not is_date_only("16/04/2024")
