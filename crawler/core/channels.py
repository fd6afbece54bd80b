"""The channels the analyst's view tracks, read from the topic TOML's ``[[channels]]`` tables.

A channel is data so a user can add one without Python: an id, a name, the phrases naming each side
(``us``, ``cn``) and the phrases naming the channel itself (``terms``). A sentence is on a channel when
it names the channel, or both of its sides. Phrases match whole words, case-insensitively, after the
topic's ``[spelling]`` (defence = defense); Chinese phrases match anywhere. Pure: no IO.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crawler.core.text import IDEOGRAPH

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CJK = IDEOGRAPH  # the one CJK test (crawler.core.text)
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


_TOKEN = re.compile(r"[a-z0-9]+")


class PhraseIndex:
    """Find many phrases in a sentence in one pass: Latin phrases as whole-word token sequences (after
    lower-casing and the spelling table), Chinese ones as substrings.

    Why not one regex per phrase list: a sentence of the beat is checked against ~200 phrases, and
    per-list regexes with word boundaries cost a millisecond a sentence; a token index costs a tenth.
    """

    def __init__(self, spelling: Mapping[str, str]) -> None:
        self.spelling = dict(spelling)
        self._latin: dict[str, list[tuple[tuple[str, ...], Any, str]]] = {}
        self._cjk: dict[str, list[tuple[Any, str]]] = {}
        self._cjk_order: list[str] | None = None

    def tokens(self, text: str) -> list[str]:
        words = _TOKEN.findall(text.lower().replace("\u2019", "'"))
        return [self.spelling.get(w, w) for w in words]

    def add(self, phrase: str, key: Any) -> None:
        if _CJK.search(phrase):
            self._cjk.setdefault(phrase, []).append((key, phrase))
            self._cjk_order = None
            return
        words = tuple(self.tokens(phrase))
        if words:
            self._latin.setdefault(words[0], []).append((words, key, phrase))

    def find(self, text: str) -> list[tuple[Any, str]]:
        """(key, phrase as configured) for every phrase in ``text``, in reading order (Latin first)."""
        found: list[tuple[Any, str]] = []
        words = self.tokens(text)
        for index, word in enumerate(words):
            for phrase, key, original in self._latin.get(word, ()):
                if tuple(words[index : index + len(phrase)]) == phrase:
                    found.append((key, original))
        if self._cjk and _CJK.search(text):
            if self._cjk_order is None:
                self._cjk_order = sorted(self._cjk, key=len, reverse=True)  # the longest phrase first
            for phrase in self._cjk_order:
                if phrase in text:
                    found.extend(self._cjk[phrase])
        return found


@dataclass(frozen=True, slots=True)
class Matcher:
    """Every channel's phrases in one index; ``spelling`` normalises British spellings."""

    channels: tuple[Channel, ...]
    spelling: Mapping[str, str]
    index: PhraseIndex

    def normalise(self, sentence: str) -> str:
        """Lower-cased, straight apostrophes, hyphens as spaces (for the kind and date patterns)."""
        return sentence.lower().replace("\u2019", "'").replace("-", " ")

    def channels_in(self, sentence: str) -> list[tuple[str, str | None, str | None]]:
        """(channel id, US side phrase, Chinese side phrase) for every channel the sentence is on, in
        TOML order; a side is None when the channel was named rather than placed by both sides."""
        hits: dict[tuple[str, str], str] = {}
        for (channel, role), phrase in self.index.find(sentence):
            hits.setdefault((channel, role), phrase)
        found: list[tuple[str, str | None, str | None]] = []
        for channel in self.channels:
            us, cn = hits.get((channel.id, "us")), hits.get((channel.id, "cn"))
            if (channel.id, "terms") in hits or (us and cn):
                found.append((channel.id, us, cn))
        return found


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


def channel_matcher(topic: Mapping[str, Any]) -> Matcher:
    """A matcher for the topic's channels (and its spelling table)."""
    spelling = topic.get("spelling", {})
    spelling = {k: v for k, v in spelling.items() if isinstance(v, str)} if isinstance(spelling, dict) else {}
    channels = load_channels(topic)
    index = PhraseIndex(spelling)
    for channel in channels:
        for role in ("us", "cn", "terms"):
            for phrase in getattr(channel, role):
                index.add(phrase, (channel.id, role))
    return Matcher(channels, spelling, index)


def gloss_terms(topic: Mapping[str, Any]) -> dict[str, str]:
    """Chinese phrase → English label, for every label of the topic's groups (董军 → Dong Jun).

    Why: a reader without Chinese sees who and what a readout names; nothing is translated.
    """
    gloss: dict[str, str] = {}
    groups = topic.get("groups", {})
    for group in groups.values() if isinstance(groups, dict) else ():
        for table in ("people", "terms", "roles"):  # roles: 南部战区 → theater commander
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
