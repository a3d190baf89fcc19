"""When an indicator's next reading is due, from its cadence and its latest reading's period."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.home import cadence_bounds, next_reading_due
from bot.domain.periods import Granularity, Period
from bot.domain.values import Cadence

TODAY = dt.date(2026, 11, 20)  # a Friday
D = dt.date


def month(year: int, m: int) -> Period:
    return Period(D(year, m, 1), Granularity.MONTH)


@pytest.mark.parametrize(
    ("cadence", "day", "bounds"),
    [
        (Cadence.WEEK, D(2026, 11, 20), (D(2026, 11, 16), D(2026, 11, 22))),
        (Cadence.WEEK, D(2026, 11, 16), (D(2026, 11, 16), D(2026, 11, 22))),
        (Cadence.WEEK, D(2026, 12, 31), (D(2026, 12, 28), D(2027, 1, 3))),
        (Cadence.MONTH, D(2026, 2, 14), (D(2026, 2, 1), D(2026, 2, 28))),
        (Cadence.MONTH, D(2028, 2, 29), (D(2028, 2, 1), D(2028, 2, 29))),
        (Cadence.MONTH, D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
        (Cadence.QUARTER, D(2026, 8, 15), (D(2026, 7, 1), D(2026, 9, 30))),
        (Cadence.QUARTER, D(2026, 12, 1), (D(2026, 10, 1), D(2026, 12, 31))),
        (Cadence.YEAR, D(2026, 6, 30), (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_cadence_bounds(cadence: Cadence, day: dt.date, bounds: tuple[dt.date, dt.date]) -> None:
    assert cadence_bounds(cadence, day) == bounds


def test_no_cadence_means_never_due() -> None:
    assert next_reading_due(None, None, today=TODAY) is None
    assert next_reading_due(None, month(2026, 10), today=TODAY) is None


@pytest.mark.parametrize("cadence", list(Cadence))
def test_a_cadence_and_no_reading_is_due_now(cadence: Cadence) -> None:
    assert next_reading_due(cadence, None, today=TODAY) == TODAY


@pytest.mark.parametrize(
    ("cadence", "latest", "due"),
    [
        # The period after the latest one is due by its last day.
        (Cadence.MONTH, month(2026, 10), D(2026, 11, 30)),
        (Cadence.MONTH, month(2026, 12), D(2027, 1, 31)),
        (Cadence.MONTH, month(2027, 1), D(2027, 2, 28)),
        (Cadence.QUARTER, Period(D(2026, 7, 1), Granularity.QUARTER), D(2026, 12, 31)),
        (Cadence.QUARTER, Period(D(2026, 10, 1), Granularity.QUARTER), D(2027, 3, 31)),
        (Cadence.YEAR, Period(D(2025, 1, 1), Granularity.YEAR), D(2026, 12, 31)),
        # A reading typed on a day counts for the cadence period that contains the day.
        (Cadence.MONTH, Period.day(D(2026, 11, 20)), D(2026, 12, 31)),
        (Cadence.WEEK, Period.day(D(2026, 11, 20)), D(2026, 11, 29)),
        (Cadence.WEEK, Period.day(D(2026, 11, 22)), D(2026, 11, 29)),
        (Cadence.QUARTER, Period.day(D(2026, 9, 30)), D(2026, 12, 31)),
        # A coarser reading than the cadence covers up to its last day.
        (Cadence.WEEK, month(2026, 10), D(2026, 11, 8)),
        (Cadence.MONTH, Period(D(2026, 7, 1), Granularity.QUARTER), D(2026, 10, 31)),
        (Cadence.MONTH, Period(D(2025, 1, 1), Granularity.YEAR), D(2026, 1, 31)),
    ],
)
def test_next_reading_due_after_the_latest_period(cadence: Cadence, latest: Period, due: dt.date) -> None:
    assert next_reading_due(cadence, latest, today=TODAY) == due


def test_an_old_reading_leaves_a_due_date_in_the_past() -> None:
    due = next_reading_due(Cadence.MONTH, month(2026, 8), today=TODAY)
    assert due == D(2026, 9, 30) and due < TODAY
