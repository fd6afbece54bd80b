"""Match many CSS selectors against a page in one pass.

libxml2 evaluates each XPath expression as a walk of its own: two hundred boilerplate selectors made
two hundred walks and cost more than trafilatura's whole extraction. Most rules are simple selectors
(``#id``, ``.class``, ``[class*='x']``, ``tag``), so they are indexed by id, class token, attribute
and tag: one XPath picks the elements that could match, and each is checked against only the rules
its id or classes point to. Selectors the index cannot express (combinators, ``:has()``, ``xpath:``)
fall back to their own XPath. Results are the same as cssselect's; ``tests/core/test_extract_rules.py``
checks that on every fixture page.

The selector forms (CSS, ``xpath:EXPR``, ``label:TEXT``) are read by ``selector_syntax``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

from lxml import etree
from lxml.html import HtmlElement

from crawler.core.extract.selector_syntax import (
    LABEL_PREFIX,
    SUBSTRING_OPS,
    XML_SPACE,
    XPATH_PREFIX,
    Compound,
    attr_matches,
    label_text,
    parse_compound,
    to_xpath,
)

_AFTER_LABEL = frozenset({"ul", "ol", "div"})
_SPACE_CHARS = re.compile(r"[\t\n\r\f\v]")  # as a space: class tokens are separated by any of them
_CLASS_VALUES = etree.XPath(".//*/@class", smart_strings=False)
_ID_VALUES = etree.XPath(".//*/@id")  # smart strings: each knows its element (ids are few)
_LEAF_DIVS = etree.XPath(".//div[not(*)][string-length() < 60]")  # a text-only div short enough for a label


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
                self._labels.setdefault(label_text(selector), []).append(position)
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
        self._class_tokens = frozenset(self._by_class)
        # the substring rules unanchored: a search of all of a page's class values for each finds the
        # few values a substring rule can apply to (anchors and taxonomy tokens are checked per value after)
        self._class_loose = tuple(dict.fromkeys(value for _op, value in self._class_subs))
        self._id_loose = tuple(dict.fromkeys(value for _op, value in self._id_subs))
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
        values = list(set(_CLASS_VALUES(scope)))
        loose = self._loosely_hit(values)
        tokens = self._class_tokens
        hits = [
            value
            for index, value in enumerate(values)
            if (index in loose or not tokens.isdisjoint(value.split())) and self._for_classes(value)
        ]
        if hits:
            for node in _with_class_in(scope, hits):
                classes = node.get("class")
                self._offer(best, node, self._first_match(node, classes, self._for_classes(classes)))
        ids = _ID_VALUES(scope)
        loose_ids = self._loose_ids(ids)
        for index, value in enumerate(ids):
            node_id = str(value)
            if node_id in self._by_id or (index in loose_ids and self._id_screen.search(node_id)):
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

    def _loose_ids(self, ids: list[str]) -> set[int]:
        """Indexes of the id values a substring rule may apply to."""
        return _containing(self._id_loose, ids, "\x00".join(ids))

    def _loosely_hit(self, values: list[str]) -> set[int]:
        """Indexes of the class values a substring rule may apply to."""
        return _containing(self._class_loose, values, _SPACE_CHARS.sub(" ", "\x00".join(values)))

    @staticmethod
    def _offer(best: dict[HtmlElement, int], node: HtmlElement, position: int | None) -> None:
        if position is not None and (node not in best or position < best[node]):
            best[node] = position

    def _match_labels(self, scope: HtmlElement, best: dict[HtmlElement, int]) -> None:
        """Headings (or text-only divs) that say exactly a label, and the list or block right after."""
        for node in (*scope.iterdescendants("h2", "h3", "h4", "h5"), *_LEAF_DIVS(scope)):
            text = XML_SPACE.sub(" ", node.text_content()).strip(" ")
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
VALUE_SEPARATORS = ("|", "\u00a6", "\u241f")


def value_separator(values: Sequence[str]) -> str | None:
    """A separator that none of ``values`` holds, or None when each occurs in one of them.

    Joined by it (``value_set``), the values are tested with one ``contains($set, concat($sep, @attr,
    $sep))`` per element: an ``or`` of one equality per value costs elements x values (a big page hits
    a hundred values: 30 ms)."""
    return next((s for s in VALUE_SEPARATORS if not any(s in value for value in values)), None)


def value_set(values: Sequence[str], separator: str) -> str:
    """``values`` as one string for that test; empty when there are none, so that no element matches."""
    return separator + separator.join(values) + separator if values else ""


def _with_class_in(scope: HtmlElement, values: list[str]) -> list[HtmlElement]:
    """The elements whose class attribute is one of ``values``, in document order and one walk.

    One substring test per element (``value_separator``). A class that merely contains a separator
    can come back too; callers check each node's rules anyway.
    """
    sep = value_separator(values)
    if sep is None:  # every separator occurs in some value: one walk, compared in Python
        wanted = set(values)
        return [node for node in scope.iterdescendants(etree.Element) if node.get("class") in wanted]
    return _CLASS_IN(scope, values=value_set(values, sep), sep=sep)


def _containing(substrings: tuple[str, ...], values: list[str], joined: str) -> set[int]:
    """Indexes of the ``values`` (joined by one separator each, as ``joined``) containing any of the
    ``substrings``. One ``in`` test per substring over all the values at once: most are on no page,
    and C's string search is three times faster than one regex alternating them all."""
    if not substrings or not values:
        return set()
    ends: list[int] | None = None
    found: set[int] = set()
    for substring in substrings:
        position = joined.find(substring)
        if position < 0:
            continue
        if ends is None:
            ends = list(accumulate(len(value) + 1 for value in values))  # ends, separators included
        while position >= 0:
            index = bisect_right(ends, position)
            found.add(index)
            position = joined.find(substring, ends[index]) if index + 1 < len(values) else -1
    return found


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
        if name == attribute and op in SUBSTRING_OPS and value:
            return op, value
    return None


def _screen(subs: dict[tuple[str, str], list[int]]) -> re.Pattern[str] | None:
    """One regex that finds whether any substring rule can apply to a value (most values match none)."""
    parts = [SUBSTRING_OPS[op].format(re.escape(value)) for op, value in subs]
    return re.compile("|".join(parts)) if parts else None


def _substring_hits(subs: dict[tuple[str, str], list[int]], actual: str) -> list[int]:
    hits: list[int] = []
    for (op, value), positions in subs.items():
        if attr_matches(actual, op, value):
            hits += positions
    return hits
