"""Test databases: SQLite in a temporary folder, or the PostgreSQL database named by the environment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import delete

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
    """Delete every row, children first."""
    with db.write() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keyword arguments."""
        self.now += dt.timedelta(**delta)
