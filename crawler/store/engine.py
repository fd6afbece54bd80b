"""Opening a database: the engine, SQLite's connection settings and write lock, the schema made current.

SQLite by default (WAL, one transaction per write, ``BEGIN IMMEDIATE`` so that concurrent crawl
processes queue instead of failing); a PostgreSQL URL runs the same code, where advisory locks stand in
for SQLite's single writer. Driver errors never leave this package: they become a ``StoreError`` line.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, inspect, select
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from crawler.store.schema import metadata

STORY_LOCK = 0x686F746C696E65  # PostgreSQL advisory lock key held while an article is placed ("hotline")
SCHEMA_LOCK = STORY_LOCK + 1  # PostgreSQL advisory lock key held while the schema is created or migrated
SCHEMA_REVISION = "0009"  # the newest crawler/store/migrations revision: what ``metadata`` describes
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
logger = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message names the database URL and what to do."""


class Database:
    """One engine and the transactions every part of the store runs in."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(f"store {url!r}: not a database URL (try sqlite:///data/hotline.db)") from None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError(f"store {url!r}: only sqlite:// and postgresql:// URLs are supported")
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(url, echo=echo, future=True)
        except ImportError as exc:
            how = "pip install 'hotline[postgres]' (psycopg)" if self.dialect == "postgresql" else "pip"
            missing = f"store {url!r}: database driver missing ({exc})"
            raise StoreError(f"{missing}; install it with {how}") from None
        if self.dialect == "sqlite":
            configure_sqlite(self.engine)
        self._make_current()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite: writers wait instead of failing)."""
        with self._errors("cannot write"), self.engine.connect() as conn:
            conn.execution_options(hotline_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._errors("cannot read"), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(
                f"store {self.url!r}: {what} ({short(getattr(exc, 'orig', None) or exc)}); "
                "check the database file or server, or the 'store' key of the config"
            ) from None

    def insert(self, table: Table) -> Any:
        """The dialect's ``INSERT`` (with ``on_conflict_do_nothing/update``)."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def lock(self, conn: Connection, key: int) -> None:
        """Hold PostgreSQL advisory lock ``key`` until the transaction ends (SQLite's BEGIN IMMEDIATE
        already serialises writers)."""
        if self.dialect == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(key)))

    def _make_current(self) -> None:
        """Create a new database's schema, or migrate an existing one to ``SCHEMA_REVISION``.

        Runs in one write transaction (on PostgreSQL under an advisory lock), and is retried, because
        several crawl processes may open a new database at the same moment. A new database gets the
        tables of ``metadata`` and Alembic's stamp of the newest revision; an older one is upgraded by
        Alembic (``crawler/store/migrations``). A database already at the newest revision costs one
        small query, and Alembic is not imported then.
        """
        for attempt in range(5):
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(hotline_write=True)
                    with conn.begin():
                        self.lock(conn, SCHEMA_LOCK)
                        self._migrate_or_create(conn)
                return
            except StoreError:
                raise
            except Exception as exc:  # the driver's own error types differ per backend
                if attempt == 4:
                    raise StoreError(f"store {self.url!r}: cannot open ({short(exc)})") from None
                time.sleep(0.2 * (attempt + 1))

    def _migrate_or_create(self, conn: Connection) -> None:
        inspector = inspect(conn)
        if inspector.has_table("alembic_version"):
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            if revision != SCHEMA_REVISION:
                _alembic("upgrade", conn, self.url)
            return
        if inspector.has_table("articles"):
            raise StoreError(
                f"store {self.url!r}: the database has tables but no schema revision (alembic_version); "
                "it was not made by hotline: point 'store' at a new database"
            )
        metadata.create_all(conn)
        _alembic("stamp", conn, self.url)


def _alembic(command_name: str, conn: Connection, url: str) -> None:
    """Alembic's ``upgrade head`` or ``stamp head`` on ``conn``, inside the caller's transaction."""
    if not (MIGRATIONS / "env.py").is_file():
        raise StoreError(
            f"store {url!r}: the schema needs its migrations, but {MIGRATIONS} is not a folder here; "
            "open the store once from an installed hotline (e.g. hotline status)"
        )
    alembic_log = logging.getLogger("alembic")
    if alembic_log.level == logging.NOTSET:  # its INFO lines are plumbing; say what happened once, below
        alembic_log.setLevel(logging.WARNING)
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    getattr(command, command_name)(config, "head")
    if command_name == "upgrade":
        logger.info("store %s: schema upgraded to revision %s", url, SCHEMA_REVISION)


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout and synchronous=NORMAL on every connection; BEGIN IMMEDIATE for writes;
    TEXT decoded leniently.

    pysqlite's own transaction handling is switched off (the SQLAlchemy recipe for SQLite), so that a
    write transaction takes the write lock up front and waits for it (busy_timeout) instead of failing
    halfway with "database is locked" when another crawl process writes at the same time.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.text_factory = lenient_text
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        # Switching to WAL (once per database file) does not always wait for the busy timeout.
        for _ in range(100):
            try:
                if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    cursor.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(0.05)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("hotline_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def lenient_text(data: bytes) -> str:
    """Decode a SQLite TEXT value that may not be valid UTF-8 (lone surrogates, stray bytes).

    Why: SQLite stores whatever bytes a writer gives it (``char(55296)`` makes a lone surrogate), and
    the driver's strict decoding then fails the whole query, so one bad row would stop every feed.
    Lone surrogates come back as themselves (``feeds.sanitize`` drops them), other bad bytes as U+FFFD.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return data.decode("utf-8", "replace")


def short(exc: BaseException) -> str:
    """The first line of an error, at most 200 characters."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
