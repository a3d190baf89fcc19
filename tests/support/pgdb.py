"""Create and drop a throw-away PostgreSQL database for CI: `python -m tests.support.pgdb ACTION`."""

from __future__ import annotations

import re
import sys

import psycopg
from sqlalchemy.engine import make_url

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _admin(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def main(argv: list[str]) -> int:
    """create ADMIN_URL NAME (prints the new database's URL) | drop ADMIN_URL NAME | ping ADMIN_URL."""
    action, admin_url = argv[0], argv[1]
    with psycopg.connect(_admin(admin_url), autocommit=True, connect_timeout=5) as conn:
        if action == "ping":
            conn.execute("SELECT 1")
            return 0
        name = argv[2]
        if not _NAME.match(name):
            raise SystemExit(f"bad database name {name!r}")
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
            print(
                make_url(admin_url)
                .set(drivername="postgresql+psycopg", database=name)
                .render_as_string(hide_password=False)
            )
        elif action == "drop":
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            raise SystemExit(f"unknown action {action!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
