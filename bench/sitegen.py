"""A realistic generated news site for the crawl benchmarks: big WordPress-like pages, distinct texts.

    python bench/sitegen.py --pages 200 --out /tmp/site    # writes the site, prints its facts and the
                                                           # bare extraction time per page of a sample

``bench/crawl.py`` compares crawl throughput with bare extraction of the same pages, so the pages must
be what a real crawl meets: 60-200 KB each (a mega menu, inline CSS, scripts and JSON-LD, a ticker,
related teasers, a wpDiscuz comment block, a sidebar, a big footer) around 400-1,200 words of text
that no other article shares, and only a minority on the beat. On-beat articles report US–China
military communication events (defence-chief calls, theatre-commander and military-chief video calls,
maritime consultations, refused calls), 2-6 articles per event written differently, sometimes one of
them a wire copy with a new intro. Off-topic ones cover everyday beats and hard near misses (US–China
trade talks, a US defence secretary calling an ally, China and the Philippines at sea). All text comes
from the templates and vocabularies below, filled by a seeded ``random.Random``: deterministic for a
seed, no network, no copied prose. Links hold the ``{base}`` placeholder that ``crawler/devtools/site.py``
replaces with its own URL when it serves the site.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SITE_NAME = "The Harbor Ledger"
SITE_SLUG = "harbor-ledger"
FIRST_DAY, LAST_DAY = date(2021, 1, 4), date(2025, 11, 28)

# ============================================================================================= records


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """What ``make_site`` wrote: page count, the on-beat pages and their events, sizes.

    URLs are as written in the files, with the ``{base}`` placeholder the server replaces.
    """

    pages: int
    on_beat_urls: tuple[str, ...]
    events: tuple[tuple[str, ...], ...]  # the on-beat URLs of each event, in page order
    wire_copies: tuple[tuple[str, str], ...]  # (copy, original): the same wire text with a new intro
    total_bytes: int

    @property
    def on_beat_count(self) -> int:
        return len(self.on_beat_urls)

    @property
    def event_count(self) -> int:
        return len(self.events)

    @property
    def mean_page_bytes(self) -> float:
        return self.total_bytes / self.pages if self.pages else 0.0

    def summary(self) -> str:
        """One line for a bench's output."""
        return (
            f"{self.pages} pages, {self.on_beat_count} on the beat in {self.event_count} events "
            f"({len(self.wire_copies)} wire copies), {self.total_bytes / 1e6:.1f} MB, "
            f"mean {self.mean_page_bytes / 1024:.0f} KB/page"
        )


@dataclass(frozen=True, slots=True)
class Story:
    """The text of one article and what its page shows around it."""

    number: int
    beat: str  # a key of BEATS, or "event"
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str
    section: str
    tags: tuple[str, ...]
    event: int = -1  # index of the on-beat event, -1 off the beat
    wire_of: int = -1  # page number of the original when this is a wire copy
    pull_quote: str = ""

    @property
    def url(self) -> str:
        return f"{{base}}/articles/{self.number}.html"

    @property
    def excerpt(self) -> str:
        first = self.paragraphs[0]
        return first if len(first) <= 180 else first[:177].rsplit(" ", 1)[0] + "…"

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


# ================================================================================ template expansion

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


# ======================================================================================= vocabularies


