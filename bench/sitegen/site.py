"""The site: every article written from its own seed, rendered into pages with related teasers, a
ticker and a sidebar, plus ``sitemap.xml`` and ``robots.txt``."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bench.sitegen.beats import BEAT_WEIGHTS, BEATS, write_off_topic
from bench.sitegen.chrome import build_chrome
from bench.sitegen.events import make_event, wire_copy, write_event_story
from bench.sitegen.page import render_page
from bench.sitegen.records import FIRST_DAY, LAST_DAY, SiteFacts, Story


def _event_sizes(total: int, rng: random.Random) -> list[int]:
    """Split ``total`` on-beat articles into events of 2-6 (one of 1 only when total is 1)."""
    sizes = []
    while total > 0:
        size = total if total <= 6 else rng.randint(2, min(6, total - 2))
        sizes.append(size)
        total -= size
    return sizes


def write_stories(pages: int, seed: int, on_beat: float, staff: Sequence[str]) -> list[Story]:
    """Every article of the site, page ``n`` at index ``n``: a share ``on_beat`` grouped into events."""
    plan = random.Random(f"{seed}:plan")
    on_numbers = plan.sample(range(pages), round(pages * on_beat))
    stories: dict[int, Story] = {}
    start = 0
    for event_id, size in enumerate(_event_sizes(len(on_numbers), plan)):
        members = on_numbers[start : start + size]
        start += size
        event = make_event(random.Random(f"{seed}:event:{event_id}"))
        wire = size >= 3 and plan.random() < 0.5
        for index, number in enumerate(members):
            rng = random.Random(f"{seed}:page:{number}")
            author = rng.choice(staff)
            if wire and index == size - 1:
                stories[number] = wire_copy(number, stories[members[0]], event, rng, "Ledger wire services")
            else:
                stories[number] = write_event_story(number, event, index, event_id, rng, author)
    names, weights = list(BEAT_WEIGHTS), list(BEAT_WEIGHTS.values())
    for number in range(pages):
        if number in stories:
            continue
        rng = random.Random(f"{seed}:page:{number}")
        beat = BEATS[rng.choices(names, weights)[0]]
        day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
        stories[number] = write_off_topic(number, beat, rng, day, rng.choice(staff))
    return [stories[n] for n in range(pages)]


def _related(
    story: Story, stories: list[Story], groups: dict[str | int, list[int]], rng: random.Random
) -> list[Story]:
    """Six teasers: the same event, then the same beat (as a related-posts plugin picks), then any."""
    picked: list[int] = []
    for key in (story.event, story.beat) if story.event >= 0 else (story.beat,):
        pool = [n for n in groups[key] if n != story.number and n not in picked]
        picked += rng.sample(pool, min(6 - len(picked), len(pool)))
    while len(picked) < min(6, len(stories) - 1):
        n = rng.randrange(len(stories))
        if n != story.number and n not in picked:
            picked.append(n)
    return [stories[n] for n in picked]


def make_site(folder: Path, pages: int, *, seed: int = 20240416, on_beat: float = 0.1) -> SiteFacts:
    """Write ``articles/{n}.html`` for n < ``pages``, ``sitemap.xml`` and ``robots.txt`` into ``folder``.

    The same ``seed`` writes the same bytes. ``on_beat`` is the share of articles about the beat.
    """
    if pages < 1:
        raise ValueError(f"pages must be at least 1, got {pages}")
    if not 0.0 <= on_beat <= 1.0:
        raise ValueError(f"on_beat must be a share between 0 and 1, got {on_beat}")
    chrome = build_chrome(random.Random(f"{seed}:chrome"))
    stories = write_stories(pages, seed, on_beat, chrome.staff)
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    pool = random.Random(f"{seed}:pool")
    breaking = pool.sample(stories, min(20, pages))
    trending = pool.sample(stories, min(40, pages))
    groups: dict[str | int, list[int]] = {}
    for story in stories:
        groups.setdefault(story.beat, []).append(story.number)
        if story.event >= 0:
            groups.setdefault(story.event, []).append(story.number)
    total = 0
    for story in stories:
        rng = random.Random(f"{seed}:markup:{story.number}")
        latest = [stories[(story.number - k) % pages] for k in range(1, min(9, pages))]
        page = render_page(
            story,
            chrome,
            _related(story, stories, groups, rng),
            rng.sample(trending, min(10, len(trending))),
            latest,
            rng.sample(breaking, min(6, len(breaking))),
            rng,
        )
        data = page.encode("utf-8")
        (articles / f"{story.number}.html").write_bytes(data)
        total += len(data)
    urls = "\n".join(
        f"<url><loc>{s.url}</loc><lastmod>{s.published.date().isoformat()}</lastmod></url>" for s in stories
    )
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n',
        encoding="utf-8",
    )
    (folder / "robots.txt").write_text(
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        "Sitemap: {base}/sitemap.xml\n",
        encoding="utf-8",
    )
    by_event: dict[int, list[str]] = {}
    for story in stories:
        if story.event >= 0:
            by_event.setdefault(story.event, []).append(story.url)
    return SiteFacts(
        pages=pages,
        on_beat_urls=tuple(s.url for s in stories if s.event >= 0),
        events=tuple(tuple(urls) for _, urls in sorted(by_event.items())),
        wire_copies=tuple((s.url, stories[s.wire_of].url) for s in stories if s.wire_of >= 0),
        total_bytes=total,
    )
