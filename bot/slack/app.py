"""Builds the Bolt app: listeners, the one error handler, the Web API client on SLACK_API_URL."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.services import Services
from bot.slack import listeners
from bot.slack.blocks.common import internal_error_message
from bot.slack.notifier import Notifier

log = logging.getLogger("pilote.slack")


def _not_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that the client's
    # token wins: it is the same token, so the warning would only puzzle whoever starts Pilote.
    return "`token` will be unused" not in record.getMessage()


log.addFilter(_not_token_warning)


def _team_id(body: dict[str, Any]) -> str | None:
    team = body.get("team")
    if isinstance(team, dict):
        return team.get("id")
    return body.get("team_id")


def build_app(
    *,
    client: WebClient,
    signing_secret: str,
    services: Services,
    process_before_response: bool = True,
    verify_requests: bool = False,
) -> App:
    """The Bolt app of Pilote, with every listener registered.

    Signatures are checked once, on the raw bytes, by bot.slack.http before Bolt sees a request
    (Socket Mode has none to check); `verify_requests` makes Bolt check them a second time.
    """
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        request_verification_enabled=verify_requests,
        logger=log,
    )
    listeners.register(app, services, Notifier(client))

    @app.error
    def on_error(error: Exception, body: dict[str, Any], request: BoltRequest) -> BoltResponse:
        """Log the traceback; answer Slack 200 with a clear message rather than a 5xx."""
        log.error("listener failed: %s", type(error).__name__, exc_info=error)
        acked = request.context.ack.response if request.context.ack else None
        if acked is not None:
            return acked
        if body.get("command") or body.get("type") in ("block_actions", "view_submission", "shortcut"):
            lang = services.workspaces.language_or_default(team_id=_team_id(body))
            payload = {"response_type": "ephemeral", **internal_error_message(lang)}
            return BoltResponse(
                status=200,
                body=json.dumps(payload),
                headers={"content-type": "application/json;charset=utf-8"},
            )
        return BoltResponse(status=200, body="")

    return app
