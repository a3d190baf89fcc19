"""GET /metrics through Pilote's WSGI app, parsed as Prometheus parses it, around signed requests.

Metrics are the process's counters: each test compares values before and after what it does."""

from __future__ import annotations

import pytest

from bot.services import Services
from bot.slack.delivery import OutboxSender, sender_client
from bot.slack.http import PiloteWSGI
from tests.support.data import kpi
from tests.support.databases import FixedClock
from tests.support.fake_slack import FakeSlack
from tests.support.metrics import Scrape, scrape
from tests.support.slackbed import SIGNING_SECRET, SlackBed

COMMANDS = "pilote_commands_total"
ACKS = "pilote_ack_seconds_count"
READINGS = "pilote_readings_stored_total"
OUTBOX = "pilote_outbox_deliveries_total"
ERRORS = "pilote_slack_api_errors_total"
BACKLOG = "pilote_outbox_backlog"


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> SlackBed:
    bed = SlackBed(services, fake_slack)
    # As `pilote serve` wires it: the backlog read from the outbox at each scrape.
    bed.wsgi = PiloteWSGI(
        bed.app,
        signing_secret=SIGNING_SECRET,
        health=services.db.ping,
        first_time=lambda keys: services.replays.first_time(keys=keys),
        backlog=services.outbox.backlog,
    )
    return bed


def grew(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    return after.value(name, **labels) - before.value(name, **labels)


def total(page: Scrape, name: str) -> float:
    return sum(value for (sample, _), value in page.samples.items() if sample == name)


def test_a_reading_counts_a_command_a_reading_and_an_ack(bed: SlackBed) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    before = scrape(bed)
    reply = bed.command("frc 45/60")
    assert "45/60" in reply.text
    after = scrape(bed)
    assert grew(before, after, COMMANDS, command="/kpi", kind="record_reading", outcome="ok") == 1
    assert grew(before, after, READINGS, source="slack") == 1
    assert grew(before, after, ACKS, transport="http", type="command") == 1
    # Nothing else was counted meanwhile (a scrape is neither a command nor an ack).
    assert total(after, COMMANDS) - total(before, COMMANDS) == 1
    assert total(after, ACKS) - total(before, ACKS) == 1
    assert after.families["pilote_ack_seconds"].type == "histogram"


def test_invalid_input_is_counted_invalid_and_stores_nothing(bed: SlackBed) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    before = scrape(bed)
    bed.command("frc abc")  # parsed as a reading, refused by its value
    bed.command("<!channel>")  # not even a subcommand
    after = scrape(bed)
    assert grew(before, after, COMMANDS, command="/kpi", kind="record_reading", outcome="invalid") == 1
    assert grew(before, after, COMMANDS, command="/kpi", kind="unparsed", outcome="invalid") == 1
    assert grew(before, after, COMMANDS, command="/kpi", kind="record_reading", outcome="ok") == 0
    assert grew(before, after, READINGS, source="slack") == 0


def test_the_other_commands_are_counted_by_kind(bed: SlackBed) -> None:
    before = scrape(bed)
    bed.command("list", command="/action")
    bed.command("status", command="/dashboard")
    bed.command("nimportequoi", command="/dashboard")  # a scope: parsed, then refused (no such scope)
    bed.command("subscribe xyz", command="/dashboard")  # refused by the grammar
    after = scrape(bed)
    assert grew(before, after, COMMANDS, command="/action", kind="list_actions", outcome="ok") == 1
    assert grew(before, after, COMMANDS, command="/dashboard", kind="show_subscription", outcome="ok") == 1
    assert grew(before, after, COMMANDS, command="/dashboard", kind="show_dashboard", outcome="invalid") == 1
    assert grew(before, after, COMMANDS, command="/dashboard", kind="unparsed", outcome="invalid") == 1


def test_a_listener_that_fails_is_counted_error(
    bed: SlackBed, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.indicators, "summaries", broken)
    before = scrape(bed)
    reply = bed.command("list")
    assert reply.json["response_type"] == "ephemeral"  # the error handler's message
    after = scrape(bed)
    assert grew(before, after, COMMANDS, command="/kpi", kind="list_indicators", outcome="error") == 1


def test_a_refused_signature_is_no_command_and_no_ack(bed: SlackBed) -> None:
    before = scrape(bed)
    assert bed.request("POST", "/slack/events", b"command=%2Fkpi&text=list").status == 401
    after = scrape(bed)
    assert total(after, COMMANDS) == total(before, COMMANDS) and total(after, ACKS) == total(before, ACKS)


def alerting(services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60 owner=<@U0BOB|bob>')
    kpi(services, "frc 30/60 @2026-10")  # an alert DM for bob, in the outbox


def test_backlog_then_a_delivery_counted_sent(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    alerting(services)
    before = scrape(bed)
    assert before.value(BACKLOG, kind="alert") == 1 and before.families[BACKLOG].type == "gauge"
    sender = OutboxSender(sender_client(token=fake_slack.token, base_url=fake_slack.api_url), services)
    assert sender.drain() == 1
    after = scrape(bed)
    assert grew(before, after, OUTBOX, kind="alert", result="sent") == 1
    assert after.value(BACKLOG, kind="alert") == 0 and after.has(BACKLOG, kind="alert")


def test_slack_errors_by_method_and_code(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, clock: FixedClock
) -> None:
    alerting(services)
    sender = OutboxSender(sender_client(token=fake_slack.token, base_url=fake_slack.api_url), services)
    before = scrape(bed)
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "30"})
    assert sender.drain() == 0
    middle = scrape(bed)
    assert grew(before, middle, ERRORS, method="chat.postMessage", code="ratelimited") == 1
    assert grew(before, middle, OUTBOX, kind="alert", result="retried") == 1
    assert middle.value(BACKLOG, kind="alert") == 1  # still pending
    # Past its Retry-After, Slack refuses the message itself: given up on, and counted so.
    clock.advance(seconds=31)
    fake_slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "user_disabled"})
    assert sender.drain() == 0
    after = scrape(bed)
    assert grew(middle, after, ERRORS, method="chat.postMessage", code="user_disabled") == 1
    assert grew(middle, after, OUTBOX, kind="alert", result="refused") == 1
    assert after.value(BACKLOG, kind="alert") == 0


