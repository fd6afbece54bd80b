"""The cleaning layer's rules, read from ``crawler/data/boilerplate.toml`` and compiled once.

Rules are data (grouped by what they remove, commented with the platform that forced them), so a new
comment system or paywall is a TOML line, not code. DOM rules are CSS selectors (or ``xpath:EXPR``, or
``label:TEXT`` for a heading that says TEXT and the list after it); line rules are whole-line regular
expressions.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from crawler.core.extract.selector_syntax import to_xpath
from crawler.core.extract.selectors import SelectorIndex

LOGGER = logging.getLogger(__name__)


class RuleError(ValueError):
    """A rule (bundled or a source's ``selectors``) that cannot be compiled."""


@dataclass(frozen=True, slots=True)
class Removal:
    """One thing the cleaning layer took out, and the rule that did it (shown by ``--explain``)."""

    stage: str  # "dom": removed before trafilatura; "line": dropped from its text
    group: str  # comments, paywall, donation, promo, share, related, cookie, bio, caption, site, …
    rule: str  # "wpdiscuz: #wpdcom", "repeated title", …
    snippet: str  # the start of what was removed


@dataclass(frozen=True, slots=True)
class DomRule:
    """A selector removed before extraction; ``xpath`` is its compiled form."""

    group: str
    name: str
    source: str
    xpath: str

    @property
    def label(self) -> str:
        return f"{self.name}: {self.source}"


@dataclass(frozen=True, slots=True)
class LineRule:
    """A whole-line pattern dropped after extraction."""

    group: str
    name: str
    pattern: re.Pattern[str]

    @property
    def label(self) -> str:
        return f"{self.name}: /{self.pattern.pattern}/"


@dataclass(frozen=True, slots=True)
class DomRuleSet:
    """DOM rules with their selector index, so a page is matched in one pass however many there are."""

    rules: tuple[DomRule, ...]
    index: SelectorIndex | None


@dataclass(frozen=True, slots=True)
class Rules:
    """All bundled rules: DOM rules and line rules, plus one regex that tests every line rule at once."""

    dom: DomRuleSet
    lines: tuple[LineRule, ...]
    any_line: re.Pattern[str] | None
    taxonomy: re.Pattern[str] | None = None  # class tokens that attribute tests never read (whole token)


def selector_to_xpath(selector: str) -> str:
    """A selector (CSS, ``xpath:EXPR`` or ``label:TEXT``) as XPath; RuleError when it is invalid."""
    try:
        return to_xpath(selector)
    except ValueError as exc:
        raise RuleError(str(exc)) from None


def _index(rules: tuple[DomRule, ...], taxonomy: re.Pattern[str] | None) -> SelectorIndex | None:
    if not rules:
        return None
    return SelectorIndex([rule.source for rule in rules], taxonomy)


def _dom_rules(raw: dict[str, Any]) -> tuple[DomRule, ...]:
    rules = []
    for group, platforms in raw.items():
        for name, selectors in platforms.items():
            for selector in selectors:
                rules.append(DomRule(group, name, selector, selector_to_xpath(selector)))
    return tuple(rules)


def _line_rules(raw: dict[str, Any]) -> tuple[LineRule, ...]:
    rules = []
    for group, platforms in raw.items():
        for name, patterns in platforms.items():
            for pattern in patterns:
                try:
                    rules.append(LineRule(group, name, re.compile(pattern, re.IGNORECASE)))
                except re.error as exc:
                    raise RuleError(f"lines.{group}.{name}: bad pattern {pattern!r}: {exc}") from None
    return tuple(rules)


def parse_rules(text: str) -> Rules:
    """Compile a boilerplate TOML document (the bundled one, or a test's)."""
    data = tomllib.loads(text)
    dom = _dom_rules(data.get("dom", {}))
    tokens = data.get("ignore", {}).get("class_tokens", ())
    try:
        taxonomy = re.compile("|".join(f"(?:{token})" for token in tokens)) if tokens else None
    except re.error as exc:
        raise RuleError(f"ignore.class_tokens: bad pattern: {exc}") from None
    lines = _line_rules(data.get("lines", {}))
    any_line = (
        re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in lines), re.IGNORECASE)
        if lines
        else None
    )
    return Rules(DomRuleSet(dom, _index(dom, taxonomy)), lines, any_line, taxonomy)


@cache
def bundled_rules() -> Rules:
    """The rules shipped in ``crawler/data/boilerplate.toml``, compiled on first use."""
    text = resources.files("crawler.data").joinpath("boilerplate.toml").read_text(encoding="utf-8")
    return parse_rules(text)


@lru_cache(maxsize=256)
def site_rules(selectors: tuple[str, ...]) -> DomRuleSet:
    """A source's extra selectors (from its config) compiled once; a bad one is logged and skipped."""
    rules = []
    for selector in selectors:
        try:
            rules.append(DomRule("site", "source selector", selector, selector_to_xpath(selector)))
        except RuleError as exc:
            LOGGER.warning("ignoring a source selector: %s (fix the source's 'selectors' key)", exc)
    rules_t = tuple(rules)
    return DomRuleSet(rules_t, _index(rules_t, bundled_rules().taxonomy))
