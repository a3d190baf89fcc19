"""Slack installations in Pilote's database (SQLite and PostgreSQL): slack_sdk's stores on the tables
Alembic makes, every token sealed at rest under PILOTE_SECRET_KEY."""

from __future__ import annotations

import datetime as dt

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select

from storage.db import Database
from storage.installations import SealedInstallationStore, SealError, cipher_of, state_store
from storage.models import SLACK_BOTS, SLACK_INSTALLATIONS

KEY = "une clé de test assez longue pour Fernet, 2026"
BOT_TOKEN = "xoxb-1234-5678-sealedtoken"
REFRESH = "xoxe-1-refresh-" + "r" * 140  # rotation tokens are long; sealed, longer still


def installation(team: str = "T0PILOTE", token: str = BOT_TOKEN) -> Installation:
    return Installation(
        app_id="A0PILOTE",
        enterprise_id=None,
        team_id=team,
        team_name="Mairie de Pilote",
        bot_token=token,
        bot_id="B0PILOTE",
        bot_user_id="U0PILOTEBOT",
        bot_scopes="chat:write,commands",
        bot_refresh_token=REFRESH,
        bot_token_expires_at=int(dt.datetime(2026, 12, 4, tzinfo=dt.UTC).timestamp()),
        user_id="U0ALICE",
        installed_at=dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC).timestamp(),
    )


def store(db: Database, key: str = KEY) -> SealedInstallationStore:
    return SealedInstallationStore(client_id="111.222", engine=db.engine, cipher=cipher_of(key))


def test_tokens_are_sealed_at_rest_and_opened_for_slack(db: Database) -> None:
    installs = store(db)
    installs.save(installation())
    bot = installs.find_bot(enterprise_id=None, team_id="T0PILOTE")
    assert bot is not None and bot.bot_token == BOT_TOKEN and bot.bot_refresh_token == REFRESH
    found = installs.find_installation(enterprise_id=None, team_id="T0PILOTE")
    assert found is not None and found.bot_token == BOT_TOKEN
    with db.engine.connect() as conn:
        raw = [tuple(r) for t in (SLACK_BOTS, SLACK_INSTALLATIONS) for r in conn.execute(select(t))]
    text = repr(raw)
    assert BOT_TOKEN not in text and "refresh" not in text  # only sealed bytes in the database
    assert installs.find_bot(enterprise_id=None, team_id="T0OTHER") is None


def test_another_key_cannot_open_them(db: Database) -> None:
    store(db).save(installation())
    with pytest.raises(SealError):
        store(db, key="une autre clé, tout aussi longue que la première").find_bot(
            enterprise_id=None, team_id="T0PILOTE"
        )


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="PILOTE_SECRET_KEY"):
        cipher_of("trop courte")


def test_uninstalling_deletes_the_tokens(db: Database) -> None:
    installs = store(db)
    installs.save(installation())
    installs.save(installation(team="T0OTHER", token="xoxb-other"))
    installs.delete_installation(enterprise_id=None, team_id="T0PILOTE")
    installs.delete_bot(enterprise_id=None, team_id="T0PILOTE")
    assert installs.find_bot(enterprise_id=None, team_id="T0PILOTE") is None
    other = installs.find_bot(enterprise_id=None, team_id="T0OTHER")
    assert other is not None and other.bot_token == "xoxb-other"


def test_an_oauth_state_is_good_once(db: Database) -> None:
    states = state_store(engine=db.engine)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False
    assert states.consume("forged") is False
