"""Many workspaces: Slack's OAuth install through /slack/install and /slack/oauth_redirect, the token
sealed in Pilote's database, each workspace served with its own token, uninstalling deletes it."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.services import Services
from bot.slack.clients import Installed
from bot.slack.delivery import OutboxSender, sender_client
from bot.slack.notifier import make_client
from storage.db import Database
from storage.installations import SealedInstallationStore, cipher_of, state_store
from tests.slack.test_serve import free_port, wait_healthy
from tests.support.data import kpi
from tests.support.events import event_body, event_headers
from tests.support.fake_slack import FakeSlack
from tests.support.signing import sign, slash_command_body
from tests.support.slackbed import SIGNING_SECRET, SlackBed
from tests.support.specs import manifest_bot_scopes

KEY = "clé de scellement des jetons pour les tests, 2026"
NEW = "T0NEW"


@pytest.fixture
def store(db: Database, fake_slack: FakeSlack) -> SealedInstallationStore:
    return SealedInstallationStore(client_id=fake_slack.client_id, engine=db.engine, cipher=cipher_of(KEY))


@pytest.fixture
def bed(services: Services, db: Database, fake_slack: FakeSlack, store: SealedInstallationStore) -> SlackBed:
    oauth = OAuthSettings(
        client_id=fake_slack.client_id,
        client_secret=fake_slack.client_secret,
        scopes=manifest_bot_scopes(),
        installation_store=store,
        state_store=state_store(engine=db.engine),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        install_page_rendering_enabled=False,
    )
    clients = Installed(store, lambda token: make_client(token=token, base_url=fake_slack.api_url))
    senders = Installed(store, lambda token: sender_client(token=token, base_url=fake_slack.api_url))
    return SlackBed(services, fake_slack, clients=clients, sender_clients=senders, oauth=oauth)


def install(bed: SlackBed, fake: FakeSlack, team: str = NEW) -> str:
    """Click "Add to Slack", approve at Slack, come back: the bot token Slack issued."""
    start = bed.request("GET", "/slack/install")
    assert start.status == 302, start.body[:300]
    authorize = urlparse(start.headers["location"])
    asked = parse_qs(authorize.query)
    assert authorize.netloc == "slack.com" and asked["client_id"] == [fake.client_id]
    assert set(asked["scope"][0].split(",")) == set(manifest_bot_scopes())
    cookie = start.headers["set-cookie"].split(";")[0]
    fake.oauth_codes["code-1"] = (team, "Commune nouvelle")
    back = bed.request(
        "GET",
        "/slack/oauth_redirect",
        headers={"Cookie": cookie},
        query=f"code=code-1&state={asked['state'][0]}",
    )
    assert back.status == 200, back.body[:500]
    (token,) = [t for t, owner in fake.other_tokens.items() if owner == team]
    return token


def test_a_workspace_installs_pilote_and_is_served_with_its_own_token(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, store: SealedInstallationStore
) -> None:
    token = install(bed, fake_slack)
    bot = store.find_bot(enterprise_id=None, team_id=NEW)
    assert bot is not None and bot.bot_token == token
    reply = bed.command('new frc "Résolution" kind=ratio alert_below=60', team_id=NEW, user_id="U0NEWUSER")
    assert "frc" in reply.text
    bed.command("frc 30/60 @2026-10", team_id=NEW, user_id="U0NEWUSER")
    senders = Installed(store, lambda t: sender_client(token=t, base_url=fake_slack.api_url))
    assert OutboxSender(senders, services).drain() == 1  # the alert DM, with the new team's token
    (dm,) = fake_slack.calls_to("chat.postMessage")
    assert fake_slack.token_of(dm) == token


def test_a_state_that_was_not_issued_installs_nothing(
    bed: SlackBed, fake_slack: FakeSlack, store: SealedInstallationStore
) -> None:
    fake_slack.oauth_codes["code-1"] = (NEW, "Commune nouvelle")
    back = bed.request("GET", "/slack/oauth_redirect", query="code=code-1&state=forged")
    assert back.status >= 400
    assert store.find_bot(enterprise_id=None, team_id=NEW) is None
    assert fake_slack.calls_to("oauth.v2.access") == []


def test_uninstalling_deletes_the_tokens_and_keeps_the_workspaces_messages(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, store: SealedInstallationStore
) -> None:
    install(bed, fake_slack)
    kpi(services, 'new frc "Résolution" kind=ratio alert_below=60', user="U0NEWUSER", team=NEW)
    body = event_body({"type": "app_uninstalled"}, team_id=NEW)
    assert bed.request("POST", "/slack/events", body, event_headers(SIGNING_SECRET, body)).status == 200
    assert store.find_bot(enterprise_id=None, team_id=NEW) is None
    kpi(services, "frc 30/60 @2026-10", user="U0NEWUSER", team=NEW)
    senders = Installed(store, lambda t: sender_client(token=t, base_url=fake_slack.api_url))
    assert OutboxSender(senders, services).drain() == 0
    assert services.outbox.pending() == 1  # kept, in case the workspace installs Pilote again
    assert fake_slack.calls_to("chat.postMessage") == []


def test_pilote_serve_for_many_workspaces_installs_one_and_answers_it(
    db: Database, fake_slack: FakeSlack, store: SealedInstallationStore, tmp_path: Path
) -> None:
    """`pilote serve` with SLACK_CLIENT_ID and no SLACK_BOT_TOKEN: the install flow, then a command."""
    port = free_port()
    ours = ("SLACK_", "PILOTE_", "DATABASE")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update(
        SLACK_CLIENT_ID=fake_slack.client_id,
        SLACK_CLIENT_SECRET=fake_slack.client_secret,
        PILOTE_SECRET_KEY=KEY,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=db.url.render_as_string(hide_password=False),
        PILOTE_CHART_WORKERS="0",
    )
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
    try:
        wait_healthy(port, proc, log_path)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/slack/install")
        start = conn.getresponse()
        start.read()
        assert start.status == 302, log_path.read_text()[-2000:]
        state = parse_qs(urlparse(start.getheader("Location") or "").query)["state"][0]
        cookie = (start.getheader("Set-Cookie") or "").split(";")[0]
        fake_slack.oauth_codes["code-9"] = (NEW, "Commune nouvelle")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/slack/oauth_redirect?code=code-9&state={state}", headers={"Cookie": cookie})
        back = conn.getresponse()
        back.read()
        assert back.status == 200, log_path.read_text()[-2000:]
        bot = store.find_bot(enterprise_id=None, team_id=NEW)
        assert bot is not None and bot.bot_token in fake_slack.other_tokens
        body = slash_command_body(
            command="/kpi",
            text="list",
            response_url=fake_slack.new_response_url(),
            team_id=NEW,
            user_id="U0NEWUSER",
        )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/slack/events", body=body, headers=sign(SIGNING_SECRET, body))
        answer = conn.getresponse()
        assert answer.status == 200 and answer.read()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    output = log_path.read_text()
    assert "Traceback" not in output, output[-3000:]
    assert KEY not in output and fake_slack.client_secret not in output
    assert not [t for t in fake_slack.other_tokens if t in output]
