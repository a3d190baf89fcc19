"""Alert evaluation inside the transaction that stores a reading: state change and outbox rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.alerts import Notice, change, next_level, relative_change
from bot.domain.indicators import IndicatorView
from bot.domain.text import is_slack_user
from bot.domain.thresholds import Status
from bot.services.outbox import enqueue, enqueue_many
from storage import repositories as repo
from storage.models import AlertState


def evaluate_reading(
    session: Session,
    *,
    indicator: IndicatorView,
    team_id: str,
    reading: dict[str, Any],
    now: dt.datetime,
    previous_value: float | None = None,
    book: StateBook | None = None,
) -> tuple[Notice, ...]:
    """Move the indicator's alert state for its newest reading; queue the notices the change calls for.
    A batch passes its `book`: the states of its indicators, read at once and written back at once,
    and the messages queued with them (else the state is the ORM's row, the message queued at once)."""
    queue = book.enqueue if book is not None else enqueue
    queued: list[Notice] = []
    recipient = recipient_of(indicator, reading["recorded_by"])
    pct = relative_change(previous_value, reading["value"], indicator.change_alert_pct)
    if pct is not None and recipient is not None:
        payload = {
            **_payload(indicator, reading, previous_value),
            "change_pct": pct,
            "limit_pct": indicator.change_alert_pct,
        }
        queue(
            session,
            team_id=team_id,
            key=f"change:{indicator.id}:{reading['id']}",
            kind=Notice.CHANGE.value,
            recipient=recipient,
            payload=payload,
            now=now,
        )
        queued.append(Notice.CHANGE)
    if not indicator.thresholds.any:
        return tuple(queued)
    state = book.get(indicator.id) if book is not None else session.get(AlertState, indicator.id)
    if state is not None and state.snoozed_to_next_reading:
        state.snoozed_to_next_reading = False  # the reading it waited for has come
    before = Status(state.level) if state is not None else Status.OK
    after = next_level(before, reading["value"], indicator.thresholds, margin=indicator.hysteresis)
    if after is before:
        return tuple(queued)
    if state is None:
        fields = dict(indicator_id=indicator.id, team_id=team_id, level=after.value, since=now)
        if book is not None:
            state = book.add(fields)
        else:
            state = AlertState(**{**repo.NEW_ALERT_STATE, **fields})
            session.add(state)
    state.level, state.since = after.value, now
    result = change(before, after, warn_by_dm=indicator.warn_dm)
    for notice in result.notices if recipient is not None else ():  # nobody to tell: the state moves
        key = f"{notice.value}:{indicator.id}:{reading['id']}"
        payload = {
            **_payload(indicator, reading, previous_value),
            "before": before.value,
            "after": after.value,
            "alert_key": state.alert_key if notice is Notice.RESOLVED else None,
        }
        queue(
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
    return tuple(queued) + (result.notices if recipient is not None else ())


class StateBook:
    """A batch's alert states: its indicators' states read in one query, as plain rows that
    evaluate_reading moves, then written back in one statement for the changed ones and one for the
    new ones, with the batch's messages in one more (the ORM's unit of work cost more than the rows)."""

    def __init__(self, session: Session, *, indicator_ids: Sequence[int]) -> None:
        rows = repo.alert_states_of(session, indicator_ids=indicator_ids)
        self._states = {row["indicator_id"]: SimpleNamespace(**row) for row in rows}
        self._before = {row["indicator_id"]: dict(row) for row in rows}
        self._new: dict[int, SimpleNamespace] = {}
        self._messages: list[dict[str, Any]] = []

    def get(self, indicator_id: int) -> Any:
        """The indicator's state (the attributes of AlertState), or None when it has none yet."""
        return self._states.get(indicator_id) or self._new.get(indicator_id)

    def add(self, fields: dict[str, Any]) -> Any:
        """A first state for an indicator."""
        state = self._new[fields["indicator_id"]] = SimpleNamespace(**{**repo.NEW_ALERT_STATE, **fields})
        return state

    def enqueue(self, session: Session, **message: Any) -> None:
        """A message queued with the batch (enqueue's arguments)."""
        self._messages.append(message)

    def write(self, session: Session) -> None:
        """The changed states (only what changed in each), the new ones and the messages."""
        changed: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for i, state in self._states.items():
            now, before = vars(state), self._before[i]
            if now != before:
                columns = tuple(name for name, value in now.items() if value != before[name])
                changed.setdefault(columns, []).append(now)
        repo.write_alert_states(session, changed=changed, new=[vars(state) for state in self._new.values()])
        enqueue_many(session, self._messages)


def recipient_of(indicator: IndicatorView, recorded_by: str) -> str | None:
    """Who is told of an indicator's alert: its owner, else who recorded the reading when that is a
    Slack user (not an import or a machine), else nobody."""
    if indicator.owner_id:
        return indicator.owner_id
    return recorded_by if is_slack_user(recorded_by) else None


def _payload(
    indicator: IndicatorView, reading: dict[str, Any], previous_value: float | None
) -> dict[str, Any]:
    """What every message about a reading says, rendered later in the recipient's language."""
    return {
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
        "thresholds": indicator.thresholds.__dict__,
        "recorded_by": reading["recorded_by"],
        "previous_value": previous_value,
    }