def pick(rng: random.Random, options: str) -> str:
    """One of ``"a|b|c"``: vocabularies stay one readable line."""
    return rng.choice(options.split("|"))


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = words(
    "Aaron Abigail Adrian Aisha Alan Alicia Amara Ana Andre Anika Arjun Beatrice Ben Bianca Caleb Camila "
    "Carmen Chen Chloe Colin Dana Daniel Daria Deepa Diego Dmitri Elena Eli Emeka Erin Farah Felix Fiona "
    "Gabriel Grace Hana Hassan Helen Ian Imani Ingrid Isaac Jada James Jonas Julia Kai Kamala Karin Keith "
    "Kenji Lara Leon Lina Lucas Maya Marcus Mei Miguel Mira Nadia Naomi Nikhil Noah Nora Omar Owen Paula "
    "Priya Rafael Rana Rosa Ruth Samir Sara Sean Selin Simone Sofia Tariq Tessa Theo Tomas Uma Vera Victor "
    "Wendy Xavier Yara Yusuf Zoe"
)
LAST = words(
    "Abbott Adeyemi Alvarez Amsel Baptiste Barros Bauer Bell Bishop Brandt Castillo Chandler Costa Dahl "
    "Delgado Dufresne Ellison Engel Farrow Ferreira Fischer Flores Gallo Garner Gupta Hale Halvorsen "
    "Hargrove Hayes Holm Ibarra Iyer Jansen Kagame Kaplan Keller Kowalski Lang Larsen Lindqvist Lowe "
    "Madsen Malik Marsh Mendes Moreau Nakamura Navarro Nyberg Okafor Olsen Ortega Park Pereira Petrov "
    "Quinn Ramos Reyes Rinaldi Rossi Salazar Sato Schmidt Shah Silva Sorensen Strand Tanaka Thorne Torres "
    "Vance Varga Vega Voss Wagner Walsh Weber Whitlock Yilmaz Young Zielinski"
)
CITIES = (
    "Portland", "Tacoma", "Sacramento", "Fresno", "Tucson", "Albuquerque", "Boise", "Spokane", "Reno",
    "Omaha", "Des Moines", "Madison", "Duluth", "Toledo", "Dayton", "Akron", "Syracuse", "Albany",
    "Hartford", "Providence", "Richmond", "Norfolk", "Raleigh", "Savannah", "Mobile", "Knoxville",
    "Chattanooga", "Little Rock", "Tulsa", "Wichita", "Lubbock", "El Paso", "Austin", "Baton Rouge",
)
REGIONS = (
    "the Pacific Northwest", "the Midwest", "the Gulf Coast", "New England", "the Mountain West",
    "the Southeast", "the Great Lakes region", "the Central Valley", "the Southwest",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


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


# Generic sentences any article may use; {quote} is what someone in the beat would say.
GENERIC = (
    '"{quote}," said {speaker}, [a|the] {role} [at|with] {org}.',
    '"{quote}," {speaker} [told reporters|said in an interview|said on {weekday}|said in a statement].',
    '"{quote}," [added|noted] {speaker}, who [has followed the issue for|has worked in the field for] '
    "{years} years.",
    '{speaker}, {role} at {org}, [put it more bluntly|was more cautious|took a different view]: "{quote}."',
    '[Speaking|Asked about it] [on {weekday}|later in the day|at a briefing], {speaker} said: "{quote}."',
    "[Not everyone|Not all residents|Some observers] [agreed|were convinced|shared that view]. "
    '"{quote}," said {speaker} of {org}.',
    "[More details are expected|A fuller account is due|Updated figures should follow] [by|before|around] "
    "the end of {month}, [officials said|according to a spokesperson|organizers said].",
    "[The figures|The numbers|The findings] [were first reported|were first published|first surfaced] "
    "[by|in] [a local newsletter|a trade publication|a regional broadcaster] [on {weekday}|earlier in the "
    "week].",
    "[It was not immediately clear|It remained unclear|Nobody could yet say] [whether|how far] the "
    "[change|decision|plan] would [affect|reach] [neighboring|nearby|surrounding] [towns|counties|districts] "
    "[such as|including] {town}.",
    "[A spokesperson for|A representative of] {org} [did not return|did not answer] [messages|a request for "
    "comment] [by|before] [publication time|Friday evening|deadline].",
    "[Similar|Comparable] [efforts|moves|plans] in {town} [drew|met with|attracted] [mixed|lukewarm|strong] "
    "[reviews|reactions|support] [last spring|two years ago|in {year}].",
    "[Roughly|About|Nearly] {share} of [those surveyed|respondents|residents polled] said they "
    "[welcomed|opposed|were unsure about] the [idea|change|proposal], [according to|in] "
    "[a survey by {org}|a poll released this month].",
    "The [next|following] [step|stage|milestone] [comes|is expected|is set] [in {month}|next quarter|"
    "within {num} weeks], [when|after which] [a review panel|a committee|the board] will [report|decide].",
    "[For now|In the meantime|Until then], [most|many] [people|families|businesses] in {city} are "
    "[taking a wait-and-see approach|carrying on as usual|watching closely].",
    "[Records|Documents|Filings] [reviewed by|obtained by|seen by] {paper} show the [issue|matter|question] "
    "[was first raised|came up first|was flagged] [in {year}|{num} years ago|at a meeting in {month}].",
    "[Those|People] [with questions|who want to know more] can [attend|join|watch] [an information "
    "session|a public meeting|a livestreamed briefing] on {weekday} [evening|afternoon] at {venue}.",
    "[In a sign of|Underscoring|Reflecting] [the interest|how much attention the issue draws|the stakes], "
    "[more than|over|nearly] {crowd} people [signed up for updates|attended the first meeting|"
    "commented online] [within days|in the first week|by {weekday}].",
    "{speaker}, [who|a resident who] has lived in {city} [for {years} years|since childhood], "
    'said: "{quote}."',
    "[Critics|Skeptics|Supporters] [point out|argue|say] that [the timing|the cost|the scope] "
    "[matters more than|should not overshadow|is only part of] the [headline figure|bigger picture|details].",
    "The [report|document|summary] [runs to|is] {num} pages and [includes|contains|lists] "
    "[several|a dozen|{num}] [recommendations|tables|case studies].",
    "[Asked|Pressed] [whether|if] [more|further] [changes|steps|announcements] were [coming|planned|likely], "
    '{speaker} [replied|answered|said]: "{quote}."',
    "[This article has been updated with|This story now includes|Updated to add] "
    "[comments from {org}|new figures|additional details].",
)


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


ECONOMY = Beat(
    name="economy",
    sections=("Business", "Economy"),
    tags=("jobs", "retail", "manufacturing", "interest rates", "small business", "housing", "earnings"),
    headlines=(
        "{company} to [cut|shed|trim] {jobs} jobs as {sector} [demand cools|orders slow|sales stall]",
        "[Retail sales|Factory orders|Home sales] in {region} [rise|climb|edge up] {pct} in {month}",
        "{company} [beats|misses] [forecasts|estimates] as {sector} [rebounds|stalls|steadies]",
        "Why {sector} firms in {city} are [hiring again|holding back on hiring|raising prices]",
        "{company} [opens|breaks ground on] {money} {facility} [near|outside] {city}",
        "[Small businesses|Shop owners|Local lenders] in {city} [brace for|weigh|adapt to] [higher rents|"
        "slower sales|tighter credit]",
    ),
    leads=(
        "{company}, the {city}-based {sector} [group|firm|company], said on {weekday} it would "
        "[cut|eliminate|"
        "shed] about {jobs} jobs [over the next year|by the end of the year], [citing|blaming] [weaker "
        "orders|"
        "softer demand|higher borrowing costs].",
        "[Retail sales|Factory output|Home sales] in {region} [rose|grew|climbed] {pct} in {month} [from a "
        "year "
        "earlier|compared with the previous month], figures from {agency} showed on {weekday}.",
        "[Business owners|Employers|Shopkeepers] across {city} are [rethinking|reworking|delaying] their "
        "[plans|budgets|expansion] as [costs|wages|rents] [keep rising|stay high|climb faster than sales].",
        "{company} [reported|posted] [a surprise profit|a wider loss|flat revenue] for the {quarter} quarter "
        "on {weekday}, [sending its shares|and its shares moved] [up|down] {pct} in [early|afternoon] "
        "trading.",
    ),
    body=(
        "The [cuts|changes|plans] [will fall mostly on|mainly affect|are concentrated in] [its {facility} in "
        "{town}|office staff|night shifts], [a person familiar with the matter said|according to an internal "
        "memo].",
        "[Wages|Pay|Hourly earnings] in the {sector} [industry|trade] [rose|grew] {pct} [over the past year|"
        "since last spring], [outpacing|lagging|roughly matching] [prices|inflation|productivity].",
        "[Economists|Analysts|Forecasters] had expected [a gain of|growth of|a rise of] {pct} for {month}.",
        "[Mortgage rates|Borrowing costs|Credit card rates] [remain|have stayed|are still] [near their "
        "highest|"
        "well above] [levels in years|pre-pandemic levels], [weighing on|cooling|limiting] [big purchases|"
        "home buying|investment].",
        "{company} [employs|has] about {staff} people [in the state|across {num} sites|nationwide].",
        "[Shares of|Stock in] {company} [have fallen|have risen|are up|are down] {pct} [this year|since "
        "January|"
        "over twelve months].",
        "The {facility} [is expected to|should|will] [open|start operating|be running] [in {month}|by next "
        "summer|within {num} months] and [add|create] [up to|about] {staff} [jobs|positions].",
        "[Vacancy rates|Empty storefronts|Unfilled jobs] in downtown {city} [fell|rose|held at] {pct}, "
        "[according to|said] {agency}.",
        "[Suppliers|Distributors|Customers] [say|complain|report] that [delivery times|prices|lead times] "
        "[have returned to normal|are still unpredictable|keep changing].",
        "The [company|firm|group] [said|added] it [would|planned to] [keep|maintain] its "
        "[headquarters|research "
        "team|flagship store] in {city}.",
        "[Consumer confidence|Business sentiment|The regional index] [dipped|improved|held steady] in "
        "{month}, "
        "a survey by {agency} found.",
        "[Used car prices|Grocery bills|Energy costs] [have eased|have climbed|remain elevated] [since the "
        "spring|in recent months], [a relief|a worry|a puzzle] for [households|retailers|planners].",
        "[Local banks|Credit unions|Lenders] [reported|saw] [a jump|a dip|little change] in [small business "
        "loan applications|loan demand|deposits] in the {quarter} quarter.",
        "[Several|A few|Two] [rival|competing|neighboring] [firms|companies|plants] have [announced|made] "
        "[similar|comparable|smaller] [moves|cuts|investments] [this year|since spring|lately].",
        "[Tax breaks|Incentives|Grants] worth {money} [helped|were used to] [bring|keep] the project in "
        "{city}, [records show|the council said].",
        "[Online orders|Delivery sales|Catalog sales] [now make up|account for] {pct} of [revenue|sales] "
        "[at|for] {company}, [up from|compared with] [a fifth|a tenth|a third] [five years ago|before 2020].",
        "[Union representatives|Worker advocates|Staff representatives] [said|asked] [they would|to] "
        "[meet|talk] with managers [on {weekday}|next week|before any layoffs].",
    ),
    quotes=(
        "We're seeing customers think twice before every purchase",
        "Nobody wants to cut jobs, but the orders just aren't there",
        "It's a good number, but one month doesn't make a trend",
        "Rents went up faster than my sales did, that's the whole story",
        "If rates come down, a lot of these plans come back to life",
        "We have more applicants than a year ago, which tells you something",
        "People still spend, they just spend differently",
        "I've been in this business a long time and I've never seen costs move like this",
        "The fundamentals are fine; it's the uncertainty that hurts",
        "We'd rather invest here than anywhere else", "Margins are thin and everybody knows it",
        "Hiring has slowed, but it hasn't stopped",
    ),
    roles=("economist", "analyst", "store owner", "chief executive", "labor organizer", "loan officer"),
    orgs=lambda rng: rng.choice((_company(rng), institute(rng), "the regional business council")),
    facts=_economy_facts,
)


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


SPORT = Beat(
    name="sport",
    sections=("Sport",),
    tags=("soccer", "basketball", "baseball", "high school sports", "playoffs", "college sports"),
    headlines=(
        "{home} [beat|edge|rout] {away} {score} [to stay top|to extend streak|in front of home crowd]",
        "{player} [scores twice|stars|shines] as {home} [sink|outlast|overpower] {away}",
        "{home} [win|lose] {streak} in a row after {score} [result|finish] against {away}",
        "[Late goal|Comeback|Stoppage-time winner] [lifts|sends] {home} past {away}",
        "{away} [coach|manager] [defends|questions] [lineup|tactics|referee] after {score} loss",
        "[Rookie|Veteran|Captain] {player} [carries|leads|steadies] {home} into {league} semifinal",
    ),
    leads=(
        "{player} [scored twice|had a hand in every goal|was decisive] as the {home} [beat|defeated|saw off] "
        "the {away} {score} on {weekday} [night|afternoon] before a crowd of {crowd_size}.",
        "The {home} [extended|stretched] their winning run to {streak} [games|matches] with a {score} "
        "[victory|win] over the {away} on {weekday}.",
        "[It took a while|It was not pretty|It came late], but the {home} [found a way|got there|held on] "
        "against the {away} on {weekday}, winning {score} [to move|and moving] [top of|closer to the lead "
        "in] "
        "{league}.",
    ),
    body=(
        "{player} [opened the scoring|broke the deadlock|struck first] in the {minute}th minute [with a low "
        "shot|from close range|after a quick break].",
        "The {away} [had|enjoyed] [more of the ball|the better start|long spells of pressure] but "
        "[rarely|seldom|never really] [troubled|tested|threatened] the home [goalkeeper|defense].",
        "{rival} [went close|hit the post|forced a save] for the {away} [shortly before the break|early in "
        "the "
        "second half|in the {minute}th minute].",
        "[Attendance|The crowd|Ticket sales] of {crowd_size} was [the largest|among the biggest|a season "
        "high] "
        "[this season|at the ground in years].",
        "The [win|result] [leaves|puts] the {home} [two points|three points|one game] [clear at the "
        "top|behind "
        "the leaders|inside the playoff places] with {num} [games|rounds] left.",
        "[An injury to|The absence of] {rival} [hurt|cost|hampered] the {away}, who [have now lost|have won "
        "only once in] their last {streak} [outings|games].",
        "[The referee|Officials] [reviewed|checked] [a possible handball|an offside call|a late challenge] "
        "[for nearly two minutes|at length] before [allowing the goal|waving play on|awarding a free kick].",
        "[Youth players|Two academy graduates|A pair of teenagers] [came off the bench|made their debuts|"
        "got minutes] in the [final quarter|closing stages|second half].",
        "The {away} [host|visit|face] [the|their] [local rivals|league leaders|cup holders] [next {weekday}|"
        "in {num} days|at the weekend].",
        "{player} [now has|has] {num} [goals|points|assists] [this season|in {league}], [second only to|"
        "level with|ahead of] {rival}.",
        "[Season-ticket holders|Fans|Supporters] [stayed|lingered|sang] [well after|long after|until] the "
        "final whistle.",
        "[The stadium|The arena|The ground] [is due for|will undergo|is getting] [a renovation|new lights|"
        "an expanded stand] [next summer|after the season|in {month}].",
        "[Statistically|By the numbers|On paper], the {home} [created|had] {num} [chances|shots on target] "
        "to "
        "the {away}'s [two|three|four].",
        "[Tickets for|Seats at] the [next home game|semifinal|derby] [went on sale|sold out] on {weekday}.",
        "The [league|club|team] [also confirmed|announced|said] [a new sponsor|the signing of a defender|"
        "a schedule change] [on {weekday}|earlier in the day].",
    ),
    quotes=(
        "We stuck to the plan and it paid off in the end", "The lads gave everything, I can't ask for more",
        "We had chances, we just didn't take them", "That's the best we've played all season",
        "You don't win anything in October, but it feels good",
        "We need to be sharper at the back, simple as that",
        "The crowd carried us through the last twenty minutes",
        "I just tried to stay calm when the ball came to me",
        "We'll watch the tape and move on to the next one",
        "Nobody expected us to be up here, and that's fine",
    ),
    roles=("head coach", "assistant coach", "team captain", "club director", "season-ticket holder"),
    orgs=("the club", "the supporters' trust", "the league office", "the booster club"),
    facts=_sport_facts,
)


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


WEATHER = Beat(
    name="weather",
    sections=("Weather", "Local"),
    tags=("weather", "storms", "flooding", "heat", "snow", "power outages", "forecast"),
    headlines=(
        "{storm} [to bring|brings|could bring] {inches} of [rain|snow] to {region}",
        "[Thousands|Tens of thousands] without power in {county} after [high winds|ice|thunderstorms]",
        "[Heat advisory|Flood watch|Winter storm warning] issued for {city} [through {weekday}|this weekend]",
        "{city} [sets|ties|nears] [a record|its record] [high|low] of {degrees}",
        "[Roads reopen|Schools close|Crews race] [as|after] {storm} [moves out|lingers|stalls] over {county}",
        "What [the next week|the weekend|the holiday] [looks like|holds] for weather in {city}",
    ),
    leads=(
        "[Strong winds|Heavy rain|Freezing rain|Wet snow] [knocked out|cut] power to about {homes} homes and "
        "businesses in {county} on {weekday}, [utility officials said|the utility said].",
        "{agency} [issued|extended] a [flood watch|winter storm warning|heat advisory] for {city} and "
        "surrounding areas [through {weekday}|until Sunday], [warning of|with] [up to|as much as] {inches} "
        "of "
        "[rain|snow] [in places|in the hills].",
        "{city} [reached|hit] {degrees} on {weekday} [afternoon|evening], [tying|breaking|approaching] a "
        "record [set|that stood] [decades ago|in the 1950s|more than 40 years ago].",
    ),
    body=(
        "[Gusts|Wind gusts|Peak winds] [reached|topped|hit] {mph} [near the coast|on the ridges|at the "
        "airport].",
        "[Crews|Line workers|Utility teams] [from|including crews from] {num} [states|neighboring utilities] "
        "[were|have been] [brought in|called in|deployed] to [restore power|clear lines|help].",
        "[Schools|Several districts|Colleges] in {county} [closed|delayed opening|moved classes online] "
        "[on {weekday}|for the day].",
        "[The heaviest|The worst of the] [rain|snow|wind] [is expected|should arrive|will fall] [overnight|"
        "late {weekday}|early in the morning], {agency} said.",
        "[Drivers|Motorists|Commuters] were [urged|told|asked] to [stay off the roads|avoid travel|allow "
        "extra "
        "time] [unless necessary|during the evening rush].",
        "[Rivers|Creeks|Streams] [in|across] {county} [could|may|are forecast to] [crest|rise] [above flood "
        "stage|near flood stage] [by {weekday}|later in the week].",
        "[Cooling centers|Warming shelters|Emergency shelters] [opened|will open] at {venue}.",
        "[Temperatures|Highs|Overnight lows] will [stay|remain|run] [about|roughly] {num} degrees "
        "[above|below] "
        "normal [through the weekend|into next week].",
        "[Farmers|Growers|Ranchers] in {region} [welcomed|worried about] the [moisture|cold snap|heat], "
        "[which|as it] [comes|came] [at a critical time|late in the season|after a dry spell].",
        "[A tree|Fallen branches|A toppled power pole] [blocked|closed] [a section of|part of] "
        "[Highway {num}|Route {num}|the main road into town] for [several|about {num}] hours.",
        "[Airport officials|Airlines] [reported|said there were] [dozens of|about {num}] "
        "[delays|cancellations] "
        "[on {weekday}|during the morning].",
        "[Residents|Homeowners] [are advised to|should] [check on neighbors|clear storm drains|keep pets "
        "indoors|charge their phones] [ahead of the storm|before nightfall].",
        "[The last time|The previous time] {city} [saw|recorded] [this much|comparable] [rain|snow|heat] was "
        "in {year}.",
        "[Forecasters|Meteorologists] [said|noted] the [pattern|system|front] is [typical|unusual] for "
        "[this time of year|{month}].",
    ),
    quotes=(
        "We've had the generator ready since yesterday", "It came in faster than anyone predicted",
        "Please don't drive through standing water, it's deeper than it looks",
        "We've seen worse, but not for a while", "The crews are working around the clock",
        "My basement took on about a foot of water overnight",
        "It's the wind that worries us more than the rain", "This is exactly the kind of week we plan for",
        "Give the crews room to work and stay away from downed lines",
    ),
    roles=("meteorologist", "emergency manager", "utility spokesperson", "farmer", "fire chief"),
    orgs=("the county emergency office", "the power company", "the fire district", "the weather service"),
    facts=_weather_facts,
)


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


LOCAL_POLITICS = Beat(
    name="local_politics",
    sections=("Local", "Politics"),
    tags=("city council", "elections", "budget", "zoning", "schools", "transit", "housing"),
    headlines=(
        "{city} {council} [approves|rejects|delays] {project} in {vote} vote",
        "[Residents pack|Crowd fills|Dozens speak at] hearing on {project}",
        "Mayor {mayor} [proposes|unveils|defends] {money} [budget|spending plan] for {city}",
        "[Recall effort|Challenger|Write-in campaign] [targets|takes on] {city} council member {member}",
        "[What to know about|Five questions on|Explainer:] {project} [before the vote|in {city}]",
        "{council} [split|divided] over {project} as [costs rise|deadline nears]",
    ),
    leads=(
        "The {city} {council} [voted|decided] {vote} on {weekday} [night|evening] to "
        "[approve|reject|postpone] "
        "{project}, [ending|extending] [months of|a long] debate.",
        "[More than|About|Nearly] {crowd} people [packed|filled|crowded into] {venue} on {weekday} to "
        "[speak for and against|weigh in on|argue over] {project}.",
        "Mayor {mayor} [presented|released|put forward] a {money} [budget|spending plan] on {weekday} that "
        "[would|could] [fund|pay for] {project} [and|while] [hold|keep] [property taxes|fees] [flat|steady].",
    ),
    body=(
        "Council member {member}, who [represents|has represented] {ward} [since {year}|for two terms], "
        "[cast the deciding vote|voted against the plan|abstained].",
        "The [plan|measure|proposal] [would cost|is estimated at|carries a price of] {money} [over|across] "
        "{num} years, [according to|said] the city's finance office.",
        "[Opponents|Supporters|Neighbors] [gathered|collected] [more than|about] {crowd} signatures "
        "[on a petition|before the meeting].",
        "[City staff|Planners|The city manager] [recommended|had urged|advised] [approval|a delay|changes] "
        "[in a memo|in a report] [released|published] [last week|on {weekday}].",
        "The [issue|question|measure] [could|may|is likely to] [go to voters|appear on the ballot] [in "
        "November|next year|in a special election].",
        "[Public comment|Testimony|The hearing] [lasted|ran] [more than|nearly|about] {num} hours.",
        "[Several|Some|Two] speakers [raised|voiced|shared] [concerns about|worries over] [traffic|noise|"
        "parking|cost overruns|the environmental review].",
        "{mayor}, [first elected|who took office] in {year}, [has made|had made] [housing|public safety|"
        "transit] [a priority|the center of the agenda].",
        "[A lawsuit|A legal challenge|An appeal] [over|against] the [decision|plan] [is possible|has been "
        "threatened|was filed] [by a neighborhood group|by business owners|last month].",
        "The {council} [meets again|returns|will take up the item again] [on {weekday}|in {month}|"
        "in two weeks].",
        "[An amendment|A late change|A compromise] [offered|proposed|floated] by {member} [failed|passed|was "
        "withdrawn] {vote}.",
        "[The county|The state|A federal grant] [would|could] [cover|pay for] [part|about a third|half] of "
        "the cost, [officials said|according to the city].",
        "[Election filings|Campaign reports|Finance reports] show {member} [raised|has raised] about "
        "{money_small} [this quarter|since January].",
    ),
    quotes=(
        "This is about what kind of city we want to be in twenty years",
        "We heard people tonight and we changed the plan because of it",
        "Nobody is against parks, we're against the price tag",
        "The process was rushed and residents deserve better", "I ran on this and I intend to deliver it",
        "We can't keep kicking the can down the road",
        "My street already floods, and nobody has explained how this helps",
        "It's a fair compromise, even if nobody loves it", "The numbers simply don't add up yet",
        "People want results, not another study",
    ),
    roles=(
        "council member", "neighborhood association president", "city planner", "resident",
        "political scientist",
    ),
    orgs=lambda rng: rng.choice(
        ("the neighborhood association", "the city", institute(rng), "the taxpayers' league")
    ),
    facts=lambda rng: {**_politics_facts(rng), "money_small": lambda r: f"${r.randint(8, 240)},000"},
)


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


TECHNOLOGY = Beat(
    name="technology",
    sections=("Technology", "Business"),
    tags=("startups", "apps", "artificial intelligence", "privacy", "cybersecurity", "gadgets"),
    headlines=(
        "{startup} [raises|lands|secures] {money} for {product}",
        "[Outage|Glitch|Data breach] at {startup} [hits|affects|exposes] {users},000 users",
        "{hq} startup {startup} [bets on|doubles down on|pivots to] {product}",
        "[Review|Hands-on|First look]: {product} from {startup} [gets the basics right|still needs work|"
        "surprises]",
        "[Regulators|State lawmakers|Privacy advocates] [question|probe|target] {startup} over data use",
    ),
    leads=(
        "{startup}, a {hq}-based [company|startup] that makes {product}, said on {weekday} it had raised "
        "{money} [from investors|in a new round|to expand].",
        "[Users|Customers|Subscribers] of {startup} [lost access|were locked out|saw errors] for [several|"
        "about {num}] hours on {weekday} after [a faulty update|a server failure|a configuration error], "
        "the company said.",
        "When {founder} [started|founded|launched] {startup} [in a spare bedroom|with two friends|after "
        "leaving a bigger firm], the [goal|idea|plan] was [simple|modest]: {product} that [just works|people "
        "can afford].",
    ),
    body=(
        "The company [says|claims|reports] it has about {users},000 [users|customers|paying subscribers].",
        "{founder}, the [chief executive|co-founder|founder], [said|told] {paper} the money would [pay "
        "for|go "
        "toward] [hiring|new features|an expansion into Europe|a second factory line].",
        "[The update|The new version|The device] [adds|brings|introduces] [offline mode|longer battery life|"
        "a simpler setup|shared accounts] [and|but] [drops|keeps] [the old interface|the subscription fee].",
        "[Security researchers|Independent testers|Reviewers] [found|noted|flagged] [a flaw|a weakness|"
        "a bug] in [the login flow|the pairing process|an older version] [in {month}|earlier this year].",
        "[Competition|Rivalry] in [the market|this corner of the industry] [has grown|is intense], with "
        "[at least|more than] {num} [startups|firms] [chasing|selling] [similar|comparable] products.",
        "[The company|{startup}] [employs|has] about {staff} people, [most of them|many] in {hq}.",
        "[Pricing|The price] [starts at|is] ${price} [a month|for the basic model|after a free trial].",
        "[Privacy advocates|Consumer groups|Some users] [have asked|want to know] [how long data is kept|"
        "who can see recordings|whether data is sold].",
        "[Investors|Backers] in the round [included|were led by] [a regional fund|two angel investors|"
        "a university spinout fund].",
        "[Downloads|Sales|Sign-ups] [doubled|rose sharply|slowed] [after|following] [a viral video|a price "
        "cut|the holiday season].",
        "The [app|device|service] [works with|supports|connects to] [most phones|older models|common "
        "smart-home hubs] [but not|except] [some tablets|the oldest versions].",
        "[A software update|A fix|A patch] [is due|was released|is expected] [on {weekday}|next week|within "
        "days], the company said.",
    ),
    quotes=(
        "We built the thing we wanted to use ourselves",
        "Reliability matters more to our users than new features",
        "We took the outage seriously and we owe people an explanation",
        "It's early, but the numbers are better than we hoped",
        "Nobody reads the privacy policy, so we tried to make it short",
        "Hardware is hard, there's no way around that",
        "The market is crowded, but most products are too complicated",
        "We'd rather grow slowly than burn through the money",
        "Every update is a trade-off between simple and powerful",
    ),
    roles=(
        "software engineer", "technology analyst", "venture investor", "privacy researcher", "product lead",
    ),
    orgs=lambda rng: rng.choice((institute(rng), "a consumer advocacy group", "a regional venture fund")),
    facts=lambda rng: {**_tech_facts(rng), "price": lambda r: str(r.randint(3, 40)), "staff": count(12, 480)},
)


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


HEALTH = Beat(
    name="health",
    sections=("Health",),
    tags=("public health", "hospitals", "vaccines", "mental health", "nutrition", "research"),
    headlines=(
        "[{condition} cases|Cases of {condition}] [rise|climb|jump] in {county}, health officials say",
        "{hospital} [opens|expands|closes] [clinic|unit|ward] for {condition} patients",
        "[Study|Research] [finds|suggests|links] [walking|sleep|diet] [and|to] {condition} risk",
        "[Nurses|Staff|Doctors] at {hospital} [warn of|raise alarm over|describe] [shortages|long waits]",
        "[What to know|Five things to know|Questions and answers] about {condition} this season",
    ),
    leads=(
        "Health officials in {county} [reported|recorded|confirmed] {cases} cases of {condition} [in "
        "{month}|over the past month|since the start of the year], [up|down] {pct} from a year earlier.",
        "{hospital} [said|announced] on {weekday} it would [open|expand|relocate] its {condition} [clinic|"
        "program|service] [next month|in the spring|by the end of the year] to [cut waiting times|meet "
        "demand].",
        "[People who|Adults who|Children who] [walk more|sleep longer|eat more fiber] [may|appear to] have a "
        "lower risk of {condition}, [a study|research] [led by|from] {institute_name} [suggests|found].",
    ),
    body=(
        "{doctor}, [who|a physician who] [leads|runs|directs] the [program|unit|clinic], said [waiting times|"
        "admissions|visits] [had grown|had doubled|had eased] [since {month}|this year].",
        "The [study|analysis|review] [followed|looked at|tracked] about {patients} [adults|patients|"
        "children] [over|for] {num} years.",
        "[Researchers|The authors] [cautioned|stressed|noted] that the [findings|results] show [a link|an "
        "association], not [proof of cause|cause and effect].",
        "[Vaccination rates|Screening rates|Checkup rates] in {county} [stand at|have fallen to|have risen "
        "to] "
        "{pct}, [below|above|close to] the state average.",
        "[Emergency rooms|Urgent care clinics|Pediatric wards] [were|have been] [busier than usual|near "
        "capacity|quieter than expected] [this week|last month].",
        "[Officials|Doctors|Nurses] [recommend|advise|urge] [hand washing|staying home when sick|regular "
        "checkups|drinking water] [as the simplest|as a basic|as the first] [protection|step].",
        "The [hospital|health system|clinic] [plans to|will|hopes to] [hire|recruit|train] {num} [nurses|"
        "specialists|technicians] [this year|by spring].",
        "[Insurance|Medicaid|Medicare] [covers|will cover|does not cover] [the test|the visit|the program] "
        "[for most patients|in full|only in part].",
        "[Free|Low-cost|Walk-in] [screenings|clinics|vaccinations] [are offered|will be held] [on {weekday}s|"
        "every weekend|at {venue}].",
        "[The number of|Reported] {condition} [cases|visits] [tends to|usually] [peak|climb|fall] [in "
        "{month}|late in winter|in early spring].",
        "[Funding for|Money for] the [program|clinic|study] [comes from|came from] [a state grant|a "
        "foundation|federal research funds] worth {money}.",
        "[Patients|Parents|Caregivers] [described|reported] [long waits|confusing bills|good experiences] "
        "[in|during] [interviews|a survey|public comments].",
    ),
    quotes=(
        "The most important thing is not to wait if symptoms get worse",
        "We're seeing patients we would normally see much later in the season",
        "It's encouraging, but we need larger studies before changing advice",
        "Staffing is the bottleneck, not beds", "Prevention is cheaper than treatment, every single time",
        "Families shouldn't have to drive two hours for this kind of care",
        "We expected a rise, just not this early", "Small habits add up over years",
        "Nobody should skip care because of the cost",
    ),
    roles=("epidemiologist", "nurse", "family physician", "public health officer", "hospital administrator"),
    orgs=lambda rng: rng.choice(("the county health department", institute(rng), "the nurses' union")),
    facts=lambda rng: {
        **_health_facts(rng),
        "money": lambda r: f"${r.randint(1, 30)} million",
        "institute_name": institute(rng),
    },
)


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


CULTURE = Beat(
    name="culture",
    sections=("Culture", "Arts"),
    tags=("books", "music", "theater", "film", "museums", "festivals"),
    headlines=(
        "[Review|Critic's pick]: {artist}'s {form} '{work}' [rewards patience|is a quiet triumph|"
        "loses its way]", "{festival} [returns|announces lineup|expands] [with|featuring] {artist}",
        "{venue_name} [reopens|unveils|extends] '{work}' after [renovation|strong demand]",
        "{artist} [on|talks about|discusses] '{work}' and [growing up in {city}|the long road to it]",
        "[Record crowds|Thousands|Long lines] for {form} '{work}' at {venue_name}",
    ),
    leads=(
        "{artist}'s new {form}, '{work}', [opened|premiered|arrives] [on {weekday}|this week] at "
        "{venue_name}, "
        "[and|where] [it|the work] [drew|has drawn] [warm|mixed|enthusiastic] [reviews|reactions].",
        "{festival} [will return|returns] [in {month}|next month] with [more than|about] {num}0 "
        "[events|performances|screenings], organizers said on {weekday}.",
        "[It took|It has taken] {artist} [nearly|more than|about] {num} years to finish '{work}', a {form} "
        "[about|set in|inspired by] [a family|a fishing town|a river|a summer] in {city}.",
    ),
    body=(
        "[The|This] {form} [runs|lasts|is] [just over|a little under|about] [two hours|ninety minutes|"
        "three hundred pages].",
        "[Tickets|Passes|Seats] [start at|cost|are priced from] ${price} and [are available|can be bought] "
        "[online|at the box office].",
        "[Last year's|The previous] [edition|festival|season] [drew|attracted] about {visitors} [visitors|"
        "people|guests], [organizers said|according to the venue].",
        "{artist} [grew up|spent summers|trained] in {town} [before moving|and later moved] to {city}.",
        "[The opening scene|The first room|The first track] [sets|establishes|announces] [a quiet|a playful|"
        "an uneasy] [tone|mood] that [the rest|the work] [sustains|abandons|deepens].",
        "[Critics|Reviewers|Early audiences] [praised|questioned|debated] [the ending|the pacing|the staging|"
        "the use of archival footage].",
        "[A free|A family|An outdoor] [program|matinee|concert] [is planned|will be held] [on {weekday}|"
        "on the closing weekend].",
        "[The museum|The venue|The theater] [received|won|secured] [a grant|funding|a donation] of {money} "
        "[for|toward] [the renovation|the program|education work].",
        "[Volunteers|Local students|Neighborhood groups] [helped|worked to] [build the sets|hang the show|"
        "run the festival].",
        "[Some scenes|Several pieces|Two songs] [were written|were made|were recorded] [during|after] "
        "[a residency in {town}|a long illness|the pandemic years].",
        "The {form} [tours|travels|moves] to {town} [in {month}|next spring|after its run].",
    ),
    quotes=(
        "I wanted to write about the place I come from without making it a postcard",
        "The audience tells you what the piece is really about",
        "We programmed for curiosity, not for safety",
        "It's the kind of work that stays with you on the drive home",
        "Every room in the building has a story, and we tried to keep them",
        "Nobody makes art like this for the money", "I rewrote the ending more times than I can count",
        "Festivals are where people take chances on things they don't know",
    ),
    roles=("curator", "critic", "festival director", "playwright", "gallery owner"),
    orgs=lambda rng: rng.choice(("the arts council", institute(rng), "the festival board")),
    facts=lambda rng: {
        **_culture_facts(rng),
        "price": lambda r: str(r.randint(12, 95)),
        "money": lambda r: f"${r.randint(50, 900)},000",
    },
)

# ---------------------------------------------------------------------------------- hard near misses


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


TRADE_TALKS = Beat(
    name="trade_talks",
    sections=("World", "Business"),
    tags=("trade", "tariffs", "China", "U.S.-China relations", "export controls"),
    headlines=(
        "US and China [end|wrap up|extend] trade talks in {venue_city} [with no deal|with a truce|"
        "on tariffs]",
        "[Negotiators|Officials] from Washington and Beijing [meet|talk] in {venue_city} over tariffs on "
        "{goods}",
        "{us_trade} [says|upbeat that|cautious that] trade talks with China [made progress|can resume]",
        "[Tariff truce|Trade truce] [extended|holds|at risk] as US and Chinese negotiators [meet|talk again]",
        "China [hits back|responds] with tariffs on {goods} [before|after] trade talks",
    ),
    leads=(
        "[Trade negotiators|Senior economic officials] from the United States and China [wrapped up|ended|"
        "held] [two days of|a round of] trade talks in {venue_city} on {weekday}, [agreeing to|failing to] "
        "[extend a tariff truce|lower duties on {goods}].",
        "The {us_trade} [spoke|held a call] with {cn_trade} on {weekday} about tariffs on {goods} and "
        "export controls, [the first such|another] [conversation|exchange] [in weeks|this year].",
        "[Washington and Beijing|The world's two largest economies] [agreed|moved] on {weekday} to [pause|"
        "roll back|keep in place] tariffs of {rate} on {goods} [for another 90 days|while talks continue].",
    ),
    body=(
        "[Tariffs|Duties] of {rate} on {goods} [remain|stay] in place [for now|until the next round].",
        "[Farm groups|Exporters|Importers] [welcomed|criticized|were wary of] the "
        "[outcome|truce|announcement], "
        "[saying|arguing] [orders|shipments|prices] [had already|would] [suffered|suffer].",
        "[Trade between the two countries|Bilateral trade|Two-way trade] [was worth|totaled|reached] about "
        "{money} [last year|in {year}].",
        "[Export controls|Restrictions] on [advanced chips|chipmaking tools|rare earth] [were|remained] "
        "[the hardest issue|a sticking point|off the table], [people familiar with the talks said|"
        "according to officials].",
        "[Stock markets|Shares in exporters|Soybean futures] [rose|fell|edged up] [after|on] the "
        "[news|announcement].",
        "{cn_trade} [said|told reporters] the talks had been [candid|constructive|in-depth] and "
        "[called for|urged] [mutual respect|a level playing field|the removal of unilateral tariffs].",
        "The [next round|follow-up talks|a further meeting] [could|may|is expected to] [take place|happen] "
        "[in {month}|before the end of the year|in {venue_city}].",
        "[Economists|Analysts] [estimate|say] the tariffs [cost|add] [households|importers] [about|roughly] "
        "${num}00 [a year|per family].",
        "[Chinese purchases of|Orders for] {goods} [fell|dropped|recovered] {pct} [over the year|since "
        "spring].",
        "[Business groups|The chamber of commerce|Retailers] [urged|asked] both sides to [reach a lasting "
        "deal|avoid new tariffs|restore predictability] [before the holiday season|soon].",
        "[Neither side|No one] [released|published] [a joint statement|details of the text|a timetable].",
    ),
    asides=(
        "[Separately|On a separate track], [the Pentagon|U.S. defense officials] [has sought|have sought] to "
        "[revive|keep open] military channels with [Beijing|the PLA], [though|but] those contacts [are "
        "handled|"
        "run] [apart from|separately from] the trade negotiations.",
        "Export controls on [advanced chips|chipmaking tools] are [meant|designed] to keep [cutting-edge "
        "technology|advanced computing] away from the Chinese military, [U.S. officials say|according to the "
        "Commerce Department].",
        "[The talks|The meeting] came [weeks|a month] after {us_sec} [held a call|spoke by video] with "
        "{cn_min}, [a sign|one sign] that [contacts|communication] [across the board|at several levels] "
        "[had picked up|were resuming].",
    ),
    quotes=(
        "A truce is better than a trade war, but it's not a deal",
        "Our members need certainty more than headlines",
        "Tariffs are a tax that somebody in this country ends up paying",
        "Both sides want to look tough and avoid a real break",
        "Export controls are where the real negotiation is",
        "Farmers have heard promises before and they're waiting to see orders",
    ),
    roles=("trade economist", "farm bureau president", "importer", "former trade negotiator"),
    orgs=lambda rng: rng.choice((institute(rng), "the farm bureau", "a retail trade group")),
    facts=lambda rng: {**_trade_facts(rng), "pct": percent(3, 40)},
)

ALLIES = (
    # country, adjective, minister title, [(start date, name)], topics of an ally call
    (
        "Japan", "Japanese", "Defense Minister",
        (
            (date(2024, 10, 1), "Gen Nakatani"),
            (date(2023, 9, 13), "Minoru Kihara"),
            (date(2022, 8, 10), "Yasukazu Hamada"),
            (date(2000, 1, 1), "Nobuo Kishi"),
        ),
    ),
    (
        "Australia", "Australian", "Defence Minister",
        ((date(2022, 6, 1), "Richard Marles"), (date(2000, 1, 1), "Peter Dutton")),
    ),
    (
        "the Philippines", "Philippine", "Defense Secretary",
        ((date(2023, 6, 5), "Gilberto Teodoro"), (date(2000, 1, 1), "Delfin Lorenzana")),
    ),
    (
        "Britain", "British", "Defence Secretary",
        (
            (date(2024, 7, 5), "John Healey"),
            (date(2023, 8, 31), "Grant Shapps"),
            (date(2000, 1, 1), "Ben Wallace"),
        ),
    ),
)


def _holder(table: Sequence[tuple[date, str]], day: date) -> str:
    """Who held an office on ``day``: the first entry (newest first) that started before it."""
    return next(name for start, name in table if day >= start)


def _ally_facts(rng: random.Random, day: date) -> dict[str, Slot]:
    country, adjective, title, holders = rng.choice(ALLIES)
    minister = _holder(holders, day)
    us_name = _holder(US_DEFENSE, day)
    return {
        "cn_min": f"Chinese Defense Minister {_holder(CN_DEFENSE, day)}",
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


ALLY_CALL = Beat(
    name="ally_call",
    sections=("World", "Defence"),
    tags=("alliances", "Pentagon", "Indo-Pacific", "defense"),
    headlines=(
        "{us_sec} [speaks with|calls|holds talks with] {ally_adj} counterpart {ally_short} on {item}",
        "US and {ally} [pledge|agree|vow] [closer|deeper] cooperation on {item}",
        "{ally_adj} and US defense chiefs [discuss|review] {exercise} [exercise|drills] and {item}",
        "{ally_short} [and|,] {us_short} [reaffirm|restate] alliance [in call|in phone talks|at Pentagon "
        "meeting]",
    ),
    leads=(
        "{us_sec} spoke by phone with {ally_min} on {weekday}, [the Pentagon said|according to a Pentagon "
        "readout], [agreeing to|pledging to] [deepen|expand|speed up] cooperation on {item}.",
        "{ally_min} [met|held talks with] {us_sec} [at the Pentagon|in Washington|on the sidelines of a "
        "security forum] on {weekday}, [with|as] {item} [high on the agenda|at the top of the list].",
        "The defense chiefs of the United States and {ally} [agreed|pledged] on {weekday} to [step "
        "up|expand] "
        "work on {item} [ahead of|after] the {exercise} exercise.",
    ),
    body=(
        "The two [ministers|officials|defense chiefs] [discussed|reviewed] [preparations for|lessons from] "
        "{exercise}, [which|an exercise that] [involves|brings together] [thousands of|about {num},000] "
        "troops.",
        "{ally_short} [said|told reporters] the [alliance|partnership] [had never been|was] [stronger|more "
        "important] [given|amid] [the regional security environment|pressure in the region].",
        "[The readout|A statement from the ministry|The Pentagon statement] [mentioned|referred to] "
        "[coercive behavior in the region|the security situation in the East and South China Seas] "
        "[without|but gave no] [further detail|details].",
        "[Officials|The two sides] [also|further] [agreed|discussed plans] to [co-produce|stockpile|test] "
        "[missiles|drones|spare parts] [in {ally}|on both sides of the Pacific].",
        "{ally} [plans to|has pledged to] [raise|increase] defense spending to [about|around] "
        "{num_small} percent of GDP [by 2027|over five years].",
        "[A joint statement|A fact sheet] [listed|named] {num} [projects|initiatives] [including|such as] "
        "{item}.",
        "[Analysts|Observers] [said|noted] the [call|meeting] [was|came] [routine|timed] [ahead of|after] "
        "[a leaders' summit|an alliance anniversary|the annual two-plus-two talks].",
        "[The ministers|Both sides] [will meet again|plan to meet in person] [in {month}|later this year|at "
        "the next regional forum].",
        "[Troop rotations|Port visits|Training flights] [to|in] {ally} [are expected to grow|will increase|"
        "will continue] [next year|over the coming months].",
        "The [two ministers|defense chiefs] [also discussed|discussed] [recent|growing] Chinese military "
        "activity [around Taiwan|in the East China Sea|near disputed islands].",
    ),
    asides=(
        "{us_short} [told|assured] {ally_short} that [Washington|the Pentagon] [would keep|keeps] lines of "
        "communication with [Beijing|the Chinese military] open to [avoid|reduce the risk of] "
        "[miscalculation|accidents].",
        "[The call|The meeting] [came|took place] [weeks|a month] after {us_short} [held|had] a [rare|"
        "long-awaited] video call with {cn_min}.",
    ),
    quotes=(
        "Alliances are built in quiet phone calls like this one",
        "The agenda is practical now, it's about production and logistics",
        "Partners want to see follow-through, not just statements",
        "These conversations matter more when the region is tense",
        "It's a routine call with a very full agenda",
    ),
    roles=("defense analyst", "retired admiral", "security researcher", "former defense official"),
    orgs=lambda rng: rng.choice((institute(rng), "a security think tank")),
    facts=lambda rng: {"num_small": lambda r: f"{r.randint(1, 3)}.{r.randint(0, 9)}"},
)


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


SEA_STANDOFF = Beat(
    name="sea_standoff",
    sections=("Asia", "World"),
    tags=("South China Sea", "Philippines", "China", "maritime disputes", "coast guard"),
    headlines=(
        "Chinese coast guard {tactic} {boat} near {shoal}, Manila says",
        "Philippines [protests|summons envoy over] [water cannon|collision|blockade] at {shoal}",
        "[Tense|Dangerous|New] [standoff|encounter|clash] at {shoal} as China and Philippines [trade blame|"
        "swap accusations]",
        "Manila [to file|files] [protest|complaint] after {shoal} [incident|confrontation]",
    ),
    leads=(
        "Chinese coast guard ships {tactic} {boat} near {shoal} on {weekday}, the Philippine coast guard "
        "said, "
        "[injuring|endangering] [{crew} crew members|the crew] [in the latest|in another] confrontation in "
        "the South China Sea.",
        "The Philippines [protested|lodged a protest over] what it called [dangerous|aggressive|illegal] "
        "[maneuvers|actions] by Chinese coast guard vessels [near|at] {shoal} on {weekday}.",
        "[A Philippine|Manila's] [supply mission|patrol] to {shoal} [was blocked|was turned back|ended in a "
        "collision] on {weekday}, [the latest flare-up|another incident] in a long-running dispute with "
        "China.",
    ),
    body=(
        "The [Chinese|China's] coast guard [said|countered] the Philippine [vessel|boat] had [entered|"
        "intruded into] [Chinese waters|waters near the shoal] [illegally|without permission] and that it "
        "had [taken|used] [necessary|lawful] measures.",
        "[Video|Footage|Photos] [released|shared] by the Philippine side [showed|appeared to show] the "
        "[ships|vessels] [within|just] {meters} meters of each other.",
        "[Manila|The Philippine foreign ministry] [summoned|called in] [a Chinese diplomat|China's "
        "ambassador] [to protest|over the incident].",
        "The United States [said|stated] [in a statement|through its embassy in Manila] that it [stood with|"
        "supported] [its ally|the Philippines] and [cited|referred to] [the 1951 mutual defense treaty|"
        "treaty obligations].",
        "[Fishermen|Local fishing crews] [from|based in] [Zambales|Palawan|Pangasinan] [say|complain] they "
        "[are|have been] [chased away|kept away|harassed] [more often|for months].",
        "A [2016|2016 arbitral] ruling [found|held] that [China's|Beijing's] [sweeping claims|claims] [had "
        "no "
        "legal basis|were invalid], a decision Beijing [rejects|does not recognize].",
        "[The shoal|The reef|The area] [lies|sits] [about|roughly] {num}0 nautical miles [off|from] "
        "[Palawan|Luzon|the Philippine coast].",
        "[Both sides|The two countries] [agreed|have talked about] [in {month}|earlier this year] to "
        "[manage|handle|defuse] [disputes|incidents] [through dialogue|through diplomatic channels].",
        "[Resupply missions|Rotations|Patrols] [to the outpost|to the area] [have become|are now] [a flash "
        "point|routine|more frequent], [analysts say|officials say].",
        "The [incident|encounter] [lasted|went on] [about|nearly] {num} hours, [the coast guard said|"
        "according to Manila].",
        "[The U.S. Navy|U.S. forces] [have stepped up|increased] [patrols|joint sails] with the Philippines, "
        "[drawing|prompting] [protests|warnings] from the Chinese military.",
    ),
    asides=(
        "[Washington|U.S. officials] [have urged|urged] Beijing to [use|keep open] crisis communication "
        "[channels|lines] to [avoid|prevent] [accidents|escalation] at sea.",
    ),
    quotes=(
        "We will not be intimidated out of our own waters",
        "Each incident raises the risk of a miscalculation",
        "This is a test of patience and of international law",
        "The fishermen are the ones who pay for this",
        "Beijing wants to show control without firing a shot",
    ),
    roles=("maritime analyst", "fisherman", "international law scholar", "retired navy officer"),
    orgs=lambda rng: rng.choice((institute(rng), "a fishing cooperative", "a maritime research group")),
    facts=_sea_facts,
)

BEATS: dict[str, Beat] = {
    beat.name: beat
    for beat in (
        ECONOMY,
        SPORT,
        WEATHER,
        LOCAL_POLITICS,
        TECHNOLOGY,
        HEALTH,
        CULTURE,
        TRADE_TALKS,
        ALLY_CALL,
        SEA_STANDOFF,
    )
}
# off-topic beats in the mix: everyday news mostly, near misses about one article in seven
BEAT_WEIGHTS = {
    "economy": 14,
    "sport": 14,
    "weather": 10,
    "local_politics": 13,
    "technology": 11,
    "health": 10,
    "culture": 10,
    "trade_talks": 6,
    "ally_call": 6,
    "sea_standoff": 6,
}

# ============================================================================ on the beat: the events

US_DEFENSE = ((date(2025, 1, 25), "Pete Hegseth"), (date(2000, 1, 1), "Lloyd Austin"))
CN_DEFENSE = (
    (date(2023, 11, 1), "Dong Jun"),
    (date(2023, 3, 12), "Li Shangfu"),
    (date(2000, 1, 1), "Wei Fenghe"),
)
US_PACIFIC = (
    (date(2024, 5, 3), "Adm. Samuel Paparo"),
    (date(2021, 4, 30), "Adm. John Aquilino"),
    (date(2000, 1, 1), "Adm. Philip Davidson"),
)
CN_THEATRES = (
    ("Southern Theater Command", ((date(2000, 1, 1), "Gen. Wu Yanan"),)),
    (
        "Eastern Theater Command",
        ((date(2022, 1, 15), "Gen. Lin Xiangyang"), (date(2000, 1, 1), "Gen. He Weidong")),
    ),
)
US_CHIEFS = (
    (date(2025, 4, 11), "Gen. Dan Caine"),
    (date(2023, 10, 1), "Gen. CQ Brown"),
    (date(2000, 1, 1), "Gen. Mark Milley"),
)
CN_CHIEFS = ((date(2023, 8, 1), "Gen. Liu Zhenli"), (date(2000, 1, 1), "Gen. Li Zuocheng"))
MMCA_CITIES = ("Honolulu", "Qingdao", "Shanghai", "San Diego", "Zhanjiang", "Guam")
TRIGGERS = (
    "a Chinese balloon crossed U.S. airspace", "a U.S. destroyer sailed through the Taiwan Strait",
    "Washington approved a new arms package for Taiwan",
    "Washington added Chinese defense firms to a sanctions list", "a senior U.S. lawmaker visited Taipei",
    "a Chinese fighter jet flew within meters of a U.S. surveillance plane",
)


@dataclass(frozen=True, slots=True)
class Topic:
    """A subject discussed in an event: what each side said about it, in several wordings."""

    short: str
    us: tuple[str, ...]
    china: tuple[str, ...]


TOPICS = (
    Topic(
        "Taiwan",
        (
            "{us_short} [urged|pressed] Beijing to [refrain from|avoid] [coercive|destabilizing|provocative] "
            "military activity [around|near] Taiwan",
            "the American side [stressed|underlined] the importance of peace and stability across the Taiwan "
            "Strait",
        ),
        (
            "{cn_short} [warned|told] [Washington|the U.S. side] that Taiwan [is|remained] [the core of "
            "China's "
            "core interests|a red line that must not be crossed]",
            "the Chinese side [said|insisted] [no one|nobody] should [underestimate|doubt] China's [resolve|"
            "determination] on Taiwan",
        ),
    ),
    Topic(
        "the South China Sea",
        (
            "{us_short} [raised|voiced] concern about [unsafe|dangerous|risky] [maneuvers|intercepts] by "
            "Chinese "
            "ships and aircraft in the South China Sea",
            "U.S. officials [pointed to|cited] [recent|a string of] [close encounters|incidents] at sea",
        ),
        (
            "{cn_short} [accused the United States of|blamed the United States for] [stirring up trouble|"
            "provocations|meddling] in the South China Sea",
            "the Chinese side [said|argued] that U.S. [patrols|reconnaissance flights] near China's coast "
            "were "
            "the root of the problem",
        ),
    ),
    Topic(
        "Russia's war in Ukraine",
        (
            "{us_short} [pressed|urged] China not to [provide|supply] [material|military] support to Russia",
            "the U.S. side [raised|brought up] [China's ties with Moscow|Russia's war in Ukraine]",
        ),
        (
            "{cn_short} [said|replied] that China [was not a party to|held an objective position on] the "
            "conflict in Ukraine",
            "the Chinese side [rejected|dismissed] [suggestions|claims] that it [was arming|was helping] "
            "Russia",
        ),
    ),
    Topic(
        "North Korea",
        (
            "the two sides [discussed|touched on] North Korea's [missile tests|weapons programs]",
            "{us_short} [raised|mentioned] [Pyongyang's|North Korea's] [launches|recent tests]",
        ),
        (
            "{cn_short} [called for|urged] [restraint|dialogue] on the Korean Peninsula",
            "the Chinese side [said|repeated] that [pressure alone|sanctions alone] would not [solve|settle] "
            "the [issue|problem]",
        ),
    ),
    Topic(
        "unsafe intercepts",
        (
            "{us_short} [raised|protested] a [series|string] of [close|risky] intercepts of U.S. aircraft by "
            "Chinese fighter jets",
            "the American side [said|stressed] that [professional conduct|safe behavior] in the air and at "
            "sea "
            "[was essential|could prevent accidents]",
        ),
        (
            "{cn_short} [said|countered] that U.S. [surveillance|reconnaissance] flights [close to|near] "
            "China's coast were [provocative|the cause of the problem]",
            "the Chinese side [asked|demanded] that U.S. [ships and planes|forces] [keep their distance|"
            "reduce their activity]",
        ),
    ),
    Topic(
        "artificial intelligence",
        (
            "the two sides [discussed|talked about] keeping human control over [decisions on|the use of] "
            "nuclear weapons",
            "{us_short} [raised|brought up] [risks from|the military use of] artificial intelligence",
        ),
        (
            "{cn_short} said China [supported|favored] [responsible|prudent] use of artificial intelligence "
            "in the military domain",
            "the Chinese side [called for|proposed] [further|regular] talks on [emerging technologies|AI]",
        ),
    ),
)

PERIOD_BACKGROUND = (
    # (until, sentences about the state of military channels in that period)
    (
        date(2022, 8, 2),
        (
            "[Military contacts|Military-to-military talks] between [the two countries|Washington and "
            "Beijing] "
            "[had been|were] [sparse|thin|infrequent] since [early 2021|the change of administration in "
            "Washington].",
            "[The Biden administration|The new U.S. administration] [has said|had said] it [wants|wanted] "
            "[guardrails|floors] [under|around] [the relationship|the rivalry] with China.",
            "[Earlier|Previous] [requests|attempts] by the Pentagon to [set up|arrange] a call at the "
            "defense-"
            "minister level [went unanswered|were turned aside] for months.",
        ),
    ),
    (
        date(2023, 11, 15),
        (
            "China [cut off|suspended|froze] [several|a range of] military [channels|dialogues] in August "
            "2022 "
            "after [the then House Speaker's|a U.S. House Speaker's] visit to Taiwan.",
            "[Since then|Over the past year|For months], [Beijing|the Chinese side] has [declined|turned "
            "down|"
            "ignored] [most|repeated] U.S. requests for [senior-level|defense-minister-level] [calls|talks].",
            "[The freeze|The suspension] [covered|included] [theater commander talks|the defense policy "
            "coordination talks] and the [maritime consultative|MMCA] [meetings|talks].",
        ),
    ),
    (
        date(2099, 1, 1),
        (
            "[Presidents Biden and Xi|The two presidents] agreed at [their November 2023 summit|a summit in "
            "Woodside, California, in November 2023] to [restore|resume] military-to-military "
            "communications.",
            "[Since the Woodside summit|Since late 2023], the [two militaries|two sides] have [resumed|"
            "restarted] [theater commander talks|several channels], [including|along with] the [maritime "
            "consultative|MMCA] talks.",
            "[U.S. officials|The Pentagon] [have said|say] [open|regular] military channels [reduce|lower] "
            "the "
            "[risk|danger] that [an accident|a close encounter] at sea or in the air [spirals|escalates] "
            "into "
            "[a crisis|conflict].",
        ),
    ),
)

ANALYST_QUOTES = (
    "A call like this doesn't solve anything, but it keeps the door from closing",
    "The point of these channels is to have them working before a crisis, not during one",
    "Beijing treats military contacts as a reward, Washington treats them as a safety net",
    "What matters is whether the line is picked up when something goes wrong",
    "Both sides wanted to show they can still talk, even while they compete hard",
    "The readouts tell you each side was speaking mostly to its own audience",
    "I'd watch for whether the working-level talks follow, that's the real test",
    "Silence on the military side has been the most worrying part of the relationship",
    "Nobody expected a breakthrough, and there wasn't one",
    "It's a modest step, but modest steps are what's on offer",
    "Refusing a call is itself a message, and Beijing knows that",
    "The fact that it happened at all is the news",
    "Militaries that don't talk end up guessing, and guessing is dangerous",
    "The Chinese side sees these calls as a concession it can take back at any time",
    "You want commanders who have each other's number before an incident, not after",
    "This was about managing the downside, nobody is talking about trust",
    "The timing tells you both capitals are worried about the next few months",
    "A readout is a negotiated document, so read what is missing as well",
    "Talking is cheap, but not talking can become very expensive",
    "The lower-level channels are where the real risk reduction happens",
    "Each side will claim the other asked for the call, and that is part of the game",
    "I'd call it a thaw at the top and a freeze everywhere else",
)
ANALYST_LINES = (
    '"{quote}," said {analyst}.', '{analyst}, said: "{quote}."',
    '"{quote}," {analyst}, [told|wrote to] {paper}.', '"{quote}," [added|argued|observed] {analyst}.',
    '[Not everyone|Some analysts] [read it that way|agreed]. "{quote}," said {analyst}.',
)
ANALYST_ROLES = (
    "a senior fellow", "a China security analyst", "a former Pentagon official", "a retired Navy captain",
    "a professor of international relations", "a researcher",
)


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
    us_sec, cn_min = _holder(US_DEFENSE, day), _holder(CN_DEFENSE, day)
    if kind == "theatre_call":
        theatre, holders = rng.choice(CN_THEATRES)
        us, cn = _holder(US_PACIFIC, day), _holder(holders, day)
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
        us, cn = _holder(US_CHIEFS, day), _holder(CN_CHIEFS, day)
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


# Headlines and leads per kind; an event's articles take different ones.
EVENT_HEADLINES = {
    "call": (
        "{us_short} and {cn_short} hold [first|rare|long-awaited] {medium} call in {gap} months",
        "US and Chinese [defense chiefs|military leaders] talk as tensions [simmer|rise] over {topic}",
        "{us_short} [speaks with|talks to] China's {cn_short} [by video|in {minutes}-minute call]",
        "{cn_short} [warns|presses] {us_short} on {topic} in {medium} call",
        "[Pentagon|Washington] and [Beijing|PLA] [reopen|restart] [top-level|senior] military talks after "
        "{gap}-month [gap|pause]",
        "[Analysis|Explainer]: what the {us_short}–{cn_short} call [says|means] for US–China military ties",
        "US, China [military|defense] [leaders|chiefs] [agree|pledge] to keep [channels|lines] open",
    ),
    "mmca": (
        "US and Chinese [navies|militaries] hold maritime safety talks in {city}",
        "[MMCA|Maritime consultative] talks [resume|open|wrap up] in {city} [after|amid] [a pause|tensions]",
        "US, China [military officers|delegations] [review|discuss] [close encounters|unsafe incidents] at "
        "sea in {city}",
        "[Inside|What happened at] the US–China maritime [safety|consultative] talks in {city}",
        "[Navies|Militaries] of US and China [meet|sit down] in {city} to [cut|lower] risk of [accidents|"
        "collisions]",
    ),
    "refusal": (
        "China [declines|rejects|turns down] US request for {us_short}–{cn_short} call",
        "Pentagon says Beijing [refused|did not answer] [call|request] after {trigger_short}",
        "[Silence from Beijing|No answer]: China [snubs|rebuffs] US defense chief's [call|request for talks]",
        "China [rejects|refuses] [military|defense] talks with US [over|after] {trigger_short}",
        "US [frustrated|concerned] as China [keeps|leaves] military [hotline|channels] [silent|unanswered]",
    ),
}
EVENT_LEADS = {
    "call": (
        "{us_full} [spoke with|held a {medium} call with|talked by {medium} with] {cn_full} on {weekday}, "
        "[the first such contact in {gap} months|their first conversation in {gap} months], "
        "[officials said|according to readouts from both sides].",
        "[The top military officials|Senior defense leaders] of the United States and China [held|had] a "
        "{medium} call on {weekday} lasting about {minutes} minutes, [the Pentagon said|the Pentagon and "
        "China's Ministry of National Defense said].",
        "[In a {medium} call lasting {minutes} minutes|During a {medium} call of about {minutes} minutes] on "
        "{weekday}, {us_short} [told|assured] {cn_short} that the [U.S. and Chinese militaries|two "
        "militaries] "
        "[must|should] keep [lines of communication|military channels] open.",
        "[Washington and Beijing|The United States and China] [restarted|resumed] [senior|top-level] "
        "military [talks|contacts] on {weekday} as {us_short} and {cn_short} [spoke|held a {medium} call], "
        "[ending|after] a {gap}-month [gap|silence].",
    ),
    "mmca": (
        "[Military officers|Delegations] from the United States and China [met|held talks] in {city} "
        "[this week|on {weekday}] under the Military Maritime Consultative Agreement, [the first "
        "such|another] "
        "round [in {gap} months|since the channel was restored].",
        "U.S. and Chinese [naval|military] [delegations|officers] [held|wrapped up] [two days|three days] of "
        "maritime safety talks in {city} on {weekday}, [reviewing|discussing] [close encounters|unsafe "
        "incidents] between [their|the two] forces.",
        "The [U.S. and Chinese militaries|U.S. military and the PLA] [sat down|met] in {city} on {weekday} "
        "for [talks|consultations] under the [MMCA|Military Maritime Consultative Agreement], a [1998|"
        "decades-old] [mechanism|channel] [meant|designed] to [prevent|reduce] accidents at sea.",
    ),
    "refusal": (
        "China [declined|turned down|refused] a U.S. request for a call between {us_full} and {cn_full} "
        "after {trigger}, the Pentagon said on {weekday}.",
        "[Beijing|China's military] has [not answered|declined|rebuffed] [repeated|a] U.S. [request|"
        "requests] for [defense-minister|senior military] talks, [the Pentagon said|U.S. officials said] on "
        "{weekday}, [in|after] [a standoff|a dispute] [that began|triggered] when {trigger}.",
        "The Pentagon said on {weekday} that {cn_full} [refused|declined] to [take|hold] a call with "
        "{us_full}, [deepening|extending] a [freeze|breakdown] in military [communication|contacts] between "
        "the two countries.",
    ),
}
EVENT_BODY = {
    "call": (
        "[It was|This was] the first [conversation|call|contact] [at this level|between the two] in {gap} "
        "months, [according to|said] [a senior defense official|U.S. officials|the Pentagon].",
        "[The call|The conversation] [was requested by|came at the request of] [the U.S. side|Washington|"
        "the Chinese side], [officials said|the readouts said].",
        "[A Pentagon readout|The Pentagon's summary|A U.S. statement] [described|called] the [call|"
        "conversation] [candid and constructive|professional and substantive|frank and in-depth].",
        "China's Ministry of National Defense said [in its readout|in a statement] that the two sides "
        "[had|held] [an in-depth exchange of views|a frank exchange|candid talks] on [military relations|"
        "issues of common concern].",
        "{us_short} [stressed|said|emphasized] that [open|regular] military channels [were|are] [essential|"
        "vital] to [prevent|avoid] [miscalculation|misunderstanding] between the [U.S. and Chinese "
        "militaries|"
        "two militaries].",
        "Both sides [agreed to|said they would] [keep talking|maintain communication|hold further talks] "
        "[at several levels|through military channels], [the readouts said|officials said].",
        "The {medium} call [lasted|ran] [about|just over|nearly] {minutes} minutes, [a U.S. official said|"
        "according to the Pentagon].",
        "[Neither side|No one] [announced|reported] [new agreements|a concrete outcome], [but|although] "
        "[officials|the Pentagon] [called|described] the call [useful|a step forward].",
        "[A senior U.S. defense official|A Pentagon official], [speaking on condition of anonymity|who "
        "briefed reporters], said the [tone|mood] of the {medium} call was [businesslike|calm|cordial but "
        "firm].",
        "[The Chinese readout|Beijing's account of the call] [was|ran] [longer|shorter] than the Pentagon's "
        "and [stressed|emphasized] [China's red lines|mutual respect|the principle of equality].",
        "{cn_short} [said|told {us_short}] that [the relationship|military ties] [could|would] only "
        "[improve|move forward] if Washington [respected|took seriously] China's [core interests|concerns].",
        "{us_short} [also|separately] [raised|mentioned] the [value|importance] of [regular|routine] "
        "[contacts|talks] between [theater commanders|officers at lower levels] [in a crisis|when "
        "incidents happen].",
        "[The call|The exchange] [followed|came after] [weeks|months] of [preparation|quiet diplomacy] by "
        "[staff|officials] on both sides, [according to|said] [people familiar with the planning|a U.S. "
        "official].",
        "[Interpreters|Translators] [were used|worked] on both ends, [which|and that] [roughly halved|cut] "
        "the time [available|left] for [substance|discussion], [one official noted|an official said].",
    ),
    "mmca": (
        "The [talks|meetings] [focused on|covered] [safe conduct|professional behavior] of [ships and "
        "aircraft|"
        "air and naval forces] [in the Indo-Pacific|in the South China Sea and beyond].",
        "[The U.S. delegation|U.S. officers] [came|was drawn] from Indo-Pacific Command and [the Pacific "
        "Fleet|Pacific Air Forces], while the PLA [Navy|side] [sent|fielded] [officers|a delegation] from "
        "[its Southern Theater Command|the navy and air force].",
        "[Participants|Both delegations] [reviewed|went through] [specific|recent] [incidents|encounters] "
        "[and|to] [discussed|identify] [how to avoid|ways to prevent] [a repeat|them].",
        "The Military Maritime Consultative Agreement [dates from|was signed in] 1998 and [is|remains] one "
        "of the [oldest|longest-running] military channels between the two countries.",
        "[The next round|A further meeting] [is expected|will take place|is planned] [next year|in {month}|"
        "in the spring], [the Pentagon said|according to a U.S. statement].",
        "China's defense ministry [said|described] the [talks|meeting] as [professional|pragmatic|frank] "
        "and [urged|called on] the U.S. side to [reduce|stop] [close-in reconnaissance|provocations].",
        "[Officers|Participants] [compared|walked through] [logs|radio recordings|track data] from "
        "[specific|several] encounters [over the past year|since the last round], [a U.S. official said|"
        "officials said].",
        "[The agenda|Discussion] [also included|touched on] [communication between ships at sea|rules for "
        "unplanned encounters|search and rescue cooperation].",
        "[The meeting|The round] [was held|took place] [at a military facility|at a naval base|in a hotel "
        "conference room] in {city} and [was closed to|was not open to] [the press|reporters].",
        "[No|Neither] [joint statement|side published a joint text], [but|and] [both|each] [issued|released] "
        "[a short summary|its own readout] [afterward|the next day].",
        "[The talks|This round] [came|took place] {gap} months after the [previous|last] [meeting|round], "
        "[according to the Pentagon|U.S. officials said].",
    ),
    "refusal": (
        "[A Pentagon spokesperson|The Pentagon's press secretary|A U.S. defense official] said the "
        "[request|invitation] [was|had been] [sent|made] [days|soon] after {trigger}.",
        "[Beijing|China's defense ministry] [said|argued] the United States [had|has] [created|caused] the "
        "[conditions|atmosphere] that made [talks|dialogue] [impossible|inappropriate].",
        "[U.S. officials|The Pentagon] [said|called] the refusal [regrettable|unfortunate|a mistake] and "
        "[said|stressed] that [channels of communication|the lines] [matter most|are needed most] when "
        "tensions [run high|are high].",
        "The [refusal|snub|silence] [was|is] the [latest|newest] in a [series|string] of [declined|"
        "unanswered] [calls|requests] [since|over] [the past year|several months].",
        "{us_short} [has said|said] [publicly|in a speech] that [he|his office] [would|will] [keep trying|"
        "keep asking] to [reach|speak with] {cn_short}.",
        "[Analysts|Observers] [say|note] that [Beijing|China] [often|has long] [uses|used] [the suspension "
        "of|access to] military talks as [leverage|a signal of displeasure].",
        "[A defense telephone link|A secure defense telephone link] [set up|established] in 2008 [exists|is "
        "in place] [for such moments|for crises] but [has rarely been used|is seldom answered], [experts "
        "say|officials say].",
        "[The Pentagon|U.S. officials] [said|noted] [requests|attempts] to [arrange|set up] [calls|talks] "
        "[at lower levels|between theater commanders] [had also gone unanswered|were also declined].",
        "[China's Ministry of National Defense|Beijing's defense ministry] [did not|declined to] [comment "
        "directly on|confirm] the [request|refused call] [at its monthly briefing|when asked].",
        "[Some|Several] [lawmakers|members of Congress] [criticized|seized on] the refusal, [saying|arguing] "
        "it [showed|proved] [the limits of|the failure of] [engagement|quiet diplomacy].",
        "[The standoff|The dispute] [has|had] [left|kept] [the two militaries|the U.S. and Chinese "
        "militaries] "
        "without [a working channel|senior-level contact] [for months|since the summer].",
    ),
}
EVENT_NEXT = (
    "[Further talks|The next round] [could|may] [come|take place] [on the sidelines of|before] the "
    "[Shangri-La Dialogue|ASEAN defense ministers' meeting|regional security forum] in {month}.",
    "[Working-level|Staff-level|Lower-level] [talks|meetings] [are expected to|should|will] "
    "[follow|continue] "
    "in the [coming weeks|coming months].",
    "[Officials|Both sides] [did not say|gave no date for] when the [next|following] [contact|call|round] "
    "[would|might] [happen|take place].",
)
WIRE_NOTE = (
    "[This report|The report above] [comes from|is from|was filed by] [our wire service partners|a wire "
    "service] and has been [edited|lightly edited] for length."
)


def _event_facts(event: Event, rng: random.Random, outlet_city: str) -> dict[str, Slot]:
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


# ==================================================================================== writing stories


def _paragraphs(sentences: list[str], rng: random.Random) -> tuple[str, ...]:
    """Sentences grouped into 8-25 paragraphs of one to four sentences."""
    wanted = max(8, min(25, round(len(sentences) / rng.uniform(1.8, 2.8))))
    wanted = min(wanted, len(sentences))
    cuts = sorted(rng.sample(range(1, len(sentences)), wanted - 1))
    bounds = [0, *cuts, len(sentences)]
    return tuple(" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds))


def _fill(sentences: list[str], target: int, more: Callable[[], str]) -> list[str]:
    words = sum(len(s.split()) for s in sentences)
    while words < target:
        sentence = more()
        sentences.append(sentence)
        words += len(sentence.split())
    return sentences


def write_off_topic(number: int, beat: Beat, rng: random.Random, day: date, author: str) -> Story:
    """An article of an off-topic beat: 400-1,200 words of its templates and the generic ones."""
    city = rng.choice(CITIES)
    facts = generic_facts(rng, city)
    facts.update(beat.facts(rng))
    facts["us_sec"] = f"Defense Secretary {_holder(US_DEFENSE, day)}"
    facts["cn_min"] = f"Chinese Defense Minister {_holder(CN_DEFENSE, day)}"
    if beat.name == "ally_call":
        facts.update(_ally_facts(rng, day))
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

    _fill(sentences, target, more)
    if beat.asides and rng.random() < 0.7:
        sentences.insert(rng.randint(2, len(sentences)), writer.say(rng.choice(beat.asides)))
    pull = f"“{rng.choice(beat.quotes)}.”" if rng.random() < 0.35 else ""
    published = datetime(day.year, day.month, day.day, rng.randint(5, 21), rng.randint(0, 59))
    tags = tuple(rng.sample(beat.tags, k=min(len(beat.tags), rng.randint(2, 5))))
    return Story(
        number,
        beat.name,
        title,
        _paragraphs(sentences, rng),
        published,
        author,
        rng.choice(beat.sections),
        tags,
        pull_quote=pull,
    )


_BRITISH = re.compile(r"(?<=[Dd]efen)se|(?<=[Tt]heat)er(?=s?\b)")


def _british(text: str) -> str:
    """defense → defence, theater → theatre (the topic reads both)."""
    return _BRITISH.sub(lambda m: "ce" if m.group(0) == "se" else "re", text)


def write_event_story(
    number: int, event: Event, index: int, event_id: int, rng: random.Random, author: str
) -> Story:
    """One outlet's article on ``event``: its own headline, lead, order and wording of the shared facts."""
    kind = "call" if event.kind.endswith("_call") else event.kind
    writer = Writer(rng, _event_facts(event, rng, rng.choice(CITIES)))
    headlines = EVENT_HEADLINES[kind]
    title = writer.say(headlines[(index + event_id) % len(headlines)])  # each outlet its own headline
    leads = EVENT_LEADS[kind]
    sentences = [writer.say(leads[index % len(leads)])]
    sentences += _event_sentences(event, writer, rng)
    target = rng.randint(420, 1150)
    extra = rng.sample(GENERIC_DEFENSE, k=len(GENERIC_DEFENSE))
    _fill(sentences, target, lambda: writer.say(extra.pop() if extra else rng.choice(ANALYST_LINES)))
    day = event.day + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
    published = datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59))
    tags = (
        "U.S.-China relations",
        "military",
        *rng.sample(("Pentagon", "PLA", "Indo-Pacific", "defense", "diplomacy", "Asia"), k=2),
    )
    pull = f"“{rng.choice(ANALYST_QUOTES)}.”" if rng.random() < 0.4 else ""
    paragraphs = _paragraphs(sentences, rng)
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


# Sentences that pad an on-beat article with the wider relationship (not the event itself).
GENERIC_DEFENSE = (
    "[Relations between|Ties between] Washington and Beijing [have been|remain] [strained|tense|fraught] "
    "over [Taiwan, technology and trade|a long list of disputes|security in the region].",
    "[Both governments|The two capitals] [say|have said] they [want|seek] to [stabilize|manage] the "
    "relationship [even as|while] they [compete|build up their forces].",
    "[The region|The Indo-Pacific] has [seen|witnessed] a [sharp|steady] [rise|increase] in [military "
    "activity|exercises|patrols] [over the past|in recent] [two years|few years].",
    "[Allies in the region|Partners such as Japan and Australia] [watch|follow] [such talks|these contacts] "
    "[closely|with interest].",
    "[Congressional|Some] [critics|lawmakers] [argue|have argued] that talks [reward|give legitimacy to] "
    "[Beijing|China] [without anything in return|while Washington gets nothing back].",
    "[Defense budgets|Military spending] in [both countries|the region] [continue to rise|keep rising], "
    "[according to independent researchers|international monitors say|figures from arms monitors show].",
    "[Officials on both sides|Diplomats] [have been|were] [careful|cautious] not to [raise|inflate] "
    "expectations [ahead of|before] [the talks|the call].",
    "[The State Department|Diplomats in Beijing] [separately|also] [said|noted] that [diplomatic|civilian] "
    "channels [remained|stayed] open [throughout|during] the [period|dispute].",
    '"{quote}," said {analyst}.',
    "[China's navy|The PLA Navy] [is now|has become] the [largest|biggest] in the world by number of ships, "
    "[Pentagon reports say|according to U.S. estimates].",
    "[The United States|Washington] [keeps|has] [tens of thousands of|about 80,000] troops [in Japan and "
    "South Korea|across the region].",
    "[Chinese state media|Beijing's official press] [covered|reported] the [news|development] [briefly|in a "
    "few lines|prominently], [quoting|citing] the defense ministry.",
    "[Markets|Investors] [paid little attention|barely reacted], [focused instead on|more interested in] "
    "[economic data|interest rates] [that week|at the time].",
    "[Military analysts|Researchers] [have counted|have logged] [dozens of|more than a hundred] "
    "[risky|unsafe] "
    "[encounters|intercepts] [between the two forces|in the region] [since 2021|over recent years].",
    "[The Pentagon's annual report on China|A Pentagon report to Congress] [has warned|warned] that the PLA "
    "[is expanding|keeps expanding] its [nuclear arsenal|navy and missile forces] [quickly|faster than "
    "expected].",
    "[Taiwan's|Taipei's] [government|defense ministry] [said|says] it [follows|watches] [such contacts|the "
    "talks] [closely|carefully] and [expects|hopes] to be [kept informed|consulted].",
    "[Leaders of the two countries|The two presidents] [last met|have met] [in person|face to face] "
    "[on the sidelines of a summit|at a regional summit] [and|where they] [agreed|pledged] to "
    "[keep|maintain] "
    "[communication|contact].",
    "[The Shangri-La Dialogue in Singapore|The annual Shangri-La Dialogue] [is|has long been] [one of the "
    "few places|a rare venue] where [defense chiefs from both countries|the two defense chiefs] can "
    "[meet|cross paths].",
)


# ============================================================================================ markup

SECTIONS = {  # menu sections and their sub-sections (the mega menu lists them all)
    "News": (
        "Local", "Region", "Nation", "World", "Asia", "Courts", "Crime", "Education", "Environment",
        "Transportation", "Obituaries", "Corrections",
    ),
    "Politics": (
        "City Hall", "County", "Statehouse", "Congress", "Elections", "Local Politics", "Campaign Finance",
        "Voter Guide", "Fact Checks", "Polls", "Ballot Measures", "Analysis",
    ),
    "Business": (
        "Economy", "Real Estate", "Jobs", "Small Business", "Markets", "Personal Finance", "Agriculture",
        "Energy", "Ports", "Tourism", "Retail", "Startups",
    ),
    "Sport": (
        "High Schools", "Colleges", "Soccer", "Basketball", "Baseball", "Hockey", "Outdoors", "Fishing",
        "Golf", "Running", "Scores", "Betting Lines",
    ),
    "Weather": (
        "Forecast", "Radar", "Storm Center", "Tides", "Air Quality", "Climate", "Wildfires", "Snow Reports",
        "Marine Forecast", "Almanac",
    ),
    "Technology": (
        "Gadgets", "Apps", "Artificial Intelligence", "Cybersecurity", "Science", "Space", "Reviews",
        "How To",
    ),
    "Health": (
        "Wellness", "Fitness", "Nutrition", "Mental Health", "Hospitals", "Aging", "Parenting",
        "Medical Research",
    ),
    "Culture": (
        "Arts", "Books", "Music", "Movies", "Television", "Theater", "Food & Drink", "Restaurants",
        "Events Calendar", "Museums", "Festivals", "Things To Do",
    ),
    "Opinion": (
        "Editorials", "Columnists", "Letters to the Editor", "Guest Commentary", "Cartoons",
        "Submit a Letter",
    ),
    "Defence": ("Military", "Veterans", "Pentagon", "Navy", "Indo-Pacific", "National Security"),
}
FOOTER = {
    "About Us": (
        "About the Ledger", "Our Newsroom", "Staff Directory", "Careers", "Ethics Policy",
        "Corrections Policy", "Contact Us", "Send a News Tip", "Advertise With Us", "Media Kit",
        "Press Releases", "Our History",
    ),
    "Subscriber Services": (
        "Subscribe", "Manage Account", "e-Edition", "Digital Access FAQ", "Gift a Subscription",
        "Vacation Hold", "Report a Delivery Issue", "Student Rates", "Group Subscriptions", "Newsletters",
        "Mobile Apps", "Podcasts",
    ),
    "Sections": (
        "Local News", "Politics", "Business", "Sport", "Weather", "Technology", "Health", "Culture",
        "Opinion", "Obituaries", "Puzzles & Games", "Photo Galleries",
    ),
    "Marketplace": (
        "Classifieds", "Jobs Board", "Homes for Sale", "Cars", "Legal Notices", "Public Notices",
        "Place an Ad", "Place an Obituary", "Coupons", "Shop the Ledger", "Sponsored Content", "Events",
    ),
    "Legal": (
        "Terms of Service", "Privacy Policy", "Cookie Settings", "Do Not Sell My Info", "Accessibility",
        "Copyright Notice", "Site Map", "RSS Feeds", "AI Use Policy", "Comment Guidelines",
        "Reprints & Permissions", "Archives",
    ),
}
# Boilerplate marker strings: tests check that extraction keeps them out of the article text.
MARKERS = {
    "menu": "Betting Lines",
    "ticker": "Breaking:",
    "newsletter": "Morning Ledger briefing",
    "related": "Related Articles",
    "comments": "Subscribe to Comments",
    "comment_form": "Join the discussion",
    "sidebar": "Most Popular",
    "footer": "Reprints & Permissions",
    "bio": "covers the harbor beat",
    "share": "Share this",
}
COMMENTS = (
    "[Good|Great|Solid|Useful] [piece|article|reporting] on this. [I had no idea|Never knew] about {detail}.",
    "[Not sure|I doubt|Skeptical] this [changes|means] anything. We've [heard|read] the same [story|"
    "promises] [every year|for a decade].",
    "[Anyone|Does anyone] know [if|whether] [this|the change] [affects|applies to] {town}?",
    "[Thanks|Thank you] for [covering|following] this. [Nobody else|No other outlet] [does|is doing] it.",
    "The [headline|photo caption] [is misleading|oversells it|buries the lede], [the real story|what "
    "matters] is {detail}.",
    "[My|Our] [family|neighbor|brother] [went through|dealt with] [something like this|the same thing] "
    "[in|back in] {year}. [It took|Took] [months|years] to [sort out|fix].",
    "[Interesting|Fair] [points|take], but [what about|you left out] {detail}?",
    "[Lived|Grew up] in {town} [for|about] {num} years and [this|that] [tracks|sounds right].",
    "[Sigh|Here we go again|Called it]. [Wait|Watch] and see what happens [next month|after the election].",
    "[Can you|Could the Ledger] [follow up|do a follow-up] on {detail}? [Would|I'd] [read|appreciate] that.",
)
COMMENT_DETAILS = {
    "economy": ("the rent numbers", "the warehouse jobs", "the tax break", "what happens to the suppliers"),
    "sport": ("the second goal", "the injury list", "the new stadium lights", "the ticket prices"),
    "weather": ("the outage map", "the shelters", "the river levels", "the school closures"),
    "local_politics": ("the bond cost", "the council vote", "the traffic study", "the recall petition"),
    "technology": ("the privacy settings", "the outage", "the subscription price", "the battery life"),
    "health": ("the waiting times", "the clinic hours", "the study size", "the vaccine schedule"),
    "culture": ("the ticket prices", "the ending", "the renovation", "the festival parking"),
    "trade_talks": ("soybean prices", "the tariff math", "the shipping costs", "the truce deadline"),
    "ally_call": ("the exercise schedule", "the spending target", "the drone deal", "the base plans"),
    "sea_standoff": ("the fishermen", "the water cannon video", "the treaty language", "the shoal"),
    "event": ("the readouts", "the hotline", "who asked for the call", "the next round of talks"),
}
TICKER_PREFIX = "Breaking:"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70]


