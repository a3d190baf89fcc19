"""Nothing lost through crashes: `pilote serve` SIGKILLed at random moments under load, restarted.

Threads send signed `/kpi <code> <value> @<day>` commands, each to an indicator of its own, a new
day each time, values that cross the alert threshold every few readings. At a random moment the
server is killed (SIGKILL: no clean-up at all), then started again on the same database; the
senders go on. At the end the server runs until its outbox is empty, then the counts are compared:
- every reading Slack got an ack for is stored, with the value that was typed;
- the alert crossings the stored readings make (computed here, from the values) each gave one
  message in the fake Slack (by the message's metadata key), none lost and none twice.

Slack's Web API is the test suite's fake, in this process, with Slack's 2026 history limits on.
Run: .venv/bin/python bench/crash.py [--kills 8] [--threads 6] [--database-url URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from storage.db import Database  # noqa: E402
from storage.models import Indicator, OutboxMessage, Reading  # noqa: E402
from tests.support.fake_slack import FakeSlack  # noqa: E402
from tests.support.signing import sign, slash_command_body  # noqa: E402

SECRET = "crash-bench-signing-secret"
ALERT_BELOW = 60
RUN = 5  # readings on one side of the threshold before crossing it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(port: int, fake: FakeSlack, text: str, user: str) -> dict | None:
    """The ack's JSON, or None when there was no ack (the server died, or refused)."""
    body = slash_command_body(command="/kpi", text=text, response_url=fake.new_response_url(), user_id=user)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/slack/events", body=body, headers=sign(SECRET, body))
        resp = conn.getresponse()
        data = resp.read()
        return json.loads(data) if resp.status == 200 and data else None
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        conn.close()


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=out,
                cwd=ROOT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"pilote serve did not start; see {self.log}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=30)


def expected_crossings(values: list[float]) -> int:
    """Alert and back-to-normal messages a series of newest readings gives (from OK)."""
    crossings, alert = 0, False
    for v in values:
        if (v < ALERT_BELOW) != alert:
            alert, crossings = not alert, crossings + 1
    return crossings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="pilote-crash-"))
    url = args.database_url or f"sqlite:///{work / 'crash.db'}"
    fake = FakeSlack()
    fake.start()
    fake.history_limits(cap=15, every=60)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PILOTE_", "DATABASE"))}
    env.update(
        SLACK_BOT_TOKEN=fake.token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=url,
        PILOTE_CHART_WORKERS="0",
    )
    # As an operator does (serve creates an empty SQLite file itself, not a PostgreSQL schema).
    subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True)
    server = Server(env, port, work / "serve.log")
    server.start()
    codes = [f"c{n}" for n in range(args.threads)]
    for n, code in enumerate(codes):
        reply = post(port, fake, f'new {code} "Indicateur {n}" alert_below={ALERT_BELOW}', f"U0USER{n}")
        assert reply is not None, "the indicators could not be created"

    acked: dict[tuple[str, str], float] = {}
    sent = [0]
    lock, alive, done = threading.Lock(), threading.Event(), threading.Event()
    alive.set()

    def sender(n: int) -> None:
        code, user, day = codes[n], f"U0USER{n}", 0
        while not done.is_set():
            if not alive.wait(0.1):
                continue
            value = 30.0 if (day // RUN) % 2 else 90.0
            period = time.strftime("%Y-%m-%d", time.gmtime(1_577_836_800 + day * 86_400))  # from 2020-01-01
            day += 1
            reply = post(port, fake, f"{code} {value:g} @{period}", user)
            with lock:
                sent[0] += 1
                if reply is not None and code in json.dumps(reply, ensure_ascii=False):
                    acked[(code, period)] = value

    threads = [threading.Thread(target=sender, args=(n,), daemon=True) for n in range(args.threads)]
    for thread in threads:
        thread.start()
    for _ in range(args.kills):
        time.sleep(rng.uniform(0.5, 3.0))
        server.kill()
        alive.clear()
        time.sleep(rng.uniform(0.0, 0.5))
        server.start()
        alive.set()
    time.sleep(1.0)
    done.set()
    for thread in threads:
        thread.join()

    db = Database(url)
    load_end = time.monotonic()
    deadline = load_end + 120 + 90 * args.kills  # a search a minute for each try a kill left in flight
    while time.monotonic() < deadline:  # the last server sends what is left
        with db.read() as s:
            pending = s.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "pending")).all()
        if not pending:
            break
        time.sleep(1.0)
    drained = time.monotonic() - load_end
    server.stop()
    fake.stop()

    with db.read() as s:
        rows = s.execute(
            select(Indicator.code, Reading.period_start, Reading.value)
            .join(Indicator, Indicator.id == Reading.indicator_id)
            .where(Reading.state == "active")
            .order_by(Indicator.code, Reading.period_start)
        ).all()
        outbox = s.scalars(select(OutboxMessage)).all()
    stored = {(code, start.isoformat()): value for code, start, value in rows}
    missing = [key for key in acked if key not in stored]
    changed = [key for key, value in acked.items() if key in stored and stored[key] != value]
    crossings = sum(
        expected_crossings([v for (c, _), v in sorted(stored.items()) if c == code]) for code in codes
    )
    notices = [o for o in outbox if o.kind in ("alert", "resolved")]
    keys = [
        m.get("metadata", {}).get("event_payload", {}).get("key")
        for msgs in fake.messages.values()
        for m in msgs
        if m.get("metadata")
    ]
    delivered = {k for k in keys if k}
    doubled = len(keys) - len(set(keys))
    waiting = [o.key for o in notices if o.key not in delivered and o.status == "pending"]
    lost = [o.key for o in notices if o.key not in delivered and o.status != "pending"]
    print(f"database: {db.url.render_as_string(hide_password=True).split(':')[0]}, {args.kills} SIGKILLs")
    print(f"readings sent {sent[0]}, acked {len(acked)}, stored {len(stored)}")
    print(f"acked but not stored: {len(missing)}; stored with another value: {len(changed)}")
    print(f"alert crossings in the stored readings: {crossings}; queued: {len(notices)}")
    arrived = len(delivered & {o.key for o in notices})
    print(
        f"messages delivered: {arrived}; lost: {len(lost)}; twice: {doubled}; still waiting: {len(waiting)}"
    )
    searches = len(fake.calls_to("conversations.history"))
    print(f"drained in {drained:.0f} s after the load; history calls: {searches}")
    print(f"fake Slack problems: {len(fake.problems)}")
    ok = (
        not missing and not changed and not lost and not waiting and not doubled and crossings == len(notices)
    )
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
