"""Digest gathering: SQL statements and time for 10, 100 and 1,000 indicators with 500 readings each.

What is measured is `DashboardService.snapshot`, the one read transaction a digest (and /dashboard)
makes: indicators, latest readings, the recent readings of every tile, the actions and the plan.
The floor, timed in the same run on the same data, is one bare SQL query that only fetches each
indicator's latest reading (what any dashboard must read at the very least).
Targets: the statement count does not grow with the number of indicators; 1,000 indicators gathered
in under 1 s.
Run: .venv/bin/python bench/digest_queries.py [--database-url URL] [--repeat 5]
(default: a fresh SQLite file; give a PostgreSQL URL to an empty database to measure there.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, event, insert, text  # noqa: E402

from bot.services import Defaults, Services  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Base, Indicator, Reading, Workspace  # noqa: E402

TEAM = "T0BENCH"
READINGS = 500
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
FLOOR_SQL = text(
    "SELECT r.indicator_id, r.value FROM readings r JOIN ("
    " SELECT indicator_id, MAX(period_start) AS p FROM readings WHERE state = 'active' GROUP BY indicator_id"
    ") m ON m.indicator_id = r.indicator_id AND m.p = r.period_start WHERE r.state = 'active'"
)


def fill(db: Database, count: int) -> None:
    """`count` indicators with READINGS weekly readings each (the newest this week)."""
    rng = random.Random(count)
    with db.write() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
        session.execute(
            insert(Workspace).values(team_id=TEAM, timezone="Europe/Paris", language="fr", created_at=NOW)
        )
        rows = [
            dict(
                team_id=TEAM,
                code=f"ind{i}",
                code_key=f"ind{i}",
                name=f"Indicateur {i}",
                kind="percent",
                unit="%",
                target=75.0,
                warn_below=70.0,
                alert_below=60.0,
                entity=f"E{i % 7}",
                level="operational",
                cadence="week",
                created_by="U0BENCH",
                created_at=NOW,
                updated_at=NOW,
                hysteresis=0.0,
                warn_dm=False,
            )
            for i in range(count)
        ]
        session.execute(insert(Indicator), rows)
        ids = [i for (i,) in session.execute(text("SELECT id FROM indicators ORDER BY id"))]
        monday = (NOW - dt.timedelta(days=NOW.weekday())).date()
        batch = []
        for ind in ids:
            for w in range(READINGS):
                batch.append(
                    dict(
                        team_id=TEAM,
                        indicator_id=ind,
                        period_start=monday - dt.timedelta(weeks=READINGS - 1 - w),
                        period_kind="day",
                        value=55 + rng.random() * 30,
                        recorded_by="U0BENCH",
                        recorded_at=NOW - dt.timedelta(weeks=READINGS - 1 - w),
                        source="bench",
                        note="",
                        state="active",
                    )
                )
            if len(batch) >= 50_000:
                session.execute(insert(Reading), batch)
                batch = []
        if batch:
            session.execute(insert(Reading), batch)


def measure(db: Database, services: Services, repeat: int) -> tuple[int, float, float, int]:
    """(statements, median gather s, median floor s, indicators seen)."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    services.dashboards.snapshot(team_id=TEAM, channel_id="C0BENCH")  # warm the caches
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        snap = services.dashboards.snapshot(team_id=TEAM, channel_id="C0BENCH")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    gather, floor = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        services.dashboards.snapshot(team_id=TEAM, channel_id="C0BENCH")
        gather.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with db.read() as session:
            session.execute(FLOOR_SQL).all()
        floor.append(time.perf_counter() - t0)
    return len(statements), statistics.median(gather), statistics.median(floor), len(snap.indicators)


def main() -> int:
    """Fill, measure, print."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="10,100,1000")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    db = Database(url)
    migrate.upgrade(db.engine)
    services = Services.build(db, defaults=Defaults(), clock=lambda: NOW)
    print(f"database: {db.engine.url.get_backend_name()}, {READINGS} weekly readings per indicator")
    print(f"{'indicators':>10} {'statements':>10} {'gather (ms)':>12} {'floor (ms)':>11} {'ratio':>6}")
    for size in (int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        fill(db, size)
        filled = time.perf_counter() - t0
        n, gather, floor, seen = measure(db, services, args.repeat)
        assert seen == size, (seen, size)
        print(
            f"{size:>10} {n:>10} {gather * 1000:>12.1f} {floor * 1000:>11.1f} {gather / floor:>6.1f}"
            f"   (filled in {filled:.1f} s)"
        )
    db.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
