"""Boilerplate leaks: known prompt phrases found anywhere in an article's cleaned text.

The cleaning layer removes comment widgets, paywall offers and promos by markup and by whole lines.
When a site renames its markup, their phrases ("Subscribe to Comments", "Leave a Reply") come back,
often inside a longer line that no line rule matches. Counting the new articles with a leak per crawl
(``runs.boilerplate_hits``) is how the health check notices that a site changed and our rules stopped
catching it. The phrases are data: ``[leaks.*]`` in ``crawler/data/boilerplate.toml``. Pure: no IO but
reading that bundled file once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

GAP = "…"  # in a phrase: up to GAP_WORDS words in between ("Join our … Telegram")
GAP_WORDS = 6
_QUOTES = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " "))


def _straighten(text: str) -> str:
    """Curly quotes straightened and no-break spaces made plain (str.translate is slower here)."""
    for curly, plain in _QUOTES:
        if curly in text:
            text = text.replace(curly, plain)
    return text


@dataclass(frozen=True, slots=True)
class LeakPhrase:
    """One phrase to look for, as written in the TOML (the label reported), and its compiled pattern."""

    group: str
    name: str
    phrase: str
    pattern: re.Pattern[str]
    anchor: str  # its longest word, lower-cased: a plain substring test rules most texts out


@dataclass(frozen=True, slots=True)
class LeakPhrases:
    """All compiled phrases of a boilerplate document."""

    phrases: tuple[LeakPhrase, ...]


def phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression over lower-cased text: its words in order, any spaces between,
    ``…`` a short gap.

    A phrase that starts (ends) with a letter or digit must start (end) at a word boundary, so "Post
    Comment" is not found in "signpost comments". The pattern opens with a literal (the boundary test
    comes after the first word), which lets the regex engine skip ahead: a scan costs microseconds.
    """
    text = " ".join(_straighten(phrase).lower().replace("...", GAP).split())
    parts = [part.strip() for part in text.split(GAP)]
    if not text or not all(parts):
        raise ValueError(f"{phrase!r} must be words, with '{GAP}' only between two of them")
    words = [r"\s+".join(re.escape(word) for word in part.split()) for part in parts]
    pattern = rf"\s+(?:\S+\s+){{0,{GAP_WORDS}}}?".join(words)
    first = re.escape(text.split()[0])
    if text[0].isalnum():
        pattern = first + rf"(?<!\w{first})" + pattern[len(first) :]
    if text[-1].isalnum():
        pattern += r"(?!\w)"
    return pattern


def parse_leak_phrases(raw: Mapping[str, Any]) -> LeakPhrases:
    """Compile the ``leaks`` table ({group: {platform: [phrases]}}); ValueError names the key at fault."""
    phrases = []
    for group, platforms in raw.items():
        if not isinstance(platforms, Mapping):
            raise ValueError(f"boilerplate: key 'leaks.{group}' must be a table of platform = [phrases]")
        for name, listed in platforms.items():
            key = f"leaks.{group}.{name}"
            if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
                raise ValueError(f"boilerplate: key '{key}' must be a list of phrases")
            for phrase in listed:
                try:
                    pattern = re.compile(phrase_pattern(phrase))
                except ValueError as exc:
                    raise ValueError(f"boilerplate: key '{key}': {exc}") from None
                anchor = max(re.findall(r"\w+", phrase.lower()), key=len)
                phrases.append(LeakPhrase(group, name, phrase, pattern, anchor))
    return LeakPhrases(tuple(phrases))


@cache
def bundled_leak_phrases() -> LeakPhrases:
    """The ``[leaks.*]`` phrases of ``crawler/data/boilerplate.toml``, compiled on first use."""
    text = resources.files("crawler.data").joinpath("boilerplate.toml").read_text(encoding="utf-8")
    return parse_leak_phrases(tomllib.loads(text).get("leaks", {}))


def boilerplate_leaks(text: str, phrases: LeakPhrases | None = None) -> list[str]:
    """The known prompt phrases found anywhere in ``text``, each once, in the order they are listed.

    Case is ignored. A clean article costs one substring test per phrase: a phrase's regex runs only on
    a text that holds its longest word.
    """
    phrases = phrases or bundled_leak_phrases()
    if not text:
        return []
    lowered = _straighten(text).lower()
    found = (p.phrase for p in phrases.phrases if p.anchor in lowered and p.pattern.search(lowered))
    return list(dict.fromkeys(found))
