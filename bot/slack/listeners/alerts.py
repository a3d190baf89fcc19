"""Buttons of alert messages: acknowledge and snooze (recording a value reuses the record form)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.domain.errors import DomainError
from bot.i18n import N_, moment
from bot.slack.blocks.common import error_message, esc, notice_message
from bot.slack.deps import SlackDeps

ACK = re.compile(r"^pilote\.alert\.ack")
SNOOZE = re.compile(r"^pilote\.alert\.snooze")


def register(app: App, deps: SlackDeps) -> None:
    """Register the alert buttons."""
    services = deps.services

    def clicked(body: dict[str, Any]) -> tuple[str, str, str, str]:
        team_id = str((body.get("team") or {}).get("id") or "")
        user_id = str((body.get("user") or {}).get("id") or "")
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        return team_id, user_id, value, deps.languages.of(team_id or None, user_id or None)

    def on_ack(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, user_id, key, lang = clicked(body)
        try:
            code = services.alerts.acknowledge(team_id=team_id, user_id=user_id, key=key)
            reply = notice_message(lang, N_("alert.acknowledged"), code=esc(code))
        except DomainError as err:
            reply = error_message(lang, err)
        respond(response_type="ephemeral", replace_original=False, **reply)

    def on_snooze(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, user_id, value, lang = clicked(body)
        key, _, until = value.rpartition("|")
        try:
            code, until_at = services.alerts.snooze(team_id=team_id, user_id=user_id, key=key, until=until)
            if until_at is None:
                reply = notice_message(lang, N_("alert.snoozed_next"), code=esc(code))
            else:
                timezone = services.workspaces.get(team_id=team_id).timezone
                until_text = moment(lang, until_at, timezone)
                reply = notice_message(lang, N_("alert.snoozed"), code=esc(code), until=until_text)
        except DomainError as err:
            reply = error_message(lang, err)
        respond(response_type="ephemeral", replace_original=False, **reply)

    app.block_action(ACK)(on_ack)
    app.block_action(SNOOZE)(on_snooze)
