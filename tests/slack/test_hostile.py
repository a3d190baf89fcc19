"""Signed requests of shapes Slack never sends: a 400 and one log line, never a 500, a traceback or a
row in the database."""

from __future__ import annotations

import json
import time
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import func, select

from bot.services import Defaults, Services
from storage.models import Workspace
from tests.support.databases import FixedClock
from tests.support.fake_slack import FakeSlack
from tests.support.signing import sign, slash_command_body
from tests.support.slackbed import SIGNING_SECRET, SlackBed


def payload(document: object) -> bytes:
    return b"payload=" + quote(json.dumps(document)).encode()


def command(**fields: str) -> bytes:
    return urlencode(fields).encode()


GOOD_USER = {"id": "U0ALICE"}
GOOD_TEAM = {"id": "T0PILOTE"}
JUNK = [
    payload([]), payload(1), payload("x"), payload(None), payload({}),
    payload({"type": "block_actions", "team": GOOD_TEAM, "user": GOOD_USER, "actions": "x"}),
    payload({"type": "block_actions", "team": GOOD_TEAM, "user": GOOD_USER, "actions": [1]}),
    payload({"type": "block_actions", "team": GOOD_TEAM, "user": GOOD_USER, "actions": [{}]}),
    payload({"type": "block_actions", "actions": [{"action_id": "a"}], "team": "x", "user": 1}),
    payload({"type": "view_submission", "team": GOOD_TEAM, "user": GOOD_USER, "view": 1}),
    payload({"type": "view_submission", "team": GOOD_TEAM, "user": GOOD_USER, "view": {"callback_id": 3}}),
    payload({"type": "view_closed", "team": GOOD_TEAM, "user": GOOD_USER,
             "view": {"callback_id": "x", "state": 2}}),
    command(command="/kpi"), command(command="/kpi", text="frc 1"), command(command="/kpi", team_id="T1"),
    command(command="kpi", team_id="T0PILOTE", user_id="U0ALICE", channel_id="C0PLAN"),
    b'{"type":"event_callback"}', b'{"type":"event_callback","team_id":"T0PILOTE","event":1}',
    b'{"type":"event_callback","team_id":"T0PILOTE","event":{"type":"app_home_opened","user":1}}',
    b'{"type":"url_verification","challenge":1}', b"[]", b"1", b"{}", b"{not json", b"", b"a=b",
    b"command=/kpi&text=frc 1&team_id=T0PILOTE" + b"\xff",
]  # fmt: skip
JUNK_TEAMS = ["", "T0PILOTE\x00", "t0pilote", "X123", "T" + "A" * 5000, "T0 PILOTE", "T0PILOTÉ"]


def workspaces(services: Services) -> int:
    with services.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Workspace)) or 0)


@pytest.mark.parametrize("body", JUNK, ids=range(len(JUNK)))
def test_a_signed_body_slack_never_sends_is_a_400_with_one_line(
    services: Services, fake_slack: FakeSlack, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    bed = SlackBed(services, fake_slack)
    json_like = body[:1] in (b"{", b"[", b"1")
    ctype = "application/json" if json_like else "application/x-www-form-urlencoded"
    reply = bed.request("POST", "/slack/events", body, {**sign(SIGNING_SECRET, body), "Content-Type": ctype})
    assert reply.status == 400 and reply.json == {"error": "malformed_payload"}
    assert not [r for r in caplog.records if r.exc_info], "no traceback for junk"
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 1
    assert workspaces(services) == 0
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize("team", JUNK_TEAMS, ids=range(len(JUNK_TEAMS)))
def test_a_junk_team_id_creates_no_workspace(services: Services, fake_slack: FakeSlack, team: str) -> None:
    bed = SlackBed(services, fake_slack)
    body = slash_command_body(
        command="/kpi", text="list", response_url=fake_slack.new_response_url(), team_id=team
    )
    assert bed.signed_post(body).status == 400
    assert workspaces(services) == 0


def test_what_slack_sends_still_passes(services: Services, fake_slack: FakeSlack) -> None:
    bed = SlackBed(services, fake_slack)
    reply = bed.command('new frc "Résolution" kind=ratio')
    assert reply.status == 200 and "frc" in reply.text
    assert workspaces(services) == 1


def readings(services: Services) -> int:
    from storage.models import Reading

    with services.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Reading)) or 0)


