"""Config loading: the bundled sources are valid, and every error names the file, the source and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.config import KINDS, ConfigError, load_config


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOTLINE_CONFIG", raising=False)
    monkeypatch.delenv("HOTLINE_STORE", raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hotline.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_sources_load_and_each_kind_has_a_spider():
    config = load_config(None)
    assert len(config.sources) >= 10
    assert {s.kind for s in config.sources} <= set(KINDS)
    spiders = set(SpiderLoader(Settings({"SPIDER_MODULES": ["crawler.spiders"]})).list())
    assert spiders == set(KINDS)
    assert all(url.startswith(("http://", "https://")) for s in config.sources for url in s.urls)
    assert "+http" in config.user_agent  # a contact URL for site owners


def test_user_file_adds_sources_and_resolves_paths(tmp_path: Path):
    path = write(
        tmp_path,
        """
bundled_sources = false
data_dir = "var"
[[sources]]
name = "my-feed"
kind = "feed"
url = "https://news.example/feed.xml"
every = "15m"
""",
    )
    config = load_config(path)
    assert [s.name for s in config.sources] == ["my-feed"]
    assert config.data_dir == tmp_path / "var"
    assert config.store == f"sqlite:///{tmp_path / 'var' / 'hotline.db'}"
    assert config.source("my-feed").every.seconds == 900


def test_config_path_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write(
        tmp_path,
        'bundled_sources = false\n[[sources]]\nname = "x"\nkind = "feed"\nurl = "https://a.example/f"\n',
    )
    monkeypatch.setenv("HOTLINE_CONFIG", str(path))
    assert [s.name for s in load_config(None).sources] == ["x"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[[sources]]\nname = "dod"\nkind = "feed"\nurl = "https://a.example/f"\ncolour = "red"\n',
            "source 'dod': unknown key 'colour'",
        ),
        (
            '[[sources]]\nname = "dod"\nkind = "rss"\nurl = "https://a.example/f"\n',
            "source 'dod': key 'kind' must be one of feed, sitemap, listing, search, not 'rss'",
        ),
        (
            '[[sources]]\nname = "mnd"\nkind = "listing"\nurl = "https://a.example/news/"\n',
            "source 'mnd': key 'follow' (regex of article URLs) is required for a listing source",
        ),
        (
            '[[sources]]\nname = "mnd"\nkind = "listing"\nurl = "https://a.example/"\nfollow = "(unclosed"\n',
            "source 'mnd': key 'follow' is not a valid regular expression",
        ),
        (
            '[[sources]]\nname = "dod"\nkind = "feed"\nurl = "https://a.example/f"\nevery = "soon"\n',
            "source 'dod': key 'every' 'soon' is not a duration",
        ),
        (
            '[[sources]]\nname = "dod"\nkind = "feed"\nurl = "ftp://a.example/f"\n',
            "source 'dod': key 'url' (or 'urls') must hold http(s) URLs",
        ),
        (
            '[[sources]]\nname = "Bad Name"\nkind = "feed"\nurl = "https://a.example/f"\n',
            "source 'Bad Name': key 'name' must be lower-case",
        ),
        ('[feed]\nthreshold = "high"\n', "key 'feed.threshold' must be float"),
        ('colour = "red"\n', "unknown key 'colour'"),
        (
            '[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://a.example/f"\n' * 2,
            "source 'a' is defined twice",
        ),
    ],
)
def test_config_errors_name_file_source_and_key(tmp_path: Path, body: str, expected: str):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_or_broken_files_are_one_line(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"no such config file \(check --config or \$HOTLINE_CONFIG\)"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[[sources]\nname="))


def test_unknown_source_lists_the_known_ones(tmp_path: Path):
    config = load_config(
        write(
            tmp_path,
            'bundled_sources = false\n[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://a.example/f"\n',
        )
    )
    with pytest.raises(ConfigError, match=r"no source named 'b' \(known: a\)"):
        config.source("b")
