"""Frozen values the services hand out: an indicator, a reading, a summary line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.periods import Period
from bot.domain.thresholds import Status, Thresholds
from bot.domain.values import Cadence, Direction, Kind, Level


@dataclass(frozen=True)
class IndicatorView:
    """An indicator's definition."""

    id: int
    code: str
    name: str
    kind: Kind
    unit: str
    thresholds: Thresholds
    owner_id: str | None
    entity: str
    level: Level
    cadence: Cadence | None
    hysteresis: float = 0.0
    warn_dm: bool = False
    change_alert_pct: float | None = None
    target_date: dt.date | None = None
    direction: Direction | None = None  # None: inferred from the thresholds
    reference: str = ""  # where the indicator comes from (a guide's template)


@dataclass(frozen=True)
class ReadingView:
    """One reading."""

    id: int
    value: float
    numerator: float | None
    denominator: float | None
    period: Period
    recorded_by: str
    recorded_at: dt.datetime
    source: str
    note: str
    state: str


@dataclass(frozen=True)
class IndicatorSummary:
    """An indicator with its latest reading and where that reading stands."""

    indicator: IndicatorView
    latest: ReadingView | None
    status: Status


@dataclass(frozen=True)
class RecordResult:
    """What recording a reading did."""

    indicator: IndicatorView
    reading: ReadingView
    status: Status
    replaced: ReadingView | None
    previous: ReadingView | None
    period_given: bool = True  # False: the period is the current one of the indicator's cadence
    typed: str = ""  # the value as typed, when it was converted to the indicator's unit
    warnings: tuple[str, ...] = ()  # what the echo must point out (a percentage outside 0-100)


@dataclass(frozen=True)
class UndoResult:
    """What withdrawing a reading did."""

    indicator: IndicatorView
    withdrawn: ReadingView
    restored: ReadingView | None


@dataclass(frozen=True)
class IndicatorHistory:
    """An indicator and its active readings, newest period first."""

    indicator: IndicatorView
    readings: tuple[ReadingView, ...]
    status: Status


@dataclass(frozen=True)
class WorkspaceView:
    """A workspace's settings."""

    team_id: str
    timezone: str
    language: str
