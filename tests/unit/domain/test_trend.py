"""Trend fitting and target forecasts: hand-computed cases and properties on generated data."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.periods import Granularity
from bot.domain.trend import (
    Forecast,
    Trend,
    direction_of,
    fit_trend,
    forecast,
    t_test_p_value,
    trend_supported,
)

D0 = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


# --------------------------------------------------------------------------------------------------
# fit_trend


def test_three_points_on_a_line() -> None:
    trend = fit_trend([(day(0), 1.0), (day(1), 2.0), (day(2), 3.0)])
    assert trend == Trend(
        slope_per_day=1.0, origin=day(2), level=3.0, first=day(0), points=3, r2=1.0, p_value=0.0,
        scatter=0.0, last_step=1.0,
    )  # fmt: skip


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
# forecast: the rules that decide whether a date is stated


def line(
    slope: float, *, n: int = 8, every: int = 30, start: float = 50.0, noise: float = 0.0, seed: int = 1
):
    """n readings `every` days apart on a line from `start`, with optional Gaussian noise."""
    rng = random.Random(seed)
    return [(day(i * every), start + slope * i * every + rng.gauss(0.0, noise)) for i in range(n)]


def outlook(points, *, target: float, direction: int = 1, today: dt.date | None = None, target_date=None):
    trend = fit_trend(points)
    newest = max(points)[0] if points else D0
    latest = max(points)[1] if points else None
    return forecast(
        trend,
        latest=latest,
        target=target,
        direction=direction,
        today=today or newest,
        target_date=target_date,
    )


SEEN = dict(today=day(0))  # a today for calls that stop before the date rules


def test_no_target_and_no_data() -> None:
    assert forecast(None, latest=3.0, target=None, direction=1, **SEEN) == Forecast("no_target")
    assert forecast(None, latest=3.0, target=float("nan"), direction=1, **SEEN) == Forecast("no_target")
    assert forecast(None, latest=None, target=10.0, direction=1, **SEEN) == Forecast("no_data")
    assert forecast(None, latest=float("nan"), target=10.0, direction=1, **SEEN) == Forecast("no_data")


@pytest.mark.parametrize(
    ("latest", "target", "direction"), [(80.0, 80.0, 1), (81.0, 80.0, 1), (10.0, 12.0, -1), (5.0, 5.0, -1)]
)
def test_reached_whatever_the_trend(latest: float, target: float, direction: int) -> None:
    assert forecast(None, latest=latest, target=target, direction=direction, **SEEN) == Forecast("reached")
    falling = fit_trend(line(-1.0))
    assert forecast(falling, latest=latest, target=target, direction=direction, **SEEN).kind == "reached"


def test_a_steady_rise_is_dated_from_the_newest_reading() -> None:
    # +0.1 a day over 210 days from 50: at 71 on day 210; 80 is 9 / 0.1 = 90 days further.
    assert outlook(line(0.1), target=80.0) == Forecast("on_pace", day(300))
    assert outlook(line(0.1), target=80.0, target_date=day(300)) == Forecast("on_pace", day(300))
    assert outlook(line(0.1), target=80.0, target_date=day(299)) == Forecast("late", day(300))


def test_lower_is_better() -> None:
    assert outlook(line(-0.1, start=90.0), target=60.0, direction=-1) == Forecast("on_pace", day(300))
    assert outlook(line(0.1), target=40.0, direction=-1) == Forecast("away")


def test_three_points_are_not_enough() -> None:
    result = outlook(line(0.1, n=3), target=80.0)
    assert result == Forecast("uncertain", reason="few_points", count=3)
    result = outlook(line(0.1, n=4), target=80.0)
    assert result == Forecast("uncertain", reason="few_points", count=4)
    assert outlook(line(0.1, n=5), target=70.0).kind == "on_pace"
    assert forecast(None, latest=1.0, target=80.0, direction=1, **SEEN).reason == "few_points"


def test_readings_over_less_than_four_weeks_are_not_enough() -> None:
    result = outlook(line(1.0, n=10, every=3), target=100.0)  # 27 days
    assert result == Forecast("uncertain", reason="short_span", count=27)
    assert outlook(line(1.0, n=8, every=4), target=100.0).kind == "on_pace"  # 28 days


def test_flat_noise_has_no_date() -> None:
    for seed in range(20):
        result = outlook(line(0.0, n=12, noise=3.0, seed=seed), target=80.0)
        assert result.kind in ("uncertain", "away"), seed
        if result.kind == "uncertain":
            assert result.reason in ("noisy", "against")


def test_a_significant_slope_with_a_poor_fit_is_still_noisy() -> None:
    # 26 readings: a weak slope reaches p < 0.05 with R² under 0.3.
    points = line(0.01, n=12, every=15, noise=0.6, seed=7)
    trend = fit_trend(points, window=26)
    assert trend is not None
    if trend.p_value <= 0.05 and trend.r2 < 0.3:
        assert outlook(points, target=80.0).reason == "noisy"


def test_the_newest_reading_falling_against_a_rise_is_said_first() -> None:
    # frc: 60 → 75,8 % over eight months, then 68 %: no date, and the reason is the fall.
    points = [(day(30 * i), 60.0 + 2.25 * i) for i in range(8)] + [(day(240), 68.0)]
    result = outlook(points, target=75.0)
    assert result == Forecast("uncertain", reason="against", count=-1)
    rising = [(day(30 * i), 90.0 - 2.25 * i) for i in range(8)] + [(day(240), 82.0)]
    assert outlook(rising, target=70.0, direction=-1) == Forecast("uncertain", reason="against", count=1)


def test_a_small_step_back_within_the_scatter_keeps_the_forecast() -> None:
    # +0,3 a month with ±0,4 of noise, then a step back of 0,2: within the readings' own scatter.
    points = [(day(30 * i), 50 + 0.3 * i + (0.4 if i % 2 else -0.4)) for i in range(11)]
    points.append((day(330), points[-1][1] - 0.2))
    trend = fit_trend(points)
    assert trend is not None and trend.broke_off == 0 and trend.last_step < 0
    assert outlook(points, target=54.0).kind == "on_pace"


def test_a_fall_that_breaks_a_steady_rise_is_said_even_when_it_spoils_the_fit() -> None:
    # 45/60 … 52/60 rising, then 40/60 (a strike): over all six the slope is not significant.
    points = [(day(30 * i), v) for i, v in enumerate([75.0, 78.33, 80.0, 83.33, 86.67])]
    points.append((day(150), 66.67))
    trend = fit_trend(points)
    assert trend is not None and trend.p_value > 0.05  # alone, it would read as noise
    assert outlook(points, target=90.0) == Forecast("uncertain", reason="against", count=-1)


def test_a_period_reading_dates_the_first_period_that_shows_the_target() -> None:
    # Monthly readings on each month's first day, +1,5 a month from 70,8 in November: 75 is crossed
    # on 26 January, so February's reading is the first at the target.
    points = [(dt.date(2026, m, 1), 70.8 - 1.5 * (11 - m)) for m in range(4, 12)]
    raw = outlook(points, target=75.0, today=dt.date(2026, 11, 20))
    assert raw.kind == "on_pace" and raw.day is not None and raw.day.month == 1
    monthly = forecast(
        fit_trend(points), latest=70.8, target=75.0, direction=1, today=dt.date(2026, 11, 20),
        granularity=Granularity.MONTH,
    )  # fmt: skip
    assert monthly == Forecast("on_pace", dt.date(2027, 2, 1))
    # Quarterly: 20 → 40 % over T2 2025–T3 2026 (+4 a quarter): 50 % is crossed during T1 2027,
    # so T2 2027's reading is the first to show it.
    starts = [dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)]
    starts += [dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1)]
    quarters = [(d, 20.0 + 4 * i) for i, d in enumerate(starts)]
    quarterly = forecast(
        fit_trend(quarters), latest=40.0, target=50.0, direction=1, today=dt.date(2026, 11, 20),
        granularity=Granularity.QUARTER,
    )  # fmt: skip
    assert quarterly.kind == "on_pace" and quarterly.day is not None
    assert quarterly.day.month in (1, 4, 7, 10) and quarterly.day.day == 1
    assert quarterly.day == dt.date(2027, 4, 1)  # 40 + 4 × 2,5 quarters: during T1 2027, seen in T2


def test_stale_readings_are_not_moved_to_today() -> None:
    points = line(0.1, n=8)  # monthly readings, newest on day 210
    assert outlook(points, target=80.0, today=day(270)).kind == "on_pace"  # two months later: still fresh
    stale = outlook(points, target=80.0, today=day(271))
    assert stale == Forecast("uncertain", day(210), reason="stale")


def test_stale_data_past_the_deadline() -> None:
    points = line(0.1, n=8)
    result = outlook(points, target=80.0, today=day(400), target_date=day(365))
    assert result == Forecast("deadline_passed")
    # On the deadline's day itself it is not yet passed.
    assert outlook(points, target=80.0, today=day(240), target_date=day(240)).kind == "late"


def test_no_date_before_today() -> None:
    points = line(0.1, n=8, every=60)  # readings to day 420, 50 + 42 = 92 at the end; 95 on day 450
    assert outlook(points, target=95.0, today=day(440)) == Forecast("on_pace", day(450))
    assert outlook(points, target=95.0, today=day(450)) == Forecast("on_pace", day(450))
    # Asked after that day, no reading has come to say so: the date is not moved to today.
    assert outlook(points, target=95.0, today=day(451)) == Forecast("due")


def test_no_date_farther_than_the_data_span() -> None:
    points = line(0.1, n=8)  # 210 days of readings, at 71 on day 210
    assert outlook(points, target=92.0) == Forecast("on_pace", day(420))  # 210 days ahead: the limit
    assert outlook(points, target=92.1) == Forecast("not_before", day(420))


def test_fractional_day_rounds_up_and_exact_days_stay() -> None:
    points = line(0.1, n=8)  # at 71.0 on day 210
    assert outlook(points, target=71.25) == Forecast("on_pace", day(213))  # 2.5 days: the third
    assert outlook(points, target=71.3).day == day(213)  # 0.3 / 0.1 == 2.9999999999999996


def test_significance_of_a_known_slope() -> None:
    # Student's t critical values (two-sided 5 %): 12.706 (1 df), 2.228 (10), 2.086 (20).
    assert t_test_p_value(12.706, 1) == pytest.approx(0.05, abs=1e-4)
    assert t_test_p_value(2.228, 10) == pytest.approx(0.05, abs=1e-4)
    assert t_test_p_value(-2.086, 20) == pytest.approx(0.05, abs=1e-4)
    assert t_test_p_value(0.0, 5) == 1.0
    assert t_test_p_value(float("inf"), 5) == 0.0


def test_trend_quality_figures() -> None:
    exact = fit_trend(line(0.5))
    assert exact is not None and exact.r2 == pytest.approx(1.0) and exact.p_value == 0.0
    assert exact.span_days == 210 and exact.points == 8 and exact.last_step == pytest.approx(15.0)
    flat = fit_trend([(day(0), 1.0), (day(10), 1.0), (day(20), 1.0)])
    assert flat is not None and flat.r2 == 0.0 and flat.p_value == 1.0
    assert not trend_supported(flat, today=day(20))
    assert trend_supported(exact, today=day(210))


@pytest.mark.parametrize("direction", [0, 2, -2])
def test_direction_must_be_one_or_minus_one(direction: int) -> None:
    with pytest.raises(ValueError):
        forecast(None, latest=3.0, target=10.0, direction=direction, **SEEN)


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
    slope=st.floats(min_value=-50.0, max_value=50.0),
    noise=st.floats(min_value=0.0, max_value=20.0),
    n=st.integers(min_value=0, max_value=26),
    every=st.sampled_from([1, 7, 30, 91, 365]),
    target=st.floats(min_value=-1e4, max_value=1e4),
    direction=st.sampled_from([1, -1]),
    age=st.integers(min_value=0, max_value=800),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_a_stated_date_is_never_before_today_nor_past_the_data_span(
    slope: float, noise: float, n: int, every: int, target: float, direction: int, age: int, seed: int
) -> None:
    points = line(slope / every, n=n, every=every, noise=noise, seed=seed)
    today = (max(points)[0] if points else D0) + dt.timedelta(days=age)
    result = outlook(points, target=target, direction=direction, today=today)
    trend = fit_trend(points)
    if result.kind in ("on_pace", "late"):
        assert trend is not None and result.day is not None
        assert today <= result.day <= trend.origin + dt.timedelta(days=trend.span_days)
        assert trend.points >= 5 and trend.span_days >= 28
        assert trend.p_value <= 0.05 and trend.r2 >= 0.3
        latest = max(points)[1]
        # The latest reading, at the trend's pace, meets the target on that day and not a day before.
        assert direction * (latest + trend.slope_per_day * (result.day - trend.origin).days - target) >= -1e-6


def test_a_reading_below_the_line_is_not_credited_with_the_lines_ground() -> None:
    points = line(0.1, n=8)
    points[-1] = (day(210), 70.5)  # half a point under the line, still a rise from 68
    trend = fit_trend(points)
    assert trend is not None and trend.level > 70.5
    expected = day(210 + math.ceil((80.0 - 70.5) / trend.slope_per_day))
    assert outlook(points, target=80.0) == Forecast("on_pace", expected)


def test_a_target_reached_long_ago_says_when() -> None:
    points = line(0.1, n=8)  # monthly to day 210, 71 at the end
    assert outlook(points, target=70.0) == Forecast("reached")
    assert outlook(points, target=70.0, today=day(400)) == Forecast("reached", day(210), reason="stale")
