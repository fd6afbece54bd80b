"""The user's setup: one TOML file over the bundled defaults, validated before anything runs.

Sources are data, not code (as in Fundus' publisher records and news-please's sitelist): a new site is
one ``[[sources]]`` table. Every error names the file, the source and the key at fault, so the user
can fix it without reading a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

KINDS = ("feed", "sitemap", "listing", "search")
LAUNCHERS = ("local", "scrapyd")
ENV_CONFIG = "HOTLINE_CONFIG"
ENV_STORE = "HOTLINE_STORE"

_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class ConfigError(ValueError):
    """A configuration problem, worded as one line that names where it is and what to do."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """How often a source is crawled: a fixed interval, ``auto`` within bounds, or a cron expression."""

    seconds: int | None = None
    cron: str | None = None
    auto: bool = False

    def describe(self) -> str:
        if self.cron:
            return f"cron {self.cron}"
        if self.auto:
            return "auto"
        return format_duration(self.seconds or 0)


@dataclass(frozen=True, slots=True)
class Source:
    """One site to watch: how to discover its articles and how often."""

    name: str
    kind: str
    urls: tuple[str, ...]
    every: Schedule = field(default_factory=lambda: Schedule(seconds=3600))
    follow: str | None = None  # regex of article URLs (listing pages, sitemaps, search feeds)
    selectors: tuple[str, ...] = ()  # extra boilerplate selectors for this site's pages
    depth: int = 2  # listing pagination depth
    enabled: bool = True
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict)  # Scrapy settings for this source's crawls
    official: str | None = None  # "us" or "cn": the government whose readouts it publishes


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """Metadata and limits of the published feeds."""

    title: str = "Hotline: US–China military communications"
    description: str = (
        "Defence-minister calls, theatre-commander talks, hotlines, maritime consultations and their "
        "breakdowns, from the world's press and both governments' readouts."
    )
    link: str = "http://127.0.0.1:8008/"
    self_link: str | None = None
    language: str = "en"
    logo: str | None = None
    entries: int = 50
    threshold: float = 0.5


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8008


@dataclass(frozen=True, slots=True)
class DaemonSettings:
    """Scheduler limits: parallel crawls, the crawl time limit, when a source counts as broken."""

    max_crawls: int = 2
    crawl_timeout: int = 600
    broken_after: int = 3
    jitter: int = 30
    misfire_grace: int = 300
    auto_min: int = 600
    auto_max: int = 86400


@dataclass(frozen=True, slots=True)
class Config:
    """Everything hotline needs to run, resolved to absolute paths and typed values."""

    path: Path | None
    data_dir: Path
    store: str
    sources: tuple[Source, ...]
    topic: dict[str, Any]
    feed: FeedSettings = field(default_factory=FeedSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    user_agent: str = "hotline/0.1 (+https://github.com/hotline-news/hotline; news monitoring)"
    scrapy: dict[str, Any] = field(default_factory=dict)  # Scrapy settings for every crawl
    launcher: str = "local"  # where crawls run: "local" processes or "scrapyd" nodes
    scrapyd: tuple[str, ...] = ()  # Scrapyd node URLs, for launcher = "scrapyd"
    raw_pages_days: int = 90  # how long fetched pages are kept raw for re-extraction (0: forever)

    @property
    def feeds_dir(self) -> Path:
        return self.data_dir / "feeds"

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.where}: no source named {name!r} (known: {known})")

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "bundled defaults"


def parse_duration(text: str) -> int:
    """``"30m"`` → 1800; accepts d/h/m/s parts (``"1h30m"``) and bare seconds."""
    text = str(text).strip()
    if text.isdigit():
        return int(text)
    match = _DURATION.match(text)
    if not text or not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration like '30m', '6h', '2s' or '1h30m'")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def format_duration(seconds: int) -> str:
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def parse_schedule(value: Any) -> Schedule:
    """``every`` is a duration, ``"auto"``, or ``"cron: */10 * * * *"``."""
    if isinstance(value, int) and value > 0:
        return Schedule(seconds=value)
    if not isinstance(value, str):
        raise ValueError("must be a duration string such as '30m', 'auto' or 'cron: */10 * * * *'")
    if value.strip() == "auto":
        return Schedule(auto=True)
    if value.strip().startswith("cron:"):
        expr = value.split(":", 1)[1].strip()
        if len(expr.split()) != 5:
            raise ValueError(f"cron expression {expr!r} needs five fields (minute hour day month weekday)")
        return Schedule(cron=expr)
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError("must be longer than zero")
    return Schedule(seconds=seconds)


def _bundled(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("crawler.data").joinpath(name).read_text(encoding="utf-8"))


def _source(raw: Any, index: int, where: str) -> Source:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: sources[{index}] must be a table ([[sources]])")
    label = f"{where}: source {raw.get('name', f'#{index + 1}')!r}"
    known = {"name", "kind", "url", "urls", "follow", "every", "selectors", "depth", "enabled", "description",
             "settings", "official"}
    for key in raw:
        if key not in known:
            raise ConfigError(f"{label}: unknown key {key!r} (known: {', '.join(sorted(known))})")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{label}: key 'name' must be lower-case letters, digits, '-', '_' or '.'")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{label}: key 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    urls = raw.get("urls", [raw["url"]] if "url" in raw else [])
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not all(isinstance(u, str) and re.match(r"^https?://[^\s/]+", u) for u in urls):
        raise ConfigError(f"{label}: key 'url' (or 'urls') must hold http(s) URLs")
    follow = raw.get("follow")
    if follow is not None:
        try:
            re.compile(follow)
        except (re.error, TypeError) as exc:
            raise ConfigError(f"{label}: key 'follow' is not a valid regular expression: {exc}") from None
    elif kind == "listing":
        raise ConfigError(f"{label}: key 'follow' (regex of article URLs) is required for a listing source")
    selectors = raw.get("selectors", [])
    if not isinstance(selectors, list) or not all(isinstance(s, str) for s in selectors):
        raise ConfigError(f"{label}: key 'selectors' must be a list of CSS selectors")
    depth = raw.get("depth", 2)
    if not isinstance(depth, int) or depth < 0:
        raise ConfigError(f"{label}: key 'depth' must be a whole number ≥ 0")
    official = raw.get("official")
    if official not in (None, "us", "cn"):
        raise ConfigError(f"{label}: key 'official' must be \"us\" or \"cn\", not {official!r}")
    try:
        every = parse_schedule(raw.get("every", "1h"))
    except ValueError as exc:
        raise ConfigError(f"{label}: key 'every' {exc}") from None
    return Source(
        name=name,
        kind=kind,
        urls=tuple(urls),
        every=every,
        follow=follow,
        selectors=tuple(selectors),
        depth=depth,
        enabled=bool(raw.get("enabled", True)),
        description=str(raw.get("description", "")),
        settings=_scrapy_settings(raw.get("settings", {}), f"{label}: key 'settings'"),
        official=official,
    )


def _scrapy_settings(raw: Any, label: str) -> dict[str, Any]:
    """A table of Scrapy settings (``DOWNLOAD_DELAY = 5``): upper-case names, TOML values."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a table of Scrapy settings, e.g. {{ DOWNLOAD_DELAY = 5 }}")
    for name in raw:
        if not re.match(r"^[A-Z][A-Z0-9_]*$", name):
            raise ConfigError(f"{label}: {name!r} is not a Scrapy setting name (e.g. DOWNLOAD_DELAY)")
    return dict(raw)


