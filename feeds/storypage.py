"""A page per story, ``stories/<id>.html``: the event record, who reported it when, and both
governments' readouts side by side, each in full and in its own language.

The analyst compares what Washington and Beijing each said about the same contact; a Chinese readout
gets a gloss of the names and terms the topic knows (董军 → Dong Jun) beside it, and says plainly that
no machine translation is available offline rather than guess. Every value is escaped; no JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feeds.sanitize import escape, link_html, one_line, text_to_html
from feeds.write import atomic_write

STORIES_DIR = "stories"
MAX_READOUT_CHARS = 60_000
SIDES = {"us": "United States", "cn": "China"}
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class Report:
    """One article about the story."""

    site: str
    url: str
    title: str
    published: datetime | None
    language: str | None
    text: str
    official: str | None = None  # "us" / "cn": a government's own readout


@dataclass(frozen=True, slots=True)
class Evidence:
    """A field of the event record and the sentence it was read from."""

    field: str
    value: str
    sentence: str
    url: str


@dataclass(frozen=True, slots=True)
class StoryView:
    """What a story page shows."""

    id: str
    title: str
    date: str | None
    approximate: bool
    kind_name: str
    channels: tuple[tuple[str, str], ...]  # (id, name)
    us: tuple[str, ...]
    cn: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    reports: tuple[Report, ...]


def page_name(story_id: str) -> str:
    """``stories/<id>.html``, the id reduced to characters safe in a file name and a URL."""
    return f"{STORIES_DIR}/{_SAFE_ID.sub('_', story_id)[:80] or 'story'}.html"


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "date unknown"


def _record(view: StoryView) -> str:
    date = escape(view.date or "unknown") if not view.approximate else f"about {escape(view.date or '?')}"
    channels = ", ".join(
        f'<a href="../channels.html#{escape(cid)}">{escape(name)}</a>' for cid, name in view.channels
    )
    rows = [
        ("When", date),
        ("What", escape(view.kind_name or "not recognised")),
        ("Channel", channels or "none recognised"),
        ("United States", escape(", ".join(view.us)) or "—"),
        ("China", escape(", ".join(view.cn)) or "—"),
    ]
    facts = "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    evidence = "\n".join(
        f'<li><span class="field">{escape(e.field)}: {escape(e.value)}</span> '
        f"<q>{escape(one_line(e.sentence, 400))}</q> {link_html(e.url, '(source)')}</li>"
        for e in view.evidence
    )
    return (
        f'<section class="record">\n<h2>The event</h2>\n<dl class="facts">\n{facts}\n</dl>\n'
        f'<details open><summary>Why we read it so</summary>\n<ul class="evidence">\n{evidence}\n</ul>\n'
        "</details>\n</section>"
    )


def _coverage(view: StoryView) -> str:
    reports = sorted(view.reports, key=lambda r: (r.published or datetime.max.replace(tzinfo=UTC), r.url))
    items = "\n".join(
        f'<li><time>{_when(r.published)}</time> <span class="site">{escape(r.site)}</span>'
        f' <span class="lang">{escape((r.language or "?").upper())}</span>'
        + (f' <span class="official official-{escape(r.official)}">official</span>' if r.official else "")
        + f" {link_html(r.url, one_line(r.title, 200) or r.url)}</li>"
        for r in reports
    )
    listing = f'<ol class="coverage-list">\n{items}\n</ol>'
    return f'<section class="coverage">\n<h2>Coverage</h2>\n{listing}\n</section>'


def _gloss(text: str, gloss: Mapping[str, str]) -> str:
    present = {term for term in gloss if term in text}
    present = {
        t for t in present if not any(t != longer and t in longer for longer in present)
    }  # 南部战区, not 战区
    found = sorted(present, key=lambda t: text.index(t))
    if not found:
        return ""
    items = "".join(f'<li><span lang="zh">{escape(t)}</span> → {escape(gloss[t])}</li>' for t in found)
    return f'<aside class="gloss"><h4>Names and terms</h4><ul>{items}</ul></aside>'


def _readout(side: str, report: Report | None, gloss: Mapping[str, str]) -> str:
    label = SIDES[side]
    if report is None:
        return (
            f'<article class="readout readout-{side} missing"><h3>{label}</h3>'
            f'<p class="none">No official {label} readout among the reports we have.</p></article>'
        )
    body, cut = text_to_html(report.text, MAX_READOUT_CHARS)
    lang = escape(report.language or ("zh" if side == "cn" else "en"))
    extra = ""
    if (report.language or "").startswith("zh") or re.search(r"[\u4e00-\u9fff]", report.text[:200]):
        extra = _gloss(report.text, gloss) + (
            '<p class="mt-note">No machine translation is available offline: the text is shown as '
            "published, with the names and terms the topic knows.</p>"
        )
    more = f'<p class="cut">Shortened; {link_html(report.url, "read the rest")}.</p>' if cut else ""
    return (
        f'<article class="readout readout-{side}"><h3>{label}: {escape(report.site)}</h3>'
        f'<p class="meta">{_when(report.published)} · {link_html(report.url, "original")}</p>'
        f'{extra}<div class="readout-text" lang="{lang}">{body}</div>{more}</article>'
    )


def official_pair(reports: tuple[Report, ...]) -> tuple[Report | None, Report | None]:
    """The fullest official readout of each side (the earliest when equally long)."""
    picks: dict[str, Report] = {}
    for report in sorted(
        reports, key=lambda r: (-len(r.text), r.published or datetime.max.replace(tzinfo=UTC))
    ):
        if report.official in SIDES:
            picks.setdefault(report.official, report)
    return picks.get("us"), picks.get("cn")


def render_story_page(view: StoryView, gloss: Mapping[str, str], site_title: str) -> bytes:
    """The story page as UTF-8 HTML bytes."""
    us, cn = official_pair(view.reports)
    readouts = ""
    if us or cn:
        readouts = (
            '<section class="readouts">\n<h2>Official readouts</h2>\n<div class="side-by-side">\n'
            f"{_readout('us', us, gloss)}\n{_readout('cn', cn, gloss)}\n</div>\n</section>"
        )
    title = escape(one_line(view.title, 300) or view.id)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {escape(site_title)}</title>
<link rel="stylesheet" href="../style.css">
<link rel="stylesheet" href="../analyst.css">
</head>
<body class="analyst story-page">
<header class="masthead">
<p class="kicker"><a href="../index.html">{escape(site_title)}</a> ·
<a href="../channels.html">Channels</a></p>
<h1>{title}</h1>
</header>
<main>
{_record(view)}
{readouts}
{_coverage(view)}
</main>
<footer>Story {escape(view.id)}. Fields are read from the reports; each links to the
source of its sentence.</footer>
</body>
</html>
"""
    return page.encode("utf-8")


def write_story_page(directory: Path, view: StoryView, gloss: Mapping[str, str], site_title: str) -> Path:
    """Write ``stories/<id>.html`` atomically; return its path."""
    path = Path(directory) / page_name(view.id)
    atomic_write(path, render_story_page(view, gloss, site_title))
    return path
