"""Which Web API client speaks for a workspace.

In single-workspace mode (`SLACK_BOT_TOKEN`) one client speaks for every team. With many workspaces
each has its own bot token: the background senders (outbox, digests) ask for the client of the
team a message belongs to, never use one token for another team's messages.
"""

from __future__ import annotations

from typing import Protocol

from slack_sdk import WebClient


class Clients(Protocol):
    def for_team(self, team_id: str) -> WebClient:
        """The client holding the bot token of `team_id`."""
        ...


class OneWorkspace:
    """Single-workspace mode: the one bot token speaks for every team."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def for_team(self, team_id: str) -> WebClient:
        return self.client


def clients_of(given: WebClient | Clients) -> Clients:
    """A Clients for a client (single-workspace mode) or the Clients given."""
    return OneWorkspace(given) if isinstance(given, WebClient) else given
