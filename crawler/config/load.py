"""Reading the config: the user's TOML over the bundled defaults, the topic, paths resolved.

Everything is checked here, before anything runs: the file against ``schema.UserFile`` and the topic by
the relevance stage's own loader, so ``hotline status`` fails exactly when a crawl would. A fault
becomes one ConfigError line: the file, the source, the key, and what it must be.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from crawler.config.schema import (
    USER_AGENT,
    ConfigError,
    DaemonSettings,
    FeedSettings,
    ServerSettings,
    Source,
    UserFile,
)

ENV_CONFIG = "HOTLINE_CONFIG"
ENV_STORE = "HOTLINE_STORE"
_USER_FILE = TypeAdapter(UserFile)
_TABLES = {"feed": FeedSettings, "server": ServerSettings, "daemon": DaemonSettings, "sources": Source}


@dataclass(frozen=True, slots=True)
class Config:
    """Everything hotline needs to run, resolved to absolute paths and typed values."""

    path: Path | None
    data_dir: Path
    store: str
    sources: tuple[Source, ...]
    topic: dict[str, Any]
    feed: FeedSettings = dataclasses.field(default_factory=FeedSettings)
    server: ServerSettings = dataclasses.field(default_factory=ServerSettings)
    daemon: DaemonSettings = dataclasses.field(default_factory=DaemonSettings)
    user_agent: str = USER_AGENT
    scrapy: dict[str, Any] = dataclasses.field(default_factory=dict)  # Scrapy settings for every crawl
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


# ------------------------------------------------------------------------------------ error lines

_PHRASES = {
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "string_type": 'must be a string (in "quotes")',
    "string_too_short": "must not be empty",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a table",
    "dataclass_type": "must be a table",
    "too_short": "must not be empty",
    "missing": "is required",
    "missing_argument": "is required",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "literal_error": "must be one of {expected}",
}


def _where_in(raw: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, str]:
    """Where in the file: ``"source 'dod': "`` inside ``[[sources]]``, and the key (``feed.threshold``)."""
    key = ".".join(str(part) for part in loc if not isinstance(part, int))
    if len(loc) < 2 or loc[0] != "sources" or not isinstance(loc[1], int):
        return "", key
    table = raw["sources"][loc[1]]
    name = table.get("name") if isinstance(table, dict) else None
    key = key.removeprefix("sources").lstrip(".")
    if key == "urls" and isinstance(table, dict) and "url" in table:
        key = "url"  # the user wrote the short form
    return f"source {name if isinstance(name, str) else f'#{loc[1] + 1}'!r}: ", key


def _known(loc: tuple[Any, ...]) -> str:
    """The keys allowed where an unknown one was found, and the likely one if it is a typo."""
    table = _TABLES.get(loc[0]) if len(loc) > 1 else UserFile
    if table is None:
        return ""
    names = sorted(f.name for f in dataclasses.fields(table)) + (["url"] if table is Source else [])
    close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.75)
    guess = f"did you mean {close[0]!r}? " if close else ""
    return f" ({guess}known: {', '.join(sorted(names))})"


def _pydantic_phrase(message: str) -> str:
    """A pydantic message we have no wording for, turned to follow "key 'x'": "must be ..."."""
    return message.replace("Input should", "must", 1)


def explain(error: ValidationError, raw: dict[str, Any], where: str) -> ConfigError:
    """The first fault pydantic found, as the line a user reads: file, source, key, what to do."""
    first = error.errors()[0]
    kind, loc, ctx = first["type"], tuple(first["loc"]), first.get("ctx") or {}
    source, key = _where_in(raw, loc)
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return ConfigError(f"{where}: {source}unknown key {key!r}{_known(loc)}")
    if kind == "value_error":
        text = str(ctx.get("error", first["msg"]))
        if not key or text.startswith("key "):  # a check across keys words its own line
            return ConfigError(f"{where}: {source}{text}")
        joint = " " if text.startswith(("must", "is ")) else ": "
        return ConfigError(f"{where}: {source}key {key!r}{joint}{text}")
    bounds = {name: int(v) if isinstance(v, float) and v.is_integer() else v for name, v in ctx.items()}
    phrase = _PHRASES[kind].format(**bounds) if kind in _PHRASES else _pydantic_phrase(first["msg"])
    value = first.get("input")
    shown = "" if kind.startswith("missing") or isinstance(value, dict | list) else f", not {value!r}"
    return ConfigError(f"{where}: {source}key {key!r} {phrase}{shown}")


# ------------------------------------------------------------------------------------------ loading


def _bundled(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("crawler.data").joinpath(name).read_text(encoding="utf-8"))


def _read(path: Path, what: str, hint: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what} ({hint})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def validate(raw: dict[str, Any], where: str) -> UserFile:
    """A parsed config file as its record; ConfigError (one line) at the first fault."""
    try:
        return _USER_FILE.validate_python(raw)
    except ValidationError as exc:
        raise explain(exc, raw, where) from None


def _topic(user: UserFile, base: Path, where: str) -> dict[str, Any]:
    """The topic table (bundled, ``topic_file`` or ``[topic]``), checked by the scorer's own loader."""
    from crawler.core.relevance import load_topic

    topic = user.topic
    if user.topic_file is not None:
        path = (base / user.topic_file).resolve()
        topic = _read(path, "topic file", f"check key 'topic_file' in {where}")
    if topic is None:
        return _bundled("topic.toml")  # checked by the tests, not at each start
    try:
        load_topic(topic)
    except ValueError as exc:  # "topic: key 'threshold' must be ..."
        raise ConfigError(f"{where}: {exc}") from None
    return topic


def _env_store() -> str | None:
    """``$HOTLINE_STORE``, which overrides the file's ``store``: checked like it."""
    store = os.environ.get(ENV_STORE)
    if store and "://" not in store:
        raise ConfigError(f"${ENV_STORE}: {store!r} is not a database URL such as sqlite:///data/hotline.db")
    return store


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read ``path`` (or ``$HOTLINE_CONFIG``) over the bundled defaults; raise ConfigError on any fault."""
    if path is None and os.environ.get(ENV_CONFIG):
        path = os.environ[ENV_CONFIG]
    defaults = validate(_bundled("defaults.toml"), "bundled defaults")
    user, where, base = defaults, "bundled defaults", Path.cwd()
    if path is not None:
        file = Path(path).expanduser().resolve()
        where, base = str(file), file.parent
        user = validate(_read(file, "config file", f"check --config or ${ENV_CONFIG}"), where)
    sources = {s.name: s for s in defaults.sources} if user.bundled_sources and user is not defaults else {}
    sources.update((s.name, s) for s in user.sources)

    data_dir = Path(user.data_dir).expanduser()
    data_dir = data_dir if data_dir.is_absolute() else (base / data_dir).resolve()
    feed = user.feed
    if not feed.link:  # where hotline itself serves the feeds
        host = f"[{user.server.host}]" if ":" in user.server.host else user.server.host
        feed = dataclasses.replace(feed, link=f"http://{host}:{user.server.port}/")
    return Config(
        path=Path(path).resolve() if path is not None else None,
        data_dir=data_dir,
        store=_env_store() or user.store or f"sqlite:///{data_dir / 'hotline.db'}",
        sources=tuple(sources.values()),
        topic=_topic(user, base, where),
        feed=feed,
        server=user.server,
        daemon=user.daemon,
        user_agent=user.user_agent,
        scrapy=dict(user.scrapy),
        launcher=user.launcher,
        scrapyd=tuple(url.rstrip("/") for url in user.scrapyd),
        raw_pages_days=user.raw_pages_days,
    )
