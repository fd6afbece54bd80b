"""Match many CSS selectors against a page in one pass.

libxml2 evaluates each XPath expression as a walk of its own: two hundred boilerplate selectors made
two hundred walks and cost more than trafilatura's whole extraction. Most rules are simple selectors
(``#id``, ``.class``, ``[class*='x']``, ``tag``), so they are indexed by id, class token, attribute
and tag: one XPath picks the elements that could match, and each is checked against only the rules
its id or classes point to. Selectors the index cannot express (combinators, ``:has()``, ``xpath:``)
fall back to their own XPath. Results are the same as cssselect's; ``tests/test_extract_rules.py``
checks that on every fixture page.

Three selector forms are accepted: CSS; ``xpath:EXPR``; and ``label:TEXT``, a heading (h2-h5, or a
div holding only text) whose whole text is TEXT, together with the list or block right after it: the
"Related Articles" strip that has no telling class.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cssselect import HTMLTranslator, SelectorError, parse
from cssselect.parser import Attrib, Class, Element, Hash
from lxml import etree
from lxml.html import HtmlElement

XPATH_PREFIX = "xpath:"
LABEL_PREFIX = "label:"
_AFTER_LABEL = frozenset({"ul", "ol", "div"})
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_CLASS_VALUES = etree.XPath(".//*/@class", smart_strings=False)
_ID_VALUES = etree.XPath(".//*/@id")  # smart strings: each knows its element (ids are few)
_LEAF_DIVS = etree.XPath(".//div[not(*)][string-length() < 60]")  # a text-only div short enough for a label
_TRANSLATOR = HTMLTranslator()
_SUBSTRING_OPS = {"^=": "^{}", "*=": "{}", "$=": "{}$"}


def to_xpath(selector: str) -> str:
    """The XPath form of a selector (CSS, ``xpath:EXPR`` or ``label:TEXT``); ValueError if invalid."""
    selector = selector.strip()
    if selector.startswith(XPATH_PREFIX):
        expr = selector[len(XPATH_PREFIX) :].strip()
    elif selector.startswith(LABEL_PREFIX):
        label = _label(selector)
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


def _label(selector: str) -> str:
    return _XML_SPACE.sub(" ", selector.strip()[len(LABEL_PREFIX) :]).strip(" ")


_OPS = frozenset({"exists", "=", "~=", *_SUBSTRING_OPS})


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
            _attr_matches(classes if name == "class" else node.get(name), op, value)
            for name, op, value in self.attrs
        )


def _attr_matches(actual: str | None, op: str, value: str | None) -> bool:
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


class SelectorIndex:
    """Selectors (CSS or XPath) compiled so a page is matched in one pass; ``match`` names the first
    selector (by position) that each matched node satisfies.

    The page's class values are read as strings, each distinct one is checked against the class rules
    once (pages repeat their layout classes, and the check is cached across pages), and only elements
    carrying a value that hits a rule are fetched. Tag rules use lxml's C-level tag filter.
    """

    def __init__(self, selectors: Sequence[str], taxonomy: re.Pattern[str] | None = None) -> None:
        """Compile ``selectors`` (each valid for ``to_xpath``); ``match`` reports them by position.

        Class tokens that ``taxonomy`` matches whole are invisible to attribute tests
        (``[class*='sharing']``): a CMS writes a post's own tags and categories into its class
        (``tag-intelligence-sharing``), and those name the story, not a widget.
        """
        self._taxonomy = taxonomy
        self._compounds: list[Compound | None] = []
        self._labels: dict[str, list[int]] = {}
        self._fallback: list[tuple[int, etree.XPath]] = []
        self._by_id: dict[str, list[int]] = {}
        self._by_class: dict[str, list[int]] = {}
        self._by_tag: dict[str, list[int]] = {}
        self._by_attr: dict[str, list[int]] = {}
        self._class_subs: dict[tuple[str, str], list[int]] = {}
        self._id_subs: dict[tuple[str, str], list[int]] = {}
        for position, selector in enumerate(selectors):
            selector = selector.strip()
            is_css = not selector.startswith((XPATH_PREFIX, LABEL_PREFIX))
            compound = parse_compound(selector) if is_css else None
            self._compounds.append(compound)
            if selector.startswith(LABEL_PREFIX):
                self._labels.setdefault(_label(selector), []).append(position)
            elif compound is None:
                self._fallback.append((position, etree.XPath(to_xpath(selector))))
            elif compound.ids:
                self._by_id.setdefault(compound.ids[0], []).append(position)
            elif compound.classes:
                self._by_class.setdefault(compound.classes[0], []).append(position)
            elif sub := _substring_key(compound, "class"):
                self._class_subs.setdefault(sub, []).append(position)
            elif sub := _substring_key(compound, "id"):
                self._id_subs.setdefault(sub, []).append(position)
            elif compound.tag:
                self._by_tag.setdefault(compound.tag, []).append(position)
            else:  # an attribute test alone, such as [data-paywall]
                self._by_attr.setdefault(compound.attrs[0][0], []).append(position)
        self._for_classes = lru_cache(maxsize=8192)(self._class_candidates)
        self._id_screen = _screen(self._id_subs)
        self._class_screen = _screen(self._class_subs)
        self._attr_xpath = (
            etree.XPath(f".//*[{' or '.join(f'@{name}' for name in self._by_attr)}]")
            if self._by_attr
            else None
        )

    def match(self, scope: HtmlElement) -> list[tuple[HtmlElement, int]]:
        """Matched nodes under ``scope`` in document order, each with the position of its first selector."""
        best: dict[HtmlElement, int] = {}
        # class values as plain strings (no Python object per element, which is what costs on a page
        # of thousands of elements); only elements carrying a value that hits a rule are fetched
        hits = [value for value in set(_CLASS_VALUES(scope)) if self._for_classes(value)]
        if hits:
            for node in _with_class_in(scope, hits):
                classes = node.get("class")
                self._offer(best, node, self._first_match(node, classes, self._for_classes(classes)))
        for value in _ID_VALUES(scope):
            node_id = str(value)
            if node_id in self._by_id or (self._id_screen is not None and self._id_screen.search(node_id)):
                node = value.getparent()
                candidates = (*self._by_id.get(node_id, ()), *_substring_hits(self._id_subs, node_id))
                self._offer(best, node, self._first_match(node, node.get("class"), candidates))
        if self._by_tag:
            for node in scope.iterdescendants(*self._by_tag):
                self._offer(
                    best, node, self._first_match(node, node.get("class"), tuple(self._by_tag[node.tag]))
                )
        if self._labels:
            self._match_labels(scope, best)
        for position, xpath in self._fallback:
            for node in xpath(scope):
                if isinstance(node, HtmlElement):
                    self._offer(best, node, position)
        if self._attr_xpath is not None:
            for node in self._attr_xpath(scope):
                hits = tuple(
                    p for name, ps in self._by_attr.items() if node.get(name) is not None for p in ps
                )
                self._offer(best, node, self._first_match(node, node.get("class"), hits))
        return sorted(best.items(), key=lambda item: _document_order(item[0], scope))

    @staticmethod
    def _offer(best: dict[HtmlElement, int], node: HtmlElement, position: int | None) -> None:
        if position is not None and (node not in best or position < best[node]):
            best[node] = position

    def _match_labels(self, scope: HtmlElement, best: dict[HtmlElement, int]) -> None:
        """Headings (or text-only divs) that say exactly a label, and the list or block right after."""
        for node in (*scope.iterdescendants("h2", "h3", "h4", "h5"), *_LEAF_DIVS(scope)):
            text = _XML_SPACE.sub(" ", node.text_content()).strip(" ")
            if text not in self._labels:
                continue
            position = self._labels[text][0]
            self._offer(best, node, position)
            following = node.getnext()
            while following is not None and not isinstance(following.tag, str):
                following = following.getnext()
            if following is not None and following.tag in _AFTER_LABEL:
                self._offer(best, following, position)

    def _widget_classes(self, classes: str | None) -> str | None:
        """The class value without taxonomy tokens (``tag-*``, ``category-*``…), for attribute tests."""
        if not classes or self._taxonomy is None:
            return classes
        return " ".join(token for token in classes.split() if not self._taxonomy.fullmatch(token))

    def _first_match(self, node: HtmlElement, classes: str | None, candidates: tuple[int, ...]) -> int | None:
        tokens = set(classes.split()) if classes else set()
        widget = self._widget_classes(classes)
        best = None
        for position in candidates:
            compound = self._compounds[position]
            if (
                (best is None or position < best)
                and compound is not None
                and compound.matches(node, tokens, widget)
            ):
                best = position
        return best

    def _class_candidates(self, classes: str) -> tuple[int, ...]:
        """The rules a class attribute could satisfy (cached: pages repeat their layout classes)."""
        hits = [p for token in classes.split() for p in self._by_class.get(token, ())]
        widget = self._widget_classes(classes) or ""
        if self._class_screen is not None and self._class_screen.search(widget):
            hits += _substring_hits(self._class_subs, widget)
        return tuple(sorted(set(hits)))


_CLASS_IN = etree.XPath(".//*[@class and contains($values, concat($sep, @class, $sep))]")
_SEPARATORS = ("|", "\u00a6", "\u241f")


def _with_class_in(scope: HtmlElement, values: list[str]) -> list[HtmlElement]:
    """The elements whose class attribute is one of ``values``, in document order and one walk.

    One substring test per element against the values joined by a separator: an ``or`` of one
    equality per value costs elements x values (a big page hits a hundred values: 30 ms). A class
    that merely contains a separator can come back too; callers check each node's rules anyway.
    """
    sep = next((s for s in _SEPARATORS if not any(s in value for value in values)), None)
    if sep is None:  # every separator occurs in some value: one walk, compared in Python
        wanted = set(values)
        return [node for node in scope.iterdescendants(etree.Element) if node.get("class") in wanted]
    return _CLASS_IN(scope, values=sep + sep.join(values) + sep, sep=sep)


def _document_order(node: HtmlElement, scope: HtmlElement) -> tuple[int, ...]:
    """A sort key in document order: the child indexes on the way down from ``scope``."""
    path = []
    while node is not scope and (parent := node.getparent()) is not None:
        path.append(parent.index(node))
        node = parent
    return tuple(reversed(path))


def _substring_key(compound: Compound, attribute: str) -> tuple[str, str] | None:
    """The (operator, value) of the compound's substring test on ``attribute``, if it has one."""
    for name, op, value in compound.attrs:
        if name == attribute and op in _SUBSTRING_OPS and value:
            return op, value
    return None


def _screen(subs: dict[tuple[str, str], list[int]]) -> re.Pattern[str] | None:
    """One regex that finds whether any substring rule can apply to a value (most values match none)."""
    parts = [_SUBSTRING_OPS[op].format(re.escape(value)) for op, value in subs]
    return re.compile("|".join(parts)) if parts else None


def _substring_hits(subs: dict[tuple[str, str], list[int]], actual: str) -> list[int]:
    hits: list[int] = []
    for (op, value), positions in subs.items():
        if _attr_matches(actual, op, value):
            hits += positions
    return hits
