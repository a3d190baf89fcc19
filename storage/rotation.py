"""Rotating bot tokens (Slack's token rotation): refreshed before they expire, by one process at a time.

A workspace installed with token rotation gets a bot token that lasts 12 hours and a refresh token.
Every reader of the installation store (Bolt's authorize for each request, the outbox and digest
senders through clients.Installed) goes through RotatingInstallationStore: a token that expires
within MARGIN is refreshed first. Many processes may read at once: the one that takes the lease
(a row of `token_refreshes`, claimed with one atomic statement) asks Slack (`oauth.v2.access`,
`grant_type=refresh_token`), outside any transaction, and saves the new tokens; the others wait a
little for them, then go on with the token they have (still valid for MARGIN). Bolt's own rotation
is given a shorter margin than this one, so that it never finds a token to refresh itself.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable

from cryptography.fernet import Fernet
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import insert, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.installations import SealedInstallationStore
from storage.models import TokenRefresh

log = logging.getLogger("pilote.rotation")

MARGIN_MINUTES = 30  # a token expiring sooner than this is refreshed
BOLT_MARGIN_MINUTES = 10  # Bolt's own rotator's margin: below ours, so it never rotates
LEASE = dt.timedelta(seconds=30)
WAIT_STEPS, WAIT_STEP_S = 20, 0.1  # how long a process without the lease waits for the new token


class RotatingInstallationStore(SealedInstallationStore):
    """The sealed installation store, refreshing a rotating token that is about to expire."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        engine: Engine,
        cipher: Fernet,
        client: WebClient,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(client_id=client_id, engine=engine, cipher=cipher)
        self._rotator = TokenRotator(client_id=client_id, client_secret=client_secret, client=client)
        self._now = now
        self._me = uuid.uuid4().hex
        self.refreshed = 0  # refreshes this process made (tests, logs)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = super().find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        if found is None or user_id is not None or not self._expiring(found.bot_token_expires_at):
            return found
        return self._refreshed(found, team_id or "") or found

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        bot = super().find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if bot is None or not self._expiring(bot.bot_token_expires_at):
            return bot
        self.find_installation(enterprise_id=enterprise_id, team_id=team_id)  # refreshes it
        return super().find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )

    def _expiring(self, expires_at: int | None) -> bool:
        return expires_at is not None and expires_at <= self._now() + MARGIN_MINUTES * 60

    def _refreshed(self, installation: Installation, team_id: str) -> Installation | None:
        if not self._claim(team_id):
            for _ in range(WAIT_STEPS):  # another process is asking Slack: wait for its token
                time.sleep(WAIT_STEP_S)
                again = super().find_installation(enterprise_id=installation.enterprise_id, team_id=team_id)
                if again is not None and again.bot_token != installation.bot_token:
                    return again
            return None
        try:
            # Read again under the lease: the last holder may have just saved a new token.
            current = super().find_installation(enterprise_id=installation.enterprise_id, team_id=team_id)
            if current is None or not self._expiring(current.bot_token_expires_at):
                return current
            rotated = self._rotator.perform_token_rotation(
                installation=current, minutes_before_expiration=MARGIN_MINUTES
            )
            if rotated is None:
                return current
            self.save(rotated)
            self.refreshed += 1
            log.info("bot token of %s refreshed (rotation)", team_id)
            return rotated
        finally:
            self._release(team_id)

    def _claim(self, team_id: str) -> bool:
        """Take the refresh lease of a workspace: one atomic statement, so two processes cannot both."""
        now = dt.datetime.now(dt.UTC)
        table = TokenRefresh.__table__
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(table)
                .where(table.c.team_id == team_id, or_(table.c.until < now, table.c.holder == self._me))
                .values(holder=self._me, until=now + LEASE)
            ).rowcount
        if taken == 1:
            return True
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(table).values(team_id=team_id, holder=self._me, until=now + LEASE))
            return True
        except IntegrityError:  # someone else holds it
            return False

    def _release(self, team_id: str) -> None:
        table = TokenRefresh.__table__
        with self.engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.team_id == team_id, table.c.holder == self._me)
                .values(until=dt.datetime.now(dt.UTC) - LEASE)
            )
