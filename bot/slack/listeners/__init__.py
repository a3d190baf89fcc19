"""Listener registration: each surface registers itself with one register(app, deps) call."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import SlackDeps
from bot.slack.listeners import action_commands, alerts, commands, dashboard, home, interactivity


def register(app: App, deps: SlackDeps) -> None:
    """Register every listener of Pilote."""
    commands.register(app, deps)
    action_commands.register(app, deps)
    dashboard.register(app, deps)
    interactivity.register(app, deps)
    home.register(app, deps)
    alerts.register(app, deps)
