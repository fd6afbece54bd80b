"""The topic: groups of weighted terms, required combinations and exclusions, loaded from TOML. Pure.

The topic is data (``crawler/data/topic.toml``); this module validates it (a ValueError names the key
at fault) and builds the phrase index once. Actors are matched by name (``people``) and by role or
rank (``roles``: "defense secretary", "PLA major general"), so officials who change every year or two
are found without a lexicon update. Tables the scorer does not read (``[[channels]]``) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from crawler.core.terms import _CJK, WORD, PhraseIndex, Term
from crawler.core.tomlcheck import fail, flag, known_keys, number, phrases, table

ROLES = ("us", "china", "talk", "breakdown", "restore", "channel", "third", "ignore", "background", "place")
TALK_ROLES = frozenset({"talk", "breakdown", "restore"})
EXPLAINING_ROLES = TALK_ROLES | {"channel"}  # after people, these come first in the explanation
# groups that shape evidence or matching but explain nothing
SILENT_ROLES = frozenset({"third", "ignore", "background", "exclusion", "place"})
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
# Top-level keys of topic.toml; "channels" belongs to the events stage and is only tolerated here.
TOPIC_KEYS = (
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
    "channels",
)
ACTOR_TABLES = (("terms", False, False), ("people", True, False), ("roles", False, True))


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


@dataclass
class _Groups:
    """What loading the [groups.*] tables yields besides the index."""

    labels: dict[str, str] = field(default_factory=dict)  # label -> group
    people: dict[str, str] = field(default_factory=dict)
    mechanisms: set[str] = field(default_factory=set)


def _rank(role: str, weight: float, person: bool, strong: float) -> int:
    """Where a term goes in the explanation; context words (weight < strong) and markers never show."""
    if role in SILENT_ROLES or weight < strong:
        return -1
    return 0 if person else 1 if role in EXPLAINING_ROLES else 2


def _load_group(role: str, group: Any, index: PhraseIndex, found: _Groups, strong: float) -> None:
    where = f"groups.{role}"
    if not isinstance(group, Mapping):
        raise fail(where, "must be a table")
    allowed = ("weight", "inflect", "terms", "people", "roles", "weights", "combine", "mechanisms")
    known_keys(group, allowed, f"{where}.")
    default = number(group, "weight", 1.0, f"{where}.", 0.0, 10.0)
    inflect = flag(group, "inflect", False, f"{where}.")
    weights = table(group, "weights", f"{where}.", "label = weight")
    for kind, is_person, actor in ACTOR_TABLES:
        entries = table(group, kind, f"{where}.", "label = [phrases]")
        if (is_person or actor) and entries and role not in ("us", "china", "third"):
            raise fail(f"{where}.{kind}", "is only meaningful for the us, china and third groups")
        for label, variants in entries.items():
            if label in found.labels:
                raise fail(f"{where}.{kind}.{label}", f"repeats a label of groups.{found.labels[label]}")
            found.labels[label] = role
            weight = number(weights, label, default, f"{where}.weights.", 0.0, 10.0)
            if is_person and role != "third":
                found.people[label] = role
            for variant in phrases(variants, f"{where}.{kind}.{label}"):
                short = variant.startswith("~")
                rank = _rank(role, weight, is_person or actor, strong)
                phrase = variant.lstrip("~").strip()
                term = Term(label, role, weight, is_person, short, rank, actor, phrase)
                index.add(phrase, term, inflect and not is_person and not short)
    for label in weights:
        if found.labels.get(label) != role:
            raise fail(f"{where}.weights.{label}", "names no term of this group")
    combines = group.get("combine", [])
    combines = [combines] if isinstance(combines, Mapping) else combines
    if not isinstance(combines, list):
        raise fail(f"{where}.combine", "must be a table or an array of tables with 'first' and 'then'")
    for i, combine in enumerate(combines):
        key = f"{where}.combine[{i}]"
        if not isinstance(combine, Mapping) or set(combine) != {"first", "then"}:
            raise fail(key, "must have exactly the lists 'first' and 'then'")
        for first in phrases(combine["first"], f"{key}.first"):
            for then in phrases(combine["then"], f"{key}.then"):
                phrase = f"{first}{then}" if _CJK.search(first + then) else f"{first} {then}"
                term = Term(phrase, role, default, rank=_rank(role, default, False, strong), phrase=phrase)
                index.add(phrase, term, inflect)
    for label in phrases(group["mechanisms"], f"{where}.mechanisms") if "mechanisms" in group else []:
        if found.labels.get(label) != role:
            raise fail(f"{where}.mechanisms", f"names {label!r}, which is no term of this group")
        found.mechanisms.add(label)


def _load_kinds(raw: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for kind, members in table(raw, "kinds", "", "kind = [labels]").items():
        for label in phrases(members, f"kinds.{kind}"):
            if label not in labels:
                raise fail(f"kinds.{kind}", f"names {label!r}, which is no term label of any group")
            kinds[label] = kind
    return kinds


def _load_exclusions(raw: Mapping[str, Any], index: PhraseIndex) -> dict[str, float]:
    rates: dict[str, float] = {}
    for name, exclusion in table(raw, "exclusions", "", "named exclusion groups").items():
        where = f"exclusions.{name}"
        if not isinstance(exclusion, Mapping):
            raise fail(where, "must be a table with 'terms' (and optional 'rate', 'inflect')")
        known_keys(exclusion, ("terms", "rate", "inflect"), f"{where}.")
        rates[name] = number(exclusion, "rate", 1.0, f"{where}.", 0.0, 100.0)
        inflect = flag(exclusion, "inflect", True, f"{where}.")
        for phrase in phrases(exclusion.get("terms"), f"{where}.terms"):
            index.add(phrase, Term(name, "exclusion", 1.0), inflect)
    return rates


def _load_requirements(raw: Mapping[str, Any], groups: Mapping[str, Any], strong: float) -> list[Requirement]:
    require = raw.get("require", [])
    if not isinstance(require, list):
        raise fail("require", "must be an array of tables ([[require]])")
    requirements = []
    for i, req in enumerate(require):
        where = f"require[{i}]"
        if not isinstance(req, Mapping) or "groups" not in req:
            raise fail(where, "must be a table with 'groups' (and optional 'min_weight')")
        known_keys(req, ("groups", "min_weight"), f"{where}.")
        slots = []
        for slot in phrases(req["groups"], f"{where}.groups"):
            options = tuple(part.strip() for part in slot.split("|"))
            for option in options:
                if option not in groups:
                    raise fail(f"{where}.groups", f"names {option!r}, which is no group of this topic")
            slots.append(options)
        requirements.append(Requirement(tuple(slots), number(req, "min_weight", strong, f"{where}.", 0, 10)))
    return requirements


def load_topic(raw: Mapping[str, Any]) -> Topic:
    """Build a Topic from its parsed TOML; a ValueError names the key at fault and what it must be."""
    if not isinstance(raw, Mapping):
        raise ValueError("topic: must be a table of keys (name, threshold, groups, ...)")
    known_keys(raw, TOPIC_KEYS, "")
    name = raw.get("name", "topic")
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "must be a non-empty string")
    threshold = number(raw, "threshold", 0.5, "", 0.0, 1.0)
    scoring_raw = table(raw, "scoring", "", "scoring parameters")
    known_keys(scoring_raw, SCORING_DEFAULTS, "scoring.")
    scoring = {
        key: number(scoring_raw, key, default, "scoring.", 0.0, 1000.0)
        for key, default in SCORING_DEFAULTS.items()
    }
    if scoring["scale"] <= 0:
        raise fail("scoring.scale", "must be greater than 0")
    spelling = table(raw, "spelling", "", 'words (defence = "defense")')
    for word, replacement in spelling.items():
        if not (isinstance(replacement, str) and WORD.fullmatch(word) and WORD.fullmatch(replacement)):
            raise fail(f"spelling.{word}", "must map one lower-case word to another")

    traditional = raw.get("traditional_chinese", "")
    pairs = traditional.split() if isinstance(traditional, str) else None
    if pairs is None or not all(len(pair) == 2 and _CJK.fullmatch(pair[0]) for pair in pairs):
        raise fail("traditional_chinese", "must be pairs of characters, traditional then simplified (國国)")
    to_simplified = str.maketrans({pair[0]: pair[1] for pair in pairs})

    groups = raw.get("groups")
    if not isinstance(groups, Mapping):
        raise fail("groups", "must be a table of term groups ([groups.us], [groups.china], ...)")
    known_keys(groups, ROLES, "groups.")
    for role in ("us", "china", "talk"):
        if role not in groups:
            raise fail(f"groups.{role}", "is missing: the scorer needs both sides and communication terms")
    index = PhraseIndex(MappingProxyType(dict(spelling)))
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


def without_people(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parsed topic TOML with every person's name removed (roles and ranks kept): how relevance and
    stories fare once the officials named in the lexicon have all been replaced."""
    groups = {}
    for role, group in dict(raw.get("groups", {})).items():
        group = dict(group)
        names = set(group.pop("people", {}))
        if "weights" in group:
            group["weights"] = {k: v for k, v in group["weights"].items() if k not in names}
        groups[role] = group
    kinds = {
        k: [label for label in v if label not in _names(raw)] for k, v in dict(raw.get("kinds", {})).items()
    }
    return {**raw, "groups": groups, "kinds": kinds}


def _names(raw: Mapping[str, Any]) -> set[str]:
    return {label for group in dict(raw.get("groups", {})).values() for label in group.get("people", {})}
