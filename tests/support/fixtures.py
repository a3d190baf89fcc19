"""Shared fixtures: a migrated database emptied before each test, a fixed clock, the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services import Defaults, Services
from storage.db import Database
from tests.support.databases import FixedClock, empty, migrated, test_database_url

# A Friday morning in Paris: 2026-11-20 10:00 local.
FIXED_NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The suite's database, migrated once."""
    db = migrated(test_database_url(Path(tmp_path_factory.mktemp("db"))))
    yield db
    db.dispose()


@pytest.fixture
def db(database: Database) -> Database:
    """The database with every table empty."""
    empty(database)
    return database


@pytest.fixture
def clock() -> FixedClock:
    """A fixed clock at FIXED_NOW."""
    return FixedClock(FIXED_NOW)


@pytest.fixture
def services(db: Database, clock: FixedClock) -> Services:
    """Every service on the test database, French by default, Paris time."""
    return Services.build(db, defaults=Defaults(timezone="Europe/Paris", language="fr"), clock=clock)
