"""``hotline extract`` and ``hotline fixtures``, run as a process; URLs are served from 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

pytestmark = pytest.mark.slow  # every test runs hotline as a process

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures/pages"
DALLAS = PAGES / "dallas-express/austin-wei-first-call.html"
NOT_FOUND = PAGES / "dallas-express/page-not-found.html"
KHMER = PAGES / "khmer-times/siem-reap-defence-talks.html"
CP1252 = PAGES / "legacy-weekly-cp1252/hotline-matters-to-guam.html"
KHMER_URL = "https://www.khmertimeskh.com/501191234/us-china-mend-defence-ties-at-siem-reap-talks/"


def hotline(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HOTLINE_CONFIG", "HOTLINE_STORE")}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
        check=False,
    )


class PageHandler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[Path, str]]] = {
        "/weekly/hotline.html": (CP1252, "text/html; charset=iso-8859-1"),
        "/khmer/story.html": (KHMER, "text/html; charset=utf-8"),
    }

    def do_GET(self) -> None:
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        body = route[0].read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", route[1])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", [["extract"], ["fixtures"], ["fixtures", "add"], ["fixtures", "check"]])
def test_help_has_examples(command: list[str]) -> None:
    done = hotline(*command, "--help")
    assert done.returncode == 0 and "Examples:" in done.stdout and "hotline " in done.stdout


def test_extract_files_as_json_lines() -> None:
    done = hotline("extract", str(DALLAS), str(NOT_FOUND), "--json", "--url", "https://dallasexpress.com/x/")
    assert done.returncode == 1  # one input gave no article
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    keys = {
        "url",
        "canonical_url",
        "title",
        "text",
        "published",
        "author",
        "site_name",
        "language",
        "image",
        "description",
    }
    assert keys <= set(first) and "error" not in first
    assert first["title"] == "U.S. and China Defense Chiefs Talk for First Time in Over a Year"
    assert first["published"].startswith("2022-04-22") and "Subscribe to Comments" not in first["text"]
    assert first["input"] == str(DALLAS)
    assert keys <= set(second) and second["title"] is None
    assert "error page" in second["error"]


def test_extract_prints_a_readable_article() -> None:
    done = hotline("extract", str(KHMER), "--url", KHMER_URL)
    assert done.returncode == 0, done.stderr
    assert "US, China mend defence ties at Siem Reap talks" in done.stdout
    assert "Wei Fenghe and Lloyd Austin held their talks in Siem Reap" in done.stdout
    assert "Related Articles" not in done.stdout and "Photo Isa Rohany" not in done.stdout


def test_explain_names_the_rules() -> None:
    done = hotline("extract", str(DALLAS), "--explain")
    assert done.returncode == 0, done.stderr
    assert "removed by the cleaning layer" in done.stdout
    assert "wpdcom" in done.stdout and "support-us" in done.stdout and "comment" in done.stdout
    record = json.loads(hotline("extract", str(DALLAS), "--explain", "--json").stdout)
    groups = {r["group"] for r in record["removed"]}
    assert {"comments", "donation", "caption", "title"} <= groups


def test_selector_option(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(KHMER.read_bytes().replace(b"<p>General Wei", b'<p class="kt-poll">General Wei'))
    done = hotline("extract", str(page), "--json", "--selector", ".kt-poll", "--explain")
    record = json.loads(done.stdout)
    assert "held their talks in Siem Reap" not in record["text"]
    assert [r["rule"] for r in record["removed"] if r["group"] == "site"] == ["source selector: .kt-poll"]


def test_extract_urls(server: str) -> None:
    done = hotline("extract", f"{server}/weekly/hotline.html", f"{server}/nowhere.html", "--json")
    assert done.returncode == 1
    good, missing = (json.loads(line) for line in done.stdout.splitlines())
    # the header says iso-8859-1; the page is windows-1252: curly quotes come out right
    assert good["title"] == "Why the \u201chotline\u201d matters to Guam"
    assert "defense \u201chotline\u201d to 2008" in good["text"]
    assert good["url"] == f"{server}/weekly/hotline.html"
    assert missing["error"] == f"{server}/nowhere.html: HTTP 404 Not Found (check the address)"


def test_unreachable_url_and_missing_file_are_one_line_errors() -> None:
    url = f"http://127.0.0.1:{closed_port()}/story.html"
    done = hotline("extract", url, "no/such/page.html", "--timeout", "5")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"✗ {url}: cannot fetch")
    assert lines[1] == "✗ no/such/page.html: no such file (give a saved page or an http(s) URL)"


def test_fixtures_add_then_check(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    done = hotline("fixtures", "add", str(KHMER), "--name", "talks", "--url", KHMER_URL, "--dir", str(folder))
    assert done.returncode == 0, done.stderr
    # the page's host is a bundled source's, so the folder is named after that source
    json_path = folder / "khmer-times/talks.json"
    assert (folder / "khmer-times/talks.html").read_bytes() == KHMER.read_bytes()
    assert "review the JSON" in done.stdout

    done = hotline("fixtures", "check", "--dir", str(folder))
    assert done.returncode == 1 and "unreviewed" in done.stdout and "0 passed, 1 failed" in done.stdout

    draft = json.loads(json_path.read_text(encoding="utf-8"))
    draft.pop("review")
    json_path.write_text(json.dumps(draft), encoding="utf-8")
    done = hotline("fixtures", "check", "--dir", str(folder), "--json")
    assert done.returncode == 0, done.stdout
    report = json.loads(done.stdout)
    assert report["passed"] == 1 and report["failed"] == 0
    assert report["fixtures"] == [{"fixture": "khmer-times/talks", "passed": True, "problems": []}]

    draft["must_not"].append("Siem Reap")  # now the expectation is wrong: the diff says why
    json_path.write_text(json.dumps(draft), encoding="utf-8")
    done = hotline("fixtures", "check", "--dir", str(folder))
    assert done.returncode == 1 and "leaked boilerplate: 'Siem Reap'" in done.stdout

    again = hotline(
        "fixtures", "add", str(KHMER), "--name", "talks", "--url", KHMER_URL, "--dir", str(folder)
    )
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr


HARBOUR_TALKS = (
    "Naval officers of the two countries met on Tuesday for their first safety talks in almost a year.",
    "The meeting followed several close passes between warships and aircraft over the summer months.",
    "Both delegations agreed to keep the maritime consultation channel open and to meet again in spring.",
    "Officials described the tone as businesslike, with long sessions on radio procedures and distances.",
    "A joint statement is expected later in the week, once both capitals have reviewed the minutes.",
)


def test_a_saved_page_without_url_takes_its_canonical_address(tmp_path: Path) -> None:
    canonical = "https://www.khmertimeskh.com/50999999/harbour-safety-talks-resume/"
    saved = tmp_path / "saved.html"
    saved.write_text(
        f'<html><head><title>Harbour safety talks resume</title><link rel="canonical" href="{canonical}">'
        "</head><body><article><h1>Harbour safety talks resume</h1>"
        + "".join(f"<p>{line}</p>" for line in HARBOUR_TALKS)
        + "</article></body></html>",
        encoding="utf-8",
    )
    done = hotline("extract", str(saved), "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["url"] == canonical and record["canonical_url"] == canonical
    done = hotline("fixtures", "add", str(saved), "--name", "harbour", "--dir", str(tmp_path / "pages"))
    assert done.returncode == 0, done.stderr
    # named after the bundled source of the page's own host, not a file:// folder
    assert (tmp_path / "pages/khmer-times/harbour.html").is_file()


def test_fixtures_add_from_url(server: str, tmp_path: Path) -> None:
    done = hotline(
        "fixtures", "add", f"{server}/weekly/hotline.html", "--name", "guam", "--dir", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    draft = json.loads((tmp_path / "127-0-0-1/guam.json").read_text(encoding="utf-8"))
    assert (
        draft["charset"] == "iso-8859-1" and draft["title"] == "Why the \u201chotline\u201d matters to Guam"
    )


def test_fixtures_check_on_the_project_fixtures() -> None:
    done = hotline("fixtures", "check", "--dir", str(PAGES))
    assert done.returncode == 0, done.stdout
    assert " 0 failed" in done.stdout
    assert hotline("fixtures", "check", "--dir", str(ROOT / "no-such-dir")).returncode == 1