def _section(cls: type, raw: Any, key: str, where: str) -> Any:
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    defaults = cls()
    values = {}
    for name, value in raw.items():
        if name not in cls.__dataclass_fields__:
            known = ", ".join(cls.__dataclass_fields__)
            raise ConfigError(f"{where}: unknown key '{key}.{name}' (known: {known})")
        default = getattr(defaults, name)
        expected = type(default) if default is not None else str
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) != isinstance(default, bool):
            raise ConfigError(f"{where}: key '{key}.{name}' must be {expected.__name__}, not {value!r}")
        values[name] = value
    return replace(defaults, **values)


def _launcher(user: dict[str, Any], where: str) -> tuple[str, tuple[str, ...]]:
    """``launcher = "local" | "scrapyd"`` and ``scrapyd = ["http://127.0.0.1:6800", ...]``."""
    launcher = user.get("launcher", "local")
    if launcher not in LAUNCHERS:
        raise ConfigError(f"{where}: key 'launcher' must be one of {', '.join(LAUNCHERS)}, not {launcher!r}")
    nodes = user.get("scrapyd", [])
    if isinstance(nodes, str):
        nodes = [nodes]
    if not isinstance(nodes, list) or not all(
        isinstance(u, str) and re.match(r"^https?://[^\s/]+/?$", u) for u in nodes
    ):
        raise ConfigError(f"{where}: key 'scrapyd' must be a list of node URLs such as \"http://127.0.0.1:6800\"")
    if launcher == "scrapyd" and not nodes:
        raise ConfigError(f"{where}: key 'scrapyd' must list a node URL for launcher = \"scrapyd\"")
    return launcher, tuple(u.rstrip("/") for u in nodes)


