"""When to remind: late check-ins (cadence plus a grace period, then backing off) and due actions."""

from __future__ import annotations

import datetime as dt

from bot.domain.actions import ActionView
from bot.domain.values import Cadence

GRACE = {
    Cadence.WEEK: dt.timedelta(days=2),
    Cadence.MONTH: dt.timedelta(days=5),
    Cadence.QUARTER: dt.timedelta(days=10),
    Cadence.YEAR: dt.timedelta(days=30),
}
MAX_CHECKIN_REMINDERS = 3  # after that the reading shows as late in digests, no more DMs
ACTION_HORIZON = dt.timedelta(days=7)


def checkin_reminder_due(cadence: Cadence, due_on: dt.date, *, sent: int, today: dt.date) -> bool:
    """Whether reminder number `sent + 1` is due: after the grace period, then after 2, 4… graces more."""
    if sent >= MAX_CHECKIN_REMINDERS:
        return False
    grace = GRACE[cadence]
    waited = grace * (2 ** (sent + 1) - 1)  # 1, 3, 7 graces after the due date
    return today > due_on + waited


def actions_to_remind(actions: list[ActionView], *, today: dt.date) -> list[ActionView]:
    """Open actions due within a week, or overdue, soonest first."""
    soon = [
        a
        for a in actions
        if a.due_on is not None and a.due_on <= today + ACTION_HORIZON and a.status.value in ("todo", "doing")
    ]
    return sorted(soon, key=lambda a: (a.due_on or today, a.number))
