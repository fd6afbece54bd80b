"""Template expansion and the facts every article can use: people, numbers, places, generic sentences.

Templates: ``{slot}`` takes one of the article's facts, ``[a|b|c]`` one alternative. Every random
draw goes through the article's own seeded ``random.Random``, so a seed always writes the same text.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Sequence

from bench.sitegen.data import load, strings
from bench.sitegen.records import SITE_NAME

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")
Slot = str | tuple[str, ...] | Callable[[random.Random], str]


class Writer:
    """Expands templates: ``{slot}`` takes a value of the article's facts (a tuple: one of them, a
    function: called), ``[a|b|c]`` one alternative (nested ones too; ``[|x]`` may say nothing)."""

    def __init__(self, rng: random.Random, facts: dict[str, Slot]) -> None:
        self.rng = rng
        self.facts = facts

    def _slot(self, match: re.Match[str]) -> str:
        value = self.facts[match.group(1)]
        if callable(value):
            return value(self.rng)
        if isinstance(value, tuple):
            return self.rng.choice(value)
        return value

    def _choice(self, match: re.Match[str]) -> str:
        return self.rng.choice(match.group(1).split("|"))

    def say(self, template: str) -> str:
        text = template
        for _ in range(4):  # a fact may hold alternatives, an alternative a slot
            text = _SLOT.sub(self._slot, text)
            while "[" in text:
                text = _CHOICE.sub(self._choice, text)
            if "{" not in text:
                break
        text = " ".join(text.split()).replace(" ,", ",").replace(" .", ".")
        return text[:1].upper() + text[1:]


def pick(rng: random.Random, options: str) -> str:
    """One of ``"a|b|c"``: vocabularies stay one readable line."""
    return rng.choice(options.split("|"))


_VOCAB = load("vocab")
FIRST = strings(_VOCAB["names"]["first"])
LAST = strings(_VOCAB["names"]["last"])
CITIES = strings(_VOCAB["places"]["cities"])
REGIONS = strings(_VOCAB["places"]["regions"])
WEEKDAYS = strings(_VOCAB["calendar"]["weekdays"])
MONTHS = strings(_VOCAB["calendar"]["months"])
NUMBER_WORDS = strings(_VOCAB["calendar"]["number_words"])
# Generic sentences any article may use; {quote} is what someone in the beat would say.
GENERIC = strings(_VOCAB["generic"]["sentences"])


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def count(low: int, high: int) -> Callable[[random.Random], str]:
    return lambda rng: f"{rng.randint(low, high):,}"


def percent(low: float, high: float) -> Callable[[random.Random], str]:
    return lambda rng: f"{rng.uniform(low, high):.1f} percent"


def deck(items: Sequence[str], rng: random.Random) -> Callable[[random.Random], str]:
    """A slot that deals ``items`` in a shuffled order, reshuffling when all were used (no repeats
    until then: one article does not quote the same line twice)."""
    pile: list[str] = []

    def draw(_: random.Random) -> str:
        if not pile:
            pile.extend(rng.sample(list(items), len(items)))
        return pile.pop()

    return draw


def weekday(rng: random.Random) -> str:
    return rng.choice(WEEKDAYS)


def month(rng: random.Random) -> str:
    return rng.choice(MONTHS)


def town(rng: random.Random) -> str:
    return rng.choice(CITIES)


def institute(rng: random.Random) -> str:
    return rng.choice((
        f"the {rng.choice(LAST)} Institute",
        f"{rng.choice(CITIES)} State University",
        f"the {rng.choice(('Pacific', 'Atlantic', 'Harbor', 'Meridian', 'Summit'))} "
        f"{rng.choice(('Policy Center', 'Research Group', 'Forum', 'Institute for Public Affairs'))}",
        f"the University of {rng.choice(CITIES)}",
    ))


def generic_facts(rng: random.Random, city: str) -> dict[str, Slot]:
    """Facts every article can use: fresh people, numbers, places."""
    return {
        "speaker": person,
        "weekday": weekday,
        "month": month,
        "town": town,
        "city": city,
        "num": count(3, 19),
        "years": count(4, 31),
        "crowd": count(60, 900),
        "share": lambda r: f"{r.randint(18, 74)} percent",
        "year": lambda r: str(r.randint(2012, 2020)),
        "paper": SITE_NAME,
        "venue": lambda r: (
            f"the {r.choice(('public library', 'community center', 'civic hall', 'high school gym'))}"
            f" on {r.choice(LAST)} {r.choice(('Street', 'Avenue', 'Road'))}"
        ),
    }


def split_paragraphs(sentences: list[str], rng: random.Random) -> tuple[str, ...]:
    """Sentences grouped into 8-25 paragraphs of one to four sentences."""
    wanted = max(8, min(25, round(len(sentences) / rng.uniform(1.8, 2.8))))
    wanted = min(wanted, len(sentences))
    cuts = sorted(rng.sample(range(1, len(sentences)), wanted - 1))
    bounds = [0, *cuts, len(sentences)]
    return tuple(" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds))


def fill(sentences: list[str], target: int, more: Callable[[], str]) -> list[str]:
    words = sum(len(s.split()) for s in sentences)
    while words < target:
        sentence = more()
        sentences.append(sentence)
        words += len(sentence.split())
    return sentences
