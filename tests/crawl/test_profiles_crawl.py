"""Site profiles end to end: three outlets of our own, each on its own host, crawled once.

fixtures/sites/{harbour-ledger,ridge-courier,strait-bulletin} are served by the fixture-site server on
127.0.0.2, 127.0.0.3 and 127.0.0.4 (all loopback on Linux). Each outlet's six stories share its chrome:
promos and trailers set between or under the paragraphs, a "most read" table with pipes, a "more from"
list of the outlet's other titles, font-size controls, a copyright line, a donation box; and its stories
hold trap sentences that look like promos. After one ``hotline crawl`` every stored text must be free
of the chrome, keep every body paragraph (traps included), the first pages crawled must be healed, the
archive page rejected, the feed clean; ``hotline sites`` shows what was learned; ``hotline extract
--no-profile`` shows the difference. The profile store itself also runs on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.core.extract.profile import page_sample
from crawler.store import Store
from tests.conftest import FAST_CRAWL, SITES

pytestmark = pytest.mark.slow

OUTLETS = {"harbour-ledger": "127.0.0.2", "ridge-courier": "127.0.0.3", "strait-bulletin": "127.0.0.4"}
CHROME = {
    "harbour-ledger": [
        "Pacific Desk letter",
        "Most read this week",
        "Harbour Ledger Media Group",
        "min |",
    ],
    "ridge-courier": ["A- A A+", "Readers can reach the Courier newsroom", "More from the Courier"],
    "strait-bulletin": ["Morning Watch", "paid for by its readers", "Donate today"],
}
TRAPS = [
    "did not respond to a request for comment",
    "Analysts who subscribe to that reading",
    '"Follow our channel for the readout," the spokesman said',
    "has started publishing a weekly newsletter in English",
    "according to a Reuters report carried by the Bulletin",
]


class Outlet:
    """One outlet's fixture-site server on its own loopback address."""

    def __init__(self, name: str, host: str) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler.devtools.site",
                "--site",
                str(SITES / name),
                "--host",
                host,
                "--watch-stdin",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith(f"http://{host}:"), self.url
        expected = json.loads((SITES / name / "_expected.json").read_text(encoding="utf-8"))
        self.body: dict[str, list[str]] = expected["body"]

    def close(self) -> None:
        self.proc.kill()
        self.proc.communicate(timeout=10)


def hotline(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Outlet], str]]:
    outlets = {name: Outlet(name, host) for name, host in OUTLETS.items()}
    folder = tmp_path_factory.mktemp("profiles")
    scrapy = "\n".join(f"{key} = {json.dumps(value)}" for key, value in FAST_CRAWL.items())
    sources = "".join(
        f'\n[[sources]]\nname = "{name}"\nkind = "feed"\nurl = "{outlet.url}/rss.xml"\n'
        for name, outlet in outlets.items()
    )
    config = folder / "hotline.toml"
    config.write_text(
        f'bundled_sources = false\ndata_dir = "{(folder / "data").as_posix()}"\n'
        f"[feed]\nthreshold = 0.0\n[scrapy]\n{scrapy}\n{sources}",
        encoding="utf-8",
    )
    try:
        done = hotline(config, "crawl", "--json")
        assert done.returncode == 0, done.stderr[-3000:]
        yield config, outlets, done.stdout
    finally:
        for outlet in outlets.values():
            outlet.close()


def stored(config: Path) -> dict[str, str]:
    from crawler.config import load_config

    with Store(load_config(config).store) as store:
        return {a.canonical_url: a.text for a in store.articles.all()}


def test_one_crawl_leaves_no_chrome_and_every_paragraph(crawled) -> None:
    config, outlets, _ = crawled
    texts = stored(config)
    for name, outlet in outlets.items():
        for slug, paragraphs in outlet.body.items():
            text = texts[f"{outlet.url}/articles/{slug}.html"]
            for paragraph in paragraphs:
                assert paragraph in text, (slug, paragraph[:60])
            for chrome in CHROME[name]:
                assert chrome not in text, (slug, chrome)
            assert "\n\nBy " not in text
    everything = "\n".join(texts.values())
    for trap in TRAPS:
        assert trap in everything, trap
    assert len(texts) == sum(len(o.body) for o in outlets.values())  # the archive page is no article


