"""The beat: US–China military communication events and their articles, 2-6 per event, each outlet
writing the shared facts its own way (sometimes one a wire copy with a new intro). The templates
are in ``data/events.toml``."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bench.sitegen.data import load, strings
from bench.sitegen.officials import (
    CN_CHIEFS,
    CN_DEFENSE,
    CN_THEATRES,
    US_CHIEFS,
    US_DEFENSE,
    US_PACIFIC,
    holder,
)
from bench.sitegen.records import FIRST_DAY, LAST_DAY, Story
from bench.sitegen.writer import (
    CITIES,
    WEEKDAYS,
    Slot,
    Writer,
    deck,
    fill,
    generic_facts,
    institute,
    person,
    split_paragraphs,
)


@dataclass(frozen=True, slots=True)
class Topic:
    """A subject discussed in an event: what each side said about it, in several wordings."""

    short: str
    us: tuple[str, ...]
    china: tuple[str, ...]


_EVENTS = load("events")
MMCA_CITIES = strings(_EVENTS["places"]["mmca_cities"])
TRIGGERS = strings(_EVENTS["places"]["triggers"])
TOPICS = tuple(Topic(t["short"], strings(t["us"]), strings(t["china"])) for t in _EVENTS["topics"])
# (until, sentences about the state of military channels in that period)
PERIOD_BACKGROUND = tuple((period["until"], strings(period["lines"])) for period in _EVENTS["background"])
ANALYST_QUOTES = strings(_EVENTS["analysts"]["quotes"])
ANALYST_LINES = strings(_EVENTS["analysts"]["lines"])
ANALYST_ROLES = strings(_EVENTS["analysts"]["roles"])
# Headlines, leads and body sentences per kind; an event's articles take different ones.
EVENT_HEADLINES = {kind: strings(lines) for kind, lines in _EVENTS["headlines"].items()}
EVENT_LEADS = {kind: strings(lines) for kind, lines in _EVENTS["leads"].items()}
EVENT_BODY = {kind: strings(lines) for kind, lines in _EVENTS["body"].items()}
EVENT_NEXT = strings(_EVENTS["closing"]["next"])
WIRE_NOTE: str = _EVENTS["closing"]["wire_note"]
# Sentences that pad an on-beat article with the wider relationship (not the event itself).
GENERIC_DEFENSE = strings(_EVENTS["generic"]["sentences"])


@dataclass(frozen=True, slots=True)
class Event:
    """One on-beat event: the facts its articles share (each writes them its own way)."""

    kind: str  # minister_call | theatre_call | chiefs_call | mmca | refusal
    day: date
    us_full: str
    us_short: str
    cn_full: str
    cn_short: str
    medium: str  # video | phone
    minutes: int
    gap: int  # months since the last contact at this level
    topics: tuple[Topic, ...]
    city: str = ""
    trigger: str = ""


def _short(name: str, chinese: bool = False) -> str:
    """How later mentions name an official: the surname (a Chinese one comes first), "Gen. He" for He."""
    words = [w for w in name.split() if not w.endswith(".")]
    if not chinese:
        return words[-1]
    rank = name.split()[0] if name.split()[0].endswith(".") else "General"
    return f"{rank} He" if words[0] == "He" else words[0]


def make_event(rng: random.Random) -> Event:
    """A random event in 2021-2025, with the officeholders of its date."""
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    frozen = date(2022, 8, 2) <= day < date(2023, 11, 15)
    kinds = (
        ("refusal", "refusal", "minister_call", "mmca")
        if frozen
        else ("minister_call", "minister_call", "theatre_call", "chiefs_call", "mmca", "refusal")
    )
    kind = rng.choice(kinds)
    topics = tuple(rng.sample(TOPICS, rng.randint(2, 3)))
    medium = rng.choice(("video", "video", "phone"))
    minutes, gap = rng.randint(4, 13) * 10, rng.randint(4, 22)
    us_sec, cn_min = holder(US_DEFENSE, day), holder(CN_DEFENSE, day)
    if kind == "theatre_call":
        theatre, holders = rng.choice(CN_THEATRES)
        us, cn = holder(US_PACIFIC, day), holder(holders, day)
        return Event(
            kind,
            day,
            f"{us}, commander of U.S. Indo-Pacific Command,",
            _short(us),
            f"{cn}, commander of the {theatre},",
            _short(cn, True),
            "video",
            minutes,
            gap,
            topics,
        )
    if kind == "chiefs_call":
        us, cn = holder(US_CHIEFS, day), holder(CN_CHIEFS, day)
        return Event(
            kind,
            day,
            f"{us}, chairman of the Joint Chiefs of Staff,",
            _short(us),
            f"{cn}, chief of the Joint Staff Department of China's Central Military Commission,",
            _short(cn, True),
            medium,
            minutes,
            gap,
            topics,
        )
    return Event(
        kind,
        day,
        f"Defense Secretary {us_sec}",
        _short(us_sec),
        f"Chinese Defense Minister {cn_min}",
        _short(cn_min, True),
        medium,
        minutes,
        gap,
        topics,
        city=rng.choice(MMCA_CITIES),
        trigger=rng.choice(TRIGGERS),
    )


def event_facts(event: Event, rng: random.Random, outlet_city: str) -> dict[str, Slot]:
    facts = generic_facts(rng, outlet_city)
    facts.update(
        {
            "us_full": event.us_full,
            "us_short": event.us_short,
            "cn_full": event.cn_full,
            "cn_short": event.cn_short,
            "medium": event.medium,
            "minutes": str(event.minutes),
            "gap": str(event.gap),
            "weekday": WEEKDAYS[event.day.weekday()],
            "city": event.city,
            "trigger": event.trigger,
            "trigger_short": _trigger_short(event.trigger),
            "topic": tuple(t.short for t in event.topics),
            "analyst": lambda r: f"{person(r)}, {r.choice(ANALYST_ROLES)} at {institute(r)}",
            "quote": deck(ANALYST_QUOTES, rng),
        }
    )
    return facts


def _trigger_short(trigger: str) -> str:
    for word, short in (
        ("balloon", "balloon incident"),
        ("destroyer", "Taiwan Strait transit"),
        ("arms", "Taiwan arms sale"),
        ("sanctions", "sanctions"),
        ("Taipei", "Taipei visit"),
        ("fighter", "intercept"),
    ):
        if word in trigger:
            return short
    return "tensions"


def _event_sentences(event: Event, writer: Writer, rng: random.Random) -> list[str]:
    """The body of one article about ``event`` in this article's own order and wording."""
    kind = "call" if event.kind.endswith("_call") else event.kind
    pool = EVENT_BODY[kind]
    units = [[writer.say(t)] for t in rng.sample(pool, k=rng.randint(len(pool) // 2, len(pool)))]
    if kind == "call":
        for topic in event.topics:
            first = writer.say(
                rng.choice(("On {t}, ", "Turning to {t}, ", "", "On the subject of {t}, ")).replace(
                    "{t}", topic.short
                )
                + rng.choice(topic.us)
                + "."
            )
            reply = writer.say(
                rng.choice(("In reply, ", "For his part, ", "", "The Chinese readout said "))
                + rng.choice(topic.china)
                + "."
            )
            units.append([first, reply])
    background = next(lines for until, lines in PERIOD_BACKGROUND if event.day < until)
    units += [[writer.say(t)] for t in rng.sample(background, k=rng.randint(1, len(background)))]
    for _ in range(rng.randint(2, 4)):
        units.append([writer.say(rng.choice(ANALYST_LINES))])
    rng.shuffle(units)
    return [sentence for unit in units for sentence in unit] + [writer.say(rng.choice(EVENT_NEXT))]


_BRITISH = re.compile(r"(?<=[Dd]efen)se|(?<=[Tt]heat)er(?=s?\b)")


def _british(text: str) -> str:
    """defense → defence, theater → theatre (the topic reads both)."""
    return _BRITISH.sub(lambda m: "ce" if m.group(0) == "se" else "re", text)


def write_event_story(
    number: int, event: Event, index: int, event_id: int, rng: random.Random, author: str
) -> Story:
    """One outlet's article on ``event``: its own headline, lead, order and wording of the shared facts."""
    kind = "call" if event.kind.endswith("_call") else event.kind
    writer = Writer(rng, event_facts(event, rng, rng.choice(CITIES)))
    headlines = EVENT_HEADLINES[kind]
    title = writer.say(headlines[(index + event_id) % len(headlines)])  # each outlet its own headline
    leads = EVENT_LEADS[kind]
    sentences = [writer.say(leads[index % len(leads)])]
    sentences += _event_sentences(event, writer, rng)
    target = rng.randint(420, 1150)
    extra = rng.sample(GENERIC_DEFENSE, k=len(GENERIC_DEFENSE))
    fill(sentences, target, lambda: writer.say(extra.pop() if extra else rng.choice(ANALYST_LINES)))
    day = event.day + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
    published = datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59))
    tags = (
        "U.S.-China relations",
        "military",
        *rng.sample(("Pentagon", "PLA", "Indo-Pacific", "defense", "diplomacy", "Asia"), k=2),
    )
    pull = f"“{rng.choice(ANALYST_QUOTES)}.”" if rng.random() < 0.4 else ""
    paragraphs = split_paragraphs(sentences, rng)
    if rng.random() < 0.3:  # a British or Asian outlet's spelling
        title, paragraphs = _british(title), tuple(_british(p) for p in paragraphs)
    return Story(
        number,
        "event",
        title,
        paragraphs,
        published,
        author,
        rng.choice(("World", "Defence", "Asia")),
        tags,
        event=event_id,
        pull_quote=pull,
    )


def wire_copy(number: int, original: Story, event: Event, rng: random.Random, author: str) -> Story:
    """The original's wire text under a new headline and a new intro paragraph."""
    kind = "call" if event.kind.endswith("_call") else event.kind
    writer = Writer(rng, event_facts(event, rng, rng.choice(CITIES)))
    titles = [t for t in (writer.say(h) for h in EVENT_HEADLINES[kind]) if t != original.title]
    intro = writer.say(rng.choice(EVENT_LEADS[kind]))
    paragraphs = [intro, *original.paragraphs[1:]]
    paragraphs[-1] += " " + writer.say(WIRE_NOTE)
    day = original.published + timedelta(hours=rng.randint(1, 20))
    return Story(
        number,
        "event",
        rng.choice(titles),
        tuple(paragraphs),
        day,
        author,
        rng.choice(("World", "Asia")),
        original.tags,
        event=original.event,
        wire_of=original.number,
    )
