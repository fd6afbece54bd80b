"""Remove boilerplate nodes from a parsed page before trafilatura sees it.

trafilatura drops much page chrome itself, but comment widgets, paywall offers, donation boxes and
channel promos that live inside the article container reach its output (the seeds show each of them).
A selector index (``selectors``) finds every node the rules name in one pass over the page, and says
which rule matched each node, for ``--explain``.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.core.extract.rules import DomRuleSet, Removal

SNIPPET = 90
# a rule never takes a node holding more than this share of the page's text: a selector that matches
# the article's own container (a body class, a "caption-wide" layout div) must not empty the page
MAX_SHARE = 0.6
_NEVER = frozenset({"html", "body", "head", "main"})


def snippet(text: str, size: int = SNIPPET) -> str:
    """The start of ``text`` on one line, for explanations."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def clean_tree(
    tree: HtmlElement, rule_sets: tuple[DomRuleSet, ...], trace: list[Removal] | None = None
) -> int:
    """Drop every node matched by ``rule_sets`` (keeping tail text); return how many were removed.

    With ``trace`` a Removal per node is appended, naming the first rule that matched it.
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
        return 0
    total = len(_text(scope))
    removed = 0
    for node, group, label in matched:
        if node.tag in _NEVER or _detached(node, scope):
            continue
        text = _text(node)
        if total > 400 and len(text) > MAX_SHARE * total:
            if trace is not None:
                trace.append(Removal("dom", "guard", f"kept, holds most of the page: {label}", snippet(text)))
            continue
        if trace is not None:
            words = " ".join(part.strip() for part in node.itertext() if part.strip())
            trace.append(Removal("dom", group, label, snippet(words) or f"<{node.tag}>"))
        node.drop_tree()
        removed += 1
    return removed


def _text(node: HtmlElement) -> str:
    try:
        return node.text_content()
    except ValueError:  # pragma: no cover - lxml refuses some broken nodes
        return ""


def _detached(node: HtmlElement, root: HtmlElement) -> bool:
    """True when an ancestor was already removed (the node no longer hangs from ``root``)."""
    for ancestor in node.iterancestors():
        if ancestor is root:
            return False
    return node is not root
