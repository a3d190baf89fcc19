"""Buttons and modals: ack, read and check through the domain, one service call, reply.

Modal submissions are checked and stored before the ack, so that a wrong field is answered inside
the modal (response_action "errors": Slack keeps it open with what was typed). Confirmations, and
everything a button does, run after the ack in Bolt lazy listeners: nothing slow sits before it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.domain.action_grammar import parse_number
from bot.domain.actions import ActionStatus, ActionView
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.indicators import RecordResult
from bot.i18n import N_
from bot.slack import ids
from bot.slack.blocks import actions as action_blocks
from bot.slack.blocks import kpi as kpi_blocks
from bot.slack.blocks import modal_values
from bot.slack.blocks.common import Message, error_message, notice_message
from bot.slack.blocks.modal_values import ModalErrors
from bot.slack.blocks.modals import card_modal, new_action_modal, progress_modal, record_reading_modal
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)

# The Home tab may suffix action_ids to keep them unique in one view ("pilote.home.record_reading:frc").
MARK_DONE = re.compile(r"^pilote\.action\.done")
UPDATE_PROGRESS = re.compile(r"^pilote\.action\.progress")
OPEN_JOURNAL = re.compile(r"^pilote\.action\.journal")
HOME_NEW_ACTION = re.compile(r"^pilote\.home\.new_action")
HOME_RECORD_READING = re.compile(r"^pilote\.home\.record_reading")
# Where a submission's ack function leaves its result for the lazy listener that confirms it.
OUTCOME = "pilote_outcome"
# The bot cannot post (even ephemerally) there: the confirmation goes to the user's DM instead.
_CHANNEL_ERRORS = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "user_not_in_channel"}
)


def who(body: dict[str, Any]) -> tuple[str, str]:
    """(team_id, user_id) of an interactive payload."""
    user = body.get("user") or {}
    team = body.get("team") or {}
    view = body.get("view") or {}
    return str(team.get("id") or user.get("team_id") or view.get("team_id") or ""), str(user.get("id") or "")


def clicked_value(body: dict[str, Any]) -> str:
    """The value of the button that was clicked ("" when it has none)."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _channel_of(body: dict[str, Any]) -> str | None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(channel) if channel else None


def _slack_error(err: SlackApiError) -> str:
    return str(err.response.get("error", "")) if err.response is not None else ""


def tell(client: WebClient, *, channel: str | None, user_id: str, reply: Message) -> None:
    """Ephemeral in the channel the user acted from; a DM when there is none or the bot cannot post there."""
    if channel and not channel.startswith(("U", "W")):
        try:
            client.chat_postEphemeral(channel=channel, user=user_id, **reply)
            return
        except SlackApiError as err:
            if _slack_error(err) not in _CHANNEL_ERRORS:
                raise
            log.info("ephemeral in %s refused (%s): DM instead", channel, _slack_error(err))
    client.chat_postMessage(channel=user_id, **reply)


def answer(body: dict[str, Any], respond: Respond, client: WebClient, reply: Message) -> None:
    """Answer a click: ephemeral through the response_url of a message, else (Home tab, modal) by DM."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **reply)
        return
    client.chat_postMessage(channel=who(body)[1], **reply)


def open_view(
    lang: str, body: dict[str, Any], respond: Respond, client: WebClient, view: dict[str, Any]
) -> None:
    """Open a modal on the click's trigger_id (stacked when the click came from a modal)."""
    try:
        if (body.get("view") or {}).get("type") == "modal":
            client.views_push(trigger_id=body["trigger_id"], view=view)
        else:
            client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as err:
        # Most often the trigger expired (3 s): say so rather than leave the click unanswered.
        log.warning("modal %s did not open: %s", view.get("callback_id"), _slack_error(err) or err)
        answer(
            body,
            respond,
            client,
            notice_message(lang, N_("modal.open_failed"), error=_slack_error(err) or "?"),
        )


