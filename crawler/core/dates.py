"""The one date reader: the date strings of feeds, sitemaps, pages and the store, read the same way.

Feeds say ``Tue, 16 Apr 2024 10:00:00 GMT`` (RFC 822), sitemaps and pages ``2024-04-16T10:00Z`` or
``2024-04-16`` (ISO 8601 / RFC 3339), the store keeps what extraction found. Each reader used to carry
its own ``fromisoformat`` with a ``"Z"`` patch; here they share one, and a string without a zone counts
as UTC everywhere.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, date, datetime


def parse_stated(text: str | None) -> datetime | None:
    """An ISO 8601, RFC 3339 or RFC 822 date or datetime as an aware datetime in the zone it states
    (UTC when it states none; a bare date is its midnight); None when missing or unreadable."""
    if not text or not isinstance(text, str):
        return None
    value = text.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.upper())  # "2024-04-16t10:00z" is RFC 3339 too
    except ValueError:
        moment = _rfc822(value)
        if moment is None:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_date(text: str | None) -> datetime | None:
    """The same reading as ``parse_stated``, as an aware UTC datetime: what code compares and stores."""
    moment = parse_stated(text)
    return None if moment is None else moment.astimezone(UTC)


def utc_day(text: str | None) -> date | None:
    """The UTC calendar date of a date string; None when missing or unreadable."""
    moment = parse_date(text)
    return None if moment is None else moment.date()


def is_date_only(text: str) -> bool:
    """Whether the string is a bare ``YYYY-MM-DD`` (a day, no time): kept as a day, not a midnight."""
    value = text.strip()
    if len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _rfc822(value: str) -> datetime | None:
    """``Tue, 16 Apr 2024 10:00:00 GMT`` (feeds, HTTP): email.utils, which raises on anything else."""
    if not any(ch.isalpha() for ch in value):  # "2024-13-45": not RFC 822 either
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
