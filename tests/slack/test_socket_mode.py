"""Socket Mode (`pilote socket`) against a fake Socket Mode server: acks, Slack's disconnects and
reconnection, redeliveries, and what HTTP mode checks (shapes, replays)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.services import Services
from bot.slack import ids
from bot.slack.blocks import modals as m
from storage.db import Database
from storage.models import Reading, Workspace
from tests.slack.test_serve import free_port, get
from tests.support.fake_slack import APP_TOKEN, FakeSlack
from tests.support.fake_socket import FakeSocketMode
from tests.support.logs import JsonLines, json_lines
from tests.support.metrics import Scrape, scrape
from tests.support.payloads import block_actions_payload, modal_state, view_submission_payload
from tests.support.socketbed import SocketBed, command_payload

COMMANDS = "pilote_commands_total"

HOME_VIEW = {"id": "V0PILOTEHOME", "type": "home"}


@pytest.fixture
def socket_mode() -> Iterator[FakeSocketMode]:
    fake = FakeSocketMode().start()
    yield fake
    fake.stop()
    assert fake.take_problems() == []


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack, socket_mode: FakeSocketMode) -> Iterator[SocketBed]:
    socket = SocketBed(services, fake_slack, socket_mode)
    yield socket
    socket.close()


def readings(services: Services) -> list[str]:
    with services.db.read() as s:
        return [f"{r.numerator:g}/{r.denominator:g}" for r in s.scalars(select(Reading).order_by(Reading.id))]


def test_a_command_is_acked_with_its_answer_and_stored_once(bed: SocketBed, services: Services) -> None:
    assert "frc" in bed.text(bed.command('new frc "Résolution au premier contact" kind=ratio'))
    envelope = bed.command("frc 45/60")
    assert "45/60" in bed.text(envelope)
    assert readings(services) == ["45/60"]
    # Slack had no ack (a link cut just then) and delivers the envelope again: acked, not run again.
    bed.socket.redeliver(envelope)
    assert len(bed.socket.envelopes[envelope].acks) in (1, 2)
    bed.socket.wait_ack(envelope)
    with bed.socket._cond:
        assert bed.socket._cond.wait_for(lambda: len(bed.socket.envelopes[envelope].acks) == 2, 10)
    assert bed.socket.envelopes[envelope].acks[1] == {}
    assert readings(services) == ["45/60"]


def test_the_ack_does_not_wait_for_the_chart(
    bed: SocketBed, services: Services, fake_slack: FakeSlack
) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    for text in ("frc 40/60 @2026-06", "frc 45/60 @2026-07", "frc 50/60 @2026-08"):
        bed.acked(bed.command(text))
    fake_slack.hold("files.getUploadURLExternal")  # the chart's upload is stuck at Slack
    try:
        envelope = bed.command("show frc")
        bed.acked(envelope)  # acked while the upload is still held: it came before the slow work
        assert fake_slack.wait_for("files.getUploadURLExternal")
    finally:
        fake_slack.release()


def test_slack_refreshes_the_link_and_nothing_is_lost_or_repeated(
    bed: SocketBed, services: Services, socket_mode: FakeSocketMode, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pilote.socket")
    bed.acked(bed.command('new frc "Résolution" kind=ratio'))
    before = bed.command("frc 40/60 @2026-06")
    bed.acked(before)
    socket_mode.disconnect("refresh_requested")
    socket_mode.wait_links(2)
    # What the old link carried and Slack believes unacked comes again on the new one: once only.
    socket_mode.redeliver(before)
    after = bed.command("frc 45/60 @2026-07")
    assert "45/60" in bed.text(after)
    assert readings(services) == ["40/60", "45/60"]
    assert any("refresh_requested" in r.getMessage() for r in caplog.records)


def test_a_link_cut_without_a_word_is_opened_again(
    bed: SocketBed, services: Services, socket_mode: FakeSocketMode
) -> None:
    bed.acked(bed.command('new frc "Résolution" kind=ratio'))
    socket_mode.drop_newest()
    socket_mode.wait_links(2)
    assert "45/60" in bed.text(bed.command("frc 45/60"))
    assert readings(services) == ["45/60"]


def test_link_disabled_and_a_refused_new_link_are_one_line_each_until_slack_gives_one(
    bed: SocketBed,
    services: Services,
    fake_slack: FakeSlack,
    socket_mode: FakeSocketMode,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="pilote.socket")
    refusal = {"ok": False, "error": "internal_error"}
    fake_slack.fail_next("apps.connections.open", status=200, body=refusal, times=2)
    socket_mode.disconnect("link_disabled")
    socket_mode.wait_links(2)
    assert len(fake_slack.calls_to("apps.connections.open")) == 4  # the first link, 2 refused, this one
    refused = [r for r in caplog.records if "no new link" in r.getMessage()]
    assert len(refused) == 2 and not [r for r in refused if r.exc_info]
    assert any("link_disabled" in r.getMessage() for r in caplog.records)
    assert "frc" in bed.text(bed.command('new frc "Résolution" kind=ratio'))


def test_an_event_retried_with_the_same_event_id_takes_effect_once(
    bed: SocketBed, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    event = {
        "token": "x",
        "team_id": "T0PILOTE",
        "api_app_id": "A0PILOTE",
        "type": "event_callback",
        "event_id": "Ev0SOCKET1",
        "event_time": 1_790_000_000,
        "event": {"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0ALICE"},
    }
    first = socket_mode.send("events_api", event)
    assert bed.acked(first) == {}
    fake_slack.wait_for("views.publish", timeout=10)
    retry = socket_mode.retry_event(first)
    assert bed.acked(retry) == {}
    bed.http.close_all()  # the Home tab worker has published all it will
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_a_form_submitted_twice_over_the_link_acts_once(
    bed: SocketBed, services: Services, fake_slack: FakeSlack
) -> None:
    click = block_actions_payload(action_id=ids.HOME_NEW_ACTION, value="", response_url=None, view=HOME_VIEW)
    bed.acked(bed.interaction(click))
    view = dict(fake_slack.wait_for("views.open")[0].response["view"])  # type: ignore[index]
    values = modal_state(view, {m.NEW_LABEL.block_id: "Former les agents", m.NEW_PROGRESS.block_id: "30"})
    submission: dict[str, Any] = view_submission_payload(view=view, values=values)
    for _ in range(2):  # a double click: two envelopes, the same view, hash and answers
        bed.acked(bed.interaction(submission))
    actions, _ = services.actions.list(team_id="T0PILOTE", user_id="U0ALICE")
    assert [a.label for a in actions] == ["Former les agents"]


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("slash_commands", {"command": "/kpi", "text": "list", "team_id": "t0", "user_id": "U0ALICE"}),
        ("slash_commands", {"command": "/kpi", "team_id": "T0PILOTE", "user_id": 1}),
        ("interactive", {"type": "block_actions", "team": {"id": "T0PILOTE"}, "user": {"id": "U0A"}}),
        ("events_api", {"type": "event_callback", "team_id": "T0PILOTE", "event": []}),
        ("hello_again", {}),
    ],
)
def test_an_envelope_slack_never_sends_is_acked_and_refused_in_one_line(
    bed: SocketBed,
    services: Services,
    socket_mode: FakeSocketMode,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    payload: dict[str, Any],
) -> None:
    envelope = socket_mode.send(kind, payload)
    assert bed.acked(envelope) == {}  # acked, or Slack would deliver it again and again
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 1
    assert not [r for r in caplog.records if r.exc_info]
    with services.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Workspace)) == 0


def test_pilote_socket_as_a_process_answers_over_the_link_and_sends_alerts(
    db: Database, fake_slack: FakeSlack, socket_mode: FakeSocketMode, tmp_path: Path
) -> None:
    """`pilote socket` itself: no signing secret needed, commands acked over the link, the outbox
    sending an alert's DM as in HTTP mode."""
    fake_slack.socket_mode = socket_mode
    ours = ("SLACK_", "PILOTE_", "DATABASE")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update(
        SLACK_BOT_TOKEN=fake_slack.token,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=db.url.render_as_string(hide_password=False),
        PILOTE_CHART_WORKERS="0",
    )
    log = (tmp_path / "socket.log").open("wb")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--log-format", "json", "socket", "--metrics-port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        socket_mode.wait_links(1, timeout=60)

        def command(text: str) -> str:
            envelope = socket_mode.send("slash_commands", command_payload(fake_slack, text))
            return json.dumps(socket_mode.wait_ack(envelope, timeout=30), ensure_ascii=False)

        assert "frc" in command('new frc "Résolution au premier contact" kind=ratio alert_below=80')
        assert "45/60" in command("frc 45/60")
        dms = [c for c in fake_slack.wait_for("chat.postMessage", timeout=30) if c.outcome == "ok"]
        assert dms and "frc" in json.dumps(dms[0].args, ensure_ascii=False)
        # --metrics-port: Socket Mode's only HTTP server, for Prometheus.
        status, page = get(port, "/metrics")
        assert status == 200
        metrics = Scrape(page.decode())
        assert metrics.value(COMMANDS, command="/kpi", kind="record_reading", outcome="ok") == 1
        assert metrics.value("pilote_ack_seconds_count", transport="socket", type="command") == 2
        assert metrics.value("pilote_readings_stored_total", source="slack") == 1
        assert get(port, "/healthz")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    output = (tmp_path / "socket.log").read_text()
    assert "Traceback" not in output, output[-3000:]
    assert APP_TOKEN not in output and fake_slack.token not in output
    lines = [json.loads(line) for line in output.splitlines()]  # --log-format json: every line
    assert any(line["message"].startswith("metrics on http://127.0.0.1:") for line in lines)


def wait_for_line(logged: JsonLines, text: str) -> list[dict[str, Any]]:
    """The lines saying `text`, once a worker thread of the link has written one (10 s at most)."""
    deadline = time.monotonic() + 10
    while not logged.saying(text):
        assert time.monotonic() < deadline, f"no log line says {text!r}"
        time.sleep(0.01)
    return logged.saying(text)


def test_socket_mode_counts_commands_and_times_their_acks(bed: SocketBed) -> None:
    before = scrape(bed.http)
    with json_lines() as logged:
        envelope = bed.command("help")
        bed.acked(envelope)
        bed.acked(bed.command("frc 12"))  # no such indicator
        bed.socket.redeliver(envelope)  # acked again, not run: one log line of that envelope
        (line,) = wait_for_line(logged, "delivered again")
    assert line["team_id"] == "T0PILOTE" and line["request_id"]
    after = scrape(bed.http)

    def grew(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert grew(COMMANDS, command="/kpi", kind="help", outcome="ok") == 1
    assert grew(COMMANDS, command="/kpi", kind="record_reading", outcome="invalid") == 1
    assert grew("pilote_ack_seconds_count", transport="socket", type="command") == 2
    assert grew("pilote_ack_seconds_count", transport="http", type="command") == 0
