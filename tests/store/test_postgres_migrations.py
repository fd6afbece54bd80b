"""Schema migrations (Alembic, ``crawler/store/migrations``) against the schema the store creates.

On SQLite and PostgreSQL: the migrations build the same tables, columns and indexes as the store's
``metadata`` (``create_all`` and Alembic's stamp), the store opens a migrated database with its rows
kept, and upgrading a database that is already current changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from crawler.store import Store, StoreError
from crawler.store.engine import MIGRATIONS, SCHEMA_REVISION
from crawler.store.schema import metadata
from tests.storeview import get_article


@pytest.fixture(params=["sqlite", "postgresql"])
def db_pair(request, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of one backend: one for the migrations, one for the store to create new."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}", f"sqlite:///{tmp_path / 'new.db'}"
        return
    cluster = request.getfixturevalue("postgres_cluster")
    urls = cluster.create_database("migrated"), cluster.create_database("new")
    yield urls
    for url in urls:
        cluster.drop_database(url)


def alembic_config(conn) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def upgrade(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    engine.dispose()


def make_migrated_database(url: str) -> None:
    """The migrations' schema, with one article (and its URL) and one run in it."""
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (canonical_url, url, source, title, text, first_seen, fetched_at, "
                "text_length) VALUES ('https://a.example/1', 'https://a.example/1', 'wire', 'One', 'Text', "
                ":now, :now, 4)"
            ),
            {"now": "2024-04-16 10:00:00+00:00"},
        )
        conn.execute(text("INSERT INTO article_urls (url, article_id) VALUES ('https://a.example/1', 1)"))
        conn.execute(
            text(
                "INSERT INTO runs (source, started, outcome, pages_fetched, articles_new, articles_failed, "
                "not_articles, skipped_known, errors, pid, boilerplate_hits, relevant_new) "
                "VALUES ('wire', :now, 'ok', 3, 1, 0, 0, 0, '', 42, 0, 0)"
            ),
            {"now": "2024-04-16 10:00:00+00:00"},
        )
    engine.dispose()


def schema(url: str) -> dict[str, tuple[set, set]]:
    """Per table: (column name, nullable) pairs and (index name, columns, unique) triples."""
    engine = create_engine(url)
    found = inspect(engine)
    shape = {
        table: (
            {(c["name"], bool(c["nullable"])) for c in found.get_columns(table)},
            {(i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(table)},
        )
        for table in found.get_table_names()
        if table != "alembic_version"
    }
    engine.dispose()
    return shape


def revision_of(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    return revision


def test_the_newest_migration_is_the_schema_the_store_creates():
    script = ScriptDirectory.from_config(alembic_config(None))
    assert script.get_current_head() == SCHEMA_REVISION
    # the initial schema, raw pages, then each later revision on top of it
    chain = [SCHEMA_REVISION, "0008", "0006", "0005", "0004_site_profiles", "0003_story_merges"]
    chain += ["0002", "0001"]
    assert [r.revision for r in script.walk_revisions()] == chain


def test_a_database_at_the_initial_revision_is_upgraded_with_its_rows(db_pair):
    migrated, _ = db_pair
    engine = create_engine(migrated)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine.dispose()
    assert revision_of(migrated) == "0001"
    with Store(migrated) as store:  # opening it upgrades it
        assert store.pages.count() == 0
    assert revision_of(migrated) == SCHEMA_REVISION


def test_the_migrations_and_the_store_make_the_same_schema(db_pair):
    migrated, new = db_pair
    make_migrated_database(migrated)
    assert revision_of(migrated) == SCHEMA_REVISION

    with Store(migrated) as store:  # a current database: opened as it is, rows kept
        assert store.articles.count() == 1 and get_article(store, "https://a.example/1").title == "One"
        (run,) = store.runs.latest()
        assert run.pid == 42 and run.job_id is None
        store.runs.start("wire", pid=43, job_id="job-1")
        assert store.runs.for_job("job-1").pid == 43
    Store(new).close()  # a new database: create_all, then Alembic's stamp
    assert revision_of(new) == SCHEMA_REVISION
    assert schema(migrated) == schema(new)  # migrated == created new: same columns and indexes
    assert set(schema(new)) == set(metadata.tables)
    assert "ix_articles_originals" in {name for name, _, _ in schema(new)["articles"][1]}


def test_upgrading_a_current_database_changes_nothing(db_pair):
    migrated, new = db_pair
    make_migrated_database(migrated)
    Store(new).close()
    before = schema(migrated), schema(new)
    for url in (migrated, new):
        upgrade(url)
        Store(url).close()
        assert revision_of(url) == SCHEMA_REVISION
    assert (schema(migrated), schema(new)) == before
    with Store(migrated) as store:
        assert store.articles.count() == 1


def test_a_database_of_someone_else_is_refused_with_one_clear_line(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)"))
    engine.dispose()
    with pytest.raises(StoreError, match="no schema revision") as info:
        Store(url)
    assert url in str(info.value) and "\n" not in str(info.value)