def _svg_path(rng: random.Random, points: int) -> str:
    """Plausible icon path data: moves, curves and lines on a 24-unit grid."""
    parts = [f"M{rng.uniform(1, 23):.2f} {rng.uniform(1, 23):.2f}"]
    for _ in range(points):
        if rng.random() < 0.6:
            coords = " ".join(f"{rng.uniform(0, 24):.3f}" for _ in range(6))
            parts.append(f"c{coords}")
        else:
            parts.append(f"l{rng.uniform(-6, 6):.3f} {rng.uniform(-6, 6):.3f}")
    return "".join(parts) + "z"


def _svg(rng: random.Random, name: str, points: int) -> str:
    return (
        f'<svg class="icon icon-{name}" aria-hidden="true" role="img" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
        f'<path d="{_svg_path(rng, points)}"></path></svg>'
    )


def _global_styles(rng: random.Random) -> str:
    """WordPress-style global styles: preset variables and their utility classes (several KB)."""
    colors = [
        "black", "cyan-bluish-gray", "white", "pale-pink", "vivid-red", "luminous-vivid-orange",
        "luminous-vivid-amber", "light-green-cyan", "vivid-green-cyan", "pale-cyan-blue", "vivid-cyan-blue",
        "vivid-purple", "ledger-navy", "ledger-sand", "ledger-slate", "ledger-foam", "ledger-coral",
        "ledger-ink", "ledger-paper", "ledger-gold",
    ]
    gradients = [f"gradient-{i}" for i in range(1, 13)]
    sizes = {"small": "13px", "medium": "20px", "large": "36px", "x-large": "42px", "xx-large": "56px"}
    out = [":root{"]
    for name in colors:
        out.append(f"--wp--preset--color--{name}: #{rng.randrange(0x1000000):06x};")
    for name in gradients:
        out.append(
            f"--wp--preset--gradient--{name}: linear-gradient({rng.randint(0, 359)}deg,"
            f"rgba({rng.randint(0, 255)},{rng.randint(0, 255)},{rng.randint(0, 255)},1) 0%,"
            f"rgb({rng.randint(0, 255)},{rng.randint(0, 255)},{rng.randint(0, 255)}) 100%);"
        )
    for name, size in sizes.items():
        out.append(f"--wp--preset--font-size--{name}: {size};")
    for step in range(20, 90, 10):
        out.append(f"--wp--preset--spacing--{step}: {round(0.44 * 1.5 ** (step / 10 - 2), 2)}rem;")
    out.append(
        "--wp--preset--shadow--natural: 6px 6px 9px rgba(0, 0, 0, 0.2);"
        "--wp--preset--shadow--deep: 12px 12px 50px rgba(0, 0, 0, 0.4);}"
    )
    for name in colors:
        for prop, suffix in (
            ("color", "color"),
            ("background-color", "background-color"),
            ("border-color", "border-color"),
        ):
            out.append(f".has-{name}-{suffix}{{{prop}: var(--wp--preset--color--{name}) !important;}}")
    for name in gradients:
        out.append(
            f".has-{name}-gradient-background{{background: var(--wp--preset--gradient--{name}) !important;}}"
        )
    for name in sizes:
        out.append(f".has-{name}-font-size{{font-size: var(--wp--preset--font-size--{name}) !important;}}")
    for block in (
        "columns", "group", "image", "pullquote", "quote", "buttons", "gallery", "table", "cover", "embed",
        "separator", "list", "heading", "paragraph",
    ):
        out.append(
            f".wp-block-{block}{{margin-block-start:var(--wp--preset--spacing--30);"
            f"margin-block-end:0;}}.wp-block-{block}.is-layout-flex{{display:flex;gap:0.5em;"
            f"flex-wrap:wrap;align-items:center;}}.wp-block-{block}.alignwide{{max-width:1340px;}}"
        )
    return "".join(out)


