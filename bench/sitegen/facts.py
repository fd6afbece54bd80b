"""The facts each off-topic beat's templates name (``{company}``, ``{score}``, ``{storm}`` …), drawn
from the article's seeded random in a fixed order: the order is what keeps a seed's bytes the same."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from bench.sitegen.data import load, offices
from bench.sitegen.officials import CN_DEFENSE, US_DEFENSE, holder
from bench.sitegen.writer import (
    CITIES,
    LAST,
    NUMBER_WORDS,
    REGIONS,
    Slot,
    count,
    institute,
    percent,
    person,
    pick,
)

_BEATS = load("beats")
# country, adjective, minister title, (start date, name) of its ministers, newest first
ALLIES = tuple((a["country"], a["adjective"], a["title"], offices(a["holders"])) for a in _BEATS["allies"])


def _company(rng: random.Random) -> str:
    kinds = "Logistics|Foods|Industries|Materials|Freight|Textiles|Outfitters|Machine Works|Packaging|Mills"
    return f"{rng.choice(LAST)} {pick(rng, kinds)}"


def _economy_facts(rng: random.Random) -> dict[str, Slot]:
    return {
        "company": _company(rng),
        "sector": rng.choice((
            "furniture", "packaging", "trucking", "food processing", "outdoor gear",
            "building supplies", "auto parts", "paper",
        )),
        "jobs": count(80, 1400)(rng),
        "pct": percent(0.3, 7.5),
        "money": lambda r: f"${r.randint(12, 480)} million",
        "region": rng.choice(REGIONS),
        "agency": rng.choice((
            "the state labor department", "the regional business council", "the county economic office",
            "the chamber of commerce",
        )),
        "facility": rng.choice(("distribution center", "plant", "warehouse", "processing site")),
        "quarter": rng.choice(("first", "second", "third", "fourth")),
    }


def _sport_facts(rng: random.Random) -> dict[str, Slot]:
    mascots = (
        "Otters", "Falcons", "Pioneers", "Comets", "Rangers", "Hawks", "Mariners", "Wolves", "Tigers",
        "Express", "Storm", "Foxes",
    )
    home, away = rng.sample(CITIES, 2)
    a, b = rng.sample(mascots, 2)
    goals = (rng.randint(2, 5), rng.randint(0, 1))
    return {
        "home": f"{home} {a}",
        "away": f"{away} {b}",
        "score": f"{goals[0]}-{goals[1]}",
        "sport": rng.choice(("soccer", "basketball", "baseball", "hockey", "volleyball", "rugby")),
        "player": person(rng),
        "rival": person(rng),
        "minute": lambda r: str(r.randint(3, 88)),
        "crowd_size": count(3000, 41000),
        "streak": rng.choice(NUMBER_WORDS[1:8]),
        "league": rng.choice(("the regional league", "the conference", "the division", "the cup")),
    }


def _weather_facts(rng: random.Random) -> dict[str, Slot]:
    return {
        "storm": rng.choice(
            ("Storm", "Winter storm", "Tropical storm", "A cold front", "A heat dome", "An atmospheric river")
        ),
        "inches": lambda r: f"{r.randint(1, 14)} inches",
        "degrees": lambda r: f"{r.randint(-12, 108)} degrees",
        "mph": lambda r: f"{r.randint(25, 85)} mph",
        "region": rng.choice(REGIONS),
        "homes": count(800, 64000),
        "county": f"{rng.choice(LAST)} County",
        "agency": rng.choice((
            "the National Weather Service", "the state emergency agency", "the county emergency office",
            "forecasters",
        )),
    }


def _politics_facts(rng: random.Random) -> dict[str, Slot]:
    return {
        "mayor": person(rng),
        "member": person(rng),
        "council": rng.choice(("city council", "county board", "school board", "planning commission")),
        "project": rng.choice((
            "a new library branch", "a downtown parking garage", "a bus rapid transit line",
            "a riverside park", "a bond measure for schools", "short-term rental rules",
            "a property tax increase", "bike lanes on Main Street", "a new police station",
        )),
        "vote": lambda r: f"{r.randint(4, 7)}-{r.randint(1, 3)}",
        "money": lambda r: f"${r.randint(2, 95)} million",
        "ward": lambda r: f"Ward {r.randint(1, 9)}",
    }


def _tech_facts(rng: random.Random) -> dict[str, Slot]:
    name = rng.choice((
        "Quillsoft", "Brightwave", "Nimbus Labs", "Corvid Systems", "Tidepool", "Lumenary",
        "Parallax Works", "Orbitly", "Fernhill Data", "Kestrel AI",
    ))
    return {
        "startup": name,
        "product": rng.choice((
            "a note-taking app", "a home battery", "a scheduling tool for clinics",
            "a translation earbud", "a farm sensor kit", "a budgeting app", "an electric cargo bike",
            "a chip for hearing aids",
        )),
        "users": count(20, 900),
        "money": lambda r: f"${r.randint(3, 250)} million",
        "founder": person(rng),
        "hq": rng.choice(CITIES),
    }


def _health_facts(rng: random.Random) -> dict[str, Slot]:
    return {
        "hospital": f"{rng.choice(CITIES)} "
        + pick(rng, "General Hospital|Medical Center|Regional Health|Children’s Hospital"),
        "condition": rng.choice((
            "flu", "measles", "asthma", "diabetes", "heart disease", "RSV", "Lyme disease",
            "seasonal allergies", "sleep problems",
        )),
        "doctor": f"Dr. {person(rng)}",
        "patients": count(40, 5200),
        "cases": count(12, 1900),
        "pct": percent(2.0, 38.0),
        "county": f"{rng.choice(LAST)} County",
    }


def _culture_facts(rng: random.Random) -> dict[str, Slot]:
    return {
        "artist": person(rng),
        "work": rng.choice((
            "The Salt Orchard", "Northbound", "Paper Lanterns", "A House of Tides", "Small Hours",
            "The Glass Field", "Blue Corridor", "Winter Almanac", "Low Country", "The Long Table",
        )),
        "form": rng.choice(("novel", "play", "exhibition", "album", "film", "dance piece", "opera")),
        "festival": f"the {rng.choice(CITIES)} "
        + pick(rng, "Book Festival|Film Festival|Jazz Week|Arts Fair|Folk Festival"),
        "venue_name": f"the {rng.choice(LAST)} " + pick(rng, "Theater|Gallery|Playhouse|Music Hall|Museum"),
        "visitors": count(800, 60000),
    }


def _trade_facts(rng: random.Random) -> dict[str, Slot]:
    return {
        "us_trade": rng.choice(("U.S. Trade Representative", "Treasury Secretary", "Commerce Secretary")),
        "cn_trade": rng.choice(
            ("Vice Premier He Lifeng", "Commerce Minister Wang Wentao", "China's top trade negotiator")
        ),
        "venue_city": rng.choice(("Geneva", "London", "Stockholm", "Madrid", "Kuala Lumpur", "Washington")),
        "goods": rng.choice((
            "soybeans", "semiconductors", "rare earth magnets", "electric vehicles", "steel",
            "solar panels", "medical supplies",
        )),
        "rate": lambda r: f"{r.choice((10, 20, 25, 30, 34, 50))} percent",
        "money": lambda r: f"${r.randint(20, 400)} billion",
    }


def ally_facts(rng: random.Random, day: date) -> dict[str, Slot]:
    country, adjective, title, holders = rng.choice(ALLIES)
    minister = holder(holders, day)
    us_name = holder(US_DEFENSE, day)
    return {
        "cn_min": f"Chinese Defense Minister {holder(CN_DEFENSE, day)}",
        "ally": country,
        "ally_adj": adjective,
        "ally_min": f"{adjective} {title} {minister}",
        "ally_short": minister.split()[-1],
        "us_sec": f"Defense Secretary {us_name}",
        "us_short": us_name.split()[-1],
        "exercise": rng.choice(
            ("Talisman Sabre", "Balikatan", "Keen Sword", "Resolute Dragon", "Pacific Vanguard")
        ),
        "item": rng.choice((
            "missile defense", "submarine maintenance", "drone production", "joint patrols",
            "ammunition stockpiles", "a new command structure",
        )),
    }


def _sea_facts(rng: random.Random) -> dict[str, Slot]:
    return {
        "shoal": rng.choice(
            ("Second Thomas Shoal", "Scarborough Shoal", "Sabina Shoal", "Sandy Cay", "Whitsun Reef")
        ),
        "boat": rng.choice((
            "a resupply boat", "a Philippine coast guard vessel", "a fisheries patrol ship",
            "a chartered supply boat", "a research vessel",
        )),
        "tactic": rng.choice(
            ("fired water cannon at", "blocked", "shadowed", "sideswiped", "shone a laser at")
        ),
        "crew": count(2, 12),
        "meters": count(20, 400),
    }


# The beats whose people come from a function rather than a fixed list, and each beat's facts.


ORGS: dict[str, Callable[[random.Random], str]] = {
    "economy": lambda rng: rng.choice((_company(rng), institute(rng), "the regional business council")),
    "local_politics": lambda rng: rng.choice(
        ("the neighborhood association", "the city", institute(rng), "the taxpayers' league")
    ),
    "technology": lambda rng: rng.choice(
        (institute(rng), "a consumer advocacy group", "a regional venture fund")
    ),
    "health": lambda rng: rng.choice(("the county health department", institute(rng), "the nurses' union")),
    "culture": lambda rng: rng.choice(("the arts council", institute(rng), "the festival board")),
    "trade_talks": lambda rng: rng.choice((institute(rng), "the farm bureau", "a retail trade group")),
    "ally_call": lambda rng: rng.choice((institute(rng), "a security think tank")),
    "sea_standoff": lambda rng: rng.choice(
        (institute(rng), "a fishing cooperative", "a maritime research group")
    ),
}


FACTS: dict[str, Callable[[random.Random], dict[str, Slot]]] = {
    "economy": _economy_facts,
    "sport": _sport_facts,
    "weather": _weather_facts,
    "local_politics": lambda rng: {
        **_politics_facts(rng),
        "money_small": lambda r: f"${r.randint(8, 240)},000",
    },
    "technology": lambda rng: {
        **_tech_facts(rng),
        "price": lambda r: str(r.randint(3, 40)),
        "staff": count(12, 480),
    },
    "health": lambda rng: {
        **_health_facts(rng),
        "money": lambda r: f"${r.randint(1, 30)} million",
        "institute_name": institute(rng),
    },
    "culture": lambda rng: {
        **_culture_facts(rng),
        "price": lambda r: str(r.randint(12, 95)),
        "money": lambda r: f"${r.randint(50, 900)},000",
    },
    "trade_talks": lambda rng: {**_trade_facts(rng), "pct": percent(3, 40)},
    "ally_call": lambda rng: {"num_small": lambda r: f"{r.randint(1, 3)}.{r.randint(0, 9)}"},
    "sea_standoff": _sea_facts,
}
