"""Alembic migrations of the store's schema; ``crawler.store`` applies them when it opens a database."""
