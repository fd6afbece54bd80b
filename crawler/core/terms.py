"""Finding topic terms in text: normalised word tokens, a phrase index, sentences. Pure.

Matching needs no word segmentation: English is matched on normalised word tokens (spelling variants,
inflections, "U.S."), Chinese on characters (traditional ones read as simplified). Kept apart from the
topic's loading (``core.topic``) and scoring (``core.relevance``) so each reads on its own.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from crawler.core.text import IDEOGRAPH as _CJK
from crawler.core.text import has_ideographs

if TYPE_CHECKING:
    from crawler.core.topic import Topic

WORD = re.compile(r"[a-z0-9]+")
# Word characters stay, a line break stays (it ends a sentence), every other byte is a separator: UTF-8
# bytes of other scripts are all >= 0x80, so "é" or "中" separate words as a regex [a-z0-9]+ would.
_WORD_BYTES = bytes(b if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789\n" else 32 for b in range(256))
_BREAK = b"|"  # a sentence break among the tokens (no word contains it)
# Both start with a literal so the regex engine can skip ahead to candidates (a third of the scoring time
# went to scanning every position when they started with an assertion).
_US = re.compile(r"U(?<![A-Za-z]U)(?:\.[^\S\n]?S\.(?:[^\S\n]?A\.)?|SA?\b)")  # within one line
_POSSESSIVE = re.compile(r"'s?\b")
# One leading character class, then what may follow it: the regex engine skips straight to those
# characters (an alternation of repeats made it try every position, two thirds of the splitting time).
_SENTENCE_END = re.compile(
    r"[.!?。！？\n](?:(?<=[。！？])[。！？]*[”’」』\"]*|(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s)|(?<=\n))"
)
_LETTERS = re.compile(r"[A-Za-z]+$")
_ABBREVIATIONS = frozenset(  # titles, months and states that end in "." mid-sentence
    re.findall(
        r"\w+",
        "gen adm lt col maj brig sen rep mr mrs ms dr st jr sr capt cmdr cdr gov sgt no vs etc "
        "inc corp jan feb mar apr jun jul aug sep sept oct nov dec calif wash mass fla",
    )
)
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


@dataclass(frozen=True, slots=True)
class Term:
    """One topic term: the label shown to readers, its group, weight and how it may be matched."""

    label: str
    role: str  # a group of ROLES, or "exclusion" (then the label is the exclusion's name)
    weight: float
    person: bool = False
    short: bool = False  # a bare surname: counts only once a full form of the same label matched
    rank: int = -1  # place in the explanation: 0 people, 1 communication and channels, 2 others; -1 never
    actor: bool = False  # an actor named by role (defense secretary, theater commander)
    phrase: str = ""  # the variant as the topic spells it: what the why-line shows for it


def normalize_latin(text: str) -> bytes:
    """The text's lower-cased words in ASCII, separated by spaces, with "U.S."/"US" unified and
    possessives dropped ("China's" -> china), line breaks kept: each line's ``split()`` is its tokens.

    Bytes, because ``translate`` and ``split`` on bytes make the tokens at a third of a regex's cost.
    """
    if "U" in text:
        text = _US.sub(" U.S. ", text)
    text = text.lower()
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub("", text.replace("’", "'"))
    return text.encode().translate(_WORD_BYTES)


def _latin_tokens(text: str) -> list[str]:
    """The words of a topic phrase as ``normalize_latin`` makes them from article text."""
    return normalize_latin(text).decode().split()


def _inflections(word: str) -> set[str]:
    """call -> calls/called/calling; refuse -> refused/refusing; secretary -> secretaries."""
    forms = {word, word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    return forms


class PhraseIndex:
    """Collects every variant into the token index (longest phrase first) and one CJK alternation."""

    def __init__(self, spelling: Mapping[str, str]) -> None:
        self.spelling = spelling  # variant -> preferred spelling; the index holds both, text is not rewritten
        self.british: dict[str, list[str]] = {}
        for variant, preferred in spelling.items():
            self.british.setdefault(preferred, []).append(variant)
        self.latin: dict[str, Any] = {}  # token -> node; a node's "" key holds the phrase ending there
        self.cjk: dict[str, Term] = {}

    def add(self, variant: str, term: Term, inflect: bool) -> None:
        if _CJK.search(variant):
            self.cjk.setdefault(variant, term)
            return
        for phrase in self._forms(variant, inflect):
            node = self.latin
            for token in phrase:
                node = node.setdefault(token, {})
            node.setdefault("", term)  # the first group to claim a phrase keeps it

    def _forms(self, variant: str, inflect: bool) -> list[tuple[str, ...]]:
        """Every token sequence the variant may appear as: spellings of each word, inflections of the last."""
        tokens = [self.spelling.get(token, token) for token in _latin_tokens(variant)]
        if not tokens:
            return []
        options = [[token, *self.british.get(token, ())] for token in tokens]
        last = re.findall(r"[A-Za-z0-9]+", variant)[-1]
        if inflect and len(tokens[-1]) > 2 and not last.isupper() and not last.isdigit():
            options[-1] = sorted({form for word in options[-1] for form in _inflections(word)})
        return list(itertools.product(*options))  # acronyms (PLA, MMCA) keep their one form

    def freeze(self) -> tuple[Mapping[str, Any], re.Pattern[str] | None, Mapping[str, Term]]:
        cjk = None
        if self.cjk:
            cjk = re.compile("|".join(re.escape(v) for v in sorted(self.cjk, key=len, reverse=True)))
        latin = bytes_keys(self.latin)
        latin[_BREAK] = {}  # starts no phrase: in the root only so that the scan stops at each break
        return latin, cjk, MappingProxyType(dict(self.cjk))


def bytes_keys(node: dict[str, Any]) -> dict[Any, Any]:
    """The token trie keyed by bytes, as ``normalize_latin`` yields tokens ("" still holds a Term)."""
    keyed: dict[Any, Any] = {key.encode(): bytes_keys(value) for key, value in node.items() if key}
    if "" in node:
        keyed[""] = node[""]
    return keyed


def split_sentences(text: str) -> list[str]:
    """Sentences ending at . ! ? 。！？ or a line break, but not after abbreviations or initials (Gen., J.)"""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[match.start()] == "." and _closes_abbreviation(text, start, match.start()):
            continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _closes_abbreviation(text: str, start: int, stop: int) -> bool:
    """Whether the "." at ``stop`` closes an initial (J.) or an abbreviation (Gen.), not a sentence.

    Only the last few letters are read: a word longer than any abbreviation is neither.
    """
    word = _LETTERS.search(text, max(start, stop - _LONGEST_ABBREVIATION - 1), stop)
    return word is not None and (len(word.group(0)) == 1 or word.group(0).lower() in _ABBREVIATIONS)


def terms_by_sentence(topic: Topic, sentences: list[str]) -> list[list[Term]]:
    """The terms of each sentence, matched in one pass over the whole text (line breaks separate them)."""
    joined = "\n".join(s.replace("\n", " ") for s in sentences)
    found: list[list[Term]] = [[] for _ in sentences]
    if topic.cjk is not None and has_ideographs(joined):
        ends = list(itertools.accumulate(len(s) + 1 for s in sentences))
        simplified = joined.translate(topic.to_simplified)  # one character for one: offsets hold
        for match in topic.cjk.finditer(simplified):
            found[bisect.bisect_right(ends, match.start())].append(topic.cjk_terms[match.group(0)])
    root, index = topic.latin, 0
    tokens = normalize_latin(joined).replace(b"\n", b" | ").split()
    n, free = len(tokens), 0  # tokens before free belong to a phrase already matched
    for i in [i for i, token in enumerate(tokens) if token in root]:
        if tokens[i] == _BREAK:
            index += 1
            continue
        if i < free:
            continue
        node = root[tokens[i]]
        best, size, j = node.get(""), 1, i + 1
        while j < n and (node := node.get(tokens[j])) is not None:
            j += 1
            if "" in node:
                best, size = node[""], j - i
        if best is not None:
            found[index].append(best)
            free = i + size
    return found
