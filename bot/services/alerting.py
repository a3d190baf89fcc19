"""Alert evaluation inside the transaction that stores a reading: state change and outbox rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.alerts import Notice, change, next_level
from bot.domain.indicators import IndicatorView
from bot.domain.thresholds import Status
from bot.services.outbox import enqueue
from storage.models import AlertState


def evaluate_reading(
    session: Session,
    *,
    indicator: IndicatorView,
    team_id: str,
    reading: dict[str, Any],
    now: dt.datetime,
) -> tuple[Notice, ...]:
    """Move the indicator's alert state for its newest reading; queue the notices the change calls for."""
    if not indicator.thresholds.any:
        return ()
    state = session.get(AlertState, indicator.id)
    if state is not None and state.snoozed_to_next_reading:
        state.snoozed_to_next_reading = False  # the reading it waited for has come
    before = Status(state.level) if state is not None else Status.OK
    after = next_level(before, reading["value"], indicator.thresholds, margin=indicator.hysteresis)
    if after is before:
        return ()
    if state is None:
        state = AlertState(
            indicator_id=indicator.id,
            team_id=team_id,
            level=after.value,
            since=now,
            snoozed_to_next_reading=False,
        )
        session.add(state)
    state.level, state.since = after.value, now
    result = change(before, after, warn_by_dm=indicator.warn_dm)
    for notice in result.notices:
        key = f"{notice.value}:{indicator.id}:{reading['id']}"
        payload = {
            "indicator_id": indicator.id,
            "code": indicator.code,
            "name": indicator.name,
            "kind": indicator.kind.value,
            "unit": indicator.unit,
            "value": reading["value"],
            "numerator": reading["numerator"],
            "denominator": reading["denominator"],
            "period_start": reading["period_start"].isoformat(),
            "period_kind": reading["period_kind"],
            "before": before.value,
            "after": after.value,
            "thresholds": indicator.thresholds.__dict__,
            "recorded_by": reading["recorded_by"],
            "alert_key": state.alert_key if notice is Notice.RESOLVED else None,
        }
        recipient = indicator.owner_id or reading["recorded_by"]
        enqueue(
            session,
            team_id=team_id,
            key=key,
            kind=notice.value,
            recipient=recipient,
            payload=payload,
            now=now,
        )
        if notice is Notice.ALERT:
            # A new alert episode: acknowledgement, snooze and reminders start over.
            state.alert_key = key
            state.acknowledged_at = state.acknowledged_by = state.snoozed_until = None
            state.repeated_at = state.escalated_at = None
        elif notice is Notice.RESOLVED:
            state.alert_key = None
    return result.notices
