"""Workspace settings (time zone and language) and a user's own choice of language."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading

from sqlalchemy.exc import SQLAlchemyError

from bot.domain.errors import InvalidInput
from bot.domain.indicators import WorkspaceView
from bot.i18n import LANGUAGES
from bot.services.common import Clock, Defaults, local_today, workspace_row, workspace_view
from storage import repositories as repo
from storage.db import Database

log = logging.getLogger(__name__)
# Slack's team ids (T…) and Enterprise Grid ids (E…): upper-case letters and digits.
TEAM_ID = re.compile(r"^[TE][A-Z0-9]{2,31}$")


class WorkspaceService:
    """Reads and creates workspace settings; remembers them, since every reply needs the language."""

    def __init__(self, db: Database, *, clock: Clock, defaults: Defaults) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults
        self._cache: dict[str, WorkspaceView] = {}
        self._lock = threading.Lock()

    def get(self, *, team_id: str) -> WorkspaceView:
        """The workspace's settings, created with the defaults on first use."""
        with self._lock:
            cached = self._cache.get(team_id)
        if cached is not None:
            return cached
        with self._db.read() as session:
            row = repo.get_workspace(session, team_id=team_id)
            view = workspace_view(row) if row is not None else None
        if view is None:
            with self._db.write() as session:
                view = workspace_view(
                    workspace_row(session, team_id=team_id, defaults=self._defaults, now=self._clock())
                )
        with self._lock:
            self._cache[team_id] = view
        return view

    def forget(self, *, team_id: str) -> None:
        """Drop the remembered settings of a workspace whose row was changed (a restore)."""
        with self._lock:
            self._cache.pop(team_id, None)

    def resolve(self, *, team_id: str | None, may_create: bool = False) -> str:
        """The workspace a shell command acts on: `team_id` (created when the database holds no
        workspace yet, or always with `may_create`), or the only one there is; InvalidInput when that
        is not clear."""
        with self._db.read() as session:
            known = repo.workspace_ids(session, limit=6)
        if team_id is not None:
            team_id = team_id.strip()
            if not TEAM_ID.match(team_id):
                raise InvalidInput("cli.team.bad", value=team_id[:40])
            if known and team_id not in known and not may_create:
                with self._db.read() as session:
                    if repo.get_workspace(session, team_id=team_id) is None:
                        raise InvalidInput("cli.team.unknown", value=team_id, known=known[:5])
            self.get(team_id=team_id)  # created on an empty database
            return team_id
        if not known:
            raise InvalidInput("cli.team.none")
        if len(known) > 1:
            raise InvalidInput("cli.team.many", known=known[:5])
        return known[0]

    def today(self, *, team_id: str) -> dt.date:
        """Today's date in the workspace's time zone."""
        return local_today(self._clock(), self.get(team_id=team_id).timezone)

    def language_or_default(self, *, team_id: str | None) -> str:
        """The workspace's language, or the default one when the database cannot tell (error replies)."""
        if team_id is None:
            return self._defaults.language
        try:
            return self.get(team_id=team_id).language
        except SQLAlchemyError as exc:
            log.warning("language of %s unknown, database error: %s", team_id, exc)
            return self._defaults.language

    def chosen_language(self, *, team_id: str, user_id: str) -> str | None:
        """The language the user chose for themself, None when they left it to Slack (or when the
        database cannot tell: a reply, even an error reply, still goes out)."""
        try:
            with self._db.read() as session:
                return repo.user_language(session, team_id=team_id, user_id=user_id)
        except SQLAlchemyError as exc:
            log.warning("language of %s/%s unknown, database error: %s", team_id, user_id, exc)
            return None

    def choose_language(self, *, team_id: str, user_id: str, language: str | None) -> str | None:
        """Store the user's language (None: Slack's again); returns what is now stored."""
        if language is not None and language not in LANGUAGES:
            raise InvalidInput("error.bad_language", value=language[:20], allowed=list(LANGUAGES))
        self.get(team_id=team_id)  # the workspace row the setting belongs to
        with self._db.write() as session:
            repo.set_user_language(
                session, team_id=team_id, user_id=user_id, language=language, now=self._clock()
            )
        return language
