"""Everything Pilote sends to Slack on its own initiative, through slack_sdk's WebClient."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.slack.clients import Clients, clients_of
from bot.slack.limits import LimitedClient

COMMENT_MAX = 3900


LISTENER_MAX_WAIT_S = 1.0


def make_client(*, token: str, base_url: str, timeout: int = 15) -> WebClient:
    """A WebClient on `base_url` that waits out 429s and retries 5xx and dropped connections, its
    calls spaced by Slack's tiers (bot.slack.limits), delayed 1 s at most: its callers ack Slack."""
    client = LimitedClient(token=token, base_url=base_url, timeout=timeout, max_wait=LISTENER_MAX_WAIT_S)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    )
    # The default handler list already has a ConnectionErrorRetryHandler; keep just one.
    if not any(isinstance(h, ConnectionErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(ConnectionErrorRetryHandler())
    return client


class Notifier:
    """Posts and uploads on behalf of the bot."""

    def __init__(self, client: WebClient | Clients) -> None:
        self.clients = clients_of(client)

    def post(self, *, team_id: str, channel: str, message: dict) -> None:  # type: ignore[type-arg]
        """Post a message (text fallback and blocks) in a channel, with the team's bot token."""
        self.clients.for_team(team_id).chat_postMessage(channel=channel, **message)

    def upload_to_user(
        self, *, team_id: str, user_id: str, content: bytes, filename: str, title: str, comment: str
    ) -> None:
        """Share a file in the bot's DM with one user (files upload v2), never in a channel."""
        client = self.clients.for_team(team_id)
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            content=content,
            filename=filename,
            title=title,
            initial_comment=comment[:COMMENT_MAX],
        )

    def upload_png(
        self,
        *,
        team_id: str,
        channel: str,
        png: bytes,
        filename: str,
        title: str,
        alt_text: str,
        comment: str,
    ) -> None:
        """Share a PNG in a channel with the files upload v2 flow, with alt text and a text comment."""
        self.clients.for_team(team_id).files_upload_v2(
            channel=channel,
            content=png,
            filename=filename,
            title=title,
            alt_txt=alt_text,
            initial_comment=comment[:COMMENT_MAX],
        )
