"""Alembic, driven from code: upgrade to head, and tell whether a database is up to date."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class NotMigrated(RuntimeError):
    """The database schema is not at the code's revision."""

    def __init__(self, current: str | None, head: str) -> None:
        self.current, self.head = current, head
        super().__init__(f"database at revision {current or 'none (empty)'}, code expects {head}")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The revision the code expects."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None when it was never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to head; return (revision before, revision after)."""
    before = current_revision(engine)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, head_revision()


def check(engine: Engine) -> None:
    """Raise NotMigrated unless the database is at head."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise NotMigrated(current, head)


def is_empty(engine: Engine) -> bool:
    """Whether the database has no table at all (a new file, a new schema)."""
    return not inspect(engine).get_table_names()
