"""Trend of an indicator (a least-squares line through its recent readings) and what it can honestly say.

Pure: plain dates and floats in, frozen values out. Days are the unit of time, so a slope reads as
"value units per day" whatever the indicator's cadence, and readings need not be evenly spaced.

A forecast date is stated only when the data supports it (the rule, in the README's "Trend and
forecast" section):

1. at least `MIN_POINTS` readings spread over at least `MIN_SPAN_DAYS` days;
2. the newest reading is recent: no older than twice the readings' mean gap (and a week) on the
   workspace's today;
3. the slope is significant (Student's t, two-sided p ≤ `MAX_P_VALUE`) and the line explains the
   readings (R² ≥ `MIN_R2`);
4. the newest reading did not move against the trend by more than twice the readings' scatter;
5. the date is on or after the workspace's today, and no farther from the newest reading than the
   readings' own span (a line is never extrapolated further than the time it was fitted on).

Otherwise the forecast is "uncertain" with the first rule that failed as its reason.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.domain.periods import Granularity, Period

__all__ = [
    "MAX_P_VALUE",
    "MIN_POINTS",
    "MIN_R2",
    "MIN_SPAN_DAYS",
    "Forecast",
    "ForecastKind",
    "Trend",
    "Uncertainty",
    "direction_of",
    "fit_trend",
    "forecast",
    "t_test_p_value",
    "trend_supported",
]

ForecastKind = Literal[
    "no_target",  # nothing to reach
    "no_data",  # no reading yet
    "reached",  # the newest reading is at or past the target
    "deadline_passed",  # the target date is behind us and the target was not reached
    "uncertain",  # the data does not support a forecast: see `reason`
    "away",  # a significant trend leading away from the target
    "due",  # the trend says the target should be reached by now: only a reading can tell
    "not_before",  # on the right way, but not within the span the data can tell (`day`: that bound)
    "on_pace",  # reached on `day`, before the target date if there is one
    "late",  # reached on `day`, after the target date
]
Uncertainty = Literal["few_points", "short_span", "stale", "noisy", "against"]

MIN_POINTS = 5
MIN_SPAN_DAYS = 28
MAX_P_VALUE = 0.05
MIN_R2 = 0.3
_FIT_POINTS = 3  # a line needs three points to have a scatter at all
_STALE_GAPS = 2.0
_STALE_MIN_DAYS = 7
_AGAINST_SCATTERS = 2.0
# Float noise must not push a solution that lands exactly on a day to the next one.
_DAY_EPSILON = 1e-9


@dataclass(frozen=True)
class Trend:
    """A straight line through recent readings, anchored on the newest one's day, with its quality."""

    slope_per_day: float  # least-squares slope, value units per day
    origin: datetime.date  # the day of the newest point used
    level: float  # the fitted value at `origin`
    first: datetime.date  # the day of the oldest point used
    points: int = 0  # how many readings the line was fitted on
    r2: float = 1.0  # share of the readings' variance the line explains
    p_value: float = 0.0  # two-sided p-value of the slope (Student's t, n − 2 degrees of freedom)
    scatter: float = 0.0  # residual standard error, value units
    last_step: float = 0.0  # newest reading minus the one before it
    # −1 or +1 when the newest reading broke off a significant trend of the ones before it (fell
    # from a rise, rose from a fall) by more than twice their scatter; 0 otherwise.
    broke_off: int = 0

    @property
    def span_days(self) -> int:
        """Days between the oldest and the newest reading used."""
        return self.origin.toordinal() - self.first.toordinal()

    def at(self, day: datetime.date) -> float:
        """The fitted value on a day (before, on or after the points used)."""
        return self.level + self.slope_per_day * (_day(day).toordinal() - self.origin.toordinal())


@dataclass(frozen=True)
class Forecast:
    """What the readings say about reaching the target: a kind, a day when one is stated, and for an
    uncertain forecast the reason and its figure (the number of readings, the span in days, or for a
    reading against the trend the sign of its step)."""

    kind: ForecastKind
    day: datetime.date | None = None
    reason: Uncertainty | None = None
    count: int = 0


