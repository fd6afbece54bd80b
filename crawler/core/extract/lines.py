"""Drop boilerplate lines from trafilatura's text: prompts, repeated titles, repeated captions.

Some boilerplate has no telling markup (a "Subscribe now" paragraph inside the story, a caption a CMS
prints twice, the headline repeated as body text, seed 001 and 002), so it can only be recognised by
what it says. A line goes only when a rule matches the WHOLE line: a sentence that merely contains
"subscribe" stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.core.extract.clean import snippet
from crawler.core.extract.rules import Removal, Rules

# line rules are for short prompts; a longer line is a real paragraph whatever words it holds
MAX_RULE_LINE = 600
# a line printed twice is a caption or a pull quote only when it is long enough to be one
MIN_REPEAT = 30

_QUOTE_PAIRS = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " "), ("\u200b", ""))
# a " | Site Name" after a title is at most this long (characters): a longer line is not the title
_SITE_SUFFIX_MAX = 80
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:-]\s+|\s+[|–—]\s*|\s*[|–—]\s+")
_CATEGORY_SPLIT = re.compile(r"\s*[,|•·/]\s*")


def normalize_line(line: str) -> str:
    """Straight quotes, one space: the form every line rule is written against (rules ignore case,
    except where a pattern says ``(?-i:...)``, e.g. to require a capitalised name in a photo credit)."""
    for char, plain in _QUOTE_PAIRS:  # str.translate looks each character up in a dict: 10x slower
        if char in line:
            line = line.replace(char, plain)
    return " ".join(line.split())


def _bare(text: str) -> str:
    return text.strip(" .!?:;,\"'").casefold()


def _title_forms(title: str) -> set[str]:
    """The title as it may be repeated: whole, or without a " | Site Name" part."""
    title = normalize_line(title)
    forms = {_bare(title)}
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        forms.update(_bare(part) for part in parts if len(part.split()) >= 3)
    return {form for form in forms if form}


def _is_title(norm: str, titles: set[str], limit: int) -> bool:
    """The title, alone or with a short " | Site Name" after it."""
    if _bare(norm) in titles:
        return True
    if len(norm) > limit:  # splitting a paragraph by separators is the costly part
        return False
    parts = _TITLE_SEPARATORS.split(norm)
    return len(parts) == 2 and _bare(parts[0]) in titles and len(parts[1].split()) <= 5


def _category_line(norm: str, categories: set[str]) -> bool:
    parts = [part for part in _CATEGORY_SPLIT.split(_bare(norm)) if part]
    return bool(parts) and all(part in categories for part in parts)


def clean_lines(
    text: str,
    rules: Rules,
    *,
    title: str = "",
    categories: Iterable[str] = (),
    trace: list[Removal] | None = None,
) -> list[str]:
    """Return the paragraphs of ``text`` that are not boilerplate (the rest goes to ``trace``)."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    norms = [normalize_line(line) for line in lines]
    titles = _title_forms(title) if title else set()
    limit = max(map(len, titles), default=0) + _SITE_SUFFIX_MAX
    cats = {_bare(normalize_line(c)) for c in categories if c}
    keys = [norm.casefold() for norm in norms]
    last_seen = {key: index for index, key in enumerate(keys) if len(key) >= MIN_REPEAT}

    kept = []
    for index, (line, norm, key) in enumerate(zip(lines, norms, keys, strict=True)):
        reason = None
        if titles and _is_title(norm, titles, limit):
            reason = ("title", "repeated title")
        elif cats and _category_line(norm, cats):
            reason = ("meta", "category line")
        elif len(norm) <= MAX_RULE_LINE and rules.any_line is not None and rules.any_line.fullmatch(norm):
            reason = _which(rules, norm) if trace is not None else ("", "")
        elif len(key) >= MIN_REPEAT and last_seen[key] != index:
            reason = ("caption", "repeated line (a caption or pull quote printed again)")
        if reason is None:
            kept.append(line)
        elif trace is not None:
            trace.append(Removal("line", reason[0], reason[1], snippet(line)))
    return kept


def _which(rules: Rules, norm: str) -> tuple[str, str]:
    for rule in rules.lines:
        if rule.pattern.fullmatch(norm):
            return rule.group, rule.label
    return "?", "?"  # pragma: no cover - the union matched, so one rule does
