"""Checks on parsed TOML values for the topic loader: each failure is one ValueError naming the key.

Kept apart so ``core.topic`` reads as what a topic is, not how each value is validated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def fail(key: str, problem: str) -> ValueError:
    return ValueError(f"topic: key '{key}' {problem}")


def number(raw: Mapping[str, Any], key: str, default: float, where: str, low: float, high: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise fail(f"{where}{key}", f"must be a number between {low:g} and {high:g}, not {value!r}")
    return float(value)


def flag(raw: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise fail(f"{where}{key}", "must be true or false")
    return value


def table(raw: Mapping[str, Any], key: str, where: str, what: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise fail(f"{where}{key}", f"must be a table of {what}")
    return value


def known_keys(raw: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    allowed = set(allowed)
    for key in raw:
        if key not in allowed:
            raise fail(f"{where}{key}", f"is unknown (known: {', '.join(sorted(allowed))})")


def phrases(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(key, "must be a list of non-empty phrases")
    return [v.strip() for v in value]
