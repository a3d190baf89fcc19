"""Slack installations (one per workspace that installed Pilote through OAuth) in Pilote's database.

slack_sdk's SQLAlchemy installation and state stores, on tables Alembic creates (migration 0008),
with every token sealed at rest: the bot and user tokens and their refresh tokens are encrypted with
Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from PILOTE_SECRET_KEY. A row read with
another key fails to open, loudly, instead of handing Slack a garbled token.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table, Text, TypeDecorator
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.types import TypeEngine

BOTS_TABLE = "slack_bots"
INSTALLATIONS_TABLE = "slack_installations"
STATES_TABLE = "slack_oauth_states"
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
MIN_KEY_LENGTH = 32


class SealError(RuntimeError):
    """A sealed token that this key cannot open (PILOTE_SECRET_KEY changed, or the row was altered)."""


def cipher_of(secret_key: str) -> Fernet:
    """The Fernet cipher of PILOTE_SECRET_KEY (any text of 32 characters or more)."""
    if len(secret_key) < MIN_KEY_LENGTH:
        raise ValueError(f"PILOTE_SECRET_KEY must be at least {MIN_KEY_LENGTH} characters long")
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest()))


class Sealed(TypeDecorator[str]):
    """A text column whose values are encrypted on their way in and decrypted on their way out."""

    impl = Text
    cache_ok = True

    def __init__(self, cipher: Fernet) -> None:
        super().__init__()
        self._cipher = cipher

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self._cipher.encrypt(str(value).encode()).decode()

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return self._cipher.decrypt(str(value).encode()).decode()
        except InvalidToken:
            raise SealError("a Slack token in the database cannot be opened with PILOTE_SECRET_KEY") from None


def _tokens_typed(table: Table, make: Callable[[], TypeEngine[Any]]) -> Table:
    """The table with its token columns of the type `make` gives."""
    for name in TOKEN_COLUMNS:
        if name in table.c:
            table.c[name].type = make()
    return table


def _widened(table: Table) -> Table:
    # A sealed token is about three times as long as the token: no width limit on those columns.
    return _tokens_typed(table, Text)


def define_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    """slack_sdk's three tables as Pilote's schema has them (storage.models registers them)."""
    bots = _widened(SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE))
    store = SQLAlchemyInstallationStore
    installations = _widened(store.build_installations_table(metadata, INSTALLATIONS_TABLE))
    states = SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, STATES_TABLE)
    return bots, installations, states


class SealedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store, its tokens sealed with `cipher`."""

    def __init__(self, *, client_id: str, engine: Engine, cipher: Fernet) -> None:
        super().__init__(
            client_id=client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
        for table in (self.bots, self.installations):
            _tokens_typed(table, lambda: Sealed(cipher))

    def create_tables(self) -> None:  # the tables are Alembic's (migration 0008)
        raise RuntimeError("run `pilote db upgrade`: Alembic creates the installation tables")


def state_store(*, engine: Engine, expiration_seconds: int = 600) -> SQLAlchemyOAuthStateStore:
    """The OAuth state store (a state is good once, for ten minutes) on Pilote's database."""
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=expiration_seconds, engine=engine, table_name=STATES_TABLE
    )
