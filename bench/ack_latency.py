"""Ack latency of `pilote serve` for signed `/kpi <code> <value>` commands, against two floors.

Three servers run as separate processes on loopback, on the same stack (waitress + Bolt's WSGI
adapter, same thread count): the bare floor (a Bolt app that only acks), the durable floor (one that
commits one row to a SQLite file with Pilote's settings, then acks) and Pilote. Slack's Web API is
the test suite's fake server. For each concurrency the three are measured in alternating rounds,
and the figures of all rounds are pooled.
Run: .venv/bin/python bench/ack_latency.py [--requests 1500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.signing import sign, slash_command_body  # noqa: E402

SECRET = "bench-signing-secret"
THREADS = 8  # pilote serve's default, given to every server
TARGET = 1.5  # Pilote's p50 and p99 against the durable floor's
SERVERS = ("bare", "durable", "pilote")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(
    cmd: list[str], env: dict[str, str], port: int, log: Path, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    # The server's log goes to a file: an unread pipe would fill up and stall the server.
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=cwd)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise SystemExit(f"server did not start: {log.read_text()}")


def stop_all(*servers: subprocess.Popen[bytes], fake: subprocess.Popen[str]) -> None:
    """Stop the servers, then the fake Slack, and say whether it saw invalid Web API calls."""
    procs: list[subprocess.Popen[Any]] = [*servers, fake]
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
    if fake.returncode:
        print("the fake Slack saw invalid Web API calls (see above)")


def bodies(response_url: str, n: int, offset: int) -> list[bytes]:
    """Distinct readings, one day each, so that most are new rows and some are corrections."""
    first = dt.date(2020, 1, 1)
    return [
        slash_command_body(
            command="/kpi",
            text=f"bench {((i * 37) % 1000) / 10:.1f} @{first + dt.timedelta(days=(offset + i) % 2000)} note",
            response_url=response_url,
        )
        for i in range(n)
    ]


def run_load(port: int, payloads: list[bytes], concurrency: int) -> tuple[list[float], int]:
    """Send every payload with `concurrency` keep-alive clients; latencies in ms, and the error count."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    chunks = [payloads[i::concurrency] for i in range(concurrency)]
    barrier = threading.Barrier(concurrency)

    def worker(mine: list[bytes]) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local: list[float] = []
        bad = 0
        barrier.wait()
        for body in mine:
            headers = sign(SECRET, body)
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/slack/events", body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                ok = resp.status == 200 and b"error" not in data[:40] and b":x:" not in data
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            local.append((time.perf_counter() - t0) * 1000)
            bad += 0 if ok else 1
        conn.close()
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> None:
    """Measure and print the table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1500, help="requests per server, concurrency and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    ap.add_argument(
        "--before",
        type=Path,
        default=None,
        help="another tree of Pilote (e.g. `git archive main | tar -x -C /tmp/before`): its `pilote "
        "serve` is measured too, in the same rounds, on a SQLite file of its own",
    )
    args = ap.parse_args()
    if args.before and args.database_url:
        raise SystemExit("--before runs on SQLite files: leave --database-url out")
    servers = (*SERVERS, "before") if args.before else SERVERS
    pilotes = servers[SERVERS.index("pilote") :]  # Pilote, and the checkout it is compared with

    tmp = Path(tempfile.mkdtemp(prefix="pilote-bench-"))
    # Slack's side runs in its own process, so its schema checks do not slow the load generator.
    fake_proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fake_slack_server.py")], stdout=subprocess.PIPE, text=True
    )
    api_url = (fake_proc.stdout.readline() if fake_proc.stdout else "").strip()
    response_url = api_url.removesuffix("api/") + "respond/1"  # nothing is posted there by /kpi <value>
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.db'}",
    }
    ports = {name: free_port() for name in servers}
    serve = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--threads", str(THREADS)]
    floor = [sys.executable, str(ROOT / "bench" / "bare_app.py"), "--threads", str(THREADS)]
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        procs["pilote"] = start(
            [*serve, "--port", str(ports["pilote"])], env, ports["pilote"], tmp / "pilote.log"
        )
        procs["bare"] = start([*floor, "--port", str(ports["bare"])], env, ports["bare"], tmp / "bare.log")
        durable_cmd = [*floor, "--port", str(ports["durable"]), "--db", str(tmp / "durable.db")]
        procs["durable"] = start(durable_cmd, env, ports["durable"], tmp / "durable.log")
        if args.before:
            before_env = {
                **env,
                "DATABASE_URL": f"sqlite:///{tmp / 'before.db'}",
                "PYTHONPATH": str(args.before.resolve()),
            }
            before_cmd = [*serve, "--port", str(ports["before"])]
            procs["before"] = start(before_cmd, before_env, ports["before"], tmp / "before.log", args.before)
        setup = slash_command_body(
            command="/kpi",
            text='new bench "Banc d\'essai" kind=number unit=ms',
            response_url=response_url,
        )
        for name in pilotes:
            conn = http.client.HTTPConnection("127.0.0.1", ports[name], timeout=10)
            conn.request("POST", "/slack/events", body=setup, headers=sign(SECRET, setup))
            print(f"setup ({name}):", json.loads(conn.getresponse().read())["text"][:60])
        for port in ports.values():  # warm-up: imports, pools, Bolt's auth.test
            run_load(port, bodies(response_url, 200, 5000), 4)

        # (latencies, errors, seconds, server CPU seconds) per server and concurrency
        results: dict[tuple[str, int], tuple[list[float], int, float, float]] = {}
        offset = 0
        for concurrency in (1, 20):
            for _ in range(args.rounds):
                for name in servers:
                    payloads = bodies(response_url, args.requests, offset)
                    offset += args.requests
                    t0, cpu0 = time.perf_counter(), cpu_seconds(procs[name].pid)
                    lat, errs = run_load(ports[name], payloads, concurrency)
                    elapsed, cpu = time.perf_counter() - t0, cpu_seconds(procs[name].pid) - cpu0
                    prev = results.get((name, concurrency), ([], 0, 0.0, 0.0))
                    results[(name, concurrency)] = (
                        prev[0] + lat,
                        prev[1] + errs,
                        prev[2] + elapsed,
                        prev[3] + cpu,
                    )

        # cpu ms: the server process's CPU time (all its threads) per request, steadier than latency
        # on a shared machine.
        print(
            f"\n{'server':<8} {'conc':>4} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p90 ms':>8} "
            f"{'p99 ms':>8} {'max ms':>8} {'req/s':>7} {'cpu ms':>7}"
        )
        summary = {}
        for (name, concurrency), (lat, errs, elapsed, cpu) in sorted(
            results.items(), key=lambda kv: (kv[0][1], servers.index(kv[0][0]))
        ):
            row = {
                "requests": len(lat),
                "errors": errs,
                "p50": pct(lat, 50),
                "p90": pct(lat, 90),
                "p99": pct(lat, 99),
                "max": max(lat),
                "mean": statistics.fmean(lat),
                "rps": len(lat) / elapsed,
                "cpu_ms": cpu / len(lat) * 1000,
            }
            summary[f"{name}@{concurrency}"] = row
            print(
                f"{name:<8} {concurrency:>4} {row['requests']:>8} {errs:>6} {row['p50']:>8.2f} "
                f"{row['p90']:>8.2f} {row['p99']:>8.2f} {row['max']:>8.2f} {row['rps']:>7.0f} "
                f"{row['cpu_ms']:>7.2f}"
            )
        print()
        for concurrency in (1, 20):
            durable = summary[f"durable@{concurrency}"]
            for name in pilotes:
                row = summary[f"{name}@{concurrency}"]
                ratios = {q: row[q] / durable[q] for q in ("p50", "p99")}
                verdict = "meets" if max(ratios.values()) <= TARGET else "MISSES"
                bare = row["p99"] / summary[f"bare@{concurrency}"]["p99"]
                print(
                    f"concurrency {concurrency:>2}: {name} / durable floor p50 {ratios['p50']:.2f}, "
                    f"p99 {ratios['p99']:.2f} ({verdict} the {TARGET}x target); p99 {name} / bare {bare:.2f}"
                )
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        (out / "ack_latency.json").write_text(json.dumps(summary, indent=2))
        print(f"server logs: {tmp}")
    finally:
        stop_all(*procs.values(), fake=fake_proc)


if __name__ == "__main__":
    main()
