"""Small pieces every part of the page uses: slugs, the visible date, image URLs, the page vocabulary."""

from __future__ import annotations

import re
from datetime import datetime

from bench.sitegen.data import load, strings
from bench.sitegen.records import Story
from bench.sitegen.writer import MONTHS

_PAGE = load("page")
# menu sections and their sub-sections (the mega menu lists them all), the footer's link columns
SECTIONS = {section: strings(subs) for section, subs in _PAGE["sections"].items()}
FOOTER = {title: strings(links) for title, links in _PAGE["footer"].items()}
# Boilerplate marker strings: tests check that extraction keeps them out of the article text.
MARKERS: dict[str, str] = dict(_PAGE["markers"])
COMMENTS = strings(_PAGE["comments"]["templates"])
COMMENT_DETAILS = {beat: strings(details) for beat, details in _PAGE["comment_details"].items()}
SHARES = tuple((key, label) for key, label in _PAGE["share"]["services"])
PITCHES = strings(_PAGE["share"]["pitches"])
TICKER_PREFIX = "Breaking:"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70]


def visible_date(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return (
        f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year} at {hour}:{moment.minute:02d} "
        f"{'am' if moment.hour < 12 else 'pm'}"
    )


def image_url(story: Story, n: int | str) -> str:
    return (
        f"{{base}}/wp-content/uploads/{story.published.year}/{story.published.month:02d}/"
        f"{slugify(story.title)[:40]}-{n}.jpg"
    )