def fit_trend(points: Sequence[tuple[datetime.date, float]], *, window: int = 12) -> Trend | None:
    """Least-squares line through the newest `window` points (any order); None under 3 points or one day."""
    if window < _FIT_POINTS:
        raise ValueError(f"window must be at least {_FIT_POINTS}, got {window}")
    # NaN or infinite readings carry no information about a direction; they count as missing.
    usable = [(_day(day), float(value)) for day, value in points if math.isfinite(value)]
    usable.sort(key=lambda p: p[0])
    recent = usable[-window:]
    trend = _fit(recent)
    if trend is None:
        return None
    before = _fit(recent[:-1]) if len(recent) > MIN_POINTS - 1 else None
    if before is not None and before.p_value <= MAX_P_VALUE and before.r2 >= MIN_R2:
        off = recent[-1][1] - before.at(recent[-1][0])
        if off * before.slope_per_day < 0 and trend.last_step * before.slope_per_day < 0:
            if abs(off) > _AGAINST_SCATTERS * before.scatter + 1e-12 * max(1.0, abs(recent[-1][1])):
                trend = replace(trend, broke_off=-1 if off < 0 else 1)
    return trend


def _fit(recent: Sequence[tuple[datetime.date, float]]) -> Trend | None:
    """The least-squares line through points sorted by day, with its quality figures."""
    if len(recent) < _FIT_POINTS:
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
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    sse = max(0.0, math.fsum((y - (level + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True)))
    if not (math.isfinite(syy) and math.isfinite(sse)):
        return None
    r2 = 1.0 - sse / syy if syy > 0 else 0.0
    return Trend(
        slope_per_day=slope,
        origin=origin,
        level=level,
        first=first,
        points=n,
        r2=min(1.0, max(0.0, r2)),
        p_value=_slope_p_value(slope, sse, sxx, n),
        scatter=math.sqrt(sse / (n - 2)),
        last_step=ys[-1] - ys[-2],
    )


def forecast(
    trend: Trend | None,
    *,
    latest: float | None,
    target: float | None,
    direction: int,
    today: datetime.date,
    target_date: datetime.date | None = None,
    readings: int = 0,
    granularity: Granularity | None = None,
) -> Forecast:
    """What the readings honestly say about reaching the target, on the workspace's `today`
    (`readings`: how many there are, said when too few to fit a line). Readings of periods stand on
    each period's first day: with a `granularity`, the day stated is the first day of the first
    period whose reading would be at the target (reached on 3 March: April's reading shows it)."""
    if direction not in (1, -1):
        raise ValueError(f"direction must be 1 or -1, got {direction}")
    today = _day(today)
    if target is None or not math.isfinite(target):
        return Forecast("no_target")
    if latest is None or not math.isfinite(latest):
        return Forecast("no_data")
    if latest * direction >= target * direction:
        if trend is not None and trend.points >= MIN_POINTS and _stale(trend, today):
            return Forecast("reached", trend.origin, reason="stale")  # reached then; nothing since
        return Forecast("reached")
    if target_date is not None and today > _day(target_date):
        return Forecast("deadline_passed")
    doubt = _doubt(trend, today)
    if doubt is not None and trend is None:
        return Forecast("uncertain", reason="few_points", count=readings)
    if doubt is not None:
        return doubt
    assert trend is not None  # _doubt says "few_points" without one
    if trend.slope_per_day * direction <= 0:
        return Forecast("away")
    # From the newest reading (not the line's value there) at the line's pace: a reading below the
    # line is not credited with ground it has not covered.
    days_ahead = (target - latest) / trend.slope_per_day
    if not math.isfinite(days_ahead):
        return Forecast("not_before", _shift(trend.origin, trend.span_days))
    days = max(0, math.ceil(days_ahead - _DAY_EPSILON))
    day = _shift(trend.origin, days)
    if granularity is not None:
        period = Period.containing(day, granularity)
        day = period.start if period.start == day else period.end + datetime.timedelta(days=1)
    if day.toordinal() - trend.origin.toordinal() > trend.span_days:  # further than the data's span
        return Forecast("not_before", _shift(trend.origin, trend.span_days))
    if day < today:  # the readings stopped before the day the line meets the target
        return Forecast("due")
    if target_date is not None and day > _day(target_date):
        return Forecast("late", day)
    return Forecast("on_pace", day)


def _doubt(trend: Trend | None, today: datetime.date) -> Forecast | None:
    """The first rule the readings fail for a forecast, as an uncertain one; None when all hold."""
    if trend is None or trend.points < MIN_POINTS:
        return Forecast("uncertain", reason="few_points", count=trend.points if trend else 0)
    if trend.span_days < MIN_SPAN_DAYS:
        return Forecast("uncertain", reason="short_span", count=trend.span_days)
    if _stale(trend, today):
        return Forecast("uncertain", trend.origin, reason="stale")
    if trend.broke_off:  # said first: a fall from a rise also makes the whole line look like noise
        return Forecast("uncertain", reason="against", count=trend.broke_off)
    if trend.p_value > MAX_P_VALUE or trend.r2 < MIN_R2:
        return Forecast("uncertain", reason="noisy")
    if trend.last_step * trend.slope_per_day < 0 and abs(trend.last_step) > _AGAINST_SCATTERS * trend.scatter:
        return Forecast("uncertain", reason="against", count=-1 if trend.last_step < 0 else 1)
    return None


def trend_supported(trend: Trend | None, *, today: datetime.date) -> bool:
    """Whether the readings support their trend line on `today` (the forecast rules 1 to 4)."""
    return _doubt(trend, _day(today)) is None


def _stale(trend: Trend, today: datetime.date) -> bool:
    """Whether the newest reading is older than twice the readings' mean gap (and a week)."""
    mean_gap = trend.span_days / max(1, trend.points - 1)
    return today.toordinal() - trend.origin.toordinal() > max(_STALE_GAPS * mean_gap, _STALE_MIN_DAYS)


def t_test_p_value(t: float, degrees: int) -> float:
    """Two-sided p-value of Student's t statistic with `degrees` degrees of freedom."""
    if degrees < 1:
        raise ValueError(f"degrees must be at least 1, got {degrees}")
    if math.isnan(t):
        return 1.0
    if math.isinf(t):
        return 0.0
    return _incomplete_beta(degrees / 2.0, 0.5, degrees / (degrees + t * t))


def _slope_p_value(slope: float, sse: float, sxx: float, n: int) -> float:
    if n < _FIT_POINTS:
        return 1.0
    if sse <= 0.0:  # readings exactly on a line: certain if it slopes at all
        return 0.0 if slope != 0 else 1.0
    standard_error = math.sqrt(sse / (n - 2) / sxx)
    if standard_error == 0.0:  # a scatter too small for floats (readings near 1e-150)
        return 0.0 if slope != 0 else 1.0
    return t_test_p_value(slope / standard_error, n - 2)


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x > (a + 1.0) / (a + b + 2.0):  # the fraction converges fast only on this side
        return 1.0 - _incomplete_beta(b, a, 1.0 - x)
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * result / a


def direction_of(
    *,
    target: float | None,
    warn_below: float | None,
    alert_below: float | None,
    warn_above: float | None,
    alert_above: float | None,
    first: float | None,
    stated: str | None = None,
) -> int:
    """Which way is better for an indicator: +1 when higher is better, -1 when lower is better. A
    direction the indicator states ("higher", "lower") wins; else the thresholds, else the target."""
    if stated is not None:
        return 1 if stated == "higher" else -1
    if warn_below is not None or alert_below is not None:
        return 1
    if warn_above is not None or alert_above is not None:
        return -1
    if target is None or first is None or target >= first:
        return 1
    return -1


def _shift(day: datetime.date, days: int) -> datetime.date:
    """A day moved forward, held at the calendar's end."""
    return datetime.date.fromordinal(min(day.toordinal() + days, datetime.date.max.toordinal()))


def _day(value: datetime.date) -> datetime.date:
    """A calendar day, also when a datetime (a subclass of date) slips in."""
    return value.date() if isinstance(value, datetime.datetime) else value
