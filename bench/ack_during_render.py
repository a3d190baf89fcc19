"""Ack latency of `/kpi <code> <value>` while `/dashboard` charts are being drawn and uploaded.

`pilote serve` runs as a process on loopback with 60 indicators (12 readings each) and a few
actions; Slack's Web API is the test suite's fake server in its own process. Readings are sent one at
a time, first with nothing else going on (the floor, same run, same server), then while another client
asks for a `/dashboard` every `--every` seconds: each is acked at once, then drawn (24 tiles and the
plan chart) and uploaded in a Bolt lazy listener thread of the same process.
Target (issue 4): every command still acked well within Slack's 3 seconds.
Run: .venv/bin/python bench/ack_during_render.py [--requests 600] [--every 1.0]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ack_latency import SECRET, THREADS, bodies, free_port, pct, run_load, start, stop_all  # noqa: E402

from tests.support.signing import sign, slash_command_body  # noqa: E402

INDICATORS = 60


def post(port: int, body: bytes) -> tuple[int, dict]:
    """One signed POST; the status and the JSON answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/slack/events", body=body, headers=sign(SECRET, body))
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, json.loads(data) if data else {}
    finally:
        conn.close()


def command(port: int, response_url: str, name: str, text: str) -> tuple[int, dict]:
    """A slash command to Pilote."""
    return post(port, slash_command_body(command=name, text=text, response_url=response_url))


def seed(port: int, response_url: str) -> None:
    """60 indicators with a year of monthly readings, and four actions."""
    for i in range(INDICATORS):
        command(
            port,
            response_url,
            "/kpi",
            f'new ind{i} "Indicateur {i}" kind=percent target=80 warn_below=60 alert_below=40 '
            f"entity=E{i % 5}",
        )
        for month in range(1, 13):
            command(port, response_url, "/kpi", f"ind{i} {30 + (i * 7 + month * 3) % 60} @2025-{month:02d}")
    for label, level in (
        ("Former", "reflexion"),
        ("Réemployer", "experimentation"),
        ("Mesurer", "realisation"),
    ):
        command(port, response_url, "/action", f'new "{label}" domain=achats level={level}')


def summary(lat: list[float]) -> str:
    """p50, p90, p99 and max of latencies in ms."""
    return f"{pct(lat, 50):>8.2f} {pct(lat, 90):>8.2f} {pct(lat, 99):>8.2f} {max(lat):>8.2f}"


def main() -> None:
    """Seed, measure idle, measure under dashboards, print."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--every", type=float, default=1.0, help="seconds between two /dashboard")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pilote-bench-"))
    fake_proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fake_slack_server.py")], stdout=subprocess.PIPE, text=True
    )
    api_url = (fake_proc.stdout.readline() if fake_proc.stdout else "").strip()
    response_url = api_url.removesuffix("api/") + "respond/1"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
    }
    port = free_port()
    serve = ["-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(THREADS)]
    pilote = start([sys.executable, *serve], env, port, tmp / "pilote.log")
    try:
        command(port, response_url, "/kpi", 'new bench "Banc d\'essai" kind=number unit=ms')
        seed(port, response_url)
        run_load(port, bodies(response_url, 100, 9000), 1)  # warm-up
        idle, idle_errors = run_load(port, bodies(response_url, args.requests, 0), 1)

        stop = threading.Event()
        dashboard_acks: list[float] = []

        def dashboards() -> None:
            while not stop.is_set():
                t0 = time.perf_counter()
                status, _ = command(port, response_url, "/dashboard", "")
                dashboard_acks.append((time.perf_counter() - t0) * 1000 if status == 200 else float("inf"))
                stop.wait(args.every)

        asker = threading.Thread(target=dashboards)
        asker.start()
        time.sleep(0.5)
        t0 = time.perf_counter()
        busy, busy_errors = run_load(port, bodies(response_url, args.requests, args.requests), 1)
        elapsed = time.perf_counter() - t0
        stop.set()
        asker.join()
        time.sleep(3)  # let the last uploads finish before stopping the servers

        head = f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        print(f"\n{'phase':<34} {'requests':>8} {'errors':>6} {head}")
        print(f"{'/kpi, nothing else (floor)':<34} {len(idle):>8} {idle_errors:>6} {summary(idle)}")
        print(f"{'/kpi, while dashboards render':<34} {len(busy):>8} {busy_errors:>6} {summary(busy)}")
        print(f"{'/dashboard acks':<34} {len(dashboard_acks):>8} {'':>6} {summary(dashboard_acks)}")
        print(
            f"\n{len(dashboard_acks)} dashboards asked for in {elapsed:.1f} s; p99 ratio busy / idle = "
            f"{pct(busy, 99) / pct(idle, 99):.1f}; slowest ack {max(busy + dashboard_acks):.0f} ms "
            f"({'within' if max(busy + dashboard_acks) < 3000 else 'OVER'} Slack's 3 s)"
        )
        print(f"server log: {tmp / 'pilote.log'}")
    finally:
        stop_all(pilote, fake=fake_proc)


if __name__ == "__main__":
    main()
