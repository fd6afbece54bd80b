"""Selector syntax for the cleaning rules: CSS, ``xpath:EXPR`` and ``label:TEXT``.

``to_xpath`` turns any rule into the XPath it means (the reference ``selectors.SelectorIndex`` is checked
against); ``parse_compound`` reads a simple CSS selector (a tag, ids, class tokens, attribute tests) into
the form the index can look up; ``attr_matches`` is the attribute test with cssselect's semantics.
A ``label:TEXT`` rule is a heading (h2-h5, or a div holding only text) whose whole text is TEXT, together
with the list or block right after it: the "Related Articles" strip that has no telling class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cssselect import HTMLTranslator, SelectorError, parse
from cssselect.parser import Attrib, Class, Element, Hash
from lxml import etree
from lxml.html import HtmlElement

XPATH_PREFIX = "xpath:"
LABEL_PREFIX = "label:"
XML_SPACE = re.compile(r"[ \t\r\n]+")
_TRANSLATOR = HTMLTranslator()
SUBSTRING_OPS = {"^=": "^{}", "*=": "{}", "$=": "{}$"}


def to_xpath(selector: str) -> str:
    """The XPath form of a selector (CSS, ``xpath:EXPR`` or ``label:TEXT``); ValueError if invalid."""
    selector = selector.strip()
    if selector.startswith(XPATH_PREFIX):
        expr = selector[len(XPATH_PREFIX) :].strip()
    elif selector.startswith(LABEL_PREFIX):
        label = label_text(selector)
        if "'" in label and '"' in label:
            raise ValueError(f"label {label!r} mixes both kinds of quote")
        quoted = f'"{label}"' if "'" in label else f"'{label}'"
        heading = (
            ".//*[(self::h2 or self::h3 or self::h4 or self::h5 or self::div[not(*)])"
            f" and normalize-space() = {quoted}]"
        )
        expr = f"{heading} | {heading}/following-sibling::*[1][self::ul or self::ol or self::div]"
    else:
        try:
            expr = _TRANSLATOR.css_to_xpath(selector, prefix=".//")
        except SelectorError as exc:
            raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None
    try:
        etree.XPath(expr)
    except etree.XPathError as exc:
        raise ValueError(f"invalid selector {selector!r}: {exc}") from None
    return expr


def label_text(selector: str) -> str:
    return XML_SPACE.sub(" ", selector.strip()[len(LABEL_PREFIX) :]).strip(" ")


_OPS = frozenset({"exists", "=", "~=", *SUBSTRING_OPS})


@dataclass(frozen=True, slots=True)
class Compound:
    """A simple selector: an optional tag, ids, class tokens and attribute tests, all required."""

    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str, str | None], ...]

    def matches(self, node: HtmlElement, tokens: set[str], classes: str | None) -> bool:
        """``classes`` is the class value attribute tests read (taxonomy tokens already left out)."""
        if self.tag is not None and node.tag != self.tag:
            return False
        if any(node.get("id") != wanted for wanted in self.ids):
            return False
        if any(wanted not in tokens for wanted in self.classes):
            return False
        return all(
            attr_matches(classes if name == "class" else node.get(name), op, value)
            for name, op, value in self.attrs
        )


def attr_matches(actual: str | None, op: str, value: str | None) -> bool:
    if actual is None:
        return False
    if op == "exists":
        return True
    if op == "=":
        return actual == value
    if not value:  # cssselect: an empty ^= *= $= ~= value matches nothing
        return False
    if op == "^=":
        return actual.startswith(value)
    if op == "*=":
        return value in actual
    if op == "$=":
        return actual.endswith(value)
    return value in actual.split()  # ~=


def parse_compound(selector: str) -> Compound | None:
    """The selector as a Compound, or None when it needs more than the index offers."""
    try:
        parsed = parse(selector)
    except SelectorError:
        return None
    if len(parsed) != 1 or parsed[0].pseudo_element:
        return None
    node = parsed[0].parsed_tree
    ids: list[str] = []
    classes: list[str] = []
    attrs: list[tuple[str, str, str | None]] = []
    while not isinstance(node, Element):
        if isinstance(node, Hash):
            ids.append(node.id)
        elif isinstance(node, Class):
            classes.append(node.class_name)
        elif isinstance(node, Attrib) and not node.namespace and not node.flag and node.operator in _OPS:
            value = node.value.value if node.value is not None else None
            attrs.append((node.attrib.lower(), node.operator, value))
        else:
            return None
        node = node.selector
    if node.namespace:
        return None
    tag = node.element.lower() if node.element and node.element != "*" else None
    if not (ids or classes or attrs or tag):
        return None  # "*" alone: leave it to XPath
    return Compound(tag, tuple(ids), tuple(classes), tuple(attrs))
