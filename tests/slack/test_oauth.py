"""Many workspaces: Slack's OAuth install through /slack/install and /slack/oauth_redirect, the token
sealed in Pilote's database, each workspace served with its own token, uninstalling deletes it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.services import Services
from bot.slack.clients import Installed
from bot.slack.delivery import OutboxSender, sender_client
from bot.slack.notifier import make_client
from storage.db import Database
from storage.installations import SealedInstallationStore, cipher_of, state_store
from tests.support.data import kpi
from tests.support.events import event_body, event_headers
from tests.support.fake_slack import FakeSlack
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
