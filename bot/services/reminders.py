"""Reminders: late check-ins to indicator owners, and once a week the actions due soon or overdue."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.actions import ActionStatus, ActionView
from bot.domain.home import next_reading_due
from bot.domain.periods import Granularity, Period
from bot.domain.reminders import actions_to_remind, checkin_reminder_due
from bot.domain.values import Cadence
from bot.services.actions import action_view
from bot.services.common import Clock, local_today
from bot.services.outbox import enqueue
from storage import action_repositories as arepo
from storage import repositories as repo
from storage.db import Database
from storage.models import CheckinReminder, OutboxMessage, Workspace


class ReminderService:
    """Queues reminders in the outbox; each is keyed, so running the job again queues nothing twice."""

    def __init__(self, db: Database, *, clock: Clock) -> None:
        self._db, self._clock = db, clock

    def remind(self) -> int:
        """Queue the reminders due now in every workspace; return how many were queued."""
        now = self._clock()
        queued = 0
        with self._db.write() as session:
            for ws in session.scalars(select(Workspace)).all():
                today = local_today(now, ws.timezone)
                queued += self._checkins(session, ws.team_id, ws.timezone, today, now)
                queued += self._actions(session, ws.team_id, today, now)
        return queued

    def _checkins(self, session: Session, team_id: str, ws_tz: str, today: dt.date, now: dt.datetime) -> int:
        latest = repo.latest_active_readings(session, team_id=team_id)
        queued = 0
        for ind in repo.list_indicators(session, team_id=team_id):
            if not ind.cadence or not ind.owner_id:
                continue
            cadence = Cadence(ind.cadence)
            reading = latest.get(ind.id)
            # Never recorded: the first reading is due one period after the indicator was created.
            covered = (
                Period(reading.period_start, Granularity(reading.period_kind))
                if reading is not None
                else Period.day(local_today(ind.created_at, ws_tz))
            )
            due_on = next_reading_due(cadence, covered, today=today)
            if due_on is None:
                continue
            row = session.get(CheckinReminder, (ind.id, due_on))
            sent = row.sent if row is not None else 0
            if not checkin_reminder_due(cadence, due_on, sent=sent, today=today):
                continue
            if row is None:
                row = CheckinReminder(indicator_id=ind.id, due_on=due_on, sent=0)
                session.add(row)
            row.sent, row.last_sent_at = sent + 1, now
            payload = {
                "indicator_id": ind.id,
                "code": ind.code,
                "name": ind.name,
                "due_on": due_on.isoformat(),
                "latest_period": reading.period_start.isoformat() if reading else None,
                "reminder": sent + 1,
            }
            enqueue(
                session,
                team_id=team_id,
                key=f"checkin:{ind.id}:{due_on.isoformat()}:{sent + 1}",
                kind="checkin",
                recipient=ind.owner_id,
                payload=payload,
                now=now,
            )
            queued += 1
        return queued

    def _actions(self, session: Session, team_id: str, today: dt.date, now: dt.datetime) -> int:
        year, week, _ = today.isocalendar()
        by_owner: dict[str, list[ActionView]] = {}
        views = [action_view(r) for r in arepo.list_actions(session, team_id=team_id)]
        for view in actions_to_remind(
            [v for v in views if v.status in (ActionStatus.TODO, ActionStatus.DOING)], today=today
        ):
            if view.owner_id:
                by_owner.setdefault(view.owner_id, []).append(view)
        queued = 0
        for owner, actions in by_owner.items():
            key = f"actions:{team_id}:{owner}:{year}-W{week:02d}"
            if session.scalars(select(OutboxMessage.id).where(OutboxMessage.key == key)).first() is not None:
                continue  # once a week
            payload = {
                "actions": [
                    {
                        "number": a.number,
                        "label": a.label,
                        "due_on": a.due_on.isoformat() if a.due_on else None,
                        "late": a.is_late(today),
                    }
                    for a in actions
                ]
            }
            enqueue(
                session, team_id=team_id, key=key, kind="actions", recipient=owner, payload=payload, now=now
            )
            queued += 1
        return queued
