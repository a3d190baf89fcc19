"""Which Web API client speaks for a workspace.

In single-workspace mode (`SLACK_BOT_TOKEN`) one client speaks for every team. With many workspaces
each has its own bot token: the background senders (outbox, digests) ask for the client of the
team a message belongs to, never use one token for another team's messages.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore


class Clients(Protocol):
    #: one token speaks for every team (single-workspace mode): a token Slack refuses stops all sends
    shares_one_token: bool

    def for_team(self, team_id: str) -> WebClient:
        """The client holding the bot token of `team_id`."""
        ...

    def forget(self, team_id: str) -> None:
        """Slack refused the team's token: read it again next time (nothing to do with one token)."""
        ...


class OneWorkspace:
    """Single-workspace mode: the one bot token speaks for every team."""

    shares_one_token = True

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def for_team(self, team_id: str) -> WebClient:
        return self.client

    def forget(self, team_id: str) -> None:
        pass


def clients_of(given: WebClient | Clients) -> Clients:
    """A Clients for a client (single-workspace mode) or the Clients given."""
    return OneWorkspace(given) if isinstance(given, WebClient) else given


class NotInstalled(Exception):
    """No workspace of that id has Pilote installed (never, or uninstalled since)."""

    def __init__(self, team_id: str) -> None:
        super().__init__(team_id)
        self.team_id = team_id


class Installed:
    """Many-workspace mode: each team's bot token, read from the installation store (sealed at rest),
    kept a minute in memory; a client per token, made by `make` (a listener's or a sender's)."""

    shares_one_token = False

    def __init__(
        self,
        store: InstallationStore,
        make: Callable[[str], WebClient],
        *,
        keep_s: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self._make, self._keep, self._monotonic = store, make, keep_s, monotonic
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[float, str]] = {}
        self._clients: dict[str, WebClient] = {}

    def for_team(self, team_id: str) -> WebClient:
        now = self._monotonic()
        with self._lock:
            known = self._tokens.get(team_id)
        if known is None or now - known[0] > self._keep:
            bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
            if bot is None or not bot.bot_token:
                with self._lock:
                    self._tokens.pop(team_id, None)
                raise NotInstalled(team_id)
            known = (now, bot.bot_token)
            with self._lock:
                self._tokens[team_id] = known
        token = known[1]
        with self._lock:
            if token not in self._clients:
                self._clients[token] = self._make(token)
            return self._clients[token]

    def forget(self, team_id: str) -> None:
        """The team uninstalled Pilote, or its tokens were revoked: read the store again next time."""
        with self._lock:
            self._tokens.pop(team_id, None)
