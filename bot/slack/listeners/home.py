"""The App Home tab: published when the user opens it, republished with more rows on "show more"."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from bot.slack import ids
from bot.slack.blocks.home import SECTIONS, expanded_from, home_view, language_choice
from bot.slack.deps import SlackDeps
from bot.slack.people import Languages

log = logging.getLogger(__name__)

# Each "show more" button carries its section in its action_id (pilote.home.more:indicators), since
# Slack wants action_ids unique within a view: match the prefix.
SHOW_MORE = re.compile(r"^pilote\.home\.more(?::|$)")


def publish_home(
    client: WebClient,
    services: Services,
    languages: Languages,
    *,
    team_id: str,
    user_id: str,
    expanded: frozenset[str] = frozenset(),
) -> None:
    """Read the user's Home data, build the view in their language and publish it."""
    chosen = languages.chosen(team_id, user_id)
    lang = chosen or languages.of(team_id, user_id)
    data = services.home.home(team_id=team_id, user_id=user_id)
    view = home_view(lang, data, today=data.today, expanded=expanded, chosen_language=chosen)
    client.views_publish(user_id=user_id, view=view)


def _who(body: dict[str, Any]) -> tuple[str, str]:
    team_id = str((body.get("team") or {}).get("id") or (body.get("view") or {}).get("team_id") or "")
    return team_id, str((body.get("user") or {}).get("id") or "")


def _expanded(body: dict[str, Any]) -> frozenset[str]:
    return expanded_from(str((body.get("view") or {}).get("private_metadata") or ""))


def register(app: App, deps: SlackDeps) -> None:
    """Register app_home_opened, the Home tab's "show more" buttons and its language menu."""

    def on_home_opened(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab") != "home":  # the Messages tab opens through the same event
            return
        team_id = body.get("team_id") or context.team_id
        if not team_id or not event.get("user"):
            log.warning("app_home_opened without a team or a user: ignored")
            return
        # This app answers Slack after its listeners ran (process_before_response): the publication
        # goes to the refresher's thread, so the event is acknowledged at once. The user is looking
        # at the tab: no waiting for a quiet moment.
        deps.home.request(team_id=str(team_id), user_id=str(event["user"]), at_once=True)

    def ack_click(ack: Ack) -> None:
        ack()

    def republish(body: dict[str, Any], client: WebClient, expanded: frozenset[str]) -> None:
        team_id, user_id = _who(body)
        try:
            publish_home(
                client, deps.services, deps.languages, team_id=team_id, user_id=user_id, expanded=expanded
            )
        except SlackApiError as err:
            log.warning("Home tab of %s/%s not published: %s", team_id, user_id, err.response.get("error"))

    def show_more(body: dict[str, Any], client: WebClient) -> None:
        clicked = str(((body.get("actions") or [{}])[0]).get("value") or "")
        # The view remembers which lists were already expanded, so a second click keeps the first.
        shown = _expanded(body)
        republish(body, client, shown | ({clicked} if clicked in SECTIONS else set()))

    def store_language(ack: Ack, body: dict[str, Any]) -> None:
        # Stored before the ack, so that a failure reaches the error handler; the tab is republished
        # in the chosen language right after.
        team_id, user_id = _who(body)
        picked = (((body.get("actions") or [{}])[0]).get("selected_option") or {}).get("value")
        if not team_id or not user_id:
            log.warning("Home tab language without a team or a user: ignored")
            ack()
            return
        try:
            language = language_choice(str(picked or ""))
        except ValueError:
            log.warning("Home tab language %r from %s/%s: not one Pilote speaks", picked, team_id, user_id)
        else:
            deps.services.workspaces.choose_language(team_id=team_id, user_id=user_id, language=language)
        ack()

    def show_in_language(body: dict[str, Any], client: WebClient) -> None:
        republish(body, client, _expanded(body))

    app.event("app_home_opened")(on_home_opened)
    app.block_action(SHOW_MORE)(ack=ack_click, lazy=[show_more])
    app.block_action(ids.HOME_LANGUAGE)(ack=store_language, lazy=[show_in_language])
