"""Trend fitting and target forecasts: hand-computed cases and properties on generated data."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.trend import Forecast, Trend, direction_of, fit_trend, forecast

D0 = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


# --------------------------------------------------------------------------------------------------
# fit_trend


def test_three_points_on_a_line() -> None:
    trend = fit_trend([(day(0), 1.0), (day(1), 2.0), (day(2), 3.0)])
    assert trend == Trend(slope_per_day=1.0, origin=day(2), level=3.0, first=day(0))


def test_hand_computed_least_squares() -> None:
    # x relative to the newest day: -4, -2, 0 (mean -2); y: 1, 3, 2 (mean 2);
    # Sxx = 8, Sxy = (-2)(-1) + 0 + (2)(0) = 2, slope = 0.25, level = 2 - 0.25 * (-2) = 2.5.
    trend = fit_trend([(day(0), 1.0), (day(2), 3.0), (day(4), 2.0)])
    assert trend is not None
    assert trend.slope_per_day == pytest.approx(0.25)
    assert trend.level == pytest.approx(2.5)
    assert (trend.origin, trend.first) == (day(4), day(0))
    assert trend.at(day(0)) == pytest.approx(1.5)
    assert trend.at(day(12)) == pytest.approx(4.5)


def test_decreasing_weekly_readings() -> None:
    points = [(day(7 * i), 100.0 - 14.0 * i) for i in range(5)]
    trend = fit_trend(points)
    assert trend is not None
    assert trend.slope_per_day == pytest.approx(-2.0)
    assert trend.level == pytest.approx(44.0)


def test_input_order_does_not_matter() -> None:
    points = [(day(i * 3), float((i * 7) % 5)) for i in range(9)]
    shuffled = points[:]
    random.Random(4).shuffle(shuffled)
    assert fit_trend(shuffled) == fit_trend(points)


def test_only_the_newest_window_points_are_used() -> None:
    # An old outlier outside the window must not bend the line.
    points = [(day(0), 1000.0)] + [(day(i), 2.0 * i) for i in range(1, 6)]
    trend = fit_trend(points, window=5)
    assert trend is not None
    assert trend.first == day(1)
    assert trend.slope_per_day == pytest.approx(2.0)
    assert trend.level == pytest.approx(10.0)
    with_outlier = fit_trend(points, window=6)
    assert with_outlier is not None and with_outlier.slope_per_day < 0


def test_default_window_is_twelve() -> None:
    points = [(day(i), float(i * i)) for i in range(20)]
    trend = fit_trend(points)
    assert trend is not None and trend.first == day(8)


@pytest.mark.parametrize(
    "points",
    [
        [],
        [(D0, 1.0)],
        [(day(0), 1.0), (day(1), 2.0)],
        [(D0, 1.0), (D0, 2.0), (D0, 3.0)],  # all on one day: no direction in time
        [(day(0), 1.0), (day(1), float("nan")), (day(2), float("inf"))],
    ],
)
def test_not_enough_information_gives_none(points: list[tuple[dt.date, float]]) -> None:
    assert fit_trend(points) is None


def test_non_finite_readings_are_skipped() -> None:
    points = [(day(0), 0.0), (day(1), float("nan")), (day(2), 2.0), (day(3), 3.0)]
    trend = fit_trend(points)
    assert trend is not None and trend.slope_per_day == pytest.approx(1.0)


def test_several_readings_on_some_days() -> None:
    trend = fit_trend([(day(0), 0.0), (day(0), 2.0), (day(2), 3.0), (day(2), 5.0)])
    assert trend is not None
    assert trend.slope_per_day == pytest.approx(1.5)
    assert trend.level == pytest.approx(4.0)


def test_datetimes_are_taken_as_their_day() -> None:
    points = [(dt.datetime(2026, 1, 5 + i, 9, 30), float(i)) for i in range(3)]
    trend = fit_trend(points)
    assert trend is not None
    assert type(trend.origin) is dt.date and trend.origin == day(2)
    assert trend.at(dt.datetime(2026, 1, 10, 23, 0)) == pytest.approx(5.0)


def test_window_below_three_is_refused() -> None:
    with pytest.raises(ValueError):
        fit_trend([(day(i), float(i)) for i in range(5)], window=2)


# --------------------------------------------------------------------------------------------------
# forecast

RISING = Trend(slope_per_day=1.0, origin=day(10), level=3.0, first=day(0))
FALLING = Trend(slope_per_day=-0.5, origin=day(10), level=20.0, first=day(0))
FLAT = Trend(slope_per_day=0.0, origin=day(10), level=3.0, first=day(0))


def test_no_target() -> None:
    assert forecast(RISING, latest=3.0, target=None, direction=1) == Forecast("no_target")
    assert forecast(None, latest=None, target=None, direction=-1) == Forecast("no_target")


@pytest.mark.parametrize(
    ("latest", "target", "direction"), [(80.0, 80.0, 1), (81.0, 80.0, 1), (10.0, 12.0, -1), (5.0, 5.0, -1)]
)
def test_reached(latest: float, target: float, direction: int) -> None:
    # Already there: with or without a trend, whichever way the trend goes.
    assert forecast(FALLING, latest=latest, target=target, direction=direction) == Forecast("reached")
    assert forecast(None, latest=latest, target=target, direction=direction) == Forecast("reached")


def test_no_trend() -> None:
    assert forecast(None, latest=3.0, target=10.0, direction=1) == Forecast("no_trend")
    assert forecast(RISING, latest=None, target=10.0, direction=1) == Forecast("no_trend")


@pytest.mark.parametrize(
    ("trend", "direction", "target"),
    [
        (FLAT, 1, 10.0),
        (FLAT, -1, 1.0),
        (FALLING, 1, 30.0),  # falling while higher is better
        (RISING, -1, 1.0),  # rising while lower is better
    ],
)
def test_not_reached_when_the_trend_does_not_lead_there(trend: Trend, direction: int, target: float) -> None:
    latest = trend.level
    assert forecast(trend, latest=latest, target=target, direction=direction) == Forecast("not_reached")


def test_on_pace_hand_computed() -> None:
    # 3 + 1/day * d == 10  ->  d = 7
    assert forecast(RISING, latest=3.0, target=10.0, direction=1) == Forecast("on_pace", day(17))
    # 20 - 0.5/day * d == 12  ->  d = 16
    assert forecast(FALLING, latest=20.0, target=12.0, direction=-1) == Forecast("on_pace", day(26))


def test_fractional_day_rounds_up_to_the_first_day_at_the_target() -> None:
    trend = Trend(slope_per_day=0.5, origin=day(10), level=0.0, first=day(0))
    # 0.5 * d == 1.2 -> d = 2.4: on day 2 the line is at 1.0, on day 3 at 1.5
    assert forecast(trend, latest=0.0, target=1.2, direction=1) == Forecast("on_pace", day(13))


def test_exact_days_are_not_pushed_by_float_noise() -> None:
    trend = Trend(slope_per_day=0.1, origin=day(10), level=0.0, first=day(0))
    # 0.3 / 0.1 == 2.9999999999999996 in floats; 0.7 / 0.1 == 6.999999999999999
    assert forecast(trend, latest=0.0, target=0.3, direction=1) == Forecast("on_pace", day(13))
    assert forecast(trend, latest=0.0, target=0.7, direction=1) == Forecast("on_pace", day(17))


def test_late_against_a_target_date() -> None:
    def due(target_date: dt.date) -> Forecast:
        return forecast(RISING, latest=3.0, target=10.0, direction=1, target_date=target_date)

    assert due(day(17)) == Forecast("on_pace", day(17))
    assert due(day(30)) == Forecast("on_pace", day(17))
    assert due(day(16)) == Forecast("late", day(17))


def test_line_already_past_the_target_means_now_never_the_past() -> None:
    # The fitted line is at 12 on the origin, past the target of 10, though the last reading (9) is not.
    trend = Trend(slope_per_day=1.0, origin=day(10), level=12.0, first=day(0))
    assert forecast(trend, latest=9.0, target=10.0, direction=1) == Forecast("on_pace", day(10))
    assert forecast(trend, latest=9.0, target=10.0, direction=1, target_date=day(9)) == Forecast(
        "late", day(10)
    )


def test_horizon() -> None:
    slow = Trend(slope_per_day=0.01, origin=day(0), level=0.0, first=day(-30))
    # 0.01 * d == 10 -> d = 1000 (within 3 years); 20 -> 2000 (beyond)
    assert forecast(slow, latest=0.0, target=10.0, direction=1) == Forecast("on_pace", day(1000))
    assert forecast(slow, latest=0.0, target=20.0, direction=1) == Forecast("not_reached")
    assert forecast(slow, latest=0.0, target=10.0, direction=1, horizon_days=1000).kind == "on_pace"
    assert forecast(slow, latest=0.0, target=10.0, direction=1, horizon_days=999).kind == "not_reached"


def test_no_overflow_near_the_end_of_the_calendar() -> None:
    end = Trend(slope_per_day=1e-3, origin=dt.date.max - dt.timedelta(days=5), level=0.0, first=D0)
    assert forecast(end, latest=0.0, target=1.0, direction=1, horizon_days=10**9).kind == "not_reached"
    tiny = Trend(slope_per_day=1e-300, origin=D0, level=-1e300, first=D0 - dt.timedelta(days=9))
    assert forecast(tiny, latest=0.0, target=1e300, direction=1).kind == "not_reached"


def test_non_finite_inputs() -> None:
    assert forecast(RISING, latest=3.0, target=float("nan"), direction=1) == Forecast("no_target")
    assert forecast(RISING, latest=float("nan"), target=10.0, direction=1) == Forecast("no_trend")


@pytest.mark.parametrize("direction", [0, 2, -2])
def test_direction_must_be_one_or_minus_one(direction: int) -> None:
    with pytest.raises(ValueError):
        forecast(RISING, latest=3.0, target=10.0, direction=direction)


# --------------------------------------------------------------------------------------------------
# direction_of

NO_THRESHOLDS = {"warn_below": None, "alert_below": None, "warn_above": None, "alert_above": None}


@pytest.mark.parametrize(
    ("thresholds", "target", "first", "expected"),
    [
        ({"warn_below": 60.0}, None, None, 1),
        ({"alert_below": 50.0}, 10.0, 90.0, 1),  # thresholds beat the target's position
        ({"warn_above": 5.0}, None, None, -1),
        ({"alert_above": 8.0}, 90.0, 10.0, -1),
        ({"warn_below": 1.0, "alert_above": 9.0}, 0.0, 5.0, 1),  # a band: below wins
        ({}, 90.0, 50.0, 1),
        ({}, 90.0, 90.0, 1),
        ({}, 10.0, 50.0, -1),
        ({}, 10.0, None, 1),
        ({}, None, 50.0, 1),
        ({}, None, None, 1),
    ],
)
def test_direction_of(
    thresholds: dict[str, float], target: float | None, first: float | None, expected: int
) -> None:
    kw: dict[str, float | None] = {**NO_THRESHOLDS, **thresholds}
    assert direction_of(target=target, first=first, **kw) == expected


# --------------------------------------------------------------------------------------------------
# Properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
    offsets=st.lists(st.integers(min_value=0, max_value=3000), min_size=3, max_size=30),
    slope=st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    intercept=finite,
    window=st.integers(min_value=3, max_value=40),
)
def test_fit_on_exactly_linear_data_recovers_the_line(
    start: dt.date, offsets: list[int], slope: float, intercept: float, window: int
) -> None:
    points = [(start + dt.timedelta(days=o), intercept + slope * o) for o in offsets]
    used = sorted(offsets)[-window:]
    assume(len(used) >= 3 and used[0] != used[-1])
    trend = fit_trend(points, window=window)
    assert trend is not None
    assert trend.origin == start + dt.timedelta(days=used[-1])
    assert trend.first == start + dt.timedelta(days=used[0])
    scale = abs(intercept) + abs(slope) * 3000 + 1.0
    assert trend.slope_per_day == pytest.approx(slope, abs=1e-9 * scale)
    assert trend.level == pytest.approx(intercept + slope * used[-1], abs=1e-9 * scale)


@given(
    slope=st.floats(min_value=1e-4, max_value=1e3).flatmap(lambda s: st.sampled_from([s, -s])),
    level=finite,
    gap=st.floats(min_value=1e-3, max_value=1e6),
    direction=st.sampled_from([1, -1]),
)
def test_forecast_day_is_the_first_day_the_line_meets_the_target(
    slope: float, level: float, gap: float, direction: int
) -> None:
    trend = Trend(slope_per_day=slope, origin=D0, level=level, first=D0 - dt.timedelta(days=30))
    target = level + direction * gap  # ahead of the line's current value
    latest = level  # not yet reached
    result = forecast(trend, latest=latest, target=target, direction=direction)
    if slope * direction <= 0:
        assert result == Forecast("not_reached")
        return
    days_needed = gap / abs(slope)
    if days_needed > 3 * 365 + 1:
        assert result == Forecast("not_reached")
        return
    if result.kind == "not_reached":  # only right at the horizon's edge
        assert math.isclose(days_needed, 3 * 365, rel_tol=1e-6) or days_needed > 3 * 365
        return
    assert result.kind == "on_pace" and result.day is not None
    tolerance = 1e-9 * (abs(level) + gap + 1.0)
    # On the forecast day the line has met the target, and one day earlier it had not, within a day.
    assert direction * (trend.at(result.day) - target) >= -tolerance
    assert result.day >= trend.origin
    if result.day > trend.origin:
        before = result.day - dt.timedelta(days=1)
        assert direction * (trend.at(before) - target) < tolerance
