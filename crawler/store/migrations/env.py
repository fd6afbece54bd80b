"""Alembic's environment: migrate the connection ``crawler.store`` hands over, inside its transaction.

The store opens a write transaction (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL),
so that crawl processes opening one database at the same moment migrate it once; Alembic sees an
external transaction and leaves committing to the store.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("crawler.store.migrations runs through crawler.store.Store, which passes a connection")
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