def _theme_css(rng: random.Random) -> str:
    """The theme's inline CSS: section accents and a few layout rules."""
    out = []
    for section in SECTIONS:
        color = f"#{rng.randrange(0x1000000):06x}"
        slug = _slug(section)
        out.append(
            f".section-{slug} .entry-categories a,.mega-menu-item.menu-{slug}>a:hover{{color:{color};}}"
            f".section-{slug} .site-header{{border-bottom:3px solid {color};}}"
        )
    out.append(
        ".breaking-news-ticker{display:flex;overflow:hidden;white-space:nowrap;background:#111;"
        "color:#fff;font-size:14px;}.ticker-items{animation:ticker 60s linear infinite;}"
        "@keyframes ticker{0%{transform:translateX(0)}100%{transform:translateX(-100%)}}"
        ".mega-menu-panel{display:none;position:absolute;left:0;right:0;padding:24px;"
        "grid-template-columns:repeat(4,1fr);}.mega-menu-item:hover .mega-menu-panel{display:grid;}"
        ".related-grid{display:grid;grid-template-columns:repeat(3,1fr);gap:24px;}"
        "@media (max-width:782px){.related-grid{grid-template-columns:1fr;}.widget-area{display:none;}}"
    )
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Chrome:
    """The parts of every page that do not depend on the article (built once per site)."""

    styles: str
    menu: str
    footer: str
    icons: dict[str, str]
    emoji_script: str
    staff: tuple[str, ...]
    vendors: tuple[dict[str, object], ...]  # the consent manager's vendor list; pages list a share of it


