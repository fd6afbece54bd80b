"""The channels the analyst's view tracks, read from the topic TOML's ``[[channels]]`` tables.

A channel is data so a user can add one without Python: an id, a name, the phrases naming each side
(``us``, ``cn``) and the phrases naming the channel itself (``terms``). A sentence is on a channel when
it names the channel, or both of its sides. Phrases match whole words, case-insensitively, after the
topic's ``[spelling]`` (defence = defense); Chinese phrases match anywhere. Pure: no IO.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KEYS = ("id", "name", "description", "us", "cn", "terms")


@dataclass(frozen=True, slots=True)
class Channel:
    """One tracked channel: who sits on each side and what the channel itself is called."""

    id: str
    name: str
    description: str
    us: tuple[str, ...]
    cn: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Matcher:
    """Phrase patterns of every channel, compiled once; ``spelling`` normalises British spellings."""

    channels: tuple[Channel, ...]
    spelling: Mapping[str, str]
    patterns: Mapping[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]]

    def normalise(self, sentence: str) -> str:
        """Lower-cased, straight apostrophes, hyphens as spaces, British spellings made American."""
        text = sentence.lower().replace("\u2019", "'").replace("-", " ")
        if not self.spelling:
            return text
        return _SPELLING_WORD.sub(lambda m: self.spelling.get(m.group(0), m.group(0)), text)

    def channels_in(self, sentence: str) -> list[tuple[str, str | None, str | None]]:
        """(channel id, US side phrase, Chinese side phrase) for every channel the sentence is on, in
        TOML order; a side is None when the channel was named rather than placed by both sides."""
        text = self.normalise(sentence)
        found: list[tuple[str, str | None, str | None]] = []
        for channel in self.channels:
            us, cn, terms = self.patterns[channel.id]
            us_hit = us.search(text) if us else None
            cn_hit = cn.search(text) if cn else None
            if (terms and terms.search(text)) or (us_hit and cn_hit):
                found.append((channel.id, self._phrase(channel.us, us_hit), self._phrase(channel.cn, cn_hit)))
        return found

    def _phrase(self, phrases: tuple[str, ...], hit: re.Match[str] | None) -> str | None:
        """The configured spelling of the phrase a match found ("Indo-Pacific Command", not its
        lower-cased, hyphen-less form)."""
        if hit is None:
            return None
        found = " ".join(hit.group(0).split())
        return next((p for p in phrases if " ".join(self.normalise(p).split()) == found), found)


_SPELLING_WORD = re.compile(r"[a-z]+")


def _fail(key: str, problem: str) -> ValueError:
    return ValueError(f"topic: key {key!r} {problem}")


def _phrases(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(f"{where}.{key}", "must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def load_channels(topic: Mapping[str, Any]) -> tuple[Channel, ...]:
    """The ``[[channels]]`` of a parsed topic TOML; a ValueError names the key at fault."""
    raw = topic.get("channels", [])
    if not isinstance(raw, list):
        raise _fail("channels", "must be an array of tables ([[channels]])")
    channels: list[Channel] = []
    for index, item in enumerate(raw):
        where = f"channels[{index}]"
        if not isinstance(item, dict):
            raise _fail(where, "must be a table")
        unknown = sorted(set(item) - set(_KEYS))
        if unknown:
            raise _fail(f"{where}.{unknown[0]}", f"is unknown (known: {', '.join(_KEYS)})")
        ident = item.get("id")
        if not isinstance(ident, str) or not _ID.match(ident):
            raise _fail(f"{where}.id", "must be lower-case letters, digits and '-'")
        if any(c.id == ident for c in channels):
            raise _fail(f"{where}.id", f"repeats {ident!r}")
        name = item.get("name", ident)
        if not isinstance(name, str) or not name.strip():
            raise _fail(f"{where}.name", "must be a non-empty string")
        us, cn, terms = (_phrases(item, key, where) for key in ("us", "cn", "terms"))
        if not terms and not (us and cn):
            raise _fail(where, "needs 'terms', or both 'us' and 'cn' phrases")
        channels.append(Channel(ident, name.strip(), str(item.get("description", "")), us, cn, terms))
    return tuple(channels)


def _pattern(phrases: Sequence[str], spelling: Mapping[str, str]) -> re.Pattern[str] | None:
    """One regex for a phrase list, longest first; Latin phrases bounded by non-word characters."""
    if not phrases:
        return None
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        text = phrase.lower().replace("\u2019", "'").replace("-", " ")
        text = _SPELLING_WORD.sub(lambda m: spelling.get(m.group(0), m.group(0)), text)
        body = re.escape(text).replace(r"\ ", r"\s+")
        parts.append(body if _CJK.search(text) else rf"(?<![a-z0-9]){body}(?![a-z0-9])")
    return re.compile("|".join(parts))


def channel_matcher(topic: Mapping[str, Any]) -> Matcher:
    """A matcher for the topic's channels (and its spelling table)."""
    spelling = topic.get("spelling", {})
    spelling = {k: v for k, v in spelling.items() if isinstance(v, str)} if isinstance(spelling, dict) else {}
    channels = load_channels(topic)
    patterns = {
        c.id: (_pattern(c.us, spelling), _pattern(c.cn, spelling), _pattern(c.terms, spelling))
        for c in channels
    }
    return Matcher(channels, spelling, patterns)


def gloss_terms(topic: Mapping[str, Any]) -> dict[str, str]:
    """Chinese phrase → English label, for every label of the topic's groups (董军 → Dong Jun).

    Why: a reader without Chinese sees who and what a readout names; nothing is translated.
    """
    gloss: dict[str, str] = {}
    groups = topic.get("groups", {})
    for group in groups.values() if isinstance(groups, dict) else ():
        for table in ("people", "terms"):
            entries = group.get(table, {}) if isinstance(group, dict) else {}
            for label, variants in entries.items() if isinstance(entries, dict) else ():
                for variant in variants if isinstance(variants, list) else ():
                    if isinstance(variant, str) and _CJK.search(variant):
                        gloss.setdefault(variant.lstrip("~"), label)
    return gloss


@lru_cache(maxsize=1)
def bundled_topic_raw() -> dict[str, Any]:
    """The bundled topic TOML as parsed data (package data only)."""
    import tomllib
    from importlib import resources

    return tomllib.loads(resources.files("crawler.data").joinpath("topic.toml").read_text(encoding="utf-8"))