def test_the_same_signed_command_replayed_records_nothing_twice(
    services: Services, fake_slack: FakeSlack, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    bed = SlackBed(services, fake_slack)
    bed.command('new frc "Résolution" kind=ratio')
    body = slash_command_body(command="/kpi", text="frc 45/60", response_url=fake_slack.new_response_url())
    headers = sign(SIGNING_SECRET, body)
    first = bed.request("POST", "/slack/events", body, headers)
    assert first.status == 200 and "45/60" in first.text
    again = bed.request("POST", "/slack/events", body, headers)  # caught on the wire, sent again
    assert again.status == 200 and again.json == {}
    assert readings(services) == 1
    assert any("replayed request ignored" in r.getMessage() for r in caplog.records)
    # Another process on the same database sees it too: the memory is the database's.
    defaults = Defaults(timezone="Europe/Paris", language="fr")
    other = SlackBed(Services.build(services.db, defaults=defaults, clock=clock), fake_slack)
    assert other.request("POST", "/slack/events", body, headers).json == {}
    assert readings(services) == 1
    # Signed anew (a second later, another timestamp, another signature): its trigger id is the same.
    resigned = bed.request("POST", "/slack/events", body, sign(SIGNING_SECRET, body, int(time.time()) + 1))
    assert resigned.status == 200 and resigned.json == {} and readings(services) == 1
    # Ten minutes on, the signature is forgotten (Slack refuses it as stale anyway, five minutes on).
    clock.advance(minutes=11)
    assert services.replays.first_time(keys=[headers["X-Slack-Signature"]])


def test_a_new_request_with_the_same_text_is_taken(services: Services, fake_slack: FakeSlack) -> None:
    bed = SlackBed(services, fake_slack)
    bed.command('new frc "Résolution" kind=ratio')
    for _ in range(2):  # typed twice: two requests, two trigger ids, two signatures
        bed.command("frc 45/60")
    assert readings(services) == 2


def test_an_event_slack_resends_is_taken_once(services: Services, fake_slack: FakeSlack) -> None:
    from tests.support.events import event_body, event_headers

    bed = SlackBed(services, fake_slack)
    body = event_body({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0ALICE"})
    first = bed.request("POST", "/slack/events", body, event_headers(SIGNING_SECRET, body))
    assert first.status == 200
    fake_slack.wait_for("views.publish", timeout=10)
    # Slack's retry: the same event, signed anew (another timestamp), with X-Slack-Retry-Num.
    retried = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    signed_again = event_headers(SIGNING_SECRET, body, int(time.time()) - 1)
    retry = bed.request("POST", "/slack/events", body, {**retried, **signed_again})
    assert retry.status == 200 and retry.body == b"{}"  # answered by the replay check, not by Bolt
    bed.close_all()
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_the_bolt_app_checks_signatures_unless_told_otherwise(
    services: Services, fake_slack: FakeSlack
) -> None:
    """Closed by default: a request handed to the Bolt app by another road than PiloteWSGI (another
    adapter, a test, a future endpoint) is still refused without Slack's signature."""
    from slack_bolt.request import BoltRequest

    from bot.slack.app import build_app
    from bot.slack.notifier import make_client

    body = slash_command_body(command="/kpi", text="list", response_url=fake_slack.new_response_url())
    client = make_client(token=fake_slack.token, base_url=fake_slack.api_url)
    app, deps = build_app(client=client, signing_secret=SIGNING_SECRET, services=services)
    try:
        assert app.dispatch(BoltRequest(body=body.decode(), headers={})).status == 401
        signed = {k.lower(): [v] for k, v in sign(SIGNING_SECRET, body).items()}
        assert app.dispatch(BoltRequest(body=body.decode(), headers=signed)).status == 200
    finally:
        deps.close()
