"""What the listeners need, built once by build_app."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import Services
from bot.slack.admins import Admins
from bot.slack.home_refresher import HomeRefresher
from bot.slack.notifier import Notifier


@dataclass(frozen=True)
class SlackDeps:
    """Services, the Web API notifier, the admin check and the Home tab refresher."""

    services: Services
    notifier: Notifier
    admins: Admins
    home: HomeRefresher
