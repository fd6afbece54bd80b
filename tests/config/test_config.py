"""Config loading: the bundled sources are valid, and every error names the file, the source and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.config import KINDS, ConfigError, load_config
from crawler.config.load import validate


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
            "source 'dod': key 'kind' must be one of 'feed', 'sitemap', 'listing' or 'search', not 'rss'",
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
            "source 'dod': key 'every': 'soon' is not a duration",
        ),
        (
            '[[sources]]\nname = "dod"\nkind = "feed"\nurl = "ftp://a.example/f"\n',
            "source 'dod': key 'url' must be an http(s) URL, not 'ftp://a.example/f'",
        ),
        (
            '[[sources]]\nname = "Bad Name"\nkind = "feed"\nurl = "https://a.example/f"\n',
            "source 'Bad Name': key 'name' must be lower-case",
        ),
        ('[feed]\nthreshold = "high"\n', "key 'feed.threshold' must be a number, not 'high'"),
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


SOURCE = '[[sources]]\nname = "dod"\nkind = "feed"\nurl = "https://a.example/f"\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (SOURCE + 'every = "cron: 61 * * * *"\n', "key 'every': cron expression '61 * * * *' is"),
        (SOURCE + 'every = "cron: * * *"\n', "needs five fields (minute hour day month weekday)"),
        ("[server]\nport = 99999\n", "key 'server.port' must be at most 65535, not 99999"),
        ("[feed]\nthreshold = 5\n", "key 'feed.threshold' must be at most 1, not 5"),
        ("[feed]\nentries = -3\n", "key 'feed.entries' must be at least 1, not -3"),
        ("[feed]\ncolour = 1\n", "unknown key 'feed.colour' (known: description, entries,"),
        ('[scrapy]\nDOWNLOAD_DELAY = "soon"\n', "key 'scrapy.DOWNLOAD_DELAY' must be a number, not 'soon'"),
        ("[scrapy]\nDOWNLOAD_DELEY = 2\n", "'DOWNLOAD_DELEY' is no setting; did you mean 'DOWNLOAD_DELAY'?"),
        ("[scrapy]\nCONCURRENT_REQUESTS = 0\n", "key 'scrapy.CONCURRENT_REQUESTS' must be at least 1, not 0"),
        ('[scrapy]\nHOTLINE_EXTRACT_WORKERS = "many"\n', 'must be "auto" or a number of processes'),
        (SOURCE + "settings = { RETRY_TIMES = 1.5 }\n", "key 'settings.RETRY_TIMES' must be a whole"),
        (SOURCE + 'selectors = ["div[class=promo"]\n', "source 'dod': key 'selectors': invalid CSS selector"),
        (SOURCE + 'selectors = ["xpath://div[("]\n', "source 'dod': key 'selectors': invalid selector"),
        (SOURCE + 'official = "uk"\n', "source 'dod': key 'official' must be one of 'us' or 'cn', not 'uk'"),
        (SOURCE + "depth = -1\n", "source 'dod': key 'depth' must be at least 0, not -1"),
        (SOURCE + 'enabled = "yes"\n', "source 'dod': key 'enabled' must be true or false, not 'yes'"),
        ('[[sources]]\nkind = "feed"\nurl = "https://a.example/f"\n', "source '#1': key 'name' is required"),
        ("[daemon]\nauto_min = 100\nauto_max = 10\n", "key 'daemon.auto_max' must be at least auto_min"),
        ("[daemon]\nmax_crawls = 0\n", "key 'daemon.max_crawls' must be at least 1, not 0"),
        ('bundled_sources = "no"\n', "key 'bundled_sources' must be true or false, not 'no'"),
        ('store = "hotline.db"\n', "key 'store' must be a database URL like sqlite:///data/hotline.db"),
        ("sources = 3\n", "key 'sources' must be a list, not 3"),
        ("[topic]\nname = 'beat'\nthreshhold = 0.4\n", "topic: key 'threshhold' is unknown (known:"),
        ("[topic]\nname = 'beat'\nthreshold = 4\n", "topic: key 'threshold' must be a number between"),
        ('topic_file = "t.toml"\n[topic]\nname = "beat"\n', "give the topic as topic_file or as a [topic]"),
    ],
)
def test_every_key_is_typed_and_ranged_at_load(tmp_path: Path, body: str, expected: str):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert expected in message


def test_a_bad_topic_file_is_named_with_the_key_that_points_at_it(tmp_path: Path):
    path = write(tmp_path, 'topic_file = "beat.toml"\n')
    with pytest.raises(ConfigError, match=r"beat\.toml: no such topic file \(check key 'topic_file' in "):
        load_config(path)
    (tmp_path / "beat.toml").write_text('name = "beat"\n[groups.us]\nterms = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: topic: key 'groups")


def test_good_values_come_back_typed(tmp_path: Path):
    config = load_config(
        write(
            tmp_path,
            "bundled_sources = false\n[feed]\nthreshold = 1\n[server]\nport = 9000\n"
            "[scrapy]\nDOWNLOAD_DELAY = 2\n"
            + SOURCE
            + 'official = "cn"\nevery = "cron: */10 * * * *"\nselectors = [".promo", "label:Read more"]\n'
            'settings = { HOTLINE_EXTRACT_WORKERS = "auto", SOME_EXTENSION_SETTING = [1, 2] }\n',
        )
    )
    (source,) = config.sources
    assert source.official == "cn" and source.every.cron == "*/10 * * * *"
    assert source.selectors == (".promo", "label:Read more")
    assert source.settings == {"HOTLINE_EXTRACT_WORKERS": "auto", "SOME_EXTENSION_SETTING": [1, 2]}
    assert config.feed.threshold == 1.0 and config.feed.link == "http://127.0.0.1:9000/"
    assert config.scrapy == {"DOWNLOAD_DELAY": 2}


def test_the_setting_types_agree_with_scrapy_and_hotline_defaults():
    """Every typed setting exists, its default passes its own type, and no real setting reads as a typo."""
    from scrapy.settings import default_settings as scrapy_defaults

    import crawler.settings as ours
    from crawler.config.scrapy_settings import TYPES

    defaults = {name: getattr(scrapy_defaults, name) for name in dir(scrapy_defaults) if name.isupper()}
    defaults |= {name: getattr(ours, name) for name in dir(ours) if name.isupper()}
    assert set(TYPES) <= set(defaults)
    scalars = {n for n, v in vars(ours).items() if n.isupper() and isinstance(v, int | float | bool)}
    assert scalars <= set(TYPES), "type hotline's own scalar settings in crawler/config/scrapy_settings.py"
    for name, value in defaults.items():
        if value is not None:  # a None default means "not set"
            source = {"name": "s", "kind": "feed", "url": "https://a.example/f", "settings": {name: value}}
            validate({"sources": [source]}, "defaults")  # raises ConfigError naming the setting


def test_the_store_from_the_environment_is_checked_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOTLINE_STORE", "hotline.db")
    with pytest.raises(ConfigError, match=r"^\$HOTLINE_STORE: 'hotline.db' is not a database URL"):
        load_config(write(tmp_path, "bundled_sources = false\n"))
