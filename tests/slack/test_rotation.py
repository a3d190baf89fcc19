"""Rotating bot tokens: refreshed before they expire, once, by one process at a time (SQLite and
PostgreSQL), the new tokens sealed like the old."""

from __future__ import annotations

import threading
import time

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation

from storage.db import Database
from storage.installations import cipher_of
from storage.rotation import MARGIN_MINUTES, RotatingInstallationStore
from tests.support.fake_slack import FakeSlack

KEY = "clé de scellement des jetons pour les tests, 2026"
TEAM = "T0ROT"


def rotating(db: Database, fake: FakeSlack) -> RotatingInstallationStore:
    return RotatingInstallationStore(
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        engine=db.engine,
        cipher=cipher_of(KEY),
        client=WebClient(base_url=fake.api_url, timeout=5),
    )


def installed(store: RotatingInstallationStore, fake: FakeSlack, *, expires_in_s: float) -> str:
    token, refresh = "xoxe.xoxb-old", "xoxe-1-old"
    fake.other_tokens[token], fake.refresh_tokens[refresh] = TEAM, TEAM
    store.save(
        Installation(
            app_id="A0PILOTE",
            enterprise_id=None,
            team_id=TEAM,
            bot_token=token,
            bot_id="B0PILOTE",
            bot_user_id="U0PILOTEBOT",
            bot_scopes="chat:write",
            bot_refresh_token=refresh,
            bot_token_expires_at=int(time.time() + expires_in_s),
            user_id="U0ALICE",
        )
    )
    return token


def test_a_token_far_from_expiring_is_left_alone(db: Database, fake_slack: FakeSlack) -> None:
    store = rotating(db, fake_slack)
    old = installed(store, fake_slack, expires_in_s=(MARGIN_MINUTES + 60) * 60)
    bot = store.find_bot(enterprise_id=None, team_id=TEAM)
    assert bot is not None and bot.bot_token == old
    assert fake_slack.calls_to("oauth.v2.access") == []


def test_a_token_about_to_expire_is_refreshed_once_and_kept_sealed(
    db: Database, fake_slack: FakeSlack
) -> None:
    store = rotating(db, fake_slack)
    old = installed(store, fake_slack, expires_in_s=5 * 60)
    bot = store.find_bot(enterprise_id=None, team_id=TEAM)
    assert bot is not None and bot.bot_token != old and bot.bot_token in fake_slack.other_tokens
    assert bot.bot_token_expires_at is not None and bot.bot_token_expires_at > time.time() + 11 * 3600
    found = store.find_installation(enterprise_id=None, team_id=TEAM)  # what Bolt's authorize reads
    assert found is not None and found.bot_token == bot.bot_token
    assert len(fake_slack.calls_to("oauth.v2.access")) == 1 and store.refreshed == 1
    with db.engine.connect() as conn:
        assert bot.bot_token not in repr(conn.exec_driver_sql("SELECT bot_token FROM slack_bots").all())


def test_two_processes_at_once_ask_slack_once(db: Database, fake_slack: FakeSlack) -> None:
    first, second = rotating(db, fake_slack), rotating(db, fake_slack)  # two processes' stores
    installed(first, fake_slack, expires_in_s=60)
    fake_slack.hold("oauth.v2.access")  # the first refresher's call is on its way
    got: dict[str, str] = {}
    errors: list[BaseException] = []

    def read(name: str, store: RotatingInstallationStore) -> None:
        try:
            bot = store.find_bot(enterprise_id=None, team_id=TEAM)
            got[name] = bot.bot_token if bot is not None and bot.bot_token else ""
        except BaseException as err:  # noqa: BLE001 - fails the test below
            errors.append(err)

    a = threading.Thread(target=read, args=("a", first))
    a.start()
    fake_slack.wait_for("oauth.v2.access")  # A holds the lease and asks Slack
    b = threading.Thread(target=read, args=("b", second))
    b.start()
    time.sleep(0.3)  # B finds the lease taken and waits for A's token (this sleep only lets it get there)
    fake_slack.release()
    a.join(10)
    b.join(10)
    assert errors == [] and not a.is_alive() and not b.is_alive()
    assert len(fake_slack.calls_to("oauth.v2.access")) == 1
    assert got["a"] == got["b"] and got["a"] in fake_slack.other_tokens and got["a"] != "xoxe.xoxb-old"
