"""The dashboard as read at one moment: what needs attention, what changed since the last digest,
what is late. Pure values and rules; the services fill them, the Slack adapter and charts show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.actions import ActionView
from bot.domain.indicators import IndicatorView, ReadingView
from bot.domain.thresholds import Status

# Attention order: alerts first, then warnings, then the rest.
_RANK = {Status.ALERT: 0, Status.WARNING: 1, Status.OK: 2, Status.NONE: 3}


@dataclass(frozen=True)
class DashboardIndicator:
    """One indicator on the dashboard: where it stands, how it moved, and whether it is late."""

    indicator: IndicatorView
    latest: ReadingView | None
    status: Status
    recent: tuple[float, ...]  # values, oldest first, the latest included: the sparkline
    before: ReadingView | None  # the latest reading at the time of the last digest (None: none yet)
    status_before: Status
    new_readings: int  # readings recorded since the last digest
    due_on: dt.date | None  # when the next reading is expected

    @property
    def has_previous(self) -> bool:
        """There is a reading before the latest one to compare it with."""
        return len(self.recent) >= 2

    @property
    def direction(self) -> int:
        """+1 up, -1 down, 0 flat or unknown, comparing the latest reading with the one before."""
        if not self.has_previous or self.recent[-1] == self.recent[-2]:
            return 0
        return 1 if self.recent[-1] > self.recent[-2] else -1

    @property
    def changed(self) -> bool:
        """New readings since the last digest, or a status that moved."""
        return self.new_readings > 0 or self.status is not self.status_before

    def is_late(self, today: dt.date) -> bool:
        """Its next reading was due before today."""
        return self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class DashboardSnapshot:
    """The dashboard of a workspace (or of one entity or domain), read in one transaction."""

    team_id: str
    scope: str  # "" for the whole workspace, else the entity, action domain or indicator code shown
    scope_kind: str  # "", "entity", "domain" or "indicator" (that indicator's variants per entity)
    scope_name: str  # what the scope is called: the entity, the domain, or the indicator's name
    today: dt.date
    timezone: str
    since: dt.datetime  # "what changed" is counted from here
    since_digest: bool  # `since` is the channel's last digest (else: a week ago, there was none)
    indicators: tuple[DashboardIndicator, ...]  # in attention order
    actions: tuple[ActionView, ...]  # live actions of the scope
    changed_actions: tuple[ActionView, ...]  # updated since the last digest

    @property
    def attention(self) -> tuple[DashboardIndicator, ...]:
        """Indicators in alert, then in warning."""
        return tuple(i for i in self.indicators if i.status in (Status.ALERT, Status.WARNING))

    @property
    def changes(self) -> tuple[DashboardIndicator, ...]:
        """Indicators with new readings or a new status since the last digest."""
        return tuple(i for i in self.indicators if i.changed)

    @property
    def late_readings(self) -> tuple[DashboardIndicator, ...]:
        """Indicators whose next reading is overdue, the longest overdue first."""
        late = [i for i in self.indicators if i.is_late(self.today)]
        return tuple(sorted(late, key=lambda i: (i.due_on or self.today, i.indicator.code)))

    @property
    def late_actions(self) -> tuple[ActionView, ...]:
        """Open actions past their due date, the longest overdue first."""
        late = [a for a in self.actions if a.is_late(self.today)]
        return tuple(sorted(late, key=lambda a: (a.due_on or self.today, a.number)))

    @property
    def nothing_new(self) -> bool:
        """No reading, status or action changed since the last digest (never true for the first)."""
        return self.since_digest and not self.changes and not self.changed_actions

    @property
    def progress(self) -> float:
        """Mean progress of the live actions, in percent."""
        live = [a for a in self.actions if a.status.value != "abandoned"]
        return sum(a.progress for a in live) / len(live) if live else 0.0


def attention_order(items: list[DashboardIndicator]) -> tuple[DashboardIndicator, ...]:
    """Alerts first, then warnings, then the others; by code within each."""
    return tuple(sorted(items, key=lambda i: (_RANK[i.status], i.indicator.code.lower())))
