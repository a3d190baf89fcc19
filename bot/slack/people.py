"""What Slack says about a user (users.info, cached), and the language Pilote speaks to each user."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import LANGUAGES
from bot.services.workspaces import WorkspaceService
from bot.slack.clients import Clients, NotInstalled, clients_of

log = logging.getLogger(__name__)
CACHE_SECONDS = 600.0
# How long a reply waits for Slack to say a user's language before it is written in the workspace's.
# The lookup goes on and its answer is kept, so the next reply is in the user's language.
LANGUAGE_WAIT_SECONDS = 0.5

User = dict[str, Any]


class SlackUsers:
    """users.info with the user's locale, asked at most every ten minutes a user and once at a time
    (callers asking about a user Slack has not answered for yet share that one request); None when
    Slack cannot tell (that answer is not kept: the next request asks again)."""

    def __init__(
        self, client: WebClient | Clients, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._clients, self._monotonic = clients_of(client), monotonic
        self._cache: dict[str, tuple[float, User]] = {}
        self._asking: dict[str, Future[User | None]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pilote-users-info")

    def get(self, user_id: str, *, team_id: str = "", wait: float | None = None) -> User | None:
        """The users.info `user` object, asked with the bot token of `team_id`; None when Slack
        refused, failed, or took longer than `wait` seconds (None: as long as Slack takes)."""
        with self._lock:
            cached = self._cache.get(user_id)
            if cached is not None and self._monotonic() - cached[0] < CACHE_SECONDS:
                return cached[1]
            asking = self._asking.get(user_id)
            if asking is None:
                asking = self._asking[user_id] = self._pool.submit(self._ask, team_id, user_id)
        try:
            return asking.result(timeout=wait)
        except WaitTimeout:
            log.info("users.info for %s still unanswered after %s s: answered without it", user_id, wait)
            return None

    def close(self) -> None:
        """Wait for the requests under way; take no more."""
        self._pool.shutdown(wait=True)

    def _ask(self, team_id: str, user_id: str) -> User | None:
        asked_at = self._monotonic()
        try:
            client = self._clients.for_team(team_id)
            user: User | None = dict(client.users_info(user=user_id, include_locale=True)["user"])
        except SlackApiError as err:
            log.warning("users.info failed for %s: %s", user_id, err.response.get("error", err))
            user = None
        except NotInstalled:  # the workspace uninstalled Pilote: nobody to ask
            user = None
        except OSError as err:  # Slack unreachable or too slow
            log.warning("users.info failed for %s: %r", user_id, err)
            user = None
        with self._lock:
            if user is not None:
                self._cache[user_id] = (asked_at, user)
            self._asking.pop(user_id, None)
        return user


def language_of_locale(locale: object) -> str | None:
    """Pilote's language for a Slack locale (`fr-FR`, `fr-CA`, `en-GB`…), None for another language."""
    if not isinstance(locale, str):
        return None
    lang = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in LANGUAGES else None


class Languages:
    """The language of a user: the one they chose in the Home tab, else their Slack language when Pilote
    speaks it, else the workspace's."""

    def __init__(
        self, users: SlackUsers, workspaces: WorkspaceService, *, wait: float | None = LANGUAGE_WAIT_SECONDS
    ) -> None:
        self._users, self._workspaces, self._wait = users, workspaces, wait

    def of(self, team_id: str | None, user_id: str | None) -> str:
        """The language to answer this user in (the workspace's when the user is unknown)."""
        if team_id and user_id:
            chosen = self.chosen(team_id, user_id)
            if chosen is not None:
                return chosen
            user = self._users.get(user_id, team_id=team_id, wait=self._wait)
            slack = language_of_locale(user.get("locale")) if user is not None else None
            if slack is not None:
                return slack
        return self._workspaces.language_or_default(team_id=team_id or None)

    def close(self) -> None:
        """Let the users.info requests under way end (the admin check shares them)."""
        self._users.close()

    def chosen(self, team_id: str, user_id: str) -> str | None:
        """The language the user chose, None when they left it to Slack."""
        return self._workspaces.chosen_language(team_id=team_id, user_id=user_id)
