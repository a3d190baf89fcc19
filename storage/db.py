"""Engine and sessions: SQLite tuned for a concurrent server (WAL, busy timeout, BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

_READ_ONLY = "pilote_read_only"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Every SQLite connection's settings (bench/bare_app.py's durable floor uses the same).
SQLITE_PRAGMAS = (
    f"busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    "journal_mode = WAL",
    "synchronous = NORMAL",
    "foreign_keys = ON",
)


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL; plain `postgresql://` uses psycopg 3, the driver Pilote ships with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below own transaction starts, not the sqlite3 module.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        # Writers take the lock up front, so two writers never deadlock upgrading a read lock.
        mode = "DEFERRED" if conn.get_execution_options().get(_READ_ONLY) else "IMMEDIATE"
        # Straight to the driver: through exec_driver_sql this one statement took about 50 µs of the
        # 280 µs (CPU) that an empty write transaction costs, and every reading pays for one.
        conn.connection.driver_connection.execute(f"BEGIN {mode}")


class Database:
    """One engine, and short transactions: `write()` for changes, `read()` for queries."""

    def __init__(self, url: str | URL, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.url.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
        self.engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _tune_sqlite(self.engine)
        read_engine = self.engine.execution_options(**{_READ_ONLY: True})
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._reader = sessionmaker(read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite database."""
        return self.url.get_backend_name() == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error."""
        if self._write_lock is None:
            with self._writer.begin() as session:
                yield session
            return
        # SQLite has one writer at a time. Its busy handler makes waiting writers sleep and poll
        # (up to 100 ms a nap), which piles up under load; threads of this process queue on a lock
        # instead, and the busy timeout is left for other processes.
        with self._write_lock, self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction."""
        with self._reader.begin() as session:
            yield session

    def ping(self) -> None:
        """Raise if the database does not answer."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
