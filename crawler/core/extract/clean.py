"""Remove boilerplate nodes from a parsed page before trafilatura sees it, never the article itself.

trafilatura drops much page chrome itself, but comment widgets, paywall offers, donation boxes and
channel promos that live inside the article container reach its output (the seeds show each of them).
A selector index (``selectors``) finds every node the rules name in one pass over the page, and says
which rule matched each node, for ``--explain``.

Rules are written against class names, and publishers reuse class names for the story itself (a
``paywall`` class on every paid paragraph, a ``noloaddisqus`` article, a post tagged "intelligence
sharing"). So no rule is trusted alone; a removal must pass three structural checks, judged on
*visible* text (script and style do not count):

- the main content is found first: the element whose own paragraphs hold the most text (widened to
  the wrapper that adds little else). Neither it nor any ancestor of it is ever removed;
- removals inside the main content are judged together: if they would take more than
  ``MAX_CONTENT_LOSS`` of its paragraph text, the rules taking most are refused whole;
- no single node holding more than ``MAX_SHARE`` of the page's visible text is removed.

What is refused shows in ``--explain`` as a ``guard`` removal. ``article`` then cross-checks the
result against trafilatura on the uncleaned page and undoes removals that held the article's text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from crawler.core.extract.rules import DomRuleSet, Removal

SNIPPET = 90
# a node holding more than this share of the page's visible text is never removed
MAX_SHARE = 0.6
# removals inside the main content may take at most this share of its paragraph text, all together
MAX_CONTENT_LOSS = 0.5
# a paragraph shorter than this (visible characters) is a caption or a button, not article text
MIN_PARAGRAPH = 60
# the main content widens to a wrapper while the wrapper's paragraph text is at most this many times its own
WIDEN = 1.5
_NEVER = frozenset({"html", "body", "head", "main"})
_PARAGRAPHS = etree.XPath(".//p")
_HIDDEN = ("script", "style", "noscript", "template")
# what a reader sees without text: a wrapper holding one of these is not empty
_MEDIA = ("img", "picture", "video", "audio", "iframe", "object", "embed", "svg", "canvas")
_VISIBLE = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]",
    smart_strings=False,
)


@dataclass(frozen=True, slots=True)
class Cut:
    """A node the cleaning took out: where it was (an XPath of the parsed page), which rule, the node."""

    path: str
    rule: str
    node: HtmlElement
    size: int  # visible characters

    @property
    def text(self) -> str:
        return visible_text(self.node)


@dataclass(frozen=True, slots=True)
class Cleaning:
    """What ``clean_tree`` did: the nodes it removed, and how many removals the guards refused."""

    cuts: list[Cut]
    refused: int


def snippet(text: str, size: int = SNIPPET) -> str:
    """The start of ``text`` on one line, for explanations."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def visible_text(node: HtmlElement) -> str:
    """The text a reader sees in ``node``, spaces folded: script, style, noscript and template left out."""
    return " ".join(" ".join(_VISIBLE(node)).split())


def visible_size(node: HtmlElement) -> int:
    """Characters of ``node``'s visible text (unfolded), cheaply: its text minus script and style."""
    try:
        size = len(node.text_content())
    except ValueError:  # pragma: no cover - lxml refuses some broken nodes
        return 0
    for hidden in node.iterdescendants(*_HIDDEN):
        size -= len(hidden.text_content())
    return size


class _Content:
    """Where the article's paragraphs are: the main content node and paragraph weights under each node."""

    def __init__(self, scope: HtmlElement) -> None:
        self.paragraph: dict[HtmlElement, int] = {}
        own: dict[HtmlElement, int] = defaultdict(int)
        for p in _PARAGRAPHS(scope):
            size = len(" ".join(p.text_content().split()))
            parent = p.getparent()
            if size >= MIN_PARAGRAPH and parent is not None:
                self.paragraph[p] = size
                own[parent] += size
        self.under: dict[HtmlElement, int] = defaultdict(int)
        for parent, size in own.items():
            self.under[parent] += size
            for ancestor in parent.iterancestors():
                self.under[ancestor] += size
        self.main: HtmlElement | None = None
        self.protected: frozenset[HtmlElement] = frozenset()
        if own:
            main = max(own, key=own.__getitem__)
            while (up := main.getparent()) is not None and up.tag not in _NEVER and up is not scope:
                if self.under[up] > WIDEN * self.under[main]:
                    break
                main = up
            self.main = main
            self.protected = frozenset((main, *main.iterancestors()))

    def weight(self, node: HtmlElement) -> int:
        """Paragraph text of the main content that removing ``node`` would take."""
        if self.main is None or (node is not self.main and self.main not in node.iterancestors()):
            return 0
        return self.paragraph.get(node) or self.under.get(node, 0)


