"""The floors for bench/ack_latency.py: a Bolt app whose /kpi only acks, or stores one row and acks.

Same WSGI server (waitress, same thread count), same Bolt WSGI adapter, same ack mode
(process_before_response) as `pilote serve`; no parsing. Without `--db` there is no database at
all (the bare floor). With `--db FILE` the listener first commits one row to that SQLite file, with
Pilote's own connection settings (WAL, `synchronous = NORMAL`, busy timeout, BEGIN IMMEDIATE, and
the writers of the process queued on one lock, as storage/db.py does): what storing a reading
before acknowledging it costs at least (the durable floor).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import waitress
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.db import SQLITE_BUSY_TIMEOUT_MS, SQLITE_PRAGMAS  # noqa: E402

SCHEMA = """CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY, team_id TEXT NOT NULL, recorded_by TEXT NOT NULL,
    recorded_at REAL NOT NULL, text TEXT NOT NULL)"""


def durable_store(path: str) -> Callable[[str, str, str], None]:
    """A function that commits one row to the SQLite file at `path` (one connection per thread)."""
    local = threading.local()
    lock = threading.Lock()  # as storage/db.py: writers of one process queue here, not in SQLite

    def connection() -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.isolation_level = None  # transactions begun explicitly, as Pilote does
            for pragma in SQLITE_PRAGMAS:  # Pilote's own, so that the floor is exactly as durable
                conn.execute(f"PRAGMA {pragma}")
            local.conn = conn
        return conn

    with lock:
        connection().execute(SCHEMA)

    def store(team_id: str, user_id: str, text: str) -> None:
        conn = connection()
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "INSERT INTO readings (team_id, recorded_by, recorded_at, text) VALUES (?, ?, ?, ?)",
                    (team_id, user_id, time.time(), text),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    return store


def main() -> None:
    """Serve the bare app, or with --db the durable one."""
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--db", default=None, help="SQLite file: store one row per /kpi before the ack")
    args = p.parse_args()
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], process_before_response=True)
    store = durable_store(args.db) if args.db else None

    @app.command("/kpi")
    def on_kpi(ack: Ack, command: dict[str, str]) -> None:
        if store is not None:
            store(command["team_id"], command["user_id"], command.get("text") or "")
        ack(text="ok")

    handler = SlackRequestHandler(app)

    def wsgi(environ, start_response):  # type: ignore[no-untyped-def]
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status": "ok"}']
        return handler(environ, start_response)

    waitress.serve(wsgi, host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