def test_a_dropped_connection_is_a_network_error(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    alerting(services)
    sender = OutboxSender(sender_client(token=fake_slack.token, base_url=fake_slack.api_url), services)
    before = scrape(bed)
    fake_slack.drop_after_accept("chat.postMessage")
    assert sender.drain() == 0
    after = scrape(bed)
    assert grew(before, after, ERRORS, method="chat.postMessage", code="network") == 1
    assert grew(before, after, OUTBOX, kind="alert", result="retried") == 1


TOKEN = "metrics-token-0123456789"


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Bearer wrong-token-0123456789", 401), (TOKEN, 401), (f"Bearer {TOKEN}", 200)],
)
def test_a_metrics_token_is_asked_for_when_set(
    bed: SlackBed, services: Services, authorization: str | None, status: int
) -> None:
    bed.wsgi = PiloteWSGI(
        bed.app, signing_secret=SIGNING_SECRET, health=services.db.ping, metrics_token=TOKEN
    )
    reply = bed.request("GET", "/metrics", headers={"Authorization": authorization} if authorization else {})
    assert reply.status == status
    if status == 200:
        assert b"pilote_commands_total" in reply.body
    else:
        assert reply.headers["www-authenticate"].startswith("Bearer") and b"pilote_" not in reply.body
    assert bed.request("GET", "/healthz").status == 200  # the health check asks for no token


def test_metrics_answer_get_only(bed: SlackBed) -> None:
    assert bed.request("POST", "/metrics").status == 404
    assert bed.request("HEAD", "/metrics").status == 200


def test_a_backlog_that_cannot_be_read_leaves_the_counters(
    bed: SlackBed, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    def down() -> dict[str, int]:
        raise ConnectionError("database down")

    bed.wsgi = PiloteWSGI(bed.app, signing_secret=SIGNING_SECRET, health=services.db.ping, backlog=down)
    page = scrape(bed)
    assert BACKLOG not in page.families and "pilote_commands" in page.families  # a counter's family
    assert "outbox backlog not read" in caplog.text
