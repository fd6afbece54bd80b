"""The config's records, each key typed with its range, validated by pydantic as the TOML is read.

A record is a frozen dataclass the rest of hotline uses as is; pydantic checks the user's table against
it, so the types and ranges written here are the whole of the validation. Checks that span keys (a
listing needs ``follow``; launcher "scrapyd" needs nodes) are the records' own validators.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic import StrictFloat as Number
from pydantic.dataclasses import dataclass

from crawler.config.schedule import Schedule, parse_schedule
from crawler.config.scrapy_settings import ScrapySettings

Kind = Literal["feed", "sitemap", "listing", "search"]
Launcher = Literal["local", "scrapyd"]
KINDS: tuple[str, ...] = Kind.__args__
LAUNCHERS: tuple[str, ...] = Launcher.__args__
USER_AGENT = "hotline/0.1 (+https://github.com/hotline-news/hotline; news monitoring)"
RECORD = ConfigDict(extra="forbid")  # an unknown key is a typo, named in the error

Text = Annotated[StrictStr, Field(min_length=1)]
Count = Annotated[StrictInt, Field(ge=0)]
AtLeastOne = Annotated[StrictInt, Field(ge=1)]


class ConfigError(ValueError):
    """A configuration problem, worded as one line that names where it is and what to do."""


def _matches(pattern: str, what: str) -> Any:
    """A validator that a string matches ``pattern``; the error says ``what`` it must be instead."""

    def check(value: str) -> str:
        if not re.match(pattern, value):
            raise ValueError(f"must be {what}, not {value!r}")
        return value

    return AfterValidator(check)


def _regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"is not a valid regular expression: {exc}") from None
    return value


def _selector(value: str) -> str:
    """A boilerplate rule as the cleaner compiles it: CSS, ``xpath:EXPR`` or ``label:TEXT``."""
    from crawler.core.extract.selector_syntax import to_xpath  # loads lxml and cssselect: only if used

    try:
        to_xpath(value)
    except ValueError as exc:  # names the selector and what is wrong with it
        raise ValueError(f"{exc} (a rule is CSS, 'xpath:EXPR' or 'label:TEXT')") from None
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Url = Annotated[StrictStr, _matches(r"^https?://[^\s/]+", "an http(s) URL")]
NodeUrl = Annotated[StrictStr, _matches(r"^https?://[^\s/]+/?$", 'a node URL like "http://127.0.0.1:6800"')]
Name = Annotated[StrictStr, _matches(r"^[a-z0-9][a-z0-9_.-]*$", "lower-case letters, digits, '-', '_', '.'")]
StoreUrl = Annotated[StrictStr, _matches(r"^[a-z][a-z0-9+]*://", "a database URL like sqlite:///data/hotline.db")]
Language = Annotated[StrictStr, _matches(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*$", "a language tag like 'en'")]
Every = Annotated[Schedule, BeforeValidator(parse_schedule)]


@dataclass(frozen=True, slots=True, config=RECORD)
class Source:
    """One site to watch: how to discover its articles and how often."""

    name: Name
    kind: Kind
    urls: Annotated[tuple[Url, ...], BeforeValidator(_one_or_many), Field(min_length=1)]
    every: Every = field(default_factory=lambda: Schedule(seconds=3600))
    follow: Annotated[StrictStr | None, AfterValidator(_regex)] = None  # regex of article URLs
    selectors: tuple[Annotated[StrictStr, AfterValidator(_selector)], ...] = ()  # extra boilerplate rules
    depth: Count = 2  # listing pagination depth
    enabled: StrictBool = True
    description: StrictStr = ""
    official: Literal["us", "cn"] | None = None  # whose government's readouts these are
    profile: StrictBool = True  # learn and use its sites' profiles (crawler.core.extract.profile)
    settings: ScrapySettings = field(default_factory=dict)  # Scrapy settings for this source's crawls

    @model_validator(mode="before")
    @classmethod
    def _url_or_urls(cls, raw: Any) -> Any:
        """``url = "..."`` is short for ``urls = ["..."]``."""
        if isinstance(raw, dict) and "url" in raw:
            if "urls" in raw:
                raise ValueError("give key 'url' or key 'urls', not both")
            raw = {("urls" if key == "url" else key): value for key, value in raw.items()}
        return raw

    def __post_init__(self) -> None:
        if self.kind == "listing" and self.follow is None:
            raise ValueError("key 'follow' (regex of article URLs) is required for a listing source")


@dataclass(frozen=True, slots=True, config=RECORD)
class FeedSettings:
    """Metadata and limits of the published feeds."""

    title: Text = "Hotline: US–China military communications"
    description: StrictStr = (
        "Defence-minister calls, theatre-commander talks, hotlines, maritime consultations and their "
        "breakdowns, from the world's press and both governments' readouts."
    )
    link: Url = ""  # where the feeds are served; empty: hotline's own server ([server]), filled at load
    self_link: Url | None = None
    language: Language = "en"
    logo: Url | None = None
    entries: Annotated[StrictInt, Field(ge=1, le=10_000)] = 50
    threshold: Annotated[Number, Field(ge=0, le=1)] = 0.5


@dataclass(frozen=True, slots=True, config=RECORD)
class ServerSettings:
    host: Text = "127.0.0.1"
    port: Annotated[StrictInt, Field(ge=0, le=65535)] = 8008  # 0: any free port


@dataclass(frozen=True, slots=True, config=RECORD)
class DaemonSettings:
    """Scheduler limits: parallel crawls, the crawl time limit, when a source counts as broken."""

    max_crawls: AtLeastOne = 2
    crawl_timeout: AtLeastOne = 600
    broken_after: AtLeastOne = 3
    jitter: Count = 30
    misfire_grace: AtLeastOne = 300
    auto_min: AtLeastOne = 600
    auto_max: AtLeastOne = 86400

    def __post_init__(self) -> None:
        if self.auto_max < self.auto_min:
            low, high = self.auto_min, self.auto_max
            raise ValueError(f"key 'daemon.auto_max' must be at least auto_min ({low}), not {high}")


@dataclass(frozen=True, slots=True, config=RECORD)
class UserFile:
    """A config file as written: the top-level keys, before paths, bundled sources and topic resolve."""

    data_dir: Text = "data"  # the SQLite store, feeds, logs and schedule live here
    store: StoreUrl | None = None
    bundled_sources: StrictBool = True
    sources: tuple[Source, ...] = ()
    topic: dict[str, Any] | None = None
    topic_file: Text | None = None
    feed: FeedSettings = field(default_factory=FeedSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    user_agent: Text = USER_AGENT
    scrapy: ScrapySettings = field(default_factory=dict)  # Scrapy settings for every crawl
    launcher: Launcher = "local"
    scrapyd: Annotated[tuple[NodeUrl, ...], BeforeValidator(_one_or_many)] = ()
    raw_pages_days: Count = 90  # 0: keep forever

    def __post_init__(self) -> None:
        if self.launcher == "scrapyd" and not self.scrapyd:
            raise ValueError("key 'scrapyd' must list a node URL for launcher = \"scrapyd\"")
        if self.topic is not None and self.topic_file is not None:
            raise ValueError("give the topic as topic_file or as a [topic] table, not both")
        names = [source.name for source in self.sources]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"source {name!r} is defined twice; rename one")
