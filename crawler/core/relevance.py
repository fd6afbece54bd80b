"""Relevance: how well an article fits the beat, scored against a TOML topic, matched terms kept as the why.

The topic is data (``crawler/data/topic.toml``): groups of weighted terms, required combinations and
exclusions. Scoring works sentence by sentence, because the beat is a relation, not a vocabulary: a
sentence that names a US military actor, a Chinese military actor and a communication act (or names a
US–China military channel such as the MMCA) is evidence; the headline and lead count more than the body;
a third country's minister in the sentence damps it; trade, sport or climate terms dilute the whole.
Matching needs no word segmentation: English is matched on normalised word tokens (spelling variants,
inflections, "U.S."), Chinese on characters (traditional ones read as simplified). Pure: no IO, no Scrapy.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from crawler.core.records import Article, Score
from crawler.core.text import IDEOGRAPH as _CJK
from crawler.core.text import has_ideographs

# Groups the scorer understands (topic.toml says what each one holds and why).
ROLES = ("us", "china", "talk", "breakdown", "restore", "channel", "third", "ignore", "background")
TALK_ROLES = frozenset({"talk", "breakdown", "restore"})
EXPLAINING_ROLES = TALK_ROLES | {"channel"}  # after people, these come first in the explanation
SILENT_ROLES = frozenset({"third", "ignore", "background", "exclusion"})  # shape evidence, explain nothing
SCORING_DEFAULTS: dict[str, float] = {
    "title_bonus": 3.0,
    "lead_sentences": 3,
    "lead_bonus": 2.0,
    "scale": 2.3,
    "strong": 0.6,
    "unmet_cap": 0.3,
    "third_party_factor": 0.2,
    "channel_alone": 0.5,
    "max_matched": 12,
}

_WORD = re.compile(r"[a-z0-9]+")
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
_ABBREVIATIONS = frozenset(
    [
        "gen",
        "adm",
        "lt",
        "col",
        "maj",
        "brig",
        "sen",
        "rep",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "capt",
        "cmdr",
        "cdr",
        "gov",
        "sgt",
        "no",
        "vs",
        "etc",
        "inc",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "calif",
        "wash",
        "mass",
        "fla",
    ]
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


@dataclass(frozen=True, slots=True)
class Requirement:
    """Groups that must all be present; each slot may list alternatives (``talk|channel``)."""

    slots: tuple[tuple[str, ...], ...]
    min_weight: float


@dataclass(frozen=True, slots=True)
class Topic:
    """A parsed, validated topic with its term index built once."""

    name: str
    threshold: float
    title_bonus: float
    lead_sentences: int
    lead_bonus: float
    scale: float
    strong: float
    unmet_cap: float
    third_party_factor: float
    channel_alone: float
    max_matched: int
    requirements: tuple[Requirement, ...]
    exclusion_rates: Mapping[str, float]
    kinds: Mapping[str, str]  # term label -> event kind (call, meeting, refusal)
    mechanisms: frozenset[str]  # channel labels that name one specific US–China mechanism
    people: Mapping[str, str]  # person label -> side ("us" or "china")
    latin: Mapping[bytes, Any] = field(repr=False, compare=False)  # token trie; "" holds a phrase's Term
    cjk: re.Pattern[str] | None = field(repr=False, compare=False)
    cjk_terms: Mapping[str, Term] = field(repr=False, compare=False)
    spelling: Mapping[str, str] = field(repr=False, compare=False)
    to_simplified: Mapping[int, str] = field(repr=False, compare=False)  # a str.translate table


@dataclass(frozen=True, slots=True)
class SentenceEvidence:
    """What one sentence (or the headline) contributes: the terms found and its link strength."""

    position: float  # weight of the position: headline, lead or body
    terms: tuple[Term, ...]
    link: float


@dataclass(frozen=True, slots=True)
class Analysis:
    """The score and the evidence behind it: the headline, then each sentence, with the terms found."""

    score: Score
    evidence: float
    sentences: tuple[SentenceEvidence, ...]


# ------------------------------------------------------------------------------------------ loading


def _fail(key: str, problem: str) -> ValueError:
    return ValueError(f"topic: key '{key}' {problem}")


def _number(raw: Mapping[str, Any], key: str, default: float, where: str, low: float, high: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _fail(f"{where}{key}", f"must be a number between {low:g} and {high:g}, not {value!r}")
    return float(value)


def _flag(raw: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise _fail(f"{where}{key}", "must be true or false")
    return value


def _table(raw: Mapping[str, Any], key: str, where: str, what: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise _fail(f"{where}{key}", f"must be a table of {what}")
    return value


def _known_keys(raw: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    allowed = set(allowed)
    for key in raw:
        if key not in allowed:
            raise _fail(f"{where}{key}", f"is unknown (known: {', '.join(sorted(allowed))})")


def _phrases(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(key, "must be a list of non-empty phrases")
    return [v.strip() for v in value]


def _normalize_latin(text: str) -> bytes:
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
    """The words of a topic phrase as ``_normalize_latin`` makes them from article text."""
    return _normalize_latin(text).decode().split()


def _inflections(word: str) -> set[str]:
    """call -> calls/called/calling; refuse -> refused/refusing; secretary -> secretaries."""
    forms = {word, word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    return forms


class _Index:
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
        latin = _bytes_keys(self.latin)
        latin[_BREAK] = {}  # starts no phrase: in the root only so that the scan stops at each break
        return latin, cjk, MappingProxyType(dict(self.cjk))


def _bytes_keys(node: dict[str, Any]) -> dict[Any, Any]:
    """The token trie keyed by bytes, as ``_normalize_latin`` yields tokens ("" still holds a Term)."""
    keyed: dict[Any, Any] = {key.encode(): _bytes_keys(value) for key, value in node.items() if key}
    if "" in node:
        keyed[""] = node[""]
    return keyed


@dataclass
class _Groups:
    """What loading the [groups.*] tables yields besides the index."""

    labels: dict[str, str] = field(default_factory=dict)  # label -> group
    people: dict[str, str] = field(default_factory=dict)
    mechanisms: set[str] = field(default_factory=set)


def _rank(role: str, weight: float, person: bool, strong: float) -> int:
    """Where a term goes in the explanation; context words (weight < strong) and markers never show."""
    if role in SILENT_ROLES or (weight < strong and not person):
        return -1
    return 0 if person else 1 if role in EXPLAINING_ROLES else 2


def _load_group(role: str, group: Any, index: _Index, found: _Groups, strong: float) -> None:
    where = f"groups.{role}"
    if not isinstance(group, Mapping):
        raise _fail(where, "must be a table")
    allowed = ("weight", "inflect", "terms", "people", "weights", "combine", "mechanisms")
    _known_keys(group, allowed, f"{where}.")
    default = _number(group, "weight", 1.0, f"{where}.", 0.0, 10.0)
    inflect = _flag(group, "inflect", False, f"{where}.")
    weights = _table(group, "weights", f"{where}.", "label = weight")
    for table, is_person in (("terms", False), ("people", True)):
        entries = _table(group, table, f"{where}.", "label = [phrases]")
        if is_person and entries and role not in ("us", "china"):
            raise _fail(f"{where}.people", "is only meaningful for the us and china groups")
        for label, variants in entries.items():
            if label in found.labels:
                raise _fail(f"{where}.{table}.{label}", f"repeats a label of groups.{found.labels[label]}")
            found.labels[label] = role
            weight = _number(weights, label, default, f"{where}.weights.", 0.0, 10.0)
            if is_person:
                found.people[label] = role
            for variant in _phrases(variants, f"{where}.{table}.{label}"):
                short = variant.startswith("~")
                term = Term(label, role, weight, is_person, short, _rank(role, weight, is_person, strong))
                index.add(variant.lstrip("~").strip(), term, inflect and not is_person and not short)
    for label in weights:
        if found.labels.get(label) != role:
            raise _fail(f"{where}.weights.{label}", "names no term of this group")
    combines = group.get("combine", [])
    combines = [combines] if isinstance(combines, Mapping) else combines
    if not isinstance(combines, list):
        raise _fail(f"{where}.combine", "must be a table or an array of tables with 'first' and 'then'")
    for i, combine in enumerate(combines):
        key = f"{where}.combine[{i}]"
        if not isinstance(combine, Mapping) or set(combine) != {"first", "then"}:
            raise _fail(key, "must have exactly the lists 'first' and 'then'")
        for first in _phrases(combine["first"], f"{key}.first"):
            for then in _phrases(combine["then"], f"{key}.then"):
                phrase = f"{first}{then}" if _CJK.search(first + then) else f"{first} {then}"
                term = Term(phrase, role, default, rank=_rank(role, default, False, strong))
                index.add(phrase, term, inflect)
    for label in _phrases(group["mechanisms"], f"{where}.mechanisms") if "mechanisms" in group else []:
        if found.labels.get(label) != role:
            raise _fail(f"{where}.mechanisms", f"names {label!r}, which is no term of this group")
        found.mechanisms.add(label)


def _load_kinds(raw: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for kind, members in _table(raw, "kinds", "", "kind = [labels]").items():
        for label in _phrases(members, f"kinds.{kind}"):
            if label not in labels:
                raise _fail(f"kinds.{kind}", f"names {label!r}, which is no term label of any group")
            kinds[label] = kind
    return kinds


def _load_exclusions(raw: Mapping[str, Any], index: _Index) -> dict[str, float]:
    rates: dict[str, float] = {}
    for name, exclusion in _table(raw, "exclusions", "", "named exclusion groups").items():
        where = f"exclusions.{name}"
        if not isinstance(exclusion, Mapping):
            raise _fail(where, "must be a table with 'terms' (and optional 'rate', 'inflect')")
        _known_keys(exclusion, ("terms", "rate", "inflect"), f"{where}.")
        rates[name] = _number(exclusion, "rate", 1.0, f"{where}.", 0.0, 100.0)
        inflect = _flag(exclusion, "inflect", True, f"{where}.")
        for phrase in _phrases(exclusion.get("terms"), f"{where}.terms"):
            index.add(phrase, Term(name, "exclusion", 1.0), inflect)
    return rates


def _load_requirements(raw: Mapping[str, Any], groups: Mapping[str, Any], strong: float) -> list[Requirement]:
    require = raw.get("require", [])
    if not isinstance(require, list):
        raise _fail("require", "must be an array of tables ([[require]])")
    requirements = []
    for i, req in enumerate(require):
        where = f"require[{i}]"
        if not isinstance(req, Mapping) or "groups" not in req:
            raise _fail(where, "must be a table with 'groups' (and optional 'min_weight')")
        _known_keys(req, ("groups", "min_weight"), f"{where}.")
        slots = []
        for slot in _phrases(req["groups"], f"{where}.groups"):
            options = tuple(part.strip() for part in slot.split("|"))
            for option in options:
                if option not in groups:
                    raise _fail(f"{where}.groups", f"names {option!r}, which is no group of this topic")
            slots.append(options)
        requirements.append(Requirement(tuple(slots), _number(req, "min_weight", strong, f"{where}.", 0, 10)))
    return requirements


def load_topic(raw: Mapping[str, Any]) -> Topic:
    """Build a Topic from its parsed TOML; a ValueError names the key at fault and what it must be."""
    if not isinstance(raw, Mapping):
        raise ValueError("topic: must be a table of keys (name, threshold, groups, ...)")
    _known_keys(
        raw,
        (
            "name",
            "description",
            "threshold",
            "scoring",
            "spelling",
            "require",
            "groups",
            "kinds",
            "exclusions",
            "traditional_chinese",
            "channels",  # the analyst's channels: crawler/core/channels.py reads them
        ),
        "",
    )
    name = raw.get("name", "topic")
    if not isinstance(name, str) or not name.strip():
        raise _fail("name", "must be a non-empty string")
    threshold = _number(raw, "threshold", 0.5, "", 0.0, 1.0)
    scoring_raw = _table(raw, "scoring", "", "scoring parameters")
    _known_keys(scoring_raw, SCORING_DEFAULTS, "scoring.")
    scoring = {
        key: _number(scoring_raw, key, default, "scoring.", 0.0, 1000.0)
        for key, default in SCORING_DEFAULTS.items()
    }
    if scoring["scale"] <= 0:
        raise _fail("scoring.scale", "must be greater than 0")
    spelling = _table(raw, "spelling", "", 'words (defence = "defense")')
    for word, replacement in spelling.items():
        if not (isinstance(replacement, str) and _WORD.fullmatch(word) and _WORD.fullmatch(replacement)):
            raise _fail(f"spelling.{word}", "must map one lower-case word to another")

    traditional = raw.get("traditional_chinese", "")
    pairs = traditional.split() if isinstance(traditional, str) else None
    if pairs is None or not all(len(pair) == 2 and _CJK.fullmatch(pair[0]) for pair in pairs):
        raise _fail("traditional_chinese", "must be pairs of characters, traditional then simplified (國国)")
    to_simplified = str.maketrans({pair[0]: pair[1] for pair in pairs})

    groups = raw.get("groups")
    if not isinstance(groups, Mapping):
        raise _fail("groups", "must be a table of term groups ([groups.us], [groups.china], ...)")
    _known_keys(groups, ROLES, "groups.")
    for role in ("us", "china", "talk"):
        if role not in groups:
            raise _fail(f"groups.{role}", "is missing: the scorer needs both sides and communication terms")
    index = _Index(MappingProxyType(dict(spelling)))
    found = _Groups()
    for role, group in groups.items():
        _load_group(role, group, index, found, scoring["strong"])
    kinds = _load_kinds(raw, found.labels)
    rates = _load_exclusions(raw, index)
    requirements = _load_requirements(raw, groups, scoring["strong"])

    latin, cjk, cjk_terms = index.freeze()
    return Topic(
        name=name.strip(),
        threshold=threshold,
        title_bonus=scoring["title_bonus"],
        lead_sentences=int(scoring["lead_sentences"]),
        lead_bonus=scoring["lead_bonus"],
        scale=scoring["scale"],
        strong=scoring["strong"],
        unmet_cap=scoring["unmet_cap"],
        third_party_factor=scoring["third_party_factor"],
        channel_alone=scoring["channel_alone"],
        max_matched=int(scoring["max_matched"]),
        requirements=tuple(requirements),
        exclusion_rates=MappingProxyType(rates),
        kinds=MappingProxyType(kinds),
        mechanisms=frozenset(found.mechanisms),
        people=MappingProxyType(found.people),
        latin=latin,
        cjk=cjk,
        cjk_terms=cjk_terms,
        spelling=index.spelling,
        to_simplified=MappingProxyType(to_simplified),
    )


@lru_cache(maxsize=1)
def bundled_topic() -> Topic:
    """The topic shipped with hotline (``crawler/data/topic.toml``), parsed once.

    Reads package data only; the pipeline builds its topic from ``Config.topic`` with ``load_topic``.
    """
    import tomllib
    from importlib import resources

    text = resources.files("crawler.data").joinpath("topic.toml").read_text(encoding="utf-8")
    return load_topic(tomllib.loads(text))


# ----------------------------------------------------------------------------------------- matching


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


def find_terms(topic: Topic, sentence: str) -> list[Term]:
    """Every topic, exclusion and marker term in one sentence, longest phrase first, without overlaps."""
    return _terms_by_sentence(topic, [sentence])[0]


def _terms_by_sentence(topic: Topic, sentences: list[str]) -> list[list[Term]]:
    """The terms of each sentence, matched in one pass over the whole text (line breaks separate them)."""
    joined = "\n".join(s.replace("\n", " ") for s in sentences)
    found: list[list[Term]] = [[] for _ in sentences]
    if topic.cjk is not None and has_ideographs(joined):
        ends = list(itertools.accumulate(len(s) + 1 for s in sentences))
        simplified = joined.translate(topic.to_simplified)  # one character for one: offsets hold
        for match in topic.cjk.finditer(simplified):
            found[bisect.bisect_right(ends, match.start())].append(topic.cjk_terms[match.group(0)])
    root, index = topic.latin, 0
    tokens = _normalize_latin(joined).replace(b"\n", b" | ").split()
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


def _has_short(found: list[list[Term]]) -> bool:
    """A bare surname was matched somewhere: it counts only if a full form of its label was too."""
    for terms in found:
        for term in terms:
            if term.short:
                return True
    return False


def _link(topic: Topic, terms: list[Term], group_max: dict[str, float]) -> float:
    """How strongly one sentence ties a US military actor to a Chinese one by a communication act.

    Also records each group's best weight in ``group_max`` (for the requirements).
    """
    us = china = talk = channel = 0.0
    third = False
    for term in terms:
        role, weight = term.role, term.weight
        if weight > group_max.get(role, -1.0):
            group_max[role] = weight
        if role == "us":
            us = weight if weight > us else us
        elif role == "china":
            china = weight if weight > china else china
        elif role in TALK_ROLES:
            talk = weight if weight > talk else talk
        elif role == "channel":
            channel = weight if weight > channel else channel
        elif role == "third":
            third = True
    link = min(1.0, max(us * china * talk, channel * max(us, china, topic.channel_alone)))
    return link * topic.third_party_factor if third else link


def _about_third_party(topic: Topic, subject: list[list[Term]]) -> bool:
    """Headline and first sentence pair one side with a third country: an ally's or a rival's story.

    Plain loops here and below: generator frames cost microseconds each on a cache cold from
    extraction, and these run once per article.
    """
    third = False
    us = china = 0.0
    for terms in subject:
        for term in terms:
            if term.role == "third":
                third = True
            elif term.role == "us" and term.weight > us:
                us = term.weight
            elif term.role == "china" and term.weight > china:
                china = term.weight
    return third and not (us >= topic.strong and china >= topic.strong)


def _requirements_met(topic: Topic, group_max: Mapping[str, float]) -> bool:
    """Some [[require]] combination has every slot filled by a group at its minimum weight."""
    if not topic.requirements:
        return True
    for req in topic.requirements:
        for slot in req.slots:
            for option in slot:
                if group_max.get(option, 0.0) >= req.min_weight:
                    break
            else:
                break  # this slot is empty: the combination is not met
        else:
            return True
    return False


def analyse_article(topic: Topic, article: Article) -> Analysis:
    """Score an article and keep the per-sentence evidence (story matching profiles it)."""
    body = split_sentences(article.text or "")
    lead = min(len(body), topic.lead_sentences)
    positions = [topic.title_bonus, *[topic.lead_bonus] * lead, *[1.0] * (len(body) - lead)]
    found = _terms_by_sentence(topic, [article.title or "", *body])
    if _has_short(found):
        full = {t.label for terms in found for t in terms if not t.short}
        found = [[t for t in terms if not t.short or t.label in full] for terms in found]

    sentences: list[SentenceEvidence] = []
    evidence = 0.0
    excluded: dict[str, float] = {}
    group_max: dict[str, float] = {}
    importance: dict[str, float] = {}
    rank: dict[str, int] = {}
    for terms, position in zip(found, positions, strict=True):
        if not terms:
            sentences.append(SentenceEvidence(position, (), 0.0))
            continue
        link = _link(topic, terms, group_max)
        sentences.append(SentenceEvidence(position, tuple(terms), link))
        evidence += link * position
        boost = position * (1 + link)
        exclusions = set()
        for term in terms:
            if term.rank >= 0:  # context words (China, Washington) support evidence but explain nothing
                label = term.label
                importance[label] = importance.get(label, 0.0) + term.weight * boost
                rank[label] = term.rank
            elif term.role == "exclusion":
                exclusions.add(term.label)
        for name in exclusions:  # once per sentence and subject
            excluded[name] = excluded.get(name, 0.0) + position

    if _about_third_party(topic, found[:2]):
        evidence *= topic.third_party_factor
    value = 1.0 - math.exp(-evidence / topic.scale)
    if not _requirements_met(topic, group_max):
        value = min(value, topic.unmet_cap)
    dilution = 0.0
    for name, weight in excluded.items():
        dilution += topic.exclusion_rates[name] * weight
    if dilution > evidence:  # the other subject outweighs the beat: scale down by the margin
        value *= 2 * evidence / (evidence + dilution)
    value = round(min(1.0, max(0.0, value)), 4)
    ordered = sorted(importance, key=lambda label: (rank[label], -importance[label], label))
    score = Score(value=value, relevant=value >= topic.threshold, matched=tuple(ordered[: topic.max_matched]))
    return Analysis(score=score, evidence=round(evidence, 4), sentences=tuple(sentences))


def score_article(topic: Topic, article: Article) -> Score:
    """Score in [0, 1], ``relevant`` when it reaches the topic threshold, matched terms as the explanation."""
    return analyse_article(topic, article).score