def _logged(func: Callable[..., None]) -> Callable[..., None]:
    """Lazy listeners run in a thread where Bolt keeps only the message: keep the traceback too."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except Exception:  # logged with its traceback; Slack was acked long ago
            log.exception("%s failed", func.__name__)

    return wrapper


def _modal_errors(lang: str, callback_id: str, error: ModalErrors | DomainError) -> dict[str, str]:
    if isinstance(error, ModalErrors):
        return modal_values.error_texts(lang, error.errors)
    return {modal_values.service_error_block(callback_id, error): modal_values.error_text(lang, error)}


def register(app: App, deps: SlackDeps) -> None:
    """Register the modals' submissions and the buttons of action messages and of the Home tab."""
    services = deps.services

    def lang_of(body: dict[str, Any]) -> str:
        return deps.languages.of(*who(body))

    def indicator_choices(team_id: str) -> list[tuple[str, str]]:
        return [(s.indicator.code, s.indicator.name) for s in services.indicators.summaries(team_id=team_id)]

    # ---------------------------------------------------------------------------------------------
    # Modal submissions: checked and stored before the ack; confirmed after it.

    def submit(
        ack: Ack,
        context: BoltContext,
        callback_id: str,
        work: Callable[[str, str], object],
        body: dict[str, Any],
    ) -> None:
        team_id, user_id = who(body)
        lang = lang_of(body)
        try:
            outcome = work(team_id, user_id)
        except (ModalErrors, DomainError) as err:
            ack(response_action="errors", errors=_modal_errors(lang, callback_id, err))
            return
        ack()
        context[OUTCOME] = outcome
        deps.home.request(team_id=team_id, user_id=user_id)  # their Home tab shows it (off the request path)

    def on_new_action(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        def work(team_id: str, user_id: str) -> ActionView:
            fields = modal_values.new_action_fields(modal_values.state_values(view))
            return services.actions.create(team_id=team_id, user_id=user_id, fields=fields)

        submit(ack, context, ids.NEW_ACTION_MODAL, work, body)

    def on_progress(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        def work(team_id: str, user_id: str) -> ActionView:
            number = modal_values.metadata(view).get("number")
            if not isinstance(number, int):
                raise InvalidInput("error.bad_action_number", value=str(number)[:20])
            update = modal_values.progress_update(modal_values.state_values(view))
            return services.actions.update_status(
                team_id=team_id,
                user_id=user_id,
                number=number,
                status=update.status,
                progress=update.progress,
                note=update.note,
            )

        submit(ack, context, ids.PROGRESS_MODAL, work, body)

    def on_record(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        def work(team_id: str, user_id: str) -> RecordResult:
            command = modal_values.reading_command(modal_values.state_values(view), lang_of(body))
            result = services.indicators.record(team_id=team_id, user_id=user_id, command=command)
            metrics.readings_stored("slack")
            return result

        submit(ack, context, ids.RECORD_MODAL, work, body)

    @_logged
    def confirm_action(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        action = context.get(OUTCOME)
        if not isinstance(action, ActionView):
            return  # the modal showed errors: nothing to confirm
        team_id, user_id = who(body)
        title_key = (
            N_("action.created") if view.get("callback_id") == ids.NEW_ACTION_MODAL else N_("action.updated")
        )
        reply = action_blocks.action_message(
            lang_of(body),
            action,
            team_id=team_id,
            today=services.workspaces.today(team_id=team_id),
            title_key=title_key,
        )
        channel = modal_values.metadata(view).get("channel_id")
        tell(client, channel=channel if isinstance(channel, str) else None, user_id=user_id, reply=reply)

    @_logged
    def confirm_reading(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        result = context.get(OUTCOME)
        if not isinstance(result, RecordResult):
            return
        team_id, user_id = who(body)
        timezone = services.workspaces.get(team_id=team_id).timezone
        reply = kpi_blocks.recorded_message(lang_of(body), result, timezone=timezone)
        client.chat_postMessage(channel=user_id, **reply)

    app.view(ids.NEW_ACTION_MODAL)(ack=on_new_action, lazy=[confirm_action])
    app.view(ids.PROGRESS_MODAL)(ack=on_progress, lazy=[confirm_action])
    app.view(ids.RECORD_MODAL)(ack=on_record, lazy=[confirm_reading])

    # ---------------------------------------------------------------------------------------------
    # Buttons: acked at once; the work (and views.open, while the trigger_id is fresh) right after.

    def ack_click(ack: Ack) -> None:
        ack()

    def action_number(body: dict[str, Any]) -> int:
        return parse_number(ids.in_team(who(body)[0], clicked_value(body)))

    def action_error(
        body: dict[str, Any], respond: Respond, client: WebClient, lang: str, err: DomainError
    ) -> None:
        answer(body, respond, client, error_message(lang, err, help_key=N_("error.see_action_help")))

    @_logged
    def mark_done(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        team_id, user_id = who(body)
        lang = lang_of(body)
        try:
            action = services.actions.update_status(
                team_id=team_id, user_id=user_id, number=action_number(body), status=ActionStatus.DONE
            )
        except DomainError as err:
            action_error(body, respond, client, lang, err)
            return
        deps.home.request(team_id=team_id, user_id=user_id)  # their Home tab shows it
        today = services.workspaces.today(team_id=team_id)
        reply = action_blocks.action_message(
            lang, action, team_id=team_id, today=today, title_key=N_("action.updated")
        )
        answer(body, respond, client, reply)

    @_logged
    def open_progress(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        team_id, _ = who(body)
        lang = lang_of(body)
        try:
            action = services.actions.card(team_id=team_id, number=action_number(body)).action
        except DomainError as err:
            action_error(body, respond, client, lang, err)
            return
        open_view(lang, body, respond, client, progress_modal(lang, action, channel_id=_channel_of(body)))

    @_logged
    def open_journal(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        team_id, _ = who(body)
        lang = lang_of(body)
        try:
            card = services.actions.card(team_id=team_id, number=action_number(body))
        except DomainError as err:
            action_error(body, respond, client, lang, err)
            return
        reply = action_blocks.card_message(
            lang, card, team_id=team_id, today=services.workspaces.today(team_id=team_id)
        )
        if body.get("response_url"):
            answer(body, respond, client, reply)
        else:  # Home tab or modal: a modal reads better than a DM
            open_view(lang, body, respond, client, card_modal(lang, reply, number=card.action.number))

    @_logged
    def open_new_action(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        team_id, user_id = who(body)
        lang = lang_of(body)
        view = new_action_modal(
            lang,
            indicators=indicator_choices(team_id),
            channel_id=_channel_of(body) or user_id,  # from the Home tab: confirmed in the user's DM
            today=services.workspaces.today(team_id=team_id),
        )
        open_view(lang, body, respond, client, view)

    @_logged
    def open_record(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        team_id, _ = who(body)
        lang = lang_of(body)
        view = record_reading_modal(
            lang, indicators=indicator_choices(team_id), selected_code=clicked_value(body) or None
        )
        open_view(lang, body, respond, client, view)

    app.block_action(MARK_DONE)(ack=ack_click, lazy=[mark_done])
    app.block_action(UPDATE_PROGRESS)(ack=ack_click, lazy=[open_progress])
    app.block_action(OPEN_JOURNAL)(ack=ack_click, lazy=[open_journal])
    app.block_action(HOME_NEW_ACTION)(ack=ack_click, lazy=[open_new_action])
    app.block_action(HOME_RECORD_READING)(ack=ack_click, lazy=[open_record])
