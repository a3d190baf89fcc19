"""Builds the Bolt app: listeners, the one error handler, the Web API client on SLACK_API_URL."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.services import Services
from bot.slack import listeners
from bot.slack.admins import Admins
from bot.slack.blocks.common import internal_error_message, internal_error_modal
from bot.slack.clients import Clients, OneWorkspace
from bot.slack.counting import CountingApp, failed
from bot.slack.delivery import sender_client
from bot.slack.deps import AfterAck, CarryingPool, SlackDeps
from bot.slack.home_refresher import MIN_INTERVAL_SECONDS, QUIET_SECONDS, HomeRefresher
from bot.slack.listeners.home import publish_home
from bot.slack.notifier import Notifier
from bot.slack.people import Languages, SlackUsers

log = logging.getLogger("pilote.slack")
_JSON: dict[str, str | Sequence[str]] = {"content-type": "application/json;charset=utf-8"}


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


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    return body.get("user_id")


# The bot scopes Pilote asks a workspace for when it installs the app (manifest.yml says the same;
# a test compares them).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "im:write",
    "im:history",
    "channels:history",
    "users:read",
)


def build_app(
    *,
    client: WebClient,
    signing_secret: str,
    services: Services,
    process_before_response: bool = True,
    verify_requests: bool = True,
    verify_token: bool = True,
    admin_ids: frozenset[str] = frozenset(),
    home_interval: float = MIN_INTERVAL_SECONDS,
    home_quiet: float = QUIET_SECONDS,
    clients: Clients | None = None,
    sender_clients: Clients | None = None,
    oauth: OAuthSettings | None = None,
) -> tuple[App, SlackDeps]:
    """The Bolt app of Pilote with every listener registered, and what its listeners share.

    Closed by default: Bolt checks every HTTP request's signature (Socket Mode has none to check),
    after bot.slack.http has checked it on the raw bytes; a caller that hands Bolt requests some
    other way gets the check too. Only `verify_requests=False`, said explicitly, turns it off.
    """
    app = CountingApp(  # counts each slash command by name, kind and outcome
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        request_verification_enabled=verify_requests,
        token_verification_enabled=verify_token and oauth is None,  # auth.test at start, one token
        logger=log,
        # Many workspaces: /slack/install and /slack/oauth_redirect, each request's token found in
        # the installation store (then `clients` must read it too).
        oauth_settings=oauth,
        installation_store=oauth.installation_store if oauth is not None else None,
        # Lazy listeners run in this pool: their log lines keep the request's ids.
        listener_executor=CarryingPool(max_workers=5),
    )
    if oauth is not None:
        app.enable_token_revocation_listeners()  # app_uninstalled, tokens_revoked: tokens deleted
    # Which client speaks for each team (single-workspace mode: `client`, for all of them).
    clients = clients or OneWorkspace(client)
    sender_clients = sender_clients or OneWorkspace(
        sender_client(token=client.token or "", base_url=client.base_url)
    )
    users = SlackUsers(clients)
    languages = Languages(users, services.workspaces)
    home = HomeRefresher(
        lambda team_id, user_id: publish_home(
            clients.for_team(team_id), services, languages, team_id=team_id, user_id=user_id
        ),
        min_interval=home_interval,
        quiet=home_quiet,
    )
    deps = SlackDeps(
        services=services,
        notifier=Notifier(clients),
        admins=Admins(users, configured=admin_ids),
        languages=languages,
        home=home,
        later=AfterAck(),
        sender_clients=sender_clients,
    )
    listeners.register(app, deps)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], request: BoltRequest) -> BoltResponse:
        """Log the traceback; answer Slack 200 with a clear message rather than a 5xx."""
        log.error("listener failed: %s", type(error).__name__, exc_info=error)
        failed(request.context)
        acked = request.context.ack.response if request.context.ack else None
        if acked is not None:
            return acked
        if body.get("type") == "view_submission":
            lang = languages.of(_team_id(body), _user_id(body))
            # A message is no answer to a form: push a view over it, so that going back keeps the input.
            payload = {"response_action": "push", "view": internal_error_modal(lang)}
            return BoltResponse(status=200, body=json.dumps(payload), headers=_JSON)
        if body.get("command") or body.get("type") in ("block_actions", "shortcut"):
            lang = languages.of(_team_id(body), _user_id(body))
            payload = {"response_type": "ephemeral", **internal_error_message(lang)}
            return BoltResponse(status=200, body=json.dumps(payload), headers=_JSON)
        return BoltResponse(status=200, body="")

    return app, deps
