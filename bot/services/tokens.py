"""API tokens of a workspace: made and revoked by an app admin from Slack, shown once, kept hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.keys import N_
from bot.domain.text import code_key
from bot.services.common import Clock, Defaults, workspace_row
from storage.db import Database
from storage.models import ApiToken

PREFIX = "pil_"  # a Pilote token says what it is (secret scanners match it)
SHOWN_CHARS = 10  # the first characters, kept to tell tokens apart
MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class TokenView:
    """A token as listed: never its secret."""

    id: int
    team_id: str
    name: str
    prefix: str
    created_by: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class NewToken:
    """A token just made: its secret, shown this once."""

    token: TokenView
    secret: str


def digest(secret: str) -> str:
    """What is stored of a token: its SHA-256 (a token is 256 random bits, a slow hash adds nothing)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _view(row: ApiToken) -> TokenView:
    return TokenView(
        id=row.id,
        team_id=row.team_id,
        name=row.name,
        prefix=row.prefix,
        created_by=row.created_by,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class TokenService:
    """Tokens for the ingestion API."""

    def __init__(self, db: Database, *, clock: Clock, defaults: Defaults) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults

    def create(self, *, team_id: str, user_id: str, name: str, is_admin: Callable[[], bool]) -> NewToken:
        """A new token named `name` (an app admin only); its secret is returned once, never kept."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME_CHARS:
            raise InvalidInput("error.token.bad_name", max=MAX_NAME_CHARS)
        if not is_admin():
            raise NotAllowed(N_("error.token.admin_only"))
        secret = PREFIX + secrets.token_urlsafe(32)
        now = self._clock()
        try:
            with self._db.write() as session:
                workspace_row(session, team_id=team_id, defaults=self._defaults, now=now)
                row = ApiToken(
                    team_id=team_id,
                    name=name,
                    name_key=code_key(name),
                    token_hash=digest(secret),
                    prefix=secret[:SHOWN_CHARS],
                    created_by=user_id,
                    created_at=now,
                )
                session.add(row)
                session.flush()
                return NewToken(token=_view(row), secret=secret)
        except IntegrityError:
            raise InvalidInput("error.token.exists", name=name) from None

    def list(self, *, team_id: str, is_admin: Callable[[], bool]) -> tuple[TokenView, ...]:
        """The workspace's live tokens, oldest first (for an app admin only)."""
        if not is_admin():
            raise NotAllowed(N_("error.token.admin_only"))
        with self._db.read() as session:
            rows = session.scalars(
                select(ApiToken)
                .where(ApiToken.team_id == team_id, ApiToken.revoked_at.is_(None))
                .order_by(ApiToken.created_at, ApiToken.id)
            )
            return tuple(_view(r) for r in rows)

    def revoke(self, *, team_id: str, user_id: str, name: str, is_admin: Callable[[], bool]) -> TokenView:
        """Revoke a live token by its name or its first characters (an app admin only): it is refused
        from the next request on."""
        if not is_admin():
            raise NotAllowed(N_("error.token.admin_only"))
        wanted = name.strip()
        with self._db.write() as session:
            rows = session.scalars(
                select(ApiToken)
                .where(ApiToken.team_id == team_id, ApiToken.revoked_at.is_(None))
                .with_for_update()
            ).all()
            found = [
                r
                for r in rows
                if r.name_key == code_key(wanted) or (len(wanted) >= 6 and r.prefix.startswith(wanted))
            ]
            if len(found) != 1:
                raise InvalidInput("error.token.unknown", name=wanted[:60], known=[r.name for r in rows][:10])
            row = found[0]
            row.revoked_at, row.revoked_by = self._clock(), user_id
            row.name_key = f"{row.name_key}~{row.id}"  # frees the name for a new token
            session.flush()
            return _view(row)

    def authenticate(self, *, secret: str) -> TokenView | None:
        """The live token whose secret this is, or None (unknown, malformed or revoked). Its last use
        is written by the request it lets in, in that request's own transaction."""
        if not secret.startswith(PREFIX) or len(secret) > 200:
            return None
        with self._db.read() as session:
            row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).one_or_none()
            return _view(row) if row is not None and row.revoked_at is None else None
