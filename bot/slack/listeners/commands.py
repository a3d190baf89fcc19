"""Slash command listeners: ack, parse, one service call, render, reply. Slow work goes after the ack."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.domain.errors import DomainError
from bot.domain.grammar import (
    DeleteIndicator,
    EditIndicator,
    Help,
    InstallTemplates,
    KpiCommand,
    ListIndicators,
    ListTemplates,
    NewIndicator,
    RecordReading,
    ShowIndicator,
    TokenCommand,
    Undo,
    parse_kpi,
)
from bot.i18n import N_
from bot.slack import counting
from bot.slack.blocks import kpi as kpi_blocks
from bot.slack.blocks import templates as template_blocks
from bot.slack.blocks import tokens as token_blocks
from bot.slack.blocks.common import Message, error_message, esc, notice_message
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
KPI_COMMAND = "/kpi"
_CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


def register(app: App, deps: SlackDeps) -> None:
    """Register /kpi."""
    services, notifier = deps.services, deps.notifier

    def kpi_reply(team_id: str, user_id: str, lang: str, cmd: KpiCommand) -> Message:
        match cmd:
            case Help():
                return kpi_blocks.help_message(lang)
            case NewIndicator():
                view = services.indicators.define(team_id=team_id, user_id=user_id, spec=cmd)
                return kpi_blocks.created_message(lang, view)
            case RecordReading():
                result = services.indicators.record(team_id=team_id, user_id=user_id, command=cmd)
                metrics.readings_stored("slack")
                timezone = services.workspaces.get(team_id=team_id).timezone
                return kpi_blocks.recorded_message(lang, result, timezone=timezone)
            case TokenCommand(action="new"):
                made = services.tokens.create(
                    team_id=team_id,
                    user_id=user_id,
                    name=cmd.name,
                    is_admin=deps.admins.checker(user_id, team_id),
                )
                return token_blocks.created_message(lang, made)
            case TokenCommand(action="revoke"):
                revoked = services.tokens.revoke(
                    team_id=team_id,
                    user_id=user_id,
                    name=cmd.name,
                    is_admin=deps.admins.checker(user_id, team_id),
                )
                return token_blocks.revoked_message(lang, revoked)
            case TokenCommand():
                listed = services.tokens.list(team_id=team_id, is_admin=deps.admins.checker(user_id, team_id))
                timezone = services.workspaces.get(team_id=team_id).timezone
                return token_blocks.list_message(lang, listed, timezone=timezone)
            case ListTemplates():
                return template_blocks.templates_message(lang, services.indicators.templates(team_id=team_id))
            case InstallTemplates():
                installed = services.indicators.install_templates(
                    team_id=team_id, created_by=user_id, wanted=cmd.wanted, owner_id=user_id
                )
                return template_blocks.installed_message(lang, installed, reader=user_id)
            case ListIndicators():
                return kpi_blocks.list_message(lang, services.indicators.summaries(team_id=team_id))
            case Undo():
                return kpi_blocks.undone_message(
                    lang, services.indicators.undo_last(team_id=team_id, user_id=user_id, code=cmd.code)
                )
            case EditIndicator():
                view = services.indicators.edit(
                    team_id=team_id,
                    user_id=user_id,
                    command=cmd,
                    is_admin=deps.admins.checker(user_id, team_id),
                )
                return kpi_blocks.edited_message(lang, view)
            case DeleteIndicator():
                view = services.indicators.archive(
                    team_id=team_id,
                    user_id=user_id,
                    code=cmd.code,
                    is_admin=deps.admins.checker(user_id, team_id),
                )
                return notice_message(lang, N_("kpi.archived"), code=esc(view.code))
            case ShowIndicator():
                # Fail fast on an unknown code; the chart itself is drawn after the ack.
                services.indicators.history(team_id=team_id, code=cmd.code, limit=1)
                return kpi_blocks.show_working_message(lang, cmd.code)
        raise AssertionError(f"unhandled command {cmd!r}")

    def on_kpi(ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        team_id, user_id = command["team_id"], command["user_id"]
        lang = deps.languages.of(team_id, user_id)
        try:
            cmd = parse_kpi(command.get("text") or "", lang)
            counting.parsed(context, cmd)
            reply = kpi_reply(team_id, user_id, lang, cmd)
        except DomainError as err:
            counting.refused(context)
            reply = error_message(lang, err)
        else:
            if isinstance(
                cmd, NewIndicator | InstallTemplates | RecordReading | Undo | EditIndicator | DeleteIndicator
            ):
                deps.home.request(team_id=team_id, user_id=user_id)  # their Home tab shows it
            elif isinstance(cmd, ShowIndicator):
                deps.later.submit(show_chart, cmd, command, respond)  # drawn and uploaded after the ack
        ack(response_type="ephemeral", **reply)

    def show_chart(cmd: ShowIndicator, command: dict[str, Any], respond: Respond) -> None:
        team_id = command["team_id"]
        # The chart is posted for the whole channel: in the workspace's language; the notices in the user's.
        lang = services.workspaces.get(team_id=team_id).language
        mine = deps.languages.of(team_id, command["user_id"])
        try:
            history, outlook, png = services.indicators.chart(team_id=team_id, code=cmd.code, language=lang)
        except DomainError as err:
            respond(response_type="ephemeral", replace_original=False, **error_message(mine, err))
            return
        try:
            notifier.upload_png(
                team_id=team_id,
                channel=command["channel_id"],
                png=png,
                filename=f"pilote-{history.indicator.id}.png",
                title=f"{history.indicator.code} — {history.indicator.name}",
                alt_text=kpi_blocks.chart_alt_text(lang, history, outlook),
                comment=kpi_blocks.history_text(lang, history, outlook),
            )
            native = kpi_blocks.history_chart_message(lang, history)
            if native is not None:  # the same history as Slack's own chart and table, next to the PNG
                notifier.post(team_id=team_id, channel=command["channel_id"], message=native)
        except SlackApiError as err:
            code = str(err.response.get("error", "")) if err.response is not None else ""
            log.warning("chart upload failed: %s", code or err)
            if code in _CHANNEL_ERRORS:
                respond(response_type="ephemeral", **notice_message(mine, N_("kpi.show.not_in_channel")))
            else:
                respond(
                    response_type="ephemeral",
                    **notice_message(mine, N_("kpi.show.upload_failed"), error=code or "?"),
                )

    # One listener: only `/kpi show` has work left after the ack, and it hands it to deps.later
    # itself. (A second, matcher-guarded listener with a Bolt lazy function cost every /kpi the
    # matcher's argument injection: 5 % of a reading's instructions.)
    app.command(KPI_COMMAND)(on_kpi)
