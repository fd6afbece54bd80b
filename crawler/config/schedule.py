"""A source's ``every``: a duration, ``auto``, or a cron expression, checked as the scheduler reads it.

A cron expression is checked by APScheduler's own parser (the one the daemon schedules with), so an
expression the daemon would crash on is refused at load instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from typing import Any

_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$")


@dataclass(frozen=True, slots=True)
class Schedule:
    """How often a source is crawled: a fixed interval, ``auto`` within bounds, or a cron expression."""

    seconds: int | None = None
    cron: str | None = None
    auto: bool = False

    def describe(self) -> str:
        if self.cron:
            return f"cron {self.cron}"
        if self.auto:
            return "auto"
        return format_duration(self.seconds or 0)


def parse_duration(text: str) -> int:
    """``"30m"`` → 1800; accepts d/h/m/s parts (``"1h30m"``) and bare seconds."""
    text = str(text).strip()
    if text.isdigit():
        return int(text)
    match = _DURATION.match(text)
    if not text or not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration like '30m', '6h', '2s' or '1h30m'")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def format_duration(seconds: int) -> str:
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def check_cron(expr: str) -> str:
    """The expression, if APScheduler's crontab parser takes it; else a ValueError saying why."""
    from apscheduler.triggers.cron import CronTrigger  # only when a source uses cron

    if len(expr.split()) != 5:
        raise ValueError(f"cron expression {expr!r} needs five fields (minute hour day month weekday)")
    try:
        CronTrigger.from_crontab(expr, timezone=UTC)
    except ValueError as exc:
        raise ValueError(f"cron expression {expr!r} is invalid: {exc}") from None
    return expr


def parse_schedule(value: Any) -> Schedule:
    """``every`` is a duration, ``"auto"``, or ``"cron: */10 * * * *"``."""
    if isinstance(value, Schedule):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return Schedule(seconds=value)
    if not isinstance(value, str):
        raise ValueError(f"must be a duration such as '30m', 'auto' or 'cron: */10 * * * *', not {value!r}")
    if value.strip() == "auto":
        return Schedule(auto=True)
    if value.strip().startswith("cron:"):
        return Schedule(cron=check_cron(value.split(":", 1)[1].strip()))
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError("must be longer than zero")
    return Schedule(seconds=seconds)
