"""Ingestion: 100,000 readings through `pilote import` (a French CSV) and through the ingestion API (batches
of 1,000 over HTTP), against a floor timed in the same run on the same database: the same rows, already
parsed, inserted with one `executemany` in one transaction.

Each way starts from the same indicators and no readings; alerts are evaluated for every indicator's
newest period (the figures say how many indicators ended in alert). Target: each way within 3x the floor.
Run: .venv/bin/python bench/ingest.py [--database-url URL] [--rows 100000] [--skip-api]
(default: a fresh SQLite file; give a PostgreSQL URL to an empty database to measure there.)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select  # noqa: E402

from bot import cli  # noqa: E402
from bot.domain.grammar import NewIndicator, parse_kpi  # noqa: E402
from bot.services import Defaults, Services  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import AlertState, Base, OutboxMessage, Reading  # noqa: E402

TEAM = "T0BENCH"
INDICATORS = 100
LAST_MONDAY = dt.date(2026, 11, 23)


def weeks(n: int) -> list[tuple[int, int, dt.date]]:
    """The n ISO weeks up to LAST_MONDAY, oldest first: (year, week, monday)."""
    out = []
    for back in range(n - 1, -1, -1):
        monday = LAST_MONDAY - dt.timedelta(weeks=back)
        year, week, _ = monday.isocalendar()
        out.append((year, week, monday))
    return out


def value_of(i: int, w: int) -> tuple[int, int]:
    """(resolved at first contact, handled) of indicator i in week w, around 70 %, every pair its own
    (no two rows read the same value text: the parser's cache of values is no help here)."""
    handled = 1000 + i * 1000 + w
    first = handled * (62 + (i + w) % 17) // 100
    return first, handled


def setup(url: str) -> Services:
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.write() as s:
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(delete(table))
    services = Services.build(db, defaults=Defaults(timezone="Europe/Paris", language="fr"))
    for i in range(INDICATORS):
        spec = parse_kpi(
            f'new frc{i} "Résolution au premier contact, file {i}" kind=ratio every=week target=75 '
            f"warn_below=70 alert_below=65 owner=<@U0OWNER{i}|o>"
        )
        assert isinstance(spec, NewIndicator)
        services.indicators.define(team_id=TEAM, user_id="U0BENCH", spec=spec)
    return services


def clear_readings(services: Services) -> None:
    with services.db.write() as s:
        for model in (OutboxMessage, AlertState, Reading):
            s.execute(delete(model))


def floor(services: Services, rows: int) -> float:
    """The same rows, parsed already, in one executemany."""
    ids = [v.indicator.id for v in services.indicators.summaries(team_id=TEAM)]
    now = dt.datetime.now(dt.UTC)
    values = []
    per = rows // INDICATORS
    for w, (_, _, monday) in enumerate(weeks(per)):
        for i, ind_id in enumerate(ids):
            first, handled = value_of(i, w)
            values.append(
                dict(team_id=TEAM, indicator_id=ind_id, period_start=monday, period_kind="week",
                     value=first / handled * 100, numerator=first, denominator=handled, recorded_by="U0BENCH",
                     recorded_at=now, source="bench", note="", state="active", supersedes_id=None)
            )  # fmt: skip
    start = time.perf_counter()
    with services.db.write() as s:
        s.execute(insert(Reading), values)
    return time.perf_counter() - start


def csv_file(folder: Path, rows: int) -> Path:
    """A French CSV as a ticketing tool's export: semicolons, `262/412`, ISO weeks `2026-S48`."""
    per = rows // INDICATORS
    lines = ["Indicateur;Période;Valeur;Commentaire"]
    for w, (year, week, _) in enumerate(weeks(per)):
        for i in range(INDICATORS):
            first, handled = value_of(i, w)
            lines.append(f"frc{i};{year}-S{week:02d};{first}/{handled};export GLPI")
    path = folder / "readings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def through_import(services: Services, url: str, path: Path) -> float:
    """`pilote import` in this process (its own database connection, as the command makes)."""
    os.environ["DATABASE_URL"] = url
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli.main(["import", str(path), "--team", TEAM])
    elapsed = time.perf_counter() - start
    assert code == 0, out.getvalue()[-2000:]
    return elapsed


def outcome(services: Services) -> tuple[int, int, int]:
    """(readings stored, indicators in alert, alert messages queued)."""
    with services.db.read() as s:
        readings = s.scalar(select(func.count()).select_from(Reading)) or 0
        alerts = (
            s.scalar(select(func.count()).select_from(AlertState).where(AlertState.level == "alert")) or 0
        )
        queued = s.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    return int(readings), int(alerts), int(queued)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-api", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        services = setup(url)
        path = csv_file(folder, args.rows)
        expected_alerts = sum(1 for i in range(INDICATORS) if value_of(i, args.rows // INDICATORS - 1)[0] * 100
                              < 65 * value_of(i, args.rows // INDICATORS - 1)[1])  # fmt: skip
        base = floor(services, args.rows)
        print(
            f"database: {services.db.url.get_backend_name()}, {args.rows:,} readings of {INDICATORS} indicators"
        )
        print(f"floor, one executemany of the parsed rows: {base:.2f} s ({args.rows / base:,.0f} rows/s)")
        clear_readings(services)
        took = through_import(services, url, path)
        stored, alerts, queued = outcome(services)
        print(
            f"pilote import (CSV, {path.stat().st_size / 1e6:.1f} MB): {took:.2f} s ({args.rows / took:,.0f} rows/s), "
            f"{took / base:.2f}x the floor; {stored:,} stored, {alerts} indicators in alert "
            f"(expected {expected_alerts}), {queued} alert messages queued"
        )
        assert stored == args.rows and alerts == expected_alerts
        services.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