def clean_tree(
    tree: HtmlElement,
    rule_sets: tuple[DomRuleSet, ...],
    trace: list[Removal] | None = None,
    keep: frozenset[str] = frozenset(),
) -> Cleaning:
    """Drop every node matched by ``rule_sets`` that the guards allow (keeping tail text).

    ``keep`` holds XPaths (as in ``Cut.path``) of nodes not to remove: the cross-check's verdict that
    they held the article. With ``trace`` a Removal per node is appended, naming the first rule that
    matched it, and one per refused removal (group ``guard``).
    """
    body = tree.find("body")
    scope = body if body is not None else tree  # <head> holds no boilerplate text, only look-alike ids
    matched: list[tuple[HtmlElement, str, str]] = []
    for rule_set in rule_sets:
        if rule_set.index is not None:
            for node, position in rule_set.index.match(scope):
                rule = rule_set.rules[position]
                matched.append((node, rule.group, rule.label))
    if not matched:
        return Cleaning([], 0)
    roottree = tree.getroottree()
    content = _Content(scope)
    total = visible_size(scope)
    planned: list[tuple[HtmlElement, str, str, int]] = []
    refused: list[tuple[str, HtmlElement]] = []
    for node, group, label in matched:
        if node.tag in _NEVER:
            continue
        node = _with_husk(node, scope)
        size = visible_size(node)
        if keep and roottree.getpath(node) in keep:
            refused.append((f"kept, the cross-check found the article's text in it: {label}", node))
        elif node in content.protected:
            refused.append((f"kept, holds the article's main content: {label}", node))
        elif total > 400 and size > MAX_SHARE * total:
            refused.append((f"kept, holds most of the page: {label}", node))
        else:
            planned.append((node, group, label, size))
    planned = _within_budget(planned, content, refused)
    cuts: list[Cut] = []
    for node, group, label, size in planned:
        if _detached(node, scope):
            continue
        if trace is not None:
            trace.append(Removal("dom", group, label, snippet(visible_text(node)) or f"<{node.tag}>"))
        cuts.append(Cut(roottree.getpath(node), label, node, size))
        node.drop_tree()
    if trace is not None:
        trace.extend(Removal("dom", "guard", why, snippet(visible_text(node))) for why, node in refused)
    return Cleaning(cuts, len(refused))


def _within_budget(
    planned: list[tuple[HtmlElement, str, str, int]],
    content: _Content,
    refused: list[tuple[str, HtmlElement]],
) -> list[tuple[HtmlElement, str, str, int]]:
    """Refuse whole rules, those taking most first, until removals leave the main content its text."""
    if content.main is None:
        return planned
    budget = MAX_CONTENT_LOSS * content.under[content.main]
    taken: dict[str, int] = defaultdict(int)
    counted: set[HtmlElement] = set()
    for node, _group, label, _size in planned:
        if any(ancestor in counted for ancestor in node.iterancestors()):
            continue  # inside a node already counted: its text is in that node's weight
        weight = content.weight(node)
        if weight:
            taken[label] += weight
            counted.add(node)
    spent = sum(taken.values())
    denied: set[str] = set()
    for label in sorted(taken, key=taken.__getitem__, reverse=True):
        if spent <= budget:
            break
        denied.add(label)
        spent -= taken[label]
    if not denied:
        return planned
    kept = []
    for item in planned:
        if item[2] in denied:
            refused.append((f"kept, together its matches take the article's text: {item[2]}", item[0]))
        else:
            kept.append(item)
    return kept


def _with_husk(node: HtmlElement, scope: HtmlElement) -> HtmlElement:
    """``node`` widened to the wrappers that would be left with nothing to show once it goes.

    A removal must not leave a husk: a sign-up box taken out of its bordered wrapper left that wrapper
    holding only a stylesheet ``<link>``, and trafilatura, reading the page's leftovers as unclean,
    switched to another algorithm that dropped a real line of the story (a link paragraph). A wrapper
    goes with the node when nothing else in it shows: no text, no media.
    """
    while (up := node.getparent()) is not None and up is not scope and up.tag not in _NEVER:
        if (node.tail or "").strip() or (up.text or "").strip():
            break
        if any(_shows(child) for child in up if child is not node):
            break
        node = up
    return node


def _shows(node: HtmlElement) -> bool:
    """Whether a reader sees anything of ``node`` or its tail: text or media."""
    if (node.tail or "").strip():
        return True
    if not isinstance(node.tag, str) or node.tag in _HIDDEN:
        return False  # a comment, a script, a style sheet
    if node.tag in _MEDIA or next(node.iter(*_MEDIA), None) is not None:
        return True
    return bool(node.text_content().strip()) and bool(visible_text(node))


def _detached(node: HtmlElement, root: HtmlElement) -> bool:
    """True when an ancestor was already removed (the node no longer hangs from ``root``)."""
    for ancestor in node.iterancestors():
        if ancestor is root:
            return False
    return node is not root
