"""Who held which office on a given day: the names the articles of 2021-2025 must get right."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bench.sitegen.data import load, offices

_EVENTS = load("events")
US_DEFENSE = offices(_EVENTS["officials"]["us_defense"])
CN_DEFENSE = offices(_EVENTS["officials"]["cn_defense"])
US_PACIFIC = offices(_EVENTS["officials"]["us_pacific"])
US_CHIEFS = offices(_EVENTS["officials"]["us_chiefs"])
CN_CHIEFS = offices(_EVENTS["officials"]["cn_chiefs"])
CN_THEATRES = tuple((theatre["name"], offices(theatre["holders"])) for theatre in _EVENTS["theatres"])


def holder(table: Sequence[tuple[date, str]], day: date) -> str:
    """Who held an office on ``day``: the first entry (newest first) that started before it."""
    return next(name for start, name in table if day >= start)
