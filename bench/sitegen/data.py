"""The vocabularies and templates, read once from the TOML files in ``data/``: prose is data; the
modules beside this one hold only the code that draws from it (in the order the seed fixes)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """``data/{name}.toml`` as a dict (tables keep their order in the file)."""
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def offices(rows: Iterable[list[Any]]) -> tuple[tuple[date, str], ...]:
    """``[[start, name], …]`` (newest first) as the (start date, name) pairs ``holder`` reads."""
    return tuple((start, name) for start, name in rows)