def _menu() -> str:
    items = []
    for section, subs in SECTIONS.items():
        slug = _slug(section)
        columns = [subs[i : i + 4] for i in range(0, len(subs), 4)]
        cols = "".join(
            '<div class="mega-col"><ul class="sub-menu">'
            + "".join(
                f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
                f'<a href="{{base}}/category/{slug}/{_slug(sub)}/">{html.escape(sub)}</a></li>'
                for sub in column
            )
            + "</ul></div>"
            for column in columns
        )
        items.append(
            f'<li class="menu-item menu-item-has-children mega-menu-item menu-{slug}">'
            f'<a href="{{base}}/category/{slug}/" aria-haspopup="true">{html.escape(section)}</a>'
            f'<div class="mega-menu-panel" aria-label="{html.escape(section)} menu">{cols}'
            f'<div class="mega-col mega-col-all"><a class="mega-all" href="{{base}}/category/{slug}/">'
            f"All {html.escape(section)} &rarr;</a></div></div></li>"
        )
    utility = "".join(
        f'<li class="menu-item utility-item"><a href="{{base}}/{_slug(label)}/">{label}</a></li>'
        for label in (
            "e-Edition", "Newsletters", "Podcasts", "Puzzles", "Obituaries", "Contests", "Subscribe",
            "Log In",
        )
    )
    return (
        '<nav id="site-navigation" class="main-navigation mega-menu-nav" aria-label="Primary menu">'
        '<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>'
        f'<ul id="primary-menu" class="menu nav-menu">{"".join(items)}</ul>'
        f'<ul id="utility-menu" class="menu utility-menu">{utility}</ul></nav>'
    )


