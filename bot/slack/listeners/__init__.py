"""Listener registration: each surface registers itself with one register(app, deps) call."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from bot.slack.listeners import commands
from bot.slack.notifier import Notifier


def register(app: App, services: Services, notifier: Notifier) -> None:
    """Register every listener of Pilote."""
    commands.register(app, services, notifier)
