"""Rendering: RSS, Atom and JSON Feed from plain records, read back by feedparser, lxml and json."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import feedparser
import lxml.etree
import lxml.html
import pytest

from feeds.jsonfeed import render_json
from feeds.model import Entry, Feed, Outlet
from feeds.prepare import MAX_TEXT_CHARS
from feeds.render import render_atom, render_rss
from tests.feedsamples import BASE, T0, story_entries, story_feed

RENDERERS = {"rss": render_rss, "atom": render_atom}


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def strict_xml(data: bytes) -> lxml.etree._Element:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return lxml.etree.fromstring(data, parser)


@pytest.mark.parametrize("kind", sorted(RENDERERS))
def test_feedparser_reads_every_field(kind: str) -> None:
    data = RENDERERS[kind](story_feed())
    parsed = parse(data)
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[kind]
    assert parsed.feed.title == "Hotline: US–China military communications"
    assert parsed.feed.link == BASE
    assert {"rel": "self", "href": BASE + "atom.xml"}.items() <= next(
        link for link in parsed.feed.links if link.get("rel") == "self"
    ).items()
    assert parsed.feed.language == "en"
    assert parsed.feed.get("updated_parsed") is not None
    logo = parsed.feed.get("logo") if kind == "atom" else parsed.feed.image.href
    assert logo == BASE + "logo.png"

    # newest first, whatever the order of the records
    assert [e.id for e in parsed.entries] == [
        "tag:hotline,2024:story/18",
        "tag:hotline,2024:story/19",
        "tag:hotline,2024:story/17",
    ]
    for entry, record in zip(
        parsed.entries, sorted(story_entries(), key=lambda e: e.published, reverse=True), strict=True
    ):
        assert entry.title == record.title
        assert entry.link == record.link
        assert entry.published_parsed is not None and entry.updated_parsed is not None
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == record.published.astimezone(UTC)
        assert datetime(*entry.updated_parsed[:6], tzinfo=UTC) == record.updated.astimezone(UTC)
        assert entry.author == record.author
        assert entry.summary
        assert [t.term for t in entry.tags] == list(record.categories)
        assert entry.source.title == record.site_name
        content = entry.content[0]
        assert content.type == "text/html"
        assert f"Why this is here:</strong> {record.reason}" in content.value
    call = parsed.entries[2]
    if kind == "rss":
        assert entry_guid_is_not_permalink(data, call.id)
    assert "Also carried by:" in call.content[0].value
    html = lxml.html.fromstring(call.content[0].value)
    links = {a.text: a.get("href") for a in html.iter("a")}
    assert links["Wire Service"] == "https://wire.example.org/a1"
    assert links["Harbour Daily"] == "https://harbour.example.net/story/55"
    assert "Also carried by" not in parsed.entries[0].content[0].value  # no outlets, no line


def entry_guid_is_not_permalink(data: bytes, guid: str) -> bool:
    root = strict_xml(data)
    (element,) = [g for g in root.iter("guid") if g.text == guid]
    return element.get("isPermaLink") == "false"


def test_json_feed_1_1() -> None:
    document = json.loads(render_json(story_feed(), self_link=BASE + "feed.json"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Hotline: US–China military communications"
    assert document["home_page_url"] == BASE
    assert document["feed_url"] == BASE + "feed.json"
    assert document["language"] == "en"
    items = document["items"]
    assert [i["id"] for i in items] == [
        "tag:hotline,2024:story/18",
        "tag:hotline,2024:story/19",
        "tag:hotline,2024:story/17",
    ]
    for item in items:
        for key in ("id", "url", "title", "content_html", "summary", "date_published", "date_modified"):
            assert isinstance(item[key], str) and item[key], key
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
        assert datetime.fromisoformat(item["date_modified"]) >= datetime.fromisoformat(item["date_published"])
        assert item["authors"][0]["name"]
        assert item["tags"]
        assert item["_hotline"]["reason"].startswith("relevance ")
    call = items[2]
    assert call["image"] == "https://news.example.com/img/call.jpg"
    assert call["_hotline"]["source"] == {"name": "Example News", "url": "https://news.example.com/"}
    assert [o["site"] for o in call["_hotline"]["outlets"]] == ["Wire Service", "Harbour Daily"]
    assert "Also carried by:" in call["content_html"]


@pytest.mark.parametrize("kind", sorted(RENDERERS))
def test_xml_carries_no_xslt_stylesheet_instruction(kind: str) -> None:
    # browsers are dropping XSLT (Chromium shows a removal banner): they get the feed's HTML page instead
    data = RENDERERS[kind](story_feed())
    assert strict_xml(data).getprevious() is None
    assert b"xml-stylesheet" not in data


@pytest.mark.parametrize("render", [render_rss, render_atom, render_json])
def test_rebuild_from_same_records_is_byte_identical(render) -> None:  # type: ignore[no-untyped-def]
    assert render(story_feed()) == render(story_feed())


@pytest.mark.parametrize("kind", sorted(RENDERERS))
def test_rebuild_differs_only_in_build_time(kind: str) -> None:
    built = [datetime(2024, 10, 1, 8, 0, tzinfo=UTC), datetime(2024, 10, 1, 9, 15, tzinfo=UTC)]
    first, second = (RENDERERS[kind](story_feed(updated=moment)) for moment in built)
    assert first != second
    assert _without(first, built[0]) == _without(second, built[1])


def _without(data: bytes, moment: datetime) -> bytes:
    """``data`` with the build time (as Atom or RSS writes it) replaced by a marker."""
    for text in (moment.isoformat(), moment.strftime("%a, %d %b %Y %H:%M:%S %z")):
        data = data.replace(text.encode(), b"BUILD-TIME")
    return data


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_story_that_grew_keeps_its_id_and_gets_newer_updated(kind: str) -> None:
    call = story_entries()[0]
    grown = replace(
        call,
        updated=call.updated + timedelta(hours=3),
        outlets=(*call.outlets, Outlet("Capital Times", "https://capital.example/news/9")),
    )
    before = _items(kind, story_feed((call,)))
    after = _items(kind, story_feed((grown,)))
    assert [i["id"] for i in before] == [i["id"] for i in after] == [call.id]
    assert after[0]["updated"] > before[0]["updated"]
    assert "Capital Times" in after[0]["content"] and "Capital Times" not in before[0]["content"]


def _items(kind: str, feed: Feed) -> list[dict[str, object]]:
    if kind == "json":
        items = json.loads(render_json(feed))["items"]
        return [
            {
                "id": i["id"],
                "updated": datetime.fromisoformat(i["date_modified"]),
                "content": i["content_html"],
            }
            for i in items
        ]
    parsed = parse(RENDERERS[kind](feed))
    return [{"id": e.id, "updated": e.updated_parsed, "content": e.content[0].value} for e in parsed.entries]


def test_hostile_text_gives_valid_feeds_without_script() -> None:
    hostile = (
        "Opening line with controls \x00\x01\x08\x0b\x0c\x1b\x7f\x85, a lone surrogate \ud800, "
        "and \ufffe\uffff.\n\n"
        "<script>alert('x')</script><img src=x onerror=alert(1)> ]]> &amp; &#0; <![CDATA[ tricky ]]>\n\n"
        "中美两军举行视频通话，双方同意保持沟通。\n\n"
        "שיחת וידאו בין שרי ההגנה עם טקסט מימין לשמאל\u202e reversed\n\n"
        "Emoji 📞🇺🇸🇨🇳 and combining e\u0301.\n\n"
    )
    big = (
        "Long paragraph about talks between the two militaries, repeated to make a huge page. " * 40 + "\n\n"
    ) * 620
    assert len(big) > 2_000_000
    entries = (
        Entry(
            id="tag:hotline,2024:hostile/1",
            title="Hostile \x00 <script>alert(1)</script> 中文 עברית 📞",
            link='https://evil.example/a?b=<c>&d="e"',
            published=T0,
            updated=T0,
            text=hostile,
            author="Name \x07 <b>bold</b>",
            site_name="Evil \ud83d Site",
            categories=("ok", "\x00bad\x01", "<script>"),
            reason="relevance 0.66: <script>, hotline \x02",
            outlets=(Outlet("<i>Other</i>", "javascript:alert(1)"), Outlet("Fine", "https://ok.example/1")),
        ),
        Entry(
            id="tag:hotline,2024:hostile/2",
            title="A two megabyte article",
            link="https://big.example/a",
            published=T0 - timedelta(days=1),
            updated=T0,
            text=big,
        ),
    )
    feed = story_feed(entries, title="Feed \x0c title", description="Desc \ud800")
    for kind, render in RENDERERS.items():
        data = render(feed)
        root = strict_xml(data)  # strict lxml parse: no recovery
        parsed = parse(data)
        assert [e.id for e in parsed.entries] == [
            "tag:hotline,2024:hostile/1",
            "tag:hotline,2024:hostile/2",
        ], kind
        first = parsed.entries[0]
        assert "中文 עברית 📞" in first.title
        raw_contents = [
            el.text or "" for el in root.iter("{*}encoded", "{*}content", "{*}description", "{*}summary")
        ]
        assert raw_contents
        for html_text in raw_contents:
            assert "<script" not in html_text.lower()
            assert "javascript:" not in html_text
            fragment = lxml.html.fragment_fromstring(html_text or "<p></p>", create_parent="div")
            assert not list(fragment.iter("script", "img"))
        content = first.content[0].value
        assert "中美两军举行视频通话" in content and "📞🇺🇸🇨🇳" in content
        assert "&lt;script&gt;" in content  # shown as text, not run
        big_content = parsed.entries[1].content[0].value
        assert MAX_TEXT_CHARS < len(big_content) < MAX_TEXT_CHARS * 1.2
        assert "Text shortened here" in big_content and "https://big.example/a" in big_content
    document = json.loads(render_json(feed))
    assert [i["id"] for i in document["items"]] == [
        "tag:hotline,2024:hostile/1",
        "tag:hotline,2024:hostile/2",
    ]
    assert "<script" not in document["items"][0]["content_html"].lower()


def test_one_bad_entry_does_not_stop_the_feed(caplog: pytest.LogCaptureFixture) -> None:
    good = story_entries()[1]
    no_id = replace(story_entries()[0], id="  ")
    no_date = replace(story_entries()[2], id="tag:hotline,2024:story/99", published=None)  # type: ignore[arg-type]
    naive = replace(
        good,
        id="tag:hotline,2024:story/naive",
        published=datetime(2024, 1, 2, 3, 4),
        updated=datetime(2024, 1, 2, 3, 4),
    )
    duplicate = replace(good, title="Same id again")
    feed = story_feed((no_id, good, no_date, naive, duplicate))
    with caplog.at_level(logging.WARNING, logger="feeds"):
        for render in (render_rss, render_atom):
            parsed = parse(render(feed))
            assert [e.id for e in parsed.entries] == [good.id, "tag:hotline,2024:story/naive"]
            assert parsed.entries[1].published_parsed[:5] == (2024, 1, 2, 3, 4)  # naive taken as UTC
        assert [i["id"] for i in json.loads(render_json(feed))["items"]] == [good.id, naive.id]
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "no id" in messages and "tag:hotline,2024:story/99" in messages and "duplicate id" in messages


def test_unsafe_links_are_not_links() -> None:
    entry = replace(
        story_entries()[1], link="javascript:alert(document.cookie)", image="data:image/png;base64,AA"
    )
    for render in (render_rss, render_atom, render_json):
        data = render(story_feed((entry,)))
        assert b"javascript:" not in data and b"data:image" not in data
    parsed = parse(render_atom(story_feed((entry,))))
    assert parsed.entries[0].title == entry.title


def test_feed_without_http_link_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="'link' must be an http"):
        render_atom(story_feed(link="ftp://nowhere", self_link=None))


def test_empty_feed_is_valid() -> None:
    for render in (render_rss, render_atom):
        parsed = parse(render(story_feed(())))
        assert parsed.entries == []
    assert json.loads(render_json(story_feed(())))["items"] == []
