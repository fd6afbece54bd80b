"""The user's setup: one TOML file over the bundled defaults, validated whole before anything runs.

Sources are data, not code (as in Fundus' publisher records and news-please's sitelist): a new site is
one ``[[sources]]`` table. ``schema`` types every key with its range (pydantic checks them), ``load``
reads the files and turns the first fault into one line naming the file, the source and the key, so
the user can fix it without reading a traceback.
"""

from crawler.config.load import ENV_CONFIG, ENV_STORE, Config, load_config
from crawler.config.schedule import Schedule, format_duration, parse_duration, parse_schedule
from crawler.config.schema import (
    KINDS,
    LAUNCHERS,
    ConfigError,
    DaemonSettings,
    FeedSettings,
    ServerSettings,
    Source,
)

__all__ = [
    "ENV_CONFIG",
    "ENV_STORE",
    "KINDS",
    "LAUNCHERS",
    "Config",
    "ConfigError",
    "DaemonSettings",
    "FeedSettings",
    "Schedule",
    "ServerSettings",
    "Source",
    "format_duration",
    "load_config",
    "parse_duration",
    "parse_schedule",
]