def _footer() -> str:
    columns = "".join(
        f'<section class="widget footer-column widget_nav_menu"><h2 class="widget-title">{html.escape(title)}'
        f'</h2><div class="menu-footer-{_slug(title)}-container"><ul class="menu">'
        + "".join(
            f'<li class="menu-item"><a href="{{base}}/{_slug(link)}/">{html.escape(link)}</a></li>'
            for link in links
        )
        + "</ul></div></section>"
        for title, links in FOOTER.items()
    )
    return (
        '<footer id="colophon" class="site-footer" role="contentinfo"><div class="footer-widgets">'
        f"{columns}</div>"
        '<div class="site-info"><p class="footer-about">The Harbor Ledger has served the coast since 1887. '
        "Independent, locally owned, reader supported.</p>"
        f'<p class="copyright">&copy; 2025 {SITE_NAME}. All rights reserved. This material may not be '
        "published, broadcast, rewritten or redistributed without permission.</p>"
        '<p class="powered">Proudly powered by WordPress</p></div></footer>'
    )


def _emoji_script(rng: random.Random) -> str:
    """A small inline loader of the kind WordPress prints in every head (our own code)."""
    settings = {
        "baseUrl": "https://s.w.org/images/core/emoji/15.0.3/72x72/",
        "ext": ".png",
        "svgUrl": "https://s.w.org/images/core/emoji/15.0.3/svg/",
        "svgExt": ".svg",
        "source": {"concatemoji": "{base}/wp-includes/js/wp-emoji-release.min.js?ver=6.5.2"},
    }
    body = (
        "/*! loader */(function(w,d){var s=w._wpemojiSettings||{},c=d.createElement('canvas'),"
        "x=c.getContext&&c.getContext('2d');function t(a,b){if(!x)return!1;x.clearRect(0,0,c.width,c.height);"
        "x.fillText(a,0,0);var e=c.toDataURL();x.clearRect(0,0,c.width,c.height);x.fillText(b,0,0);"
        "return e!==c.toDataURL()}function l(u){var e=d.createElement('script');e.src=u;e.defer=!0;"
        "d.head.appendChild(e)}var r={everything:!0,everythingExceptFlag:!0};['flag','emoji'].forEach("
        "function(k){r[k]=t('\\ud83c\\udff3','\\ud83c\\udff3\\u200d\\u26a7');r.everything=r.everything&&r[k];"
        "if(k!=='flag')r.everythingExceptFlag=r.everythingExceptFlag&&r[k]});s.supports=r;"
        "if(!r.everything){l(s.source.concatemoji)}})(window,document);"
    )
    return f"window._wpemojiSettings = {json.dumps(settings, separators=(',', ':'))};\n{body}"


def build_chrome(rng: random.Random) -> Chrome:
    icons = {
        name: _svg(rng, name, rng.randint(6, 14))
        for name in (
            "facebook", "x", "linkedin", "reddit", "mastodon", "email", "print", "copy", "search", "up",
            "down", "reply", "clock",
        )
    }
    staff = tuple(person(rng) for _ in range(24))
    vendors = tuple(
        {
            "id": rng.randint(1, 1300),
            "name": f"{rng.choice(LAST)} {pick(rng, 'Media|Ads|Analytics|Data|Audience|Exchange')}",
            "purposes": sorted(rng.sample(range(1, 12), rng.randint(1, 6))),
            "legInt": rng.random() < 0.4,
        }
        for _ in range(110)
    )
    styles = _global_styles(rng) + _theme_css(rng)
    return Chrome(styles, _menu(), _footer(), icons, _emoji_script(rng), staff, vendors)


def _page_config(story: Story, vendors: Sequence[dict[str, object]], rng: random.Random) -> str:
    """The site's per-page config: ad slots, flags, consent vendors (a few to a dozen KB)."""
    slots = [
        {
            "id": f"div-gpt-ad-{rng.randrange(10**12):012d}-{i}",
            "path": f"/21{rng.randrange(10**6):06d}/{SITE_SLUG}/{_slug(story.section)}/article",
            "sizes": rng.sample([[300, 250], [336, 280], [728, 90], [970, 250], [320, 50], [300, 600]], 3),
            "targeting": {
                "pos": f"{rng.choice(('top', 'mid', 'btm', 'rail'))}{i}",
                "kw": list(story.tags[:3]),
                "refresh": rng.choice((0, 30, 60)),
            },
            "lazy": rng.random() < 0.7,
        }
        for i in range(rng.randint(6, 24))
    ]
    vendors = vendors[: rng.randint(20, len(vendors))]  # the consent manager's config for this region
    config = {
        "page": {
            "id": 100000 + story.number,
            "type": "article",
            "section": story.section,
            "author": story.author,
            "published": story.published.isoformat(),
            "tags": list(story.tags),
            "words": story.words,
            "paywall": rng.random() < 0.2,
        },
        "ads": {"network": f"21{rng.randrange(10**6):06d}", "slots": slots, "collapseEmpty": True},
        "flags": {
            f"exp_{rng.choice(('nav', 'rail', 'share', 'reco', 'ticker', 'font'))}_{i}": rng.random() < 0.5
            for i in range(rng.randint(10, 30))
        },
        "consent": {"cmpId": 300 + rng.randrange(50), "vendors": vendors},
    }
    return "window.ledgerConfig = " + json.dumps(config, separators=(",", ":")) + ";"


def _json_ld(story: Story, image: str, modified: datetime) -> str:
    url = story.url
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "@id": f"{url}#article",
                "isPartOf": {"@id": url},
                "author": {"name": story.author, "@id": f"{{base}}/#/schema/person/{_slug(story.author)}"},
                "headline": story.title,
                "datePublished": story.published.isoformat() + "-05:00",
                "dateModified": modified.isoformat() + "-05:00",
                "mainEntityOfPage": {"@id": url},
                "wordCount": story.words,
                "publisher": {"@id": "{base}/#organization"},
                "image": {"@id": f"{url}#primaryimage"},
                "thumbnailUrl": image,
                "keywords": list(story.tags),
                "articleSection": [story.section],
                "inLanguage": "en-US",
            },
            {
                "@type": "WebPage",
                "@id": url,
                "url": url,
                "name": f"{story.title} | {SITE_NAME}",
                "isPartOf": {"@id": "{base}/#website"},
                "datePublished": story.published.isoformat() + "-05:00",
                "breadcrumb": {"@id": f"{url}#breadcrumb"},
                "inLanguage": "en-US",
            },
            {
                "@type": "ImageObject",
                "@id": f"{url}#primaryimage",
                "url": image,
                "contentUrl": image,
                "width": 1200,
                "height": 675,
            },
            {
                "@type": "BreadcrumbList",
                "@id": f"{url}#breadcrumb",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": "{base}/"},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": story.section,
                        "item": f"{{base}}/category/{_slug(story.section)}/",
                    },
                    {"@type": "ListItem", "position": 3, "name": story.title},
                ],
            },
            {
                "@type": "WebSite",
                "@id": "{base}/#website",
                "url": "{base}/",
                "name": SITE_NAME,
                "publisher": {"@id": "{base}/#organization"},
                "potentialAction": [
                    {
                        "@type": "SearchAction",
                        "target": {"@type": "EntryPoint", "urlTemplate": "{base}/?s={search_term_string}"},
                        "query-input": "required name=search_term_string",
                    }
                ],
            },
            {
                "@type": "Organization",
                "@id": "{base}/#organization",
                "name": SITE_NAME,
                "url": "{base}/",
                "logo": {
                    "@type": "ImageObject",
                    "url": "{base}/wp-content/uploads/logo.png",
                    "width": 600,
                    "height": 60,
                },
                "sameAs": ["https://www.facebook.com/harborledger", "https://x.com/harborledger"],
            },
        ],
    }
    return json.dumps(graph, separators=(",", ":")).replace("</", "<\\/")


def _visible_date(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return (
        f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year} at {hour}:{moment.minute:02d} "
        f"{'am' if moment.hour < 12 else 'pm'}"
    )


def _image(story: Story, n: int | str) -> str:
    return (
        f"{{base}}/wp-content/uploads/{story.published.year}/{story.published.month:02d}/"
        f"{_slug(story.title)[:40]}-{n}.jpg"
    )


