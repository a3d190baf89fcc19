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
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select, text  # noqa: E402

from bot import cli  # noqa: E402
from bot.domain.grammar import NewIndicator, parse_kpi  # noqa: E402
from bot.services import Defaults, Services  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import AlertState, Base, OutboxMessage, Reading  # noqa: E402

TEAM = "T0BENCH"
INDICATORS = 100
BATCH = 1000
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
    clear_readings(db)  # a previous run's readings: deleted plainly, they would take minutes
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


def clear_readings(db: Database) -> None:
    """No readings, alert states or outbox messages. A reading refers to the one it corrected, with no
    index on that column (Pilote deletes nothing): a plain DELETE of 100,000 readings looks each one's
    correctors up in the whole table. PostgreSQL truncates; SQLite deletes with its checks off, then
    empties its write-ahead log."""
    names = ("outbox", "alert_states", "readings", "api_requests")
    if not db.is_sqlite:
        with db.write() as s:
            s.execute(text("TRUNCATE " + ", ".join(names)))
        return
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys = OFF")
        for name in names:
            cursor.execute(f"DELETE FROM {name}")
        raw.commit()
        cursor.execute("PRAGMA foreign_keys = ON")
        # Every way starts from an empty write-ahead log: the previous way's pages are not left for
        # the next one to copy back into the database file.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


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


def through_api(services: Services, rows: int) -> float:
    """POST /api/v1/readings in batches of BATCH, one after the other on one keep-alive connection,
    to the API's WSGI app served by waitress on loopback (as `pilote serve` serves it)."""
    import http.client
    import json

    import waitress.server

    from bot.api.app import ApiWSGI

    made = services.tokens.create(
        team_id=TEAM, user_id="U0BENCH", name=f"bench {time.time()}", is_admin=lambda: True
    )
    server = waitress.server.create_server(ApiWSGI(services), host="127.0.0.1", port=0, threads=4)
    port = server.effective_port  # type: ignore[union-attr]
    stop = threading.Event()

    def serve() -> None:  # waitress's loop, a turn at a time, closed by its own thread at the end
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)  # type: ignore[union-attr]
        server.task_dispatcher.shutdown()  # type: ignore[union-attr]
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    per = rows // INDICATORS
    readings = [
        {"indicator": f"frc{i}", "period": f"{year}-S{week:02d}", "value": "{}/{}".format(*value_of(i, w)),
         "note": "export GLPI"}
        for w, (year, week, _) in enumerate(weeks(per))
        for i in range(INDICATORS)
    ]  # fmt: skip
    bodies = [
        json.dumps({"readings": readings[k : k + BATCH]}).encode() for k in range(0, len(readings), BATCH)
    ]
    del readings  # the client's: in production another process, not this server's garbage to walk
    headers = {"Authorization": f"Bearer {made.secret}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.connect()
    # As urllib3 (requests) and curl do: without it, the body waits for the headers' delayed ACK.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with cli.long_lived():  # as `pilote serve` serves
        start = time.perf_counter()
        for n, body in enumerate(bodies):
            key = f"bench-{start}-{n}"
            conn.request("POST", "/api/v1/readings", body, {**headers, "Idempotency-Key": key})
            answer = conn.getresponse()
            data = answer.read()
            assert answer.status == 200, data[:500]
        elapsed = time.perf_counter() - start
    conn.close()
    stop.set()
    thread.join()
    return elapsed


def check(services: Services, rows: int, expected_alerts: int) -> None:
    stored, alerts, _ = outcome(services)
    assert stored == rows and alerts == expected_alerts, (stored, alerts)


def outcome(services: Services) -> tuple[int, int, int]:
    """(readings stored, indicators in alert, alert messages queued)."""
    with services.db.read() as s:
        readings = s.scalar(select(func.count()).select_from(Reading)) or 0
        alerts = (
            s.scalar(select(func.count()).select_from(AlertState).where(AlertState.level == "alert")) or 0
        )
        queued = s.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    return int(readings), int(alerts), int(queued)


def shown(times: list[float], rows: int) -> str:
    """ "4.70 s (4.81) · 21,263 rows/s": the best time, the median, the best rate."""
    return f"{min(times):.2f} s ({statistics.median(times):.2f}) · {rows / min(times):,.0f} rows/s"


def against(way: list[float], floors: list[float]) -> str:
    """The way against the floor: best against best, and each run against the floor timed just
    before it (the machine's speed drifts by a third from one minute to the next: a pair shares it)."""
    paired = sorted(w / f for w, f in zip(way, floors, strict=True))
    runs = ", ".join(f"{r:.2f}" for r in paired)
    return (
        f"{min(way) / min(floors):.2f}x the floor (best against best); run by run "
        f"{runs}, median {statistics.median(paired):.2f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        services = setup(url)
        path = csv_file(folder, args.rows)
        last = args.rows // INDICATORS - 1
        expected_alerts = sum(
            1 for i in range(INDICATORS) if value_of(i, last)[0] * 100 < 65 * value_of(i, last)[1]
        )
        backend = services.db.url.get_backend_name()
        print(
            f"database: {backend}, {args.rows:,} readings of {INDICATORS} indicators, "
            f"best of {args.repeat} runs each (median in brackets)"
        )
        ways: dict[str, list[float]] = {"import": [], "api": []}
        floors: dict[str, list[float]] = {"import": [], "api": []}  # the floor timed just before each
        for _ in range(args.repeat):  # interleaved: a slower moment of the machine hits every way
            for way in ("import", "api") if not args.skip_api else ("import",):
                clear_readings(services.db)
                floors[way].append(floor(services, args.rows))
                clear_readings(services.db)
                if way == "import":
                    ways[way].append(through_import(services, url, path))
                else:
                    ways[way].append(through_api(services, args.rows))
                check(services, args.rows, expected_alerts)
        every_floor = floors["import"] + floors["api"]
        print(f"floor, one executemany of the parsed rows: {shown(every_floor, args.rows)}")
        print(
            f"pilote import (CSV, {path.stat().st_size / 1e6:.1f} MB): {shown(ways['import'], args.rows)}, "
            f"{against(ways['import'], floors['import'])}"
        )
        if ways["api"]:
            print(
                f"API, {args.rows // BATCH} batches of {BATCH:,} over HTTP (waitress, loopback): "
                f"{shown(ways['api'], args.rows)}, {against(ways['api'], floors['api'])}"
            )
        stored, alerts, queued = outcome(services)
        print(
            f"each way: {stored:,} stored, {alerts} indicators in alert (expected {expected_alerts}), "
            f"{queued} alert and back-to-normal messages queued by the last way (by the API, each "
            f"batch's newest week moves the state; an import moves it once, for the newest week)"
        )
        services.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
