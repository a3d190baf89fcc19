"""/dashboard: the snapshot on demand (drawn and uploaded after the ack), and the channel's digest."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk.errors import SlackApiError

from bot.domain.dashboard_grammar import (
    DashboardCommand,
    DashboardHelp,
    ExportPlan,
    ShowDashboard,
    ShowSubscription,
    Subscribe,
    Unsubscribe,
    parse_dashboard,
)
from bot.domain.errors import DomainError
from bot.files.write import write_export
from bot.i18n import N_
from bot.slack import counting
from bot.slack.blocks import dashboard as blocks
from bot.slack.blocks import exports as export_blocks
from bot.slack.blocks.common import Message, error_message, notice_message
from bot.slack.blocks.exports import export_filename, export_labels
from bot.slack.delivery import AMBIGUOUS
from bot.slack.deps import SlackDeps
from bot.slack.digests import PERMANENT, ChartPoster, UploadFailed

log = logging.getLogger(__name__)
DASHBOARD_COMMAND = "/dashboard"


def register(app: App, deps: SlackDeps) -> None:
    """Register /dashboard."""
    services = deps.services
    # No automatic retries: a 5xx after Slack shared the charts would share them twice; the user is told
    # to try again instead.
    posters = deps.sender_clients  # no automatic retries: see above

    def reply(command: dict[str, Any], lang: str, cmd: DashboardCommand) -> Message:
        team_id, channel_id = command["team_id"], command["channel_id"]
        match cmd:
            case DashboardHelp():
                return blocks.help_message(lang)
            case ShowDashboard():
                # Fail fast on an unknown scope; the charts are drawn after the ack.
                scope = services.dashboards.check_scope(team_id=team_id, scope=cmd.scope)
                return blocks.working_message(lang, scope)
            case Subscribe():
                view = services.digests.subscribe(
                    team_id=team_id,
                    channel_id=channel_id,
                    user_id=command["user_id"],
                    schedule=cmd.schedule,
                    scope=cmd.scope,
                    skip_empty=cmd.skip_empty,
                )
                return blocks.subscription_message(lang, N_("dashboard.subscribed"), view)
            case Unsubscribe():
                gone = services.digests.unsubscribe(team_id=team_id, channel_id=channel_id)
                if gone is None:
                    return notice_message(lang, N_("dashboard.not_subscribed"))
                return blocks.subscription_message(lang, N_("dashboard.unsubscribed"), gone)
            case ExportPlan():
                # Who asks is checked after the ack: it may take a users.info, and the file is slow.
                return notice_message(lang, N_("dashboard.export.working"), format=cmd.format.upper())
            case ShowSubscription():
                current = services.digests.subscription(team_id=team_id, channel_id=channel_id)
                if current is None:
                    return notice_message(lang, N_("dashboard.not_subscribed"))
                return blocks.subscription_message(lang, N_("dashboard.status"), current)
        raise AssertionError(f"unhandled command {cmd!r}")

    def on_dashboard(ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        lang = deps.languages.of(command["team_id"], command["user_id"])
        try:
            cmd = parse_dashboard(command.get("text") or "")
            counting.parsed(context, cmd)
            answer = reply(command, lang, cmd)
        except DomainError as err:
            counting.refused(context)
            answer = error_message(lang, err, help_key=N_("dashboard.see_help"))
        else:
            if isinstance(cmd, ExportPlan):
                deps.later.submit(send_export, cmd, command, respond)  # built and uploaded after the ack
        ack(response_type="ephemeral", **answer)

    def send_export(cmd: ExportPlan, command: dict[str, Any], respond: Respond) -> None:
        team_id, user_id = command["team_id"], command["user_id"]
        mine = deps.languages.of(team_id, user_id)
        try:
            export = services.exports.snapshot_for_admin(
                team_id=team_id, is_admin=deps.admins.checker(user_id, team_id)
            )
        except DomainError as err:
            respond(response_type="ephemeral", **error_message(mine, err))
            return
        lang = export.workspace.language  # the file is the workspace's, in its language
        data = write_export(export, cmd.format, export_labels(lang))
        day = services.workspaces.today(team_id=team_id)
        try:
            deps.notifier.upload_to_user(
                team_id=team_id,
                user_id=user_id,
                content=data,
                filename=export_filename(team_id, cmd.format, day),
                title=export_blocks.export_title(lang, day),
                comment=export_blocks.export_comment(lang, export),
            )
        except SlackApiError as err:
            code = str(err.response.get("error", "")) if err.response is not None else ""
            log.warning("export upload failed: %s", code or err)
            respond(
                response_type="ephemeral",
                **notice_message(mine, N_("dashboard.upload_failed"), error=code or "?"),
            )

    def wants_snapshot(body: dict[str, Any]) -> bool:
        try:
            return isinstance(parse_dashboard(body.get("text") or ""), ShowDashboard)
        except DomainError:
            return False

    def post_snapshot(command: dict[str, Any], respond: Respond) -> None:
        cmd = parse_dashboard(command.get("text") or "")
        assert isinstance(cmd, ShowDashboard)
        team_id, channel_id = command["team_id"], command["channel_id"]
        # The snapshot is posted for the whole channel: in the workspace's language. What only the
        # user sees is in theirs.
        lang = services.workspaces.get(team_id=team_id).language
        mine = deps.languages.of(team_id, command["user_id"])
        try:
            snapshot = services.dashboards.snapshot(team_id=team_id, scope=cmd.scope, channel_id=channel_id)
        except DomainError as err:
            # The ack ran the same check and has told the user already: once is enough.
            log.info("dashboard not drawn: %s", err)
            return
        images = services.dashboards.render(snapshot, language=lang)
        try:
            ChartPoster(posters.for_team(team_id)).publish(
                lang=lang,
                channel=channel_id,
                snapshot=snapshot,
                images=images,
                title=blocks.dashboard_title(lang, snapshot),
            )
        except SlackApiError as err:
            code = str(err.response.get("error", "")) if err.response is not None else ""
            log.warning("dashboard upload failed: %s", code or err)
            key = N_("dashboard.not_in_channel") if code in PERMANENT else N_("dashboard.upload_failed")
            respond(response_type="ephemeral", **notice_message(mine, key, error=code or "?"))
        except (*AMBIGUOUS, UploadFailed) as err:
            log.warning("dashboard upload failed: %r", err)
            respond(
                response_type="ephemeral",
                **notice_message(mine, N_("dashboard.upload_failed"), error=repr(err)[:80]),
            )

    # Only the snapshot has work left after the ack; subscriptions are answered in the ack itself.
    app.command(DASHBOARD_COMMAND, matchers=[wants_snapshot])(ack=on_dashboard, lazy=[post_snapshot])
    app.command(DASHBOARD_COMMAND)(on_dashboard)
