"""The last cleaning step: cold-start rules (``generic``) and the site's profile (``profile``).

Both drop whole lines of the text the earlier steps kept, and both go through a guard like the DOM
cleaning's: removals that would leave less than ``KEEP`` of the text, or turn the page into a reject
(too short, a listing), are refused and shown as ``guard`` in ``--explain``; the article is never lost
to them. The page's sample for its profile is taken here too, before the profile's own removals, so a
block the profile removes keeps being counted. Pure.
"""

from __future__ import annotations

from collections.abc import Callable

from crawler.core.extract.generic import strip_generic
from crawler.core.extract.pagekind import text_size
from crawler.core.extract.profile import PageSample, SiteProfile, page_sample, strip_site
from crawler.core.extract.rules import Removal

# the lines these rules take are whole blocks the site repeats or prompts; what must remain is an
# article (not too short, not a listing) holding at least this share of the words
KEEP = 0.35


def _words(lines: list[str]) -> float:
    words, cjk = text_size("\n".join(lines))
    return words + cjk / 2


def site_layer(
    paragraphs: list[str],
    title: str,
    profile: SiteProfile | None,
    *,
    links: Callable[[], set[str]],
    judge: Callable[[list[str]], str | None],
    trace: list[Removal] | None,
    sample: bool = True,
) -> tuple[list[str], PageSample | None]:
    """The paragraphs without the lines these rules take (when the guard allows), and the page's sample
    (None when ``sample`` is false: a caller that learns no profile does not pay for it)."""
    generic, generic_removed = strip_generic(paragraphs, title, links)
    learned = page_sample(generic, title) if sample else None
    kept, removed = generic, generic_removed
    if profile is not None and profile.pages:
        kept, site_removed = strip_site(generic, title, profile)
        removed = [*generic_removed, *site_removed]
    if not removed:
        return paragraphs, learned
    wanted = KEEP * _words(paragraphs)
    for candidate, taken in ((kept, removed), (generic, generic_removed)):
        if not taken:
            continue
        if _words(candidate) >= wanted and judge(candidate) is None:
            if trace is not None:
                trace.extend(taken)
                if taken is not removed:
                    trace.extend(_refused(r) for r in removed if r not in taken)
            return candidate, learned
    if trace is not None:
        trace.extend(_refused(r) for r in removed)
    return paragraphs, learned


def _refused(removal: Removal) -> Removal:
    why = f"kept, removing it would cost the article: {removal.rule}"
    return Removal("line", "guard", why, removal.snippet)
