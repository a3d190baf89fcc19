"""Acting on alerts: acknowledge, snooze; repeat an unacknowledged alert once, then escalate it."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import InvalidInput
from bot.services.common import Clock
from bot.services.outbox import enqueue
from storage.db import Database
from storage.models import AlertState, Indicator, OutboxMessage

SNOOZES = {"1d": dt.timedelta(days=1), "1w": dt.timedelta(weeks=1)}
NEXT_READING = "next"


class AlertService:
    """Use cases of open alerts."""

    def __init__(
        self, db: Database, *, clock: Clock, repeat_after: dt.timedelta, plan_channel: str | None
    ) -> None:
        self._db, self._clock = db, clock
        self._repeat_after, self._plan_channel = repeat_after, plan_channel

    def _open(self, session: Session, team_id: str, key: str) -> AlertState:
        state = session.scalars(
            select(AlertState)
            .where(AlertState.team_id == team_id, AlertState.alert_key == key)
            .with_for_update()
        ).one_or_none()
        if state is None:
            raise InvalidInput("error.alert_closed")
        return state

    def acknowledge(self, *, team_id: str, user_id: str, key: str) -> str:
        """Someone has seen the alert: no reminder, no escalation for it. Returns the indicator's code."""
        with self._db.write() as session:
            state = self._open(session, team_id, key)
            if state.acknowledged_at is None:
                state.acknowledged_at, state.acknowledged_by = self._clock(), user_id
            return self._code(session, state)

    def snooze(self, *, team_id: str, user_id: str, key: str, until: str) -> tuple[str, dt.datetime | None]:
        """Hold reminders and escalation for a day, a week, or until the next reading."""
        with self._db.write() as session:
            state = self._open(session, team_id, key)
            if until == NEXT_READING:
                state.snoozed_to_next_reading, state.snoozed_until = True, None
            elif until in SNOOZES:
                state.snoozed_until, state.snoozed_to_next_reading = self._clock() + SNOOZES[until], False
            else:
                raise InvalidInput("error.bad_snooze", value=until[:10])
            return self._code(session, state), state.snoozed_until

    @staticmethod
    def _code(session: Session, state: AlertState) -> str:
        ind = session.get(Indicator, state.indicator_id)
        return ind.code if ind is not None else "?"

    def remind_due(self) -> int:
        """Queue reminders of alerts left unacknowledged, then their escalation; return how many."""
        now = self._clock()
        queued = 0
        with self._db.write() as session:
            states = session.scalars(
                select(AlertState).where(
                    AlertState.level == "alert",
                    AlertState.alert_key.is_not(None),
                    AlertState.acknowledged_at.is_(None),
                    AlertState.snoozed_to_next_reading.is_(False),
                )
            ).all()
            for state in states:
                if state.snoozed_until is not None and state.snoozed_until > now:
                    continue
                alert = session.scalars(
                    select(OutboxMessage).where(OutboxMessage.key == state.alert_key)
                ).one()
                if alert.sent_at is None:
                    continue  # not delivered yet: nothing to remind of
                since = max(alert.sent_at, state.snoozed_until or alert.sent_at)
                if state.repeated_at is None and now - since >= self._repeat_after:
                    queued += self._queue(session, alert, "repeat", alert.recipient, now)
                    state.repeated_at = now
                elif (
                    state.repeated_at is not None
                    and state.escalated_at is None
                    and self._plan_channel
                    and now - max(state.repeated_at, since) >= self._repeat_after
                ):
                    queued += self._queue(session, alert, "escalation", self._plan_channel, now)
                    state.escalated_at = now
        return queued

    @staticmethod
    def _queue(session: Session, alert: OutboxMessage, kind: str, recipient: str, now: dt.datetime) -> int:
        payload = {**json.loads(alert.payload), "owner": alert.recipient, "alert_key": alert.key}
        enqueue(
            session,
            team_id=alert.team_id,
            key=f"{kind}:{alert.key}",
            kind=kind,
            recipient=recipient,
            payload=payload,
            now=now,
        )
        return 1
