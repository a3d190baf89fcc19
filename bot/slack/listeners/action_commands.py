"""/action: ack, parse, one service call, render, reply; the form opens after the ack."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain.action_grammar import (
    ActionCommand,
    ActionHelp,
    DeleteAction,
    ListActions,
    NewAction,
    OpenNewActionModal,
    PlanMilestone,
    RecordMeeting,
    ShowAction,
    ShowPlan,
    UpdateAction,
    UpdateStatus,
    parse_action,
)
from bot.domain.errors import DomainError
from bot.i18n import N_, day, t, tn
from bot.slack import counting
from bot.slack.blocks import actions as blocks
from bot.slack.blocks.common import Message, error_message
from bot.slack.blocks.modals import new_action_modal
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
ACTION_COMMAND = "/action"


def register(app: App, deps: SlackDeps) -> None:
    """Register /action."""
    services = deps.services

    def reply(team_id: str, user_id: str, lang: str, cmd: ActionCommand) -> Message:
        today = services.workspaces.today(team_id=team_id)
        match cmd:
            case ActionHelp():
                return blocks.help_message(lang)
            case NewAction():
                view = services.actions.create(team_id=team_id, user_id=user_id, fields=cmd.fields)
                return blocks.action_message(
                    lang, view, team_id=team_id, today=today, title_key=N_("action.created")
                )
            case UpdateStatus():
                view = services.actions.update_status(
                    team_id=team_id,
                    user_id=user_id,
                    number=cmd.number,
                    status=cmd.status,
                    progress=cmd.progress,
                    note=cmd.note,
                )
                return blocks.action_message(
                    lang, view, team_id=team_id, today=today, title_key=N_("action.updated")
                )
            case UpdateAction():
                view = services.actions.update_fields(
                    team_id=team_id,
                    user_id=user_id,
                    number=cmd.number,
                    fields=cmd.fields,
                    note=cmd.note,
                    is_admin=deps.admins.checker(user_id, team_id),
                )
                return blocks.action_message(
                    lang, view, team_id=team_id, today=today, title_key=N_("action.updated")
                )
            case ShowAction():
                return blocks.card_message(
                    lang,
                    services.actions.card(team_id=team_id, number=cmd.number),
                    team_id=team_id,
                    today=today,
                )
            case ListActions():
                views, today = services.actions.list(team_id=team_id, user_id=user_id, filter=cmd.filter)
                return blocks.list_message(lang, views, today=today)
            case DeleteAction():
                view = services.actions.archive(
                    team_id=team_id,
                    user_id=user_id,
                    number=cmd.number,
                    is_admin=deps.admins.checker(user_id, team_id),
                )
                return blocks.notice(lang, N_("action.archived"), number=view.number, label=view.label)
            case ShowPlan():
                return blocks.plan_message(lang, services.actions.summary(team_id=team_id))
            case PlanMilestone():
                on, summary = services.actions.record_milestone(
                    team_id=team_id,
                    user_id=user_id,
                    kind=cmd.kind,
                    on_raw=cmd.on_raw,
                    note=cmd.note,
                    lang=cmd.lang,
                )
                lead = t(lang, f"plan.milestone.{cmd.kind}", date=day(lang, on))
                return blocks.plan_message(lang, summary, lead=lead)
            case RecordMeeting():
                held_on, summary = services.actions.record_meeting(
                    team_id=team_id,
                    user_id=user_id,
                    held_on_raw=cmd.held_on_raw,
                    attendees=cmd.attendees,
                    decisions=cmd.decisions,
                    lang=cmd.lang,
                )
                lead = tn(lang, "plan.meeting.recorded", len(cmd.attendees), date=day(lang, held_on))
                return blocks.plan_message(lang, summary, lead=lead)
            case OpenNewActionModal():
                raise AssertionError("the form is opened by open_form, after the ack")
        raise AssertionError(f"unhandled command {cmd!r}")

    def on_action(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        team_id, user_id = command["team_id"], command["user_id"]
        lang = deps.languages.of(team_id, user_id)
        try:
            cmd = parse_action(command.get("text") or "", lang)
            counting.parsed(context, cmd)
            if isinstance(cmd, OpenNewActionModal):
                ack()  # the form opens right after, in open_form
                return
            answer = reply(team_id, user_id, lang, cmd)
        except DomainError as err:
            counting.refused(context)
            answer = error_message(lang, err, help_key=N_("error.see_action_help"))
        else:
            if isinstance(cmd, NewAction | UpdateStatus | UpdateAction | DeleteAction):
                deps.home.request(team_id=team_id, user_id=user_id)
        ack(response_type="ephemeral", **answer)

    def wants_form(body: dict[str, Any]) -> bool:
        try:
            return isinstance(parse_action(body.get("text") or ""), OpenNewActionModal)
        except DomainError:
            return False

    def open_form(command: dict[str, Any], client: WebClient) -> None:
        team_id = command["team_id"]
        lang = deps.languages.of(team_id, command["user_id"])
        indicators = [
            (s.indicator.code, s.indicator.name) for s in services.indicators.summaries(team_id=team_id)
        ]
        view = new_action_modal(
            lang,
            indicators=indicators,
            channel_id=command["channel_id"],
            today=services.workspaces.today(team_id=team_id),
        )
        client.views_open(trigger_id=command["trigger_id"], view=view)

    app.command(ACTION_COMMAND, matchers=[wants_form])(ack=on_action, lazy=[open_form])
    app.command(ACTION_COMMAND)(on_action)
