"""`pilote serve` as a real process on loopback: health, signed commands, concurrency."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from storage.db import Database
from tests.support.fake_slack import FakeSlack
from tests.support.metrics import Scrape
from tests.support.signing import sign, slash_command_body
from tests.support.slackbed import SIGNING_SECRET


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def post_command(
    port: int, fake: FakeSlack, text: str, user: str = "U0ALICE", command: str = "/kpi"
) -> tuple[int, dict]:
    body = slash_command_body(command=command, text=text, response_url=fake.new_response_url(), user_id=user)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/slack/events", body=body, headers=sign(SIGNING_SECRET, body))
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, json.loads(data) if data else {}
    finally:
        conn.close()


def wait_healthy(port: int, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Wait until `pilote serve` answers /healthz; fail with its log if it exits or takes 30 s."""
    deadline = time.monotonic() + 30
    while True:
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"pilote serve did not start:\n{log_path.read_text()}")
        time.sleep(0.1)


@pytest.fixture
def server(
    db: Database, fake_slack: FakeSlack, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[int]:
    """`pilote serve` on a free port (with the global options the test gives as its param); at the
    end its whole log is checked: no secret, no traceback."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": fake_slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": db.url.render_as_string(hide_password=False),
    }
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            *("-m", "bot.cli", *getattr(request, "param", ())),
            *("serve", "--host", "127.0.0.1", "--port", str(port)),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_healthy(port, proc, log_path)
    yield port
    proc.terminate()
    proc.wait(timeout=10)
    log.close()
    output = log_path.read_text()
    secrets = {"bot token": fake_slack.token, "signing secret": SIGNING_SECRET}
    password = db.url.password
    if password:
        secrets["database password"] = str(password)
    assert [name for name, value in secrets.items() if value in output] == []
    assert "Traceback" not in output, output[-3000:]


def test_health_and_a_command_through_the_real_server(server: int, fake_slack: FakeSlack) -> None:
    assert len(fake_slack.calls_to("auth.test")) == 1  # the start-up probe, not a second one by Bolt
    status, body = get(server, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert get(server, "/nowhere")[0] == 404
    status, reply = post_command(server, fake_slack, 'new frc "Résolution" kind=ratio')
    assert status == 200 and "frc" in reply["text"]


@pytest.mark.parametrize("server", [("--log-format", "json")], indirect=True)
def test_metrics_and_json_logs_of_the_real_server(server: int, fake_slack: FakeSlack, tmp_path: Path) -> None:
    post_command(server, fake_slack, 'new frc "Résolution" kind=ratio')
    status, page = get(server, "/metrics")
    assert status == 200
    before = Scrape(page.decode())
    body = slash_command_body(command="/kpi", text="frc 45/60", response_url=fake_slack.new_response_url())
    headers = sign(SIGNING_SECRET, body)  # once: the same signed bytes twice, whenever the second goes
    for _ in range(2):  # the second time, the same signed bytes: a replay, ignored and logged
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        conn.request("POST", "/slack/events", body=body, headers=headers)
        assert conn.getresponse().status == 200
        conn.close()
    after = Scrape(get(server, "/metrics")[1].decode())

    def grew(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert grew("pilote_commands_total", command="/kpi", kind="record_reading", outcome="ok") == 1
    assert grew("pilote_readings_stored_total", source="slack") == 1
    assert grew("pilote_ack_seconds_count", transport="http", type="command") == 1
    assert after.families["pilote_outbox_backlog"].type == "gauge"
    # Every line of its log is one JSON object; the replay's line says which request and workspace.
    lines = [json.loads(line) for line in (tmp_path / "serve.log").read_text().splitlines()]
    assert any(line["message"].startswith("Pilote listening on") for line in lines)
    (replay,) = [line for line in lines if line["message"].startswith("replayed request ignored")]
    assert replay["team_id"] == "T0PILOTE" and replay["request_id"] and replay["level"] == "WARNING"


def test_concurrent_commands_are_served_concurrently(server: int, fake_slack: FakeSlack) -> None:
    post_command(server, fake_slack, 'new frc "Résolution" kind=ratio')
    # A client that sends half a request must not hold the others up.
    stalled = socket.create_connection(("127.0.0.1", server))
    stalled.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial")
    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(
                pool.map(
                    lambda n: post_command(
                        server, fake_slack, f"frc {n}/100 @2026-{n % 9 + 1:02d}", user=f"U{n}"
                    ),
                    range(40),
                )
            )
    finally:
        stalled.close()
    assert all(status == 200 for status, _ in results)
    assert all("frc" in reply["text"] for _, reply in results)


def test_garbage_never_gets_a_5xx(server: int) -> None:
    for body, headers in [
        (b"\xff\xfe garbage", {"X-Slack-Request-Timestamp": "x", "X-Slack-Signature": "v0=1"}),
        (
            b"payload=%7Bnot-json",
            {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=1"},
        ),
        (b"", {}),
    ]:
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
        conn.request("POST", "/slack/events", body=body, headers=headers)
        status = conn.getresponse().status
        conn.close()
        assert status < 500, (body, status)


def test_the_server_sends_alerts_in_the_background(server: int, fake_slack: FakeSlack) -> None:
    post_command(server, fake_slack, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    status, reply = post_command(server, fake_slack, "frc 30/60")
    assert status == 200 and "alerte" in json.dumps(reply["blocks"], ensure_ascii=False)
    (call,) = fake_slack.wait_for("chat.postMessage", timeout=15)  # the outbox job, after the ack
    assert "Alerte" in call.args["text"] and call.args["metadata"]["event_type"] == "pilote_outbox"


def test_the_server_posts_the_dashboard_after_the_ack(server: int, fake_slack: FakeSlack) -> None:
    post_command(server, fake_slack, 'new frc "Résolution" kind=ratio alert_below=60 entity=DSI')
    post_command(server, fake_slack, "frc 30/60")
    status, reply = post_command(server, fake_slack, "", command="/dashboard")
    assert status == 200 and "Préparation du tableau de bord" in reply["text"]
    (share,) = fake_slack.wait_for("files.completeUploadExternal", timeout=30)
    blocks = json.dumps(share.args["blocks"], ensure_ascii=False)
    assert "Résolution" in blocks and len(share.args["files"]) == 1  # no action yet: no plan chart


def test_idle_connections_cannot_starve_commands(server: int, fake_slack: FakeSlack) -> None:
    # 300 clients that connect and say half a request, then nothing (the probe: at 99 of them
    # waitress's default limit of 100 connections answered no command at all).
    idle = []
    try:
        for _ in range(300):
            sock = socket.create_connection(("127.0.0.1", server), timeout=5)
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
            idle.append(sock)
        assert get(server, "/healthz")[0] == 200
        status, answer = post_command(server, fake_slack, 'new frc "Résolution" kind=ratio')
        assert status == 200 and "frc" in json.dumps(answer, ensure_ascii=False)
    finally:
        for sock in idle:
            sock.close()


def test_serve_listens_on_loopback_unless_told_and_says_its_version() -> None:
    from bot.cli import parser

    assert parser().parse_args(["serve"]).host == "127.0.0.1"
    assert parser().parse_args(["serve", "--host", "0.0.0.0"]).host == "0.0.0.0"
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().startswith("pilote ")
