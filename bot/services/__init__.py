"""Use cases. Each public method is one transaction and returns frozen values, never ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.services.actions import ActionService
from bot.services.alerts import AlertService
from bot.services.common import Clock, Defaults, Drawer, LazyDrawer, system_clock
from bot.services.dashboards import DashboardService
from bot.services.digests import DigestService
from bot.services.exports import ExportService
from bot.services.home import HomeService
from bot.services.imports import ImportService
from bot.services.indicators import IndicatorService
from bot.services.outbox import OutboxService
from bot.services.reminders import ReminderService
from bot.services.replays import ReplayService
from bot.services.tokens import TokenService
from bot.services.workspaces import WorkspaceService
from storage.db import Database

__all__ = [
    "ActionService",
    "Clock",
    "Defaults",
    "Drawer",
    "HomeService",
    "IndicatorService",
    "Services",
    "WorkspaceService",
    "system_clock",
]


@dataclass(frozen=True)
class Services:
    """Every service, wired to one database and one clock."""

    db: Database
    workspaces: WorkspaceService
    indicators: IndicatorService
    imports: ImportService
    exports: ExportService
    actions: ActionService
    home: HomeService
    outbox: OutboxService
    alerts: AlertService
    reminders: ReminderService
    dashboards: DashboardService
    digests: DigestService
    replays: ReplayService
    tokens: TokenService

    @classmethod
    def build(
        cls, db: Database, *, defaults: Defaults, clock: Clock = system_clock, drawer: Drawer | None = None
    ) -> Services:
        """Wire the services together; charts are drawn by `drawer` (default: in the calling thread)."""
        drawer = drawer or LazyDrawer()
        workspaces = WorkspaceService(db, clock=clock, defaults=defaults)
        return cls(
            db=db,
            workspaces=workspaces,
            indicators=IndicatorService(db, clock=clock, defaults=defaults, drawer=drawer),
            imports=ImportService(db, clock=clock, defaults=defaults),
            exports=ExportService(
                db, clock=clock, defaults=defaults, forget=lambda team_id: workspaces.forget(team_id=team_id)
            ),
            actions=ActionService(db, clock=clock, defaults=defaults),
            home=HomeService(db, clock=clock, defaults=defaults),
            outbox=OutboxService(db, clock=clock),
            alerts=AlertService(
                db,
                clock=clock,
                repeat_after=dt.timedelta(hours=defaults.alert_repeat_hours),
                plan_channel=defaults.plan_channel,
            ),
            reminders=ReminderService(db, clock=clock),
            dashboards=DashboardService(db, clock=clock, defaults=defaults, drawer=drawer),
            digests=DigestService(db, clock=clock, defaults=defaults),
            replays=ReplayService(db, clock=clock),
            tokens=TokenService(db, clock=clock, defaults=defaults),
        )
