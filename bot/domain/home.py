"""What a user's App Home tab shows, and when an indicator's next reading is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.domain.actions import ActionView, PlanSummary
from bot.domain.indicators import IndicatorSummary
from bot.domain.periods import Period
from bot.domain.values import Cadence

_DAY = dt.timedelta(days=1)


def cadence_bounds(cadence: Cadence, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the cadence period (ISO week, month, quarter, year) that contains `day`."""
    match cadence:
        case Cadence.WEEK:
            start = day - dt.timedelta(days=day.weekday())
            return start, start + dt.timedelta(days=6)
        case Cadence.MONTH:
            start, months = day.replace(day=1), 1
        case Cadence.QUARTER:
            start, months = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1), 3
        case _:
            start, months = dt.date(day.year, 1, 1), 12
    month0 = start.month - 1 + months
    return start, dt.date(start.year + month0 // 12, month0 % 12 + 1, 1) - _DAY


def next_reading_due(cadence: Cadence | None, latest: Period | None, *, today: dt.date) -> dt.date | None:
    """When the next reading is due: the last day of the cadence period after the latest reading's.

    An indicator read monthly whose latest reading is for October expects November's by 30 November;
    a reading typed on a day counts for the cadence period that contains that day. With a cadence and
    no reading yet, a reading is due now (today); without a cadence, never (None).
    """
    if cadence is None:
        return None
    if latest is None:
        return today
    _, covered_until = cadence_bounds(cadence, latest.end)
    return cadence_bounds(cadence, covered_until + _DAY)[1]


@dataclass(frozen=True)
class HomeIndicator:
    """One of the user's indicators, with its latest reading, status and next reading due."""

    summary: IndicatorSummary
    due_on: dt.date | None

    def is_overdue(self, today: dt.date) -> bool:
        """Its next reading was due before today."""
        return self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class HomeData:
    """Everything a user's Home tab shows, read in one transaction."""

    today: dt.date
    indicators: tuple[HomeIndicator, ...]  # the user's own, overdue first, then by code
    actions: tuple[ActionView, ...]  # the user's open actions (to do, doing), late first, then by due date
    done_actions: int  # the user's actions left out because done…
    abandoned_actions: int  # …or abandoned
    plan: PlanSummary
    workspace_indicators: int
    read_at: dt.datetime | None = None  # when it was read (aware), shown in the workspace's time zone
    timezone: str = "UTC"
    # Messages to the user that Slack refused lately: how many, and the newest few, as
    # (kind, payload, written at, Slack's error); the Home tab is the road that is left to say so.
    undelivered_count: int = 0
    undelivered_since: dt.date | None = None
    undelivered: tuple[tuple[str, dict[str, Any], dt.datetime, str], ...] = ()
