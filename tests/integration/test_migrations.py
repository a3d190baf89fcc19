"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.db import Database
from storage.models import Base


def test_models_and_migrations_agree(database: Database) -> None:
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_each_connection_is_tuned_for_its_database(database: Database) -> None:
    """SQLite: write-ahead log, foreign keys. PostgreSQL: each statement planned for its parameters,
    never a generic plan kept from when a table was small."""
    from sqlalchemy import text

    with database.engine.connect() as conn:
        if database.is_sqlite:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        else:
            assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
