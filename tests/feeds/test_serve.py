"""The feed server on 127.0.0.1: content types, ETag/Last-Modified/304, gzip, read-only, no traversal."""

from __future__ import annotations

import email.utils
import gzip
import http.client
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from feeds.serve import FeedServer, make_server
from feeds.site import write_all
from feeds.write import atomic_write
from tests.feedsamples import story_feed

SECRET = "top secret outside the feed folder"
READER_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.1"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.fixture
def feed_dir(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(SECRET)
    directory = tmp_path / "feeds"
    write_all(directory, story_feed(), story_feed())
    return directory


@pytest.fixture
def server(feed_dir: Path) -> Iterator[FeedServer]:
    server = make_server(feed_dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def fetch(
    server: FeedServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One raw request (http.client sends the path exactly as given, ``..`` included)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "accept", "content_type"),
    [
        ("/atom.xml", READER_ACCEPT, "application/atom+xml; charset=utf-8"),
        ("/rss.xml", READER_ACCEPT, "application/rss+xml; charset=utf-8"),
        ("/articles.atom.xml", "", "application/atom+xml; charset=utf-8"),
        ("/feed.json", READER_ACCEPT, "application/feed+json; charset=utf-8"),
        ("/articles.json", "", "application/feed+json; charset=utf-8"),
        ("/style.css", "", "text/css; charset=utf-8"),
        ("/", BROWSER_ACCEPT, "text/html; charset=utf-8"),
        ("/index.html", "", "text/html; charset=utf-8"),
        ("/atom.html", "", "text/html; charset=utf-8"),
    ],
)
def test_content_types(server: FeedServer, feed_dir: Path, path: str, accept: str, content_type: str) -> None:
    status, headers, body = fetch(server, path, headers={"Accept": accept} if accept else None)
    assert status == 200
    assert headers["content-type"] == content_type
    assert body == (feed_dir / (path.strip("/") or "index.html")).read_bytes()
    assert headers["cache-control"].startswith("public, max-age=")
    assert headers["etag"].startswith('"') and headers["last-modified"]
    assert int(headers["content-length"]) == len(body)


@pytest.mark.parametrize(
    ("path", "page"),
    [("/atom.xml", "atom.html"), ("/rss.xml", "rss.html"), ("/articles.atom.xml", "articles.atom.html")],
)
def test_a_browser_opening_a_feed_gets_its_html_page(
    server: FeedServer, feed_dir: Path, path: str, page: str
) -> None:
    status, headers, body = fetch(server, path, headers={"Accept": BROWSER_ACCEPT})
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert body == (feed_dir / page).read_bytes()
    assert headers["vary"] == "Accept, Accept-Encoding"  # caches keep the page and the feed apart
    for accept in (
        READER_ACCEPT,
        "*/*",
        "",
        feedparser.http.ACCEPT_HEADER,
        "text/html;q=0.5, application/xml",
    ):
        status, headers, body = fetch(server, path, headers={"Accept": accept} if accept else None)
        assert headers["content-type"].startswith("application/"), accept
        assert body == (feed_dir / path.strip("/")).read_bytes()


def test_feeds_served_are_read_by_feedparser(server: FeedServer) -> None:
    for path in ("/atom.xml", "/rss.xml"):
        _, _, body = fetch(server, path, headers={"Accept": READER_ACCEPT})
        parsed = feedparser.parse(body)
        assert not parsed.bozo and len(parsed.entries) == 3


def test_if_none_match_gives_304_without_body(server: FeedServer, feed_dir: Path) -> None:
    _, first, body = fetch(server, "/atom.xml")
    status, headers, again = fetch(server, "/atom.xml", headers={"If-None-Match": first["etag"]})
    assert (status, again) == (304, b"")
    assert headers["etag"] == first["etag"] and "content-type" not in headers
    status, _, _ = fetch(server, "/atom.xml", headers={"If-None-Match": f'"other", W/{first["etag"]}'})
    assert status == 304  # weak comparison, lists
    status, _, again = fetch(server, "/atom.xml", headers={"If-None-Match": '"something-else"'})
    assert (status, again) == (200, body)
    # a rebuild with new content changes the ETag: the old one no longer matches
    atomic_write(feed_dir / "atom.xml", body.replace(b"Maritime safety", b"Maritime-safety"))
    status, headers, changed = fetch(server, "/atom.xml", headers={"If-None-Match": first["etag"]})
    assert status == 200 and headers["etag"] != first["etag"] and b"Maritime-safety" in changed


def test_if_modified_since_gives_304(server: FeedServer, feed_dir: Path) -> None:
    os.utime(feed_dir / "rss.xml", (1_700_000_000, 1_700_000_000))
    _, headers, _ = fetch(server, "/rss.xml")
    assert headers["last-modified"] == email.utils.formatdate(1_700_000_000, usegmt=True)
    status, _, body = fetch(server, "/rss.xml", headers={"If-Modified-Since": headers["last-modified"]})
    assert (status, body) == (304, b"")
    older = email.utils.formatdate(1_699_999_000, usegmt=True)
    status, _, body = fetch(server, "/rss.xml", headers={"If-Modified-Since": older})
    assert status == 200 and body
    status, _, _ = fetch(server, "/rss.xml", headers={"If-Modified-Since": "not a date"})
    assert status == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    status, _, _ = fetch(
        server, "/rss.xml", headers={"If-None-Match": '"nope"', "If-Modified-Since": headers["last-modified"]}
    )
    assert status == 200


def test_gzip_when_the_client_accepts_it(server: FeedServer, feed_dir: Path) -> None:
    plain = (feed_dir / "atom.xml").read_bytes()
    status, headers, body = fetch(server, "/atom.xml", headers={"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body) == plain and len(body) < len(plain) / 2
    assert int(headers["content-length"]) == len(body)
    status, again, _ = fetch(
        server, "/atom.xml", headers={"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]}
    )
    assert status == 304 and again["etag"] == headers["etag"]
    _, raw_headers, raw = fetch(server, "/atom.xml", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in raw_headers and raw == plain
    assert raw_headers["etag"] != headers["etag"]  # the two encodings are different representations


def test_head_sends_headers_only(server: FeedServer) -> None:
    _, get_headers, body = fetch(server, "/rss.xml")
    status, headers, head_body = fetch(server, "/rss.xml", method="HEAD")
    assert status == 200 and head_body == b""
    assert headers["content-length"] == str(len(body)) and headers["etag"] == get_headers["etag"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_are_refused(server: FeedServer, feed_dir: Path, method: str) -> None:
    before = (feed_dir / "atom.xml").read_bytes()
    status, headers, _ = fetch(server, "/atom.xml", method=method)
    assert status == 405 and headers["allow"] == "GET, HEAD"
    assert (feed_dir / "atom.xml").read_bytes() == before


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/atom.xml/../../secret.txt",
        "/.%2e/secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "http://127.0.0.1/../secret.txt",
        "/%00atom.xml",
    ],
)
def test_traversal_is_refused(server: FeedServer, path: str) -> None:
    status, _, body = fetch(server, path)
    assert status in (400, 403, 404)
    assert SECRET.encode() not in body


@pytest.mark.parametrize("path", ["/etc/passwd", "//etc/passwd", "/secret.txt", "/feeds/atom.xml"])
def test_absolute_and_outside_paths_are_not_found(server: FeedServer, path: str) -> None:
    status, _, body = fetch(server, path)
    assert status == 404 and b"root:" not in body and SECRET.encode() not in body


def test_symlinks_pointing_out_are_refused(server: FeedServer, feed_dir: Path) -> None:
    (feed_dir / "leak.txt").symlink_to(feed_dir.parent / "secret.txt")
    (feed_dir / "up").symlink_to(feed_dir.parent, target_is_directory=True)
    (feed_dir / "same.xml").symlink_to(feed_dir / "atom.xml")  # inside: fine
    for path in ("/leak.txt", "/up/secret.txt", "/up/"):
        status, _, body = fetch(server, path)
        assert status in (403, 404) and SECRET.encode() not in body
    status, _, body = fetch(server, "/same.xml")
    assert status == 200 and body == (feed_dir / "atom.xml").read_bytes()


def test_hidden_and_temporary_files_are_not_served(server: FeedServer, feed_dir: Path) -> None:
    (feed_dir / ".atom.xml.abc123.tmp").write_text("half a feed")
    status, _, body = fetch(server, "/.atom.xml.abc123.tmp")
    assert status == 404 and b"half a feed" not in body
    status, _, _ = fetch(server, "/missing.xml")
    assert status == 404


def test_one_log_line_per_request_and_nothing_on_stderr(
    server: FeedServer, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.INFO, logger="feeds.serve"):
        fetch(server, "/atom.xml")
        fetch(server, "/nothing-here")
        fetch(server, "/atom.xml", method="DELETE")
    lines = [r.getMessage() for r in caplog.records if r.name == "feeds.serve"]
    assert len(lines) == 3
    assert '"GET /atom.xml HTTP/1.1" 200' in lines[0]
    assert '"GET /nothing-here HTTP/1.1" 404' in lines[1]
    assert '"DELETE /atom.xml HTTP/1.1" 405' in lines[2]
    assert capfd.readouterr().err == ""


def test_keep_alive_serves_several_requests_on_one_connection(server: FeedServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        statuses = []
        for path in ("/atom.xml", "/rss.xml", "/missing", "/feed.json"):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        assert statuses == [200, 200, 404, 200]
    finally:
        connection.close()


def test_port_in_use_raises_oserror(server: FeedServer, feed_dir: Path) -> None:
    with pytest.raises(OSError):
        make_server(feed_dir, "127.0.0.1", server.server_address[1])


def test_the_app_is_plain_wsgi(feed_dir: Path) -> None:
    """The feed logic is a WSGI app: another WSGI server (or a test) can call it without ours."""
    from wsgiref.util import setup_testing_defaults

    from feeds.app import FeedApp

    answers: list[tuple[str, dict[str, str]]] = []

    def call(path: str, **headers: str) -> bytes:
        environ: dict[str, object] = {"PATH_INFO": path, "REQUEST_URI": path, **headers}
        setup_testing_defaults(environ)
        return b"".join(FeedApp(feed_dir)(environ, lambda s, h: answers.append((s, dict(h)))))

    assert call("/rss.xml") == (feed_dir / "rss.xml").read_bytes()
    status, headers = answers[-1]
    assert status == "200 OK" and headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert call("/rss.xml", HTTP_IF_NONE_MATCH=headers["ETag"]) == b""
    assert answers[-1][0] == "304 Not Modified"
    assert SECRET.encode() not in call("/../secret.txt") and answers[-1][0] == "403 Forbidden"


def test_ipv6_loopback(feed_dir: Path) -> None:
    try:
        server = make_server(feed_dir, "::1", 0)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        assert server.url.startswith("http://[::1]:")
        connection = http.client.HTTPConnection("::1", server.server_address[1], timeout=10)
        connection.request("GET", "/atom.xml")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
