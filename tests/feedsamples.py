"""Sample feed records shared by the feed tests (render, write, serve, browser, newsboat): three
stories of the beat in our own words, and a health feed of broken sources."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from feeds.model import Entry, Feed, Outlet

BASE = "http://127.0.0.1:8008/"
T0 = datetime(2024, 4, 16, 14, 0, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))

# Article text in our own words, reporting the facts of the beat.
CALL_TEXT = """The US defence secretary and China's defence minister spoke by video link on Tuesday, their
first conversation since late 2022.

Both sides called the talk candid. The Pentagon said the secretary pressed for military channels to
stay open even in periods of friction, while the Chinese readout asked Washington to respect Beijing's
position on Taiwan.

The call followed last year's summit in California, where the two presidents agreed to restore contacts
between their armed forces."""

THEATRE_TEXT = """The head of US Indo-Pacific Command held a video call with the commander of the PLA Southern
Theater Command, the first theatre-level talks of their kind.

They discussed the South China Sea and how to avoid accidents between ships and aircraft."""

MMCA_TEXT = "Naval officers from both countries met in Hawaii under the maritime consultative agreement."


def story_entries() -> tuple[Entry, ...]:
    """Three stories, deliberately not in date order."""
    call = Entry(
        id="tag:hotline,2024:story/17",
        title="Austin and Dong Jun hold first video call in over a year",
        link="https://news.example.com/2024/04/austin-dong-call?utm=x&ref=feed",
        published=T0,
        updated=T0 + timedelta(hours=5),
        text=CALL_TEXT,
        summary="US and Chinese defence chiefs talked by video for the first time since 2022.",
        author="Jane Reporter",
        site_name="Example News",
        language="en",
        image="https://news.example.com/img/call.jpg",
        categories=("defence ministers", "video call"),
        reason="relevance 0.91: Austin, Dong Jun, video call, PLA",
        outlets=(
            Outlet("Wire Service", "https://wire.example.org/a1", "Defence chiefs talk", T0),
            Outlet("Harbour Daily", "https://harbour.example.net/story/55"),
        ),
    )
    theatre = Entry(
        id="tag:hotline,2024:story/18",
        title="Indo-Pacific commander speaks with PLA Southern Theater chief",
        link="https://defence.example.org/theatre-talks",
        published=datetime(2024, 9, 10, 21, 30, tzinfo=BEIJING),
        updated=datetime(2024, 9, 10, 22, 0, tzinfo=BEIJING),
        text=THEATRE_TEXT,
        author="Desk Staff",
        site_name="Defence Desk",
        categories=("theatre commanders",),
        reason="relevance 0.84: theatre commander, Southern Theater, video call",
    )
    mmca = Entry(
        id="tag:hotline,2024:story/19",
        title="Maritime safety talks resume in Hawaii",
        link="https://sea.example.com/mmca",
        published=T0 + timedelta(days=20),
        updated=T0 + timedelta(days=21),
        text=MMCA_TEXT,
        author="Sea Correspondent",
        site_name="Sea Power Review",
        categories=("maritime consultation",),
        reason="relevance 0.77: MMCA, maritime consultation",
    )
    return (call, theatre, mmca)


def story_feed(entries: tuple[Entry, ...] | None = None, **changes: object) -> Feed:
    feed = Feed(
        id="tag:hotline,2024:stories",
        title="Hotline: US–China military communications",
        description="Defence-minister calls, theatre-commander talks, hotlines and maritime consultations.",
        link=BASE,
        entries=story_entries() if entries is None else entries,
        self_link=BASE + "atom.xml",
        language="en",
        logo=BASE + "logo.png",
    )
    return replace(feed, **changes)


def health_feed(count: int = 1) -> Feed:
    entries = tuple(
        Entry(
            id=f"tag:hotline,2024:health/source-{i}",
            title=f"source-{i}: no articles in the last 3 runs",
            link=f"https://broken{i}.example.org/news",
            published=T0,
            updated=T0,
            text="The listing page gave no article links three runs in a row; check its follow pattern.",
        )
        for i in range(count)
    )
    return Feed(
        id="tag:hotline,2024:health",
        title="Hotline source health",
        description="Sources that broke",
        link=BASE,
        entries=entries,
    )
