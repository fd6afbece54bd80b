"""The off-topic beats: everyday news and the hard near misses (trade talks, a US defence secretary
calling an ally, China and the Philippines at sea). Their templates are in ``data/beats.toml``; here
is how an article of a beat is written (the facts its templates name are drawn in ``facts.py``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from bench.sitegen.data import load, strings
from bench.sitegen.facts import FACTS, ORGS, ally_facts
from bench.sitegen.officials import CN_DEFENSE, US_DEFENSE, holder
from bench.sitegen.records import Story
from bench.sitegen.writer import (
    CITIES,
    GENERIC,
    Slot,
    Writer,
    count,
    deck,
    fill,
    generic_facts,
    percent,
    split_paragraphs,
)


@dataclass(frozen=True, slots=True)
class Beat:
    """An off-topic news beat: how its headlines, leads and body sentences go, and its facts."""

    name: str
    sections: tuple[str, ...]
    tags: tuple[str, ...]
    headlines: tuple[str, ...]
    leads: tuple[str, ...]
    body: tuple[str, ...]
    quotes: tuple[str, ...]
    roles: tuple[str, ...]
    orgs: tuple[str, ...] | Callable[[random.Random], str]
    facts: Callable[[random.Random], dict[str, Slot]] = field(default=lambda rng: {})
    # near misses: a passing mention of the beat itself, at most one per article (what makes them hard)
    asides: tuple[str, ...] = ()


_BEATS = load("beats")


def _beat(name: str, text: dict[str, list[str]]) -> Beat:
    return Beat(
        name=name,
        sections=strings(text["sections"]),
        tags=strings(text["tags"]),
        headlines=strings(text["headlines"]),
        leads=strings(text["leads"]),
        body=strings(text["body"]),
        quotes=strings(text["quotes"]),
        roles=strings(text["roles"]),
        orgs=ORGS[name] if name in ORGS else strings(text["orgs"]),
        facts=FACTS[name],
        asides=strings(text.get("asides", ())),
    )


BEATS: dict[str, Beat] = {name: _beat(name, text) for name, text in _BEATS["beat"].items()}
# off-topic beats in the mix: everyday news mostly, near misses about one article in seven
BEAT_WEIGHTS: dict[str, int] = dict(_BEATS["weights"])


def write_off_topic(number: int, beat: Beat, rng: random.Random, day: date, author: str) -> Story:
    """An article of an off-topic beat: 400-1,200 words of its templates and the generic ones."""
    city = rng.choice(CITIES)
    facts = generic_facts(rng, city)
    facts.update(beat.facts(rng))
    facts["us_sec"] = f"Defense Secretary {holder(US_DEFENSE, day)}"
    facts["cn_min"] = f"Chinese Defense Minister {holder(CN_DEFENSE, day)}"
    if beat.name == "ally_call":
        facts.update(ally_facts(rng, day))
    facts["quote"] = deck(beat.quotes, rng)
    facts["role"] = beat.roles
    facts["org"] = beat.orgs
    facts.setdefault("staff", count(40, 3200))
    facts.setdefault("money", lambda r: f"${r.randint(2, 90)} million")
    facts.setdefault("price", lambda r: str(r.randint(5, 60)))
    facts.setdefault("pct", percent(1, 30))
    writer = Writer(rng, facts)
    title = writer.say(rng.choice(beat.headlines))
    sentences = [writer.say(rng.choice(beat.leads))]
    body = rng.sample(beat.body, k=len(beat.body))
    generic = rng.sample(GENERIC, k=len(GENERIC))
    target = rng.randint(420, 1200)

    def more() -> str:
        pool = body if body and (not generic or rng.random() < 0.6) else generic
        if pool:
            return writer.say(pool.pop())
        return writer.say(rng.choice(beat.body + GENERIC))

    fill(sentences, target, more)
    if beat.asides and rng.random() < 0.7:
        sentences.insert(rng.randint(2, len(sentences)), writer.say(rng.choice(beat.asides)))
    pull = f"“{rng.choice(beat.quotes)}.”" if rng.random() < 0.35 else ""
    published = datetime(day.year, day.month, day.day, rng.randint(5, 21), rng.randint(0, 59))
    tags = tuple(rng.sample(beat.tags, k=min(len(beat.tags), rng.randint(2, 5))))
    return Story(
        number,
        beat.name,
        title,
        split_paragraphs(sentences, rng),
        published,
        author,
        rng.choice(beat.sections),
        tags,
        pull_quote=pull,
    )