def _feed_settings(user: dict[str, Any], where: str) -> FeedSettings:
    """[feed], whose ``link`` defaults to where hotline itself serves the feeds ([server] host and port)."""
    feed = _section(FeedSettings, user.get("feed"), "feed", where)
    if "link" not in (user.get("feed") or {}):
        server = _section(ServerSettings, user.get("server"), "server", where)
        host = f"[{server.host}]" if ":" in server.host else server.host
        feed = replace(feed, link=f"http://{host}:{server.port}/")
    return feed


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read ``path`` (or ``$HOTLINE_CONFIG``) over the bundled defaults; raise ConfigError on any fault."""
    if path is None and os.environ.get(ENV_CONFIG):
        path = os.environ[ENV_CONFIG]
    defaults = _bundled("defaults.toml")
    user: dict[str, Any] = {}
    where = "bundled defaults"
    base = Path.cwd()
    if path is not None:
        file = Path(path).expanduser().resolve()
        where = str(file)
        try:
            user = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{where}: no such config file (check --config or ${ENV_CONFIG})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}: not valid TOML: {exc}") from None
        base = file.parent
    known = {"data_dir", "store", "bundled_sources", "sources", "topic", "topic_file", "feed", "server",
             "daemon", "user_agent", "scrapy", "launcher", "scrapyd", "raw_pages_days"}
    for key in user:
        if key not in known:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")

    sources: dict[str, Source] = {}
    if user.get("bundled_sources", True):
        for i, raw in enumerate(defaults.get("sources", [])):
            source = _source(raw, i, "bundled defaults")
            sources[source.name] = source
    user_sources = user.get("sources", [])
    if not isinstance(user_sources, list):
        raise ConfigError(f"{where}: 'sources' must be an array of tables ([[sources]])")
    seen: set[str] = set()
    for i, raw in enumerate(user_sources):
        source = _source(raw, i, where)
        if source.name in seen:
            raise ConfigError(f"{where}: source {source.name!r} is defined twice; rename one")
        seen.add(source.name)
        sources[source.name] = source

    data_dir = Path(str(user.get("data_dir", defaults.get("data_dir", "data")))).expanduser()
    if not data_dir.is_absolute():
        data_dir = (base / data_dir).resolve()
    store = os.environ.get(ENV_STORE) or user.get("store") or f"sqlite:///{data_dir / 'hotline.db'}"
    if not isinstance(store, str) or "://" not in store:
        raise ConfigError(f"{where}: key 'store' must be a database URL such as sqlite:///data/hotline.db")

    topic = _bundled("topic.toml")
    if "topic_file" in user:
        topic_path = (base / str(user["topic_file"])).resolve()
        try:
            topic = tomllib.loads(topic_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{where}: key 'topic_file': cannot read {topic_path}: {exc}") from None
    if "topic" in user:
        if not isinstance(user["topic"], dict):
            raise ConfigError(f"{where}: [topic] must be a table")
        topic = user["topic"]

    user_agent = user.get("user_agent", Config.__dataclass_fields__["user_agent"].default)
    launcher, scrapyd = _launcher(user, where)
    raw_pages_days = user.get("raw_pages_days", Config.__dataclass_fields__["raw_pages_days"].default)
    if not isinstance(raw_pages_days, int) or isinstance(raw_pages_days, bool) or raw_pages_days < 0:
        raise ConfigError(f"{where}: key 'raw_pages_days' must be a whole number of days, 0 = keep forever")
    return Config(
        path=Path(path).resolve() if path is not None else None,
        data_dir=data_dir,
        store=store,
        sources=tuple(sources.values()),
        topic=topic,
        feed=_feed_settings(user, where),
        server=_section(ServerSettings, user.get("server"), "server", where),
        daemon=_section(DaemonSettings, user.get("daemon"), "daemon", where),
        user_agent=str(user_agent),
        scrapy=_scrapy_settings(user.get("scrapy", {}), f"{where}: [scrapy]"),
        launcher=launcher,
        scrapyd=scrapyd,
        raw_pages_days=raw_pages_days,
    )