def _comments(story: Story, rng: random.Random, chrome: Chrome) -> str:
    details = COMMENT_DETAILS[story.beat]
    writer = Writer(
        rng,
        {"detail": details, "town": town, "year": lambda r: str(r.randint(2005, 2020)), "num": count(3, 30)},
    )
    count_ = rng.randint(3, 8)
    items = []
    for i in range(count_):
        cid = 50000 + story.number * 10 + i
        name = (
            person(rng)
            if rng.random() < 0.7
            else rng.choice(("harborwatcher", "Old Salt", "local_mom", "tidewater_tom", "Just Saying", "RJ"))
        )
        posted = story.published + timedelta(hours=rng.randint(1, 90))
        votes = rng.randint(-3, 40)
        depth = 2 if i and rng.random() < 0.3 else 1
        items.append(
            f'<div id="wpd-comm-{cid}_0" class="comment {("even", "odd")[i % 2]} depth-{depth} wpd-comment '
            f'wpd_comment_level-{depth}"><div class="wpd-comment-wrap wpd-blog-guest">'
            f'<div class="wpd-comment-left"><div class="wpd-avatar"><img alt="{html.escape(name)}" '
            f'src="https://secure.gravatar.com/avatar/{rng.randrange(16**32):032x}?s=64&amp;d=mm&amp;r=g" '
            'class="avatar avatar-64 photo" height="64" width="64" loading="lazy" '
            'decoding="async"></div></div>'
            f'<div id="comment-{cid}" class="wpd-comment-right"><div class="wpd-comment-header">'
            f'<div class="wpd-comment-author">{html.escape(name)}</div>'
            f'<div class="wpd-comment-date" title="{_visible_date(posted)}">{chrome.icons["clock"]} '
            f"{rng.randint(1, 11)} {rng.choice(('hours', 'days', 'months'))} ago</div></div>"
            f'<div class="wpd-comment-text"><p>{html.escape(writer.say(rng.choice(COMMENTS)))}</p></div>'
            '<div class="wpd-comment-footer"><div class="wpd-vote">'
            f'<div class="wpd-vote-up wpd_not_clicked">{chrome.icons["up"]}</div>'
            f'<div class="wpd-vote-result" title="{votes}">{votes}</div>'
            f'<div class="wpd-vote-down wpd_not_clicked">{chrome.icons["down"]}</div></div>'
            f'<div class="wpd-reply-button">{chrome.icons["reply"]}<span>Reply</span></div>'
            '<div class="wpd-space"></div></div></div></div>'
            f'<div id="wpdiscuz_form_anchor-{cid}_0"></div></div>'
        )
    return (
        '<div class="wpdiscuz_top_clearing"></div><div id="comments" class="comments-area">'
        '<div id="respond" style="width:0;height:0;clear:both;margin:0;padding:0"></div>'
        '<div id="wpdcom" class="wpdiscuz_unauth wpd-default wpd-layout-2 wpd-comments-open">'
        '<div class="wpd-form-wrap"><div class="wpd-form-head"><div class="wpd-sbs-toggle">'
        '<i class="far fa-envelope"></i> <span class="wpd-sbs-title">Subscribe to Comments</span> '
        '<i class="fas fa-caret-down"></i></div><div class="wpd-auth"><div class="wpd-login">'
        f'<a rel="nofollow" href="{{base}}/wp-login.php?redirect_to=%2Farticles%2F{story.number}.html">'
        '<i class="fas fa-sign-in-alt"></i> Login</a></div></div></div>'
        '<div class="wpdiscuz-subscribe-bar wpdiscuz-hidden"><form action="{base}/wp-admin/admin-ajax.php'
        '?action=wpdAddSubscription" method="post" id="wpdiscuz-subscribe-form">'
        '<div class="wpdiscuz-subscribe-form-intro">Notify of </div><div '
        'class="wpdiscuz-subscribe-form-option">'
        '<select class="wpdiscuz_select" name="wpdiscuzSubscriptionType"><option value="post">new follow-up '
        'comments</option><option value="all_comment">new replies to my comments</option></select></div>'
        '<div class="wpdiscuz-item wpdiscuz-subscribe-form-email"><input class="email" type="email" '
        'name="wpdiscuzSubscriptionEmail" required value="" placeholder="Email"></div>'
        '<div class="wpdiscuz-subscribe-form-button"><input id="wpdiscuz_subscription_button" '
        'class="wpd-prim-button wpd_not_clicked" type="submit" value="&rsaquo;"></div>'
        f'<input type="hidden" name="wpdiscuz_subscribe_form_nonce" value="{rng.randrange(16**10):010x}">'
        "</form></div>"
        '<div class="wpd-form wpd-form-wrapper wpd-main-form-wrapper" id="wpd-main-form-wrapper-0_0">'
        '<form method="post" enctype="multipart/form-data" class="wpd_comm_form wpd_main_comm_form">'
        '<div class="wpd-field-comment"><div class="wpdiscuz-item wc-field-textarea"><div class="wpdiscuz-'
        'textarea-wrap"><div class="wpd-avatar"><img alt="guest" src="https://secure.gravatar.com/avatar/'
        '?s=56&amp;d=mm" class="avatar avatar-56 photo" height="56" width="56"></div>'
        '<textarea name="wc_comment" class="wc_comment wpd-field" placeholder="Join the discussion">'
        "</textarea></div></div></div>"
        '<div class="wpd-form-foot"><div class="wpdiscuz-textarea-foot"><div class="wpdiscuz-button-actions">'
        '</div></div><div class="wpd-form-row"><div class="wpd-form-col-left"><div class="wpdiscuz-item '
        'wc_name-wrapper wpd-has-icon"><input value="" required class="wc_name wpd-field" type="text" '
        'name="wc_name" placeholder="Name*" maxlength="50"></div><div class="wpdiscuz-item wc_email-wrapper '
        'wpd-has-icon"><input value="" required class="wc_email wpd-field" type="email" name="wc_email" '
        'placeholder="Email*"></div></div><div class="wpd-form-col-right"><div class="wc-field-submit">'
        '<input id="wpd-field-submit-0_0" class="wc_comm_submit wpd_not_clicked wpd-prim-button" '
        'type="submit" name="submit" value="Post Comment"></div></div></div></div></form></div></div>'
        '<div id="wpd-threads" class="wpd-thread-wrapper"><div class="wpd-thread-head">'
        f'<div class="wpd-thread-info" data-comments-count="{count_}"><span class="wpdtc" title="{count_}">'
        f'{count_}</span> Comments</div><div class="wpd-space"></div><div class="wpd-thread-filter">'
        '<div class="wpd-filter wpdf-reacted wpd_not_clicked" title="Most reacted comment">'
        '<i class="fas fa-bolt"></i></div><div class="wpd-filter wpdf-hottest wpd_not_clicked" '
        'title="Hottest comment thread"><i class="fas fa-fire"></i></div></div></div>'
        '<div class="wpd-comment-info-bar"><div class="wpd-current-view"><i class="fas fa-quote-left"></i> '
        'Inline Feedbacks</div><div class="wpd-filter-view-all">View all comments</div></div>'
        f'<div class="wpd-thread-list">{"".join(items)}<div class="wpdiscuz-comment-pagination"></div>'
        "</div></div></div></div>"
        '<div id="wpdiscuz-loading-bar" class="wpdiscuz-loading-bar-unauth"></div>'
        '<div id="wpdiscuz-comment-message" class="wpdiscuz-comment-message-unauth"></div>'
        '<div id="wpd-bubble-wrapper"><div id="wpd-bubble-all-comments-count" style="display:none" '
        f'title="{count_}">{count_}</div><div id="wpd-bubble"><div id="wpd-bubble-add-message">Would love '
        "your thoughts, please comment.</div></div></div>"
    )


def _teaser(story: Story, rng: random.Random) -> str:
    return (
        f'<article class="related-post post-{100000 + story.number}"><a class="related-thumb" '
        f'href="{story.url}"><img width="400" height="225" src="{_image(story, "400x225")}" '
        f'class="attachment-medium size-medium wp-post-image" alt="" loading="lazy" decoding="async"></a>'
        f'<span class="related-cat">{html.escape(story.section)}</span>'
        f'<h3 class="related-post-title"><a href="{story.url}" rel="bookmark">'
        f"{html.escape(story.title)}</a></h3>"
        f'<p class="related-excerpt">{html.escape(story.excerpt)}</p>'
        f'<time class="related-date" datetime="{story.published.isoformat()}">'
        f"{MONTHS[story.published.month - 1]} {story.published.day}, {story.published.year}</time></article>"
    )


SHARES = (
    ("facebook", "Facebook"), ("x", "X"), ("linkedin", "LinkedIn"), ("reddit", "Reddit"),
    ("mastodon", "Mastodon"), ("email", "Email"), ("print", "Print"), ("copy", "Copy link"),
)


def _share_bar(story: Story, chrome: Chrome, rng: random.Random) -> str:
    """Jetpack's sharedaddy bar on most pages, AddToAny's on the others."""
    if rng.random() < 0.6:
        links = "".join(
            f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{key}-'
            f'{100000 + story.number}" class="share-{key} sd-button share-icon" '
            f'href="{story.url}?share={key}" target="_blank" title="Click to share on {label}">'
            f"{chrome.icons[key]}<span>{label}</span></a></li>"
            for key, label in SHARES
        )
        return (
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            'sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content">'
            f'<ul>{links}<li class="share-end"></li></ul></div></div></div>'
        )
    links = "".join(
        f'<a class="a2a_button_{key}" href="https://www.addtoany.com/add_to/{key}?linkurl={story.url}" '
        f'title="{label}" rel="nofollow noopener" target="_blank">{chrome.icons[key]}</a>'
        for key, label in SHARES
    )
    return (
        '<div class="addtoany_share_save_container addtoany_content addtoany_content_bottom">'
        '<div class="addtoany_header">Share this story</div><div class="a2a_kit a2a_kit_size_32 '
        f'addtoany_list" data-a2a-url="{story.url}">{links}<a class="a2a_dd addtoany_share_save '
        'addtoany_share" href="https://www.addtoany.com/share"></a></div></div>'
    )


def _related_block(story: Story, related: list[Story], rng: random.Random) -> tuple[str, str]:
    """Six teasers: (inside the content, after the article); the theme's section or Jetpack's block."""
    if rng.random() < 0.6:
        teasers = "".join(_teaser(s, rng) for s in related)
        return "", (
            '<section class="related-posts"><h2 class="related-title">Related Articles</h2>'
            f'<div class="related-grid">{teasers}</div></section>'
        )
    items = "".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{i} jp-relatedposts-post-thumbs" '
        f'data-post-id="{100000 + s.number}" data-post-format="false"><a class="jp-relatedposts-post-a" '
        f'href="{s.url}" title="{html.escape(s.title)}" rel="nofollow" data-position="{i}">'
        f'<img class="jp-relatedposts-post-img" loading="lazy" src="{_image(s, "350x200")}" width="350" '
        'height="200" alt=""></a><h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" '
        f'href="{s.url}">{html.escape(s.title)}</a></h4><p class="jp-relatedposts-post-excerpt">'
        f'{html.escape(s.excerpt)}</p><p class="jp-relatedposts-post-date">'
        f"{MONTHS[s.published.month - 1]} {s.published.day}, {s.published.year}</p>"
        f'<p class="jp-relatedposts-post-context">In &quot;{html.escape(s.section)}&quot;</p></div>'
        for i, s in enumerate(related)
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
        "<em>Related Articles</em></h3><div class=\"jp-relatedposts-items jp-relatedposts-items-visual "
        f'jp-relatedposts-grid">{items}</div></div>'
    ), ""


PITCHES = (
    "The news you need before your first coffee|Five stories, five minutes, every weekday|"
    "Our editors pick the day’s essential reads"
)


def _newsletter(rng: random.Random) -> str:
    """A Mailchimp for WordPress sign-up box, or Jetpack's subscriptions block."""
    if rng.random() < 0.4:
        return (
            '<div class="wp-block-jetpack-subscriptions__supports-newline wp-block-jetpack-subscriptions">'
            '<div class="wp-block-jetpack-subscriptions__container"><form action="#" method="post" '
            f'accept-charset="utf-8" data-blog="{rng.randrange(10**8)}" data-post_access_level="everybody" '
            'id="subscribe-blog-1"><p id="subscribe-text">Get the Morning Ledger briefing: '
            f"{pick(rng, PITCHES).lower()}.</p>"
            '<p id="subscribe-email"><label for="subscribe-field-1" class="screen-reader-text">Type your '
            'email…</label><input type="email" name="email" required value="" id="subscribe-field-1" '
            'placeholder="Type your email…"></p><p id="subscribe-submit"><input type="hidden" name="action" '
            'value="subscribe"><button type="submit" class="wp-block-button__link">Subscribe</button></p>'
            "</form></div></div>"
        )
    return (
        '<div class="newsletter-signup-box mc4wp-form-wrap"><form id="mc4wp-form-1" class="mc4wp-form '
        'mc4wp-form-2209" method="post" data-id="2209" data-name="Morning briefing">'
        '<div class="mc4wp-form-fields"><h4 class="newsletter-title">Get the Morning Ledger briefing</h4>'
        f"<p>{pick(rng, PITCHES)}"
        ", delivered to your inbox. Free for everyone.</p>"
        '<p><input type="email" name="EMAIL" placeholder="Your email address" required> '
        '<input type="submit" value="Sign up"></p><p class="newsletter-legal">By signing up you agree to our '
        '<a href="{base}/terms-of-service/">Terms</a> and <a href="{base}/privacy-policy/">Privacy '
        'Policy</a>.'
        "</p></div>"
        f'<input type="hidden" name="_mc4wp_timestamp" value="{rng.randrange(1_600_000_000, 1_760_000_000)}">'
        '<div class="mc4wp-response"></div></form></div>'
    )


def _sidebar(story: Story, popular: list[Story], latest: list[Story], rng: random.Random) -> str:
    most = "".join(
        f'<li><a href="{s.url}">{html.escape(s.title)}</a><span class="views">{rng.randint(900, 48000):,} '
        "views</span></li>"
        for s in popular
    )
    recent = "".join(
        f'<li><a href="{s.url}">{html.escape(s.title)}</a><span class="post-date">'
        f"{MONTHS[s.published.month - 1][:3]} {s.published.day}</span></li>"
        for s in latest
    )

    def ad(place: str) -> str:
        return (
            f'<section class="widget widget-advert"><div class="advert advert-mpu advert-{place}">'
            f'<span class="advert-label">Advertisement</span><div id="div-gpt-ad-{rng.randrange(10**12):012d}'
            f'-{place}" style="min-width:300px;min-height:250px"></div></div></section>'
        )

    return (
        '<aside id="secondary" class="widget-area sidebar" role="complementary">'
        f"{ad('rail-1')}"
        '<section class="widget widget-most-popular"><h2 class="widget-title">Most Popular</h2>'
        f'<ol class="most-popular-list">{most}</ol></section>'
        f"{ad('rail-2')}"
        '<section class="widget widget_recent_entries"><h2 class="widget-title">Latest News</h2>'
        f"<ul>{recent}</ul></section>"
        '<section class="widget widget_text"><h2 class="widget-title">Have a news tip?</h2>'
        '<div class="textwidget"><p>Email the newsroom at tips@harborledger.example or call '
        "(555) 014-2200. We read everything.</p></div></section>"
        f"{ad('rail-sticky')}</aside>"
    )


def _footer_scripts(story: Story, rng: random.Random) -> str:
    wpdiscuz = {
        "url": "{base}/wp-admin/admin-ajax.php",
        "wc_post_id": str(100000 + story.number),
        "commentListLoadType": "0",
        "commentListUpdateType": "0",
        "loadLastCommentId": "0",
        "isUserLoggedIn": False,
        "wordpressIsPaginate": "",
        "commentTextMaxLength": None,
        "replyTextMaxLength": None,
        "storeCommenterData": 100000,
        "socialLoginAgreementCheckbox": 0,
        "enableFbLogin": 0,
        "enableFbShare": 0,
        "facebookAppID": "",
        "facebookUseOAuth2": 0,
        "enableGoogleLogin": 0,
        "googleClientID": "",
        "cookiehash": f"{rng.randrange(16**32):032x}",
        "isLoadOnlyParentComments": 0,
        "scrollToComment": 1,
        "commentFormView": "collapsed",
        "enableOrderByVote": 1,
        "isRightSidebarOpened": 0,
        "is_email_field_required": 1,
        "wpdiscuz_nonce": f"{rng.randrange(16**10):010x}",
        "validateNonceForGuests": "",
        "i18n": {
            "wc_error_empty_text": "please fill out this field to comment",
            "wc_error_email_text": "email address is invalid",
            "wc_error_url_text": "url is invalid",
            "wc_please_wait": "Please wait...",
            "wc_comment_approved": "Your comment is awaiting moderation.",
            "wc_msg_required_fields": "Please fill out required fields",
            "wc_follow_user": "Follow this user",
            "wc_unfollow_user": "Unfollow this user",
            "wc_copied_to_clipboard": "Copied to clipboard!",
        },
    }
    related = {
        "postID": 100000 + story.number,
        "size": 6,
        "layout": "grid",
        "exclude": sorted(rng.sample(range(100000, 101000), 5)),
    }
    return (
        '<script id="wpdiscuz-combo-js-js-extra">var wpdiscuzAjaxObj = '
        f"{json.dumps(wpdiscuz, separators=(',', ':'))};</script>"
        f'<script id="ledger-related-js-extra">var ledgerRelated = {json.dumps(related)};</script>'
        '<script src="{base}/wp-content/plugins/wpdiscuz/assets/js/wpdiscuz-combo.min.js?ver=7.6.18" '
        'id="wpdiscuz-combo-js-js"></script>'
        '<script src="{base}/wp-content/themes/harbor/js/navigation.js?ver=2.3.1" id="harbor-navigation-js">'
        "</script>"
        '<script src="{base}/wp-content/plugins/jetpack/_inc/build/sharedaddy/sharing.min.js?ver=13.2" '
        'id="sharing-js-js" defer></script>'
    )