def test_the_first_pages_were_healed_and_the_feed_is_clean(crawled) -> None:
    # the first pages of each outlet were extracted before its profile knew anything: they are clean
    # (test above) because the crawl re-cleaned them from their raw pages once the profile learned
    config, _outlets, stdout = crawled
    runs = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert len(runs) == len(OUTLETS)
    for run in runs:
        log = Path(run["log_path"]).read_text(encoding="utf-8")
        assert "'hotline/profile_healed':" in log, run["source"]
    feed = (config.parent / "data" / "feeds" / "articles.json").read_text(encoding="utf-8")
    assert "Attachés briefed" in feed  # the feed holds the outlets' stories ...
    for chrome in ("Pacific Desk letter", "Morning Watch", "Readers can reach the Courier"):
        assert chrome not in feed  # ... and none of their chrome


def test_sites_command_shows_what_was_learned(crawled) -> None:
    config, _outlets, _ = crawled
    done = hotline(config, "sites", "--json")
    assert done.returncode == 0, done.stderr
    hosts = {row["host"]: row for row in json.loads(done.stdout)}
    assert set(hosts) == set(OUTLETS.values())
    ledger = hosts["127.0.0.2"]
    assert ledger["pages"] == 6 and ledger["last_changed"]
    assert any("Pacific Desk letter" in block["text"] and block["pages"] == 6 for block in ledger["removes"])
    assert "127.0.0.3" in hotline(config, "sites").stdout


def test_extract_uses_the_stores_profile_unless_told_not_to(crawled) -> None:
    config, outlets, _ = crawled
    url = f"{outlets['strait-bulletin'].url}/articles/attache-briefing.html"
    with_profile = hotline(config, "extract", url, "--explain", "--json")
    assert with_profile.returncode == 0, with_profile.stderr
    record = json.loads(with_profile.stdout)
    rules = [removal["rule"] for removal in record["removed"]]
    assert "site: seen on 6 of 6 pages of 127.0.0.4" in rules
    assert "Morning Watch" not in record["text"]
    without = json.loads(hotline(config, "extract", url, "--json", "--no-profile").stdout)
    assert "Morning Watch" in without["text"]


def test_reextract_keeps_what_the_profiles_removed(crawled) -> None:
    config, _outlets, _ = crawled
    before = stored(config)
    done = hotline(config, "reextract", "--json", "--no-feed")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1])["updated"] == 0
    assert stored(config) == before


def test_a_source_with_profiles_off_keeps_the_generic_layer_only(tmp_path: Path) -> None:
    outlet = Outlet("harbour-ledger", "127.0.0.5")
    try:
        scrapy = "\n".join(f"{key} = {json.dumps(value)}" for key, value in FAST_CRAWL.items())
        config = tmp_path / "off.toml"
        config.write_text(
            f'bundled_sources = false\ndata_dir = "{(tmp_path / "data").as_posix()}"\n[scrapy]\n{scrapy}\n'
            f'[[sources]]\nname = "ledger"\nkind = "feed"\nurl = "{outlet.url}/rss.xml"\nprofile = false\n',
            encoding="utf-8",
        )
        done = hotline(config, "crawl", "--json", "--no-feed")
        assert done.returncode == 0, done.stderr[-2000:]
    finally:
        outlet.close()
    texts = stored(config)
    assert len(texts) == 6
    assert all("Sign up for the Pacific Desk letter" not in text for text in texts.values())  # generic
    assert any("Pacific Desk letter lands every Friday" in text for text in texts.values())  # no profile
    assert json.loads(hotline(config, "sites", "--json").stdout) == []


def test_the_profile_store_on_postgresql(postgres_db: str) -> None:
    with Store(postgres_db) as store:
        promo = "The Ledger's letter lands every Friday."
        for n in range(6):
            learned = store.profiles.add(
                "pg.example", page_sample([f"story {n} text here", promo], f"T{n} a b")
            )
            assert ("block" in learned.values()) == (n == 3)
        profile = store.profiles.get("pg.example")
        assert profile is not None and profile.pages == 6 and len(profile.blocks) == 1
        assert store.profiles.summaries()[0].blocks[0][1:] == (6, 6)
