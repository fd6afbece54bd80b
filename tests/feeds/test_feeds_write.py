"""Writing feed files: the naming rule, atomic replacement, and readers never seeing half a file."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest

from feeds.index import render_index
from feeds.model import Feed
from feeds.serve import make_server
from feeds.site import feed_file_names, write_all, write_feed_set
from feeds.write import atomic_write
from tests.feedsamples import BASE, health_feed, story_entries, story_feed


def test_naming_rule_gives_the_published_file_names() -> None:
    assert feed_file_names("") == ("atom.xml", "rss.xml", "feed.json")
    assert feed_file_names("articles.") == ("articles.atom.xml", "articles.rss.xml", "articles.json")


def test_write_feed_set_writes_three_parseable_files_with_their_own_self_links(tmp_path: Path) -> None:
    paths = write_feed_set(tmp_path, "articles.", story_feed(self_link=None))
    assert [p.name for p in paths] == [
        "articles.atom.xml", "articles.rss.xml", "articles.json", "articles.atom.html", "articles.rss.html"
    ]
    atom = feedparser.parse(paths[0].read_bytes())
    rss = feedparser.parse(paths[1].read_bytes())
    document = json.loads(paths[2].read_bytes())
    assert not atom.bozo and not rss.bozo
    self_links = [
        next(link.href for link in parsed.feed.links if link.rel == "self") for parsed in (atom, rss)
    ]
    assert self_links == [BASE + "articles.atom.xml", BASE + "articles.rss.xml"]
    assert document["feed_url"] == BASE + "articles.json"


def test_write_all_writes_every_file_and_the_index(tmp_path: Path) -> None:
    paths = write_all(tmp_path, story_feed(), story_feed(), health_feed(2))
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "style.css",
            "atom.html", "rss.html", "articles.atom.html", "articles.rss.html", "health.html",
            "atom.xml",
            "rss.xml",
            "feed.json",
            "articles.atom.xml",
            "articles.rss.xml",
            "articles.json",
            "health.xml",
            "index.html",
        ]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temporary files left behind
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    # broken sources first, then the stories, each with its site and why it is there
    assert index.index("2 sources need attention") < index.index("Indo-Pacific commander speaks")
    assert "source-1: no articles in the last 3 runs" in index
    assert "Example News" in index and "relevance 0.91: Austin, Dong Jun" in index
    assert 'href="https://wire.example.org/a1">Wire Service</a>' in index
    assert 'type="application/atom+xml"' in index and 'href="articles.json"' in index
    health = feedparser.parse((tmp_path / "health.xml").read_bytes())
    assert sorted(e.title for e in health.entries) == [
        "source-0: no articles in the last 3 runs",
        "source-1: no articles in the last 3 runs",
    ]


def test_without_health_the_index_has_no_warning_and_old_health_file_goes(tmp_path: Path) -> None:
    write_all(tmp_path, story_feed(), None, health_feed(1))
    assert (tmp_path / "health.xml").exists()
    write_all(tmp_path, story_feed(), None, None)
    assert not (tmp_path / "health.xml").exists()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "attention" not in index and "articles.json" not in index
    assert "needs attention" not in render_index(story_feed(), health_feed(0)).decode()


def test_index_escapes_everything() -> None:
    hostile = replace(
        story_entries()[0], title="<script>alert(1)</script>", reason="<b>x</b>", link="javascript:alert(1)"
    )
    page = render_index(story_feed((hostile,))).decode()
    assert "<script>alert" not in page and "javascript:" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "atom.xml"
    assert atomic_write(path, b"one") is True
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert atomic_write(path, b"one") is False
    assert path.stat().st_mtime == 1_000_000_000  # Last-Modified stays put across identical rebuilds
    assert atomic_write(path, b"two") is True
    assert path.read_bytes() == b"two" and path.stat().st_mtime > 1_000_000_000
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atom.xml"]


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "rss.xml"
    atomic_write(path, b"old")
    with pytest.raises(TypeError):
        atomic_write(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rss.xml"]


def _versions() -> tuple[Feed, Feed]:
    """Two feeds of very different sizes, so a torn read would show."""
    small = story_feed(story_entries()[:1])
    many = tuple(
        replace(
            entry, id=f"{entry.id}/{i}", text=entry.text * 8, published=entry.published + timedelta(hours=i)
        )
        for i in range(8)
        for entry in story_entries()
    )
    return small, story_feed(many)


def test_readers_never_see_half_a_file_while_rebuilding(tmp_path: Path) -> None:
    small, big = _versions()
    write_all(tmp_path, small)
    expected = {}  # every byte-exact version a reader may see -> its entry count
    for version in (small, big):
        write_feed_set(tmp_path, "", version)
        data = (tmp_path / "atom.xml").read_bytes()
        parsed = feedparser.parse(data)
        assert not parsed.bozo and len(parsed.entries) == len(version.entries)
        expected[data] = len(parsed.entries)
    server = make_server(tmp_path, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    stop = threading.Event()
    rebuilds = 0

    def rebuild() -> None:
        nonlocal rebuilds
        while not stop.is_set():
            write_feed_set(tmp_path, "", (small, big)[rebuilds % 2])
            rebuilds += 1
            time.sleep(0.002)  # let the server threads have the GIL now and then

    writer = threading.Thread(target=rebuild, daemon=True)
    writer.start()
    seen: dict[int, int] = {}
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        deadline = time.monotonic() + 30  # a loaded machine rebuilds slowly: read until both are done
        reads = 0
        while not (reads >= 50 and rebuilds > 5 and len(seen) == len(expected)):
            reads += 1
            connection.request("GET", "/atom.xml")
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200
            assert body in expected, f"torn read of {len(body)} bytes"  # so it parses, as checked above
            seen[expected[body]] = seen.get(expected[body], 0) + 1
            if time.monotonic() > deadline:
                break
        connection.close()
    finally:
        stop.set()
        writer.join(timeout=10)
        server.shutdown()
        server.server_close()
    assert rebuilds > 5
    assert sum(seen.values()) >= 50
    assert set(seen) == set(expected.values()), seen  # the reads really crossed rebuilds


def test_feeds_stands_alone() -> None:
    """Every feeds module imports without the crawler, Scrapy or SQLAlchemy, and without a cycle."""
    import ast
    import subprocess
    import sys

    package = Path(__file__).resolve().parents[2] / "feeds"
    modules = sorted(f"feeds.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__")
    banned = "{'crawler', 'scrapy', 'sqlalchemy', 'twisted'}"
    loaded = "{m.split('.')[0] for m in sys.modules}"
    code = f"import sys, {', '.join(modules)}; print(sorted({loaded} & {banned}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    # no import loop inside the package: module-level and function-level imports alike
    graph: dict[str, set[str]] = {}
    for name in modules:
        tree = ast.parse((package / f"{name.split('.')[1]}.py").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        graph[name] = imported & set(modules)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start])

    assert [name for name in modules if reaches(name, name, set())] == []
