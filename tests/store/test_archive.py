"""``hotline archive export --warc``: the kept pages as WARC, read back by warcio byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.store import RawPage


def hotline(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_warc(path: Path) -> tuple[list[str], dict[str, tuple[int, dict[str, str], bytes, str]]]:
    """(record types in order, {target URI: (status, HTTP headers, body, WARC-Date)})."""
    kinds, responses = [], {}
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            kinds.append(record.rec_type)
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                status = int(record.http_headers.get_statuscode())
                headers = dict(record.http_headers.headers)
                responses[uri] = (
                    status,
                    headers,
                    record.content_stream().read(),
                    record.rec_headers["WARC-Date"],
                )
    return kinds, responses


@pytest.mark.parametrize("name", ["pages.warc.gz", "pages.warc"])
def test_every_kept_page_is_exported_byte_for_byte(crawl, crawl_config, store_of, tmp_path, name):
    assert crawl("newsroom-rss").outcome == "ok"
    assert crawl("newsroom-atom").outcome == "ok"
    with store_of() as store:
        pages: list[RawPage] = list(store.pages.all())
    assert len({p.source for p in pages}) == 2

    target = tmp_path / name
    done = hotline(crawl_config, "archive", "export", "--warc", str(target), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"warc": str(target), "pages": len(pages)}
    assert (target.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    kinds, responses = read_warc(target)
    assert kinds == ["warcinfo"] + ["response"] * len(pages)
    assert set(responses) == {p.final_url for p in pages}
    for page in pages:
        status, headers, body, when = responses[page.final_url]
        assert body == page.body  # byte for byte
        assert status == page.status
        assert headers["Content-Type"] == page.header("Content-Type")
        assert int(headers["Content-Length"]) == len(page.body)
        assert when.startswith(page.fetched_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert not list(tmp_path.glob(".*.part"))  # written aside, then renamed


def test_export_of_one_source(crawl, crawl_config, store_of, tmp_path):
    assert crawl("newsroom-rss").outcome == "ok"
    assert crawl("newsroom-atom").outcome == "ok"
    with store_of() as store:
        atom = {p.final_url: p.body for p in store.pages.all(source="newsroom-atom")}
    target = tmp_path / "atom.warc.gz"
    done = hotline(crawl_config, "archive", "export", "--warc", str(target), "--source", "newsroom-atom")
    assert done.returncode == 0, done.stderr
    assert f"{len(atom)} page(s) written to {target}" in done.stdout
    _, responses = read_warc(target)
    assert {uri: body for uri, (_, _, body, _) in responses.items()} == atom
    unknown = hotline(crawl_config, "archive", "export", "--warc", str(target), "--source", "nope")
    assert unknown.returncode != 0 and "no source named 'nope'" in unknown.stderr
