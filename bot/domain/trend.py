"""Trend of an indicator (a least-squares line through its recent readings) and where it leads.

Pure: plain dates and floats in, frozen values out. Days are the unit of time, so a slope reads as
"value units per day" whatever the indicator's cadence, and readings need not be evenly spaced.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Forecast", "ForecastKind", "Trend", "direction_of", "fit_trend", "forecast"]

ForecastKind = Literal["reached", "on_pace", "late", "not_reached", "no_trend", "no_target"]

_MIN_POINTS = 3
# Float noise must not push a solution that lands exactly on a day to the next one.
_DAY_EPSILON = 1e-9


@dataclass(frozen=True)
class Trend:
    """A straight line through recent readings, anchored on the newest one's day."""

    slope_per_day: float  # least-squares slope, value units per day
    origin: datetime.date  # the day of the newest point used
    level: float  # the fitted value at `origin`
    first: datetime.date  # the day of the oldest point used

    def at(self, day: datetime.date) -> float:
        """The fitted value on a day (before, on or after the points used)."""
        return self.level + self.slope_per_day * (_day(day).toordinal() - self.origin.toordinal())


@dataclass(frozen=True)
class Forecast:
    """Where the trend takes an indicator relative to its target, and when it gets there."""

    kind: ForecastKind
    day: datetime.date | None = None  # the day the trend meets the target (on_pace / late)


def fit_trend(points: Sequence[tuple[datetime.date, float]], *, window: int = 12) -> Trend | None:
    """Least-squares line through the newest `window` points (any order); None under 3 points or one day."""
    if window < _MIN_POINTS:
        raise ValueError(f"window must be at least {_MIN_POINTS}, got {window}")
    # NaN or infinite readings carry no information about a direction; they count as missing.
    usable = [(_day(day), float(value)) for day, value in points if math.isfinite(value)]
    usable.sort(key=lambda p: p[0])
    recent = usable[-window:]
    if len(recent) < _MIN_POINTS:
        return None
    origin, first = recent[-1][0], recent[0][0]
    if origin == first:
        return None
    # x in days relative to the newest point keeps the numbers small (ordinals are ~739 000).
    xs = [float(day.toordinal() - origin.toordinal()) for day, _ in recent]
    ys = [value for _, value in recent]
    n = len(recent)
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    level = mean_y - slope * mean_x  # the line's value at x = 0, the origin
    if not (math.isfinite(slope) and math.isfinite(level)):  # readings near the float limits
        return None
    return Trend(slope_per_day=slope, origin=origin, level=level, first=first)


def forecast(
    trend: Trend | None,
    *,
    latest: float | None,
    target: float | None,
    direction: int,
    target_date: datetime.date | None = None,
    horizon_days: int = 3 * 365,
) -> Forecast:
    """Where the trend takes the indicator relative to its target."""
    if direction not in (1, -1):
        raise ValueError(f"direction must be 1 or -1, got {direction}")
    if target is None or not math.isfinite(target):
        return Forecast("no_target")
    if latest is not None and math.isfinite(latest) and latest * direction >= target * direction:
        return Forecast("reached")
    if trend is None or latest is None or not math.isfinite(latest):
        return Forecast("no_trend")
    if trend.slope_per_day * direction <= 0:  # flat, or heading away from the target
        return Forecast("not_reached")
    days_ahead = (target - trend.level) / trend.slope_per_day
    # The fitted line may already be past the target while the latest reading is not: that means
    # "about now", never a day in the past.
    days = max(0, math.ceil(days_ahead - _DAY_EPSILON)) if math.isfinite(days_ahead) else math.inf
    if days > horizon_days or trend.origin.toordinal() + days > datetime.date.max.toordinal():
        return Forecast("not_reached")
    day = trend.origin + datetime.timedelta(days=int(days))
    if target_date is not None and day > _day(target_date):
        return Forecast("late", day)
    return Forecast("on_pace", day)


def direction_of(
    *,
    target: float | None,
    warn_below: float | None,
    alert_below: float | None,
    warn_above: float | None,
    alert_above: float | None,
    first: float | None,
) -> int:
    """Which way is better for an indicator: +1 when higher is better, -1 when lower is better."""
    if warn_below is not None or alert_below is not None:
        return 1
    if warn_above is not None or alert_above is not None:
        return -1
    if target is None or first is None or target >= first:
        return 1
    return -1


def _day(value: datetime.date) -> datetime.date:
    """A calendar day, also when a datetime (a subclass of date) slips in."""
    return value.date() if isinstance(value, datetime.datetime) else value
