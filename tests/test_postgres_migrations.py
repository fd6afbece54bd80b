"""Schema migrations (Alembic, ``crawler/store/migrations``): older databases upgrade when the store opens.

On SQLite and PostgreSQL: a database made by the initial revision, and one made before migrations
(no ``alembic_version``), both end at ``SCHEMA_REVISION`` with their rows kept and the same tables,
columns and indexes as a database the store creates new.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from crawler.store import Store
from crawler.store.engine import BASELINE_REVISION, MIGRATIONS, SCHEMA_REVISION
from crawler.store.schema import metadata
from tests.storeview import get_article


@pytest.fixture(params=["sqlite", "postgresql"])
def db_pair(request, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of one backend: one to migrate, one for the store to create new."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
        return
    cluster = request.getfixturevalue("postgres_cluster")
    urls = cluster.create_database("old"), cluster.create_database("new")
    yield urls
    for url in urls:
        cluster.drop_database(url)


def alembic_config(conn) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def make_initial_database(url: str) -> None:
    """The initial revision's schema, with one article (and its URL) and one run in it."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE_REVISION)
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
    assert [r.revision for r in script.walk_revisions()][-1] == BASELINE_REVISION


def test_a_database_of_the_initial_revision_is_upgraded_when_opened(db_pair):
    old, new = db_pair
    make_initial_database(old)
    assert revision_of(old) == BASELINE_REVISION
    assert "job_id" not in {name for name, _ in schema(old)["runs"][0]}

    with Store(old) as store:
        assert store.articles.count() == 1 and get_article(store, "https://a.example/1")["title"] == "One"
        (run,) = store.runs.latest()
        assert run.pid == 42 and run.job_id is None
        store.runs.start("wire", pid=43, job_id="job-1")
        assert store.runs.for_job("job-1").pid == 43
    assert revision_of(old) == SCHEMA_REVISION
    Store(new).close()
    assert revision_of(new) == SCHEMA_REVISION
    assert schema(old) == schema(new)  # migrated == created new: same columns and indexes
    assert set(schema(new)) == set(metadata.tables)
    Store(old).close()  # at the newest revision: opening again changes nothing
    assert revision_of(old) == SCHEMA_REVISION


def test_a_database_made_before_migrations_is_stamped_and_upgraded(db_pair):
    old, _ = db_pair
    make_initial_database(old)
    engine = create_engine(old)
    with engine.begin() as conn:  # as the store left it before migrations, and before duplicate_of
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("DROP INDEX ix_articles_duplicate_of"))
        conn.execute(text("ALTER TABLE articles DROP COLUMN duplicate_of"))
    engine.dispose()
    with Store(old) as store:
        assert store.articles.count() == 1
        assert get_article(store, "https://a.example/1")["duplicate_of"] is None
        assert store.runs.start("wire", pid=1, job_id="job-2") == store.runs.for_job("job-2").id
    assert revision_of(old) == SCHEMA_REVISION
    columns = {name for name, _ in schema(old)["articles"][0]} | {name for name, _ in schema(old)["runs"][0]}
    assert {"duplicate_of", "job_id"} <= columns
