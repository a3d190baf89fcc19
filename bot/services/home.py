"""The App Home tab: a user's indicators and actions, and the plan at a glance, in one read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.actions import ActionStatus, ActionView
from bot.domain.home import HomeData, HomeIndicator, next_reading_due
from bot.domain.indicators import IndicatorSummary
from bot.domain.thresholds import evaluate
from bot.services.actions import action_view, plan_summary
from bot.services.common import Clock, Defaults, indicator_view, local_today, reading_view, timezone_of
from bot.services.outbox import undelivered_to
from storage import action_repositories as arepo
from storage import repositories as repo
from storage.db import Database
from storage.models import Action, Indicator

_CLOSED = (ActionStatus.DONE, ActionStatus.ABANDONED)
UNDELIVERED_SHOWN = dt.timedelta(days=14)  # a message Slack refused is said in the Home tab this long
UNDELIVERED_LISTED = 3


class HomeService:
    """Reads what a user's Home tab shows."""

    def __init__(self, db: Database, *, clock: Clock, defaults: Defaults) -> None:
        self._db, self._clock, self._defaults = db, clock, defaults

    def home(self, *, team_id: str, user_id: str) -> HomeData:
        """The user's indicators and open actions, the plan summary and the workspace's indicator count."""
        with self._db.read() as session:
            timezone = timezone_of(session, team_id=team_id, default=self._defaults.timezone)
            now = self._clock()
            today = local_today(now, timezone)
            indicators = self._indicators(session, team_id, user_id, today)
            actions = self._user_actions(session, team_id, user_id)
            plan = plan_summary(session, team_id=team_id, today=today)
            since = now - UNDELIVERED_SHOWN
            refused, recent = undelivered_to(
                session, team_id=team_id, user_id=user_id, since=since, limit=UNDELIVERED_LISTED
            )
            count = session.scalar(
                select(func.count())
                .select_from(Indicator)
                .where(Indicator.team_id == team_id, Indicator.archived_at.is_(None))
            )
        open_ = [a for a in actions if a.status not in _CLOSED]
        open_.sort(key=lambda a: (not a.is_late(today), a.due_on or dt.date.max, a.number))
        return HomeData(
            today=today,
            indicators=indicators,
            actions=tuple(open_),
            done_actions=sum(a.status is ActionStatus.DONE for a in actions),
            abandoned_actions=sum(a.status is ActionStatus.ABANDONED for a in actions),
            plan=plan,
            workspace_indicators=int(count or 0),
            read_at=now,
            timezone=timezone,
            undelivered_count=refused,
            undelivered_since=local_today(since, timezone),
            undelivered=tuple((u.kind, u.payload, u.created_at, u.error) for u in recent),
        )

    def _indicators(
        self, session: Session, team_id: str, user_id: str, today: dt.date
    ) -> tuple[HomeIndicator, ...]:
        rows = session.scalars(
            select(Indicator)
            .where(
                Indicator.team_id == team_id,
                Indicator.owner_id == user_id,
                Indicator.archived_at.is_(None),
            )
            .order_by(Indicator.code_key)
        ).all()
        if not rows:
            return ()
        latest = repo.latest_active_readings(session, team_id=team_id)
        out = []
        for row in rows:
            view = indicator_view(row)
            reading = latest.get(row.id)
            summary = IndicatorSummary(
                indicator=view,
                latest=reading_view(reading) if reading is not None else None,
                status=evaluate(reading.value if reading is not None else None, view.thresholds),
            )
            due = next_reading_due(
                view.cadence, summary.latest.period if summary.latest else None, today=today
            )
            out.append(HomeIndicator(summary=summary, due_on=due))
        # Overdue ones first, the longest overdue on top; the others stay by code.
        overdue = sorted((i for i in out if i.is_overdue(today)), key=lambda i: i.due_on or today)
        return (*overdue, *(i for i in out if not i.is_overdue(today)))

    def _user_actions(self, session: Session, team_id: str, user_id: str) -> list[ActionView]:
        rows = session.scalars(
            select(Action)
            .where(Action.team_id == team_id, Action.owner_id == user_id, Action.archived_at.is_(None))
            .order_by(Action.number)
        ).all()
        if not rows:
            return []
        codes = arepo.indicator_codes_by_action(session, team_id=team_id)
        return [action_view(row, codes.get(row.id, ())) for row in rows]
