"""Test databases: SQLite in a temporary folder, or the PostgreSQL database named by the environment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import text

from storage import migrate
from storage.db import Database
from storage.models import Base

ENV_URL = "PILOTE_TEST_DATABASE_URL"


def test_database_url(tmp_dir: Path) -> str:
    """The URL the suite runs on: $PILOTE_TEST_DATABASE_URL, else a SQLite file in tmp_dir."""
    return os.environ.get(ENV_URL) or f"sqlite:///{tmp_dir / 'pilote-test.db'}"


def migrated(url: str) -> Database:
    """A Database at head, with every table emptied."""
    db = Database(url)
    migrate.upgrade(db.engine)
    empty(db)
    return db


def empty(db: Database) -> None:
    """Delete every row, children first. A reading refers to the one it corrected, with no index on
    that column (nothing is ever deleted in Pilote): a plain DELETE would look up each row's
    correctors in the whole table, minutes for the import tests' 100,000 rows. PostgreSQL truncates
    instead; SQLite deletes with its foreign-key checks off (every table is emptied: none can dangle)."""
    tables = list(reversed(Base.metadata.sorted_tables))
    if not db.is_sqlite:
        with db.write() as session:
            session.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)))
        return
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, or SQLite ignores it
        try:
            for table in tables:
                cursor.execute(f'DELETE FROM "{table.name}"')
            raw.commit()
        finally:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()
    finally:
        raw.close()


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keyword arguments."""
        self.now += dt.timedelta(**delta)
