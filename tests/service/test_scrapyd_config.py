"""The ``launcher`` and ``scrapyd`` config keys, and the daemon's choice of launcher from them."""

from __future__ import annotations

import pytest

from crawler.config import ConfigError, load_config
from crawler.service.daemon import make_launcher
from crawler.service.launch import LocalLauncher
from crawler.service.scrapyd import ScrapydLauncher


def config_with(tmp_path, text: str):
    path = tmp_path / "hotline.toml"
    path.write_text(
        f'bundled_sources = false\ndata_dir = "{tmp_path.as_posix()}"\n{text}\n', encoding="utf-8"
    )
    return load_config(path)


def test_local_is_the_default_launcher(tmp_path):
    config = config_with(tmp_path, "")
    assert config.launcher == "local" and config.scrapyd == ()
    assert isinstance(make_launcher(config), LocalLauncher)


def test_scrapyd_launcher_gets_the_configured_nodes(tmp_path):
    config = config_with(
        tmp_path, 'launcher = "scrapyd"\nscrapyd = ["http://10.0.0.5:6800/", "http://10.0.0.6:6800"]'
    )
    assert config.scrapyd == ("http://10.0.0.5:6800", "http://10.0.0.6:6800")
    launcher = make_launcher(config)
    assert isinstance(launcher, ScrapydLauncher)
    assert [node.url for node in launcher.nodes] == list(config.scrapyd)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('launcher = "kubernetes"', "'launcher'"),
        ('launcher = "scrapyd"', "'scrapyd'"),
        ('launcher = "scrapyd"\nscrapyd = []', "'scrapyd'"),
        ('scrapyd = ["127.0.0.1:6800"]', "'scrapyd'"),
        ('scrapyd = ["http://node:6800/api/extra"]', "'scrapyd'"),
        ("scrapyd = 6800", "'scrapyd'"),
    ],
)
def test_bad_launcher_settings_are_one_line_errors_naming_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, text)
    message = str(caught.value)
    assert key in message and str(tmp_path) in message and "\n" not in message