def render_page(
    story: Story,
    chrome: Chrome,
    related: list[Story],
    popular: list[Story],
    latest: list[Story],
    ticker: list[Story],
    rng: random.Random,
) -> str:
    """The whole HTML page of ``story`` in the WordPress news theme."""
    e = html.escape
    url, image = story.url, _image(story, "1200x675")
    modified = story.published + timedelta(minutes=rng.randint(0, 600))
    section_slug = _slug(story.section)
    desc = e(story.excerpt)
    tags = "".join(f'<meta property="article:tag" content="{e(t)}">' for t in story.tags)
    minutes = max(1, story.words // 230)
    head = (
        '<!DOCTYPE html>\n<html lang="en-US" class="no-js">\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, '
        'max-video-preview:-1">\n'
        f"<title>{e(story.title)} | {SITE_NAME}</title>\n"
        f'<meta name="description" content="{desc}">\n<link rel="canonical" href="{url}">\n'
        '<meta property="og:locale" content="en_US">\n<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{e(story.title)}">\n'
        f'<meta property="og:description" content="{desc}">\n<meta property="og:url" content="{url}">\n'
        f'<meta property="og:site_name" content="{SITE_NAME}">\n'
        '<meta property="article:publisher" content="https://www.facebook.com/harborledger">\n'
        f'<meta property="article:section" content="{e(story.section)}">\n{tags}\n'
        f'<meta property="article:published_time" content="{story.published.isoformat()}-05:00">\n'
        f'<meta property="article:modified_time" content="{modified.isoformat()}-05:00">\n'
        f'<meta property="og:image" content="{image}">\n<meta property="og:image:width" content="1200">\n'
        '<meta property="og:image:height" content="675">\n'
        '<meta property="og:image:type" content="image/jpeg">\n'
        f'<meta name="author" content="{e(story.author)}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        '<meta name="twitter:site" content="@harborledger">\n'
        '<meta name="twitter:label1" content="Written by">\n'
        f'<meta name="twitter:data1" content="{e(story.author)}">\n'
        f'<meta name="twitter:label2" content="Est. reading time">\n'
        f'<meta name="twitter:data2" content="{minutes} minutes">\n'
        f'<script type="application/ld+json" class="yoast-schema-graph">{_json_ld(story, image, modified)}'
        "</script>\n"
        "<link rel='dns-prefetch' href='//fonts.googleapis.com'>\n"
        "<link rel='dns-prefetch' href='//securepubads.g.doubleclick.net'>\n"
        '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>\n'
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" '
        'href="{base}/feed/">\n'
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; {e(story.title)} '
        f'Comments Feed" href="{{base}}/articles/{story.number}/feed/">\n'
        f'<script id="wp-emoji-settings">{chrome.emoji_script}</script>\n'
        "<link rel='stylesheet' id='wp-block-library-css' href='{base}/wp-includes/css/dist/block-library/"
        "style.min.css?ver=6.5.2' media='all'>\n"
        f"<style id='global-styles-inline-css'>{chrome.styles}</style>\n"
        "<link rel='stylesheet' id='harbor-fonts-css' "
        "href='https://fonts.googleapis.com/css2?family=Merriweather:"
        "wght@400;700&amp;family=Inter:wght@400;600&amp;display=swap' media='all'>\n"
        "<link rel='stylesheet' id='harbor-style-css' "
        "href='{base}/wp-content/themes/harbor/style.css?ver=2.3.1' "
        "media='all'>\n"
        "<link rel='stylesheet' id='wpdiscuz-frontend-css-css' "
        "href='{base}/wp-content/plugins/wpdiscuz/themes/"
        "default/style.css?ver=7.6.18' media='all'>\n"
        "<link rel='stylesheet' id='jetpack-sharing-css' href='{base}/wp-content/plugins/jetpack/modules/"
        "sharedaddy/sharing.css?ver=13.2' media='all'>\n"
        "<script src='{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' id='jquery-core-js'></script>\n"
        f'<script id="ledger-config">{_page_config(story, chrome.vendors, rng)}</script>\n'
        '<link rel="https://api.w.org/" href="{base}/wp-json/">\n'
        '<link rel="alternate" type="application/json" '
        f'href="{{base}}/wp-json/wp/v2/posts/{100000 + story.number}">\n'
        '<meta name="generator" content="WordPress 6.5.2">\n'
        f"<link rel='shortlink' href='{{base}}/?p={100000 + story.number}'>\n"
        '<link rel="icon" href="{base}/wp-content/uploads/cropped-icon-32x32.png" sizes="32x32">\n'
        '<link rel="icon" href="{base}/wp-content/uploads/cropped-icon-192x192.png" sizes="192x192">\n'
        '<link rel="apple-touch-icon" href="{base}/wp-content/uploads/cropped-icon-180x180.png">\n'
        "</head>\n"
    )
    ticker_items = "".join(f'<li class="ticker-item"><a href="{s.url}">{e(s.title)}</a></li>' for s in ticker)
    header = (
        f'<body class="post-template-default single single-post postid-{100000 + story.number} '
        f'single-format-standard wp-embed-responsive theme-harbor section-{section_slug}">\n'
        '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
        '<div id="page" class="site">\n'
        '<div class="top-bar"><ul class="top-bar-links"><li><a href="{base}/subscribe/">Subscribe</a></li>'
        '<li><a href="{base}/e-edition/">e-Edition</a></li><li><a href="{base}/login/">Log In</a></li>'
        "</ul></div>\n"
        '<header id="masthead" class="site-header"><div class="site-branding">'
        f'<p class="site-title"><a href="{{base}}/" rel="home">{SITE_NAME}</a></p>'
        '<p class="site-description">News for the coast and the world since 1887</p></div>\n'
        f"{chrome.menu}\n"
        '<div class="header-search"><form role="search" method="get" class="search-form" action="{base}/">'
        '<label><span class="screen-reader-text">Search for:</span>'
        '<input type="search" class="search-field" '
        f'placeholder="Search &hellip;" name="s"></label>{chrome.icons["search"]}</form></div></header>\n'
        '<div class="breaking-news-ticker" role="region" aria-label="Breaking news">'
        f'<span class="ticker-label">{TICKER_PREFIX}</span>'
        f'<ul class="ticker-items">{ticker_items}</ul></div>\n'
    )
    paragraphs = [f"<p>{e(p)}</p>" for p in story.paragraphs]
    ad_at = rng.randint(2, min(5, len(paragraphs) - 1))
    paragraphs.insert(
        ad_at,
        '<div class="ad-slot in-article-ad"><span class="ad-label">Advertisement</span>'
        f'<div id="div-gpt-ad-{rng.randrange(10**12):012d}-inarticle"></div></div>',
    )
    if story.pull_quote:
        at = rng.randint(len(paragraphs) // 3, 2 * len(paragraphs) // 3)
        paragraphs.insert(
            at,
            '<figure class="wp-block-pullquote"><blockquote><p>'
            f"{e(story.pull_quote)}</p></blockquote></figure>",
        )
    if related and rng.random() < 0.3:  # an inline teaser, as editors add them
        paragraphs.insert(
            rng.randint(3, len(paragraphs) - 1),
            f'<p class="read-more-inline"><strong>READ MORE:</strong> <a href="{related[-1].url}">'
            f"{e(related[-1].title)}</a></p>",
        )
    newsletter = _newsletter(rng)
    if rng.random() < 0.5:
        paragraphs.insert(rng.randint(len(paragraphs) // 2, len(paragraphs)), newsletter)
        newsletter = ""
    related_inside, related_after = _related_block(story, related, rng)
    share = _share_bar(story, chrome, rng)
    caption = e(f"{story.title.split(':')[-1].strip()[:90]}. Photo: {person(rng)}/{SITE_NAME}")
    tag_links = ", ".join(f'<a href="{{base}}/tag/{_slug(t)}/" rel="tag">{e(t)}</a>' for t in story.tags)
    author_slug = _slug(story.author)
    article = (
        '<div id="content" class="site-content"><div class="container">'
        f'<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="{{base}}/">Home</a> &raquo; '
        f'<a href="{{base}}/category/{section_slug}/">{e(story.section)}</a></nav>'
        '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
        f'<article id="post-{100000 + story.number}" class="post-{100000 + story.number} post type-post '
        f"status-publish format-standard has-post-thumbnail hentry category-{section_slug} "
        + " ".join(f"tag-{_slug(t)}" for t in story.tags)
        + '">\n<header class="entry-header">'
        f'<div class="entry-categories"><a href="{{base}}/category/{section_slug}/" rel="category tag">'
        f"{e(story.section)}</a></div>"
        f'<h1 class="entry-title">{e(story.title)}</h1>'
        '<div class="entry-meta"><span class="byline">By <span class="author vcard">'
        f'<a class="url fn n" href="{{base}}/author/{author_slug}/">{e(story.author)}</a></span></span> '
        '<span class="posted-on"><time class="entry-date published" '
        f'datetime="{story.published.isoformat()}-05:00">'
        f"{_visible_date(story.published)}</time></span> "
        f'<span class="reading-time">{minutes} min read</span></div></header>\n'
        '<figure class="post-thumbnail wp-caption">'
        f'<img width="1200" height="675" src="{image}" class="attachment-full size-full wp-post-image" '
        f'alt="" decoding="async" fetchpriority="high" srcset="{_image(story, "1200x675")} 1200w, '
        f'{_image(story, "800x450")} 800w, {_image(story, "400x225")} 400w, {_image(story, "150x84")} 150w" '
        'sizes="(max-width: 1200px) 100vw, 1200px">'
        f'<figcaption class="wp-caption-text">{caption}</figcaption></figure>\n'
        f'<div class="entry-content">\n{chr(10).join(paragraphs)}\n{share}\n{related_inside}\n</div>\n'
        f'<footer class="entry-footer"><span class="tags-links">Tags: {tag_links}</span></footer>\n'
        "</article>\n"
        f'<div class="author-bio"><h2 class="author-title">About {e(story.author)}</h2><p>{e(story.author)} '
        f"covers the harbor beat and {e(story.section.lower())} for the Ledger. Reach them at "
        f"{author_slug}@harborledger.example.</p></div>\n"
        f"{newsletter}\n"
        f"{related_after}\n"
        f"{_comments(story, rng, chrome)}\n</main></div>\n"
        f"{_sidebar(story, popular, latest, rng)}\n</div></div>\n"
    )
    return (
        head
        + header
        + article
        + chrome.footer
        + "\n</div>\n"
        + _footer_scripts(story, rng)
        + "\n</body>\n</html>\n"
    )


# ============================================================================================== site


def _event_sizes(total: int, rng: random.Random) -> list[int]:
    """Split ``total`` on-beat articles into events of 2-6 (one of 1 only when total is 1)."""
    sizes = []
    while total > 0:
        size = total if total <= 6 else rng.randint(2, min(6, total - 2))
        sizes.append(size)
        total -= size
    return sizes


def _wire_copy(number: int, original: Story, event: Event, rng: random.Random, author: str) -> Story:
    """The original's wire text under a new headline and a new intro paragraph."""
    kind = "call" if event.kind.endswith("_call") else event.kind
    writer = Writer(rng, _event_facts(event, rng, rng.choice(CITIES)))
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


def write_stories(pages: int, seed: int, on_beat: float, staff: Sequence[str]) -> list[Story]:
    """Every article of the site, page ``n`` at index ``n``: a share ``on_beat`` grouped into events."""
    plan = random.Random(f"{seed}:plan")
    on_numbers = plan.sample(range(pages), round(pages * on_beat))
    stories: dict[int, Story] = {}
    start = 0
    for event_id, size in enumerate(_event_sizes(len(on_numbers), plan)):
        members = on_numbers[start : start + size]
        start += size
        event = make_event(random.Random(f"{seed}:event:{event_id}"))
        wire = size >= 3 and plan.random() < 0.5
        for index, number in enumerate(members):
            rng = random.Random(f"{seed}:page:{number}")
            author = rng.choice(staff)
            if wire and index == size - 1:
                stories[number] = _wire_copy(number, stories[members[0]], event, rng, "Ledger wire services")
            else:
                stories[number] = write_event_story(number, event, index, event_id, rng, author)
    names, weights = list(BEAT_WEIGHTS), list(BEAT_WEIGHTS.values())
    for number in range(pages):
        if number in stories:
            continue
        rng = random.Random(f"{seed}:page:{number}")
        beat = BEATS[rng.choices(names, weights)[0]]
        day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
        stories[number] = write_off_topic(number, beat, rng, day, rng.choice(staff))
    return [stories[n] for n in range(pages)]


def _related(
    story: Story, stories: list[Story], groups: dict[str | int, list[int]], rng: random.Random
) -> list[Story]:
    """Six teasers: the same event, then the same beat (as a related-posts plugin picks), then any."""
    picked: list[int] = []
    for key in (story.event, story.beat) if story.event >= 0 else (story.beat,):
        pool = [n for n in groups[key] if n != story.number and n not in picked]
        picked += rng.sample(pool, min(6 - len(picked), len(pool)))
    while len(picked) < min(6, len(stories) - 1):
        n = rng.randrange(len(stories))
        if n != story.number and n not in picked:
            picked.append(n)
    return [stories[n] for n in picked]


def make_site(folder: Path, pages: int, *, seed: int = 20240416, on_beat: float = 0.1) -> SiteFacts:
    """Write ``articles/{n}.html`` for n < ``pages``, ``sitemap.xml`` and ``robots.txt`` into ``folder``.

    The same ``seed`` writes the same bytes. ``on_beat`` is the share of articles about the beat.
    """
    if pages < 1:
        raise ValueError(f"pages must be at least 1, got {pages}")
    if not 0.0 <= on_beat <= 1.0:
        raise ValueError(f"on_beat must be a share between 0 and 1, got {on_beat}")
    chrome = build_chrome(random.Random(f"{seed}:chrome"))
    stories = write_stories(pages, seed, on_beat, chrome.staff)
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    pool = random.Random(f"{seed}:pool")
    breaking = pool.sample(stories, min(20, pages))
    trending = pool.sample(stories, min(40, pages))
    groups: dict[str | int, list[int]] = {}
    for story in stories:
        groups.setdefault(story.beat, []).append(story.number)
        if story.event >= 0:
            groups.setdefault(story.event, []).append(story.number)
    total = 0
    for story in stories:
        rng = random.Random(f"{seed}:markup:{story.number}")
        latest = [stories[(story.number - k) % pages] for k in range(1, min(9, pages))]
        page = render_page(
            story,
            chrome,
            _related(story, stories, groups, rng),
            rng.sample(trending, min(10, len(trending))),
            latest,
            rng.sample(breaking, min(6, len(breaking))),
            rng,
        )
        data = page.encode("utf-8")
        (articles / f"{story.number}.html").write_bytes(data)
        total += len(data)
    urls = "\n".join(
        f"<url><loc>{s.url}</loc><lastmod>{s.published.date().isoformat()}</lastmod></url>" for s in stories
    )
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n',
        encoding="utf-8",
    )
    (folder / "robots.txt").write_text(
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        "Sitemap: {base}/sitemap.xml\n",
        encoding="utf-8",
    )
    by_event: dict[int, list[str]] = {}
    for story in stories:
        if story.event >= 0:
            by_event.setdefault(story.event, []).append(story.url)
    return SiteFacts(
        pages=pages,
        on_beat_urls=tuple(s.url for s in stories if s.event >= 0),
        events=tuple(tuple(urls) for _, urls in sorted(by_event.items())),
        wire_copies=tuple((s.url, stories[s.wire_of].url) for s in stories if s.wire_of >= 0),
        total_bytes=total,
    )


# ========================================================================================= the CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the site into")
    parser.add_argument("--seed", type=int, default=20240416)
    parser.add_argument("--on-beat", type=float, default=0.1, help="share of articles on the beat")
    parser.add_argument("--sample", type=int, default=50, help="pages to extract for the timing")
    args = parser.parse_args(argv)
    try:
        started = time.perf_counter()
        facts = make_site(args.out, args.pages, seed=args.seed, on_beat=args.on_beat)
        built = time.perf_counter() - started
    except (ValueError, OSError) as exc:
        print(f"sitegen: {exc}", file=sys.stderr)
        return 2
    print(f"site: {facts.summary()}; written in {built:.2f} s to {args.out}")

    from crawler.core.extract import extract_article
    from crawler.core.extract.leaks import boilerplate_leaks
    from crawler.core.records import Article
    from crawler.core.relevance import bundled_topic, score_article

    base = "http://127.0.0.1:8000"
    on_beat = {url.replace("{base}", base) for url in facts.on_beat_urls}
    step = max(1, facts.pages // max(1, args.sample))
    sample = list(range(0, facts.pages, step))[: args.sample]
    bodies = [
        (args.out / "articles" / f"{n}.html").read_bytes().replace(b"{base}", base.encode()) for n in sample
    ]
    started = time.perf_counter()
    results = [
        extract_article(body, f"{base}/articles/{n}.html", charset="utf-8")
        for n, body in zip(sample, bodies, strict=True)
    ]
    spent = time.perf_counter() - started
    print(
        f"bare extraction (crawler.core.extract.extract_article): {1000 * spent / len(sample):.1f} ms/page "
        f"over {len(sample)} pages ({sum(map(len, bodies)) / len(bodies) / 1024:.0f} KB/page)"
    )
    topic = bundled_topic()
    confusion = {
        "on beat, relevant": 0,
        "on beat, not relevant": 0,
        "off topic, relevant": 0,
        "off topic, not relevant": 0,
        "rejected": 0,
    }
    leaks: dict[str, int] = {}
    for result in results:
        if not isinstance(result, Article):
            confusion["rejected"] += 1
            continue
        relevant = score_article(topic, result).relevant
        side = "on beat" if result.url in on_beat else "off topic"
        confusion[f"{side}, {'relevant' if relevant else 'not relevant'}"] += 1
        for name, marker in MARKERS.items():
            if marker.lower() in result.text.lower():
                leaks[f"marker {name}: {marker!r}"] = leaks.get(f"marker {name}: {marker!r}", 0) + 1
        for phrase in boilerplate_leaks(result.text):
            leaks[f"leak phrase {phrase!r}"] = leaks.get(f"leak phrase {phrase!r}", 0) + 1
    print("relevance on the sample: " + ", ".join(f"{k} {v}" for k, v in confusion.items()))
    print("boilerplate in extracted text: " + (", ".join(f"{k} x{v}" for k, v in leaks.items()) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
