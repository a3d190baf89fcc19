"""The period a reading is for: a day, a month, a quarter or a year."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput


class Granularity(StrEnum):
    """How long the period a reading stands for is."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[TtQq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_FR_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MIN_YEAR = 1990


@dataclass(frozen=True, order=True)
class Period:
    """A period: its first day and its granularity."""

    start: dt.date
    granularity: Granularity

    @property
    def end(self) -> dt.date:
        """Last day of the period."""
        if self.granularity is Granularity.DAY:
            return self.start
        months = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}[self.granularity]
        month0 = self.start.month - 1 + months
        first_after = dt.date(self.start.year + month0 // 12, month0 % 12 + 1, 1)
        return first_after - dt.timedelta(days=1)

    def label(self) -> str:
        """Language-neutral label: 2026-10-31, 2026-10, 2026-T3, 2026."""
        s = self.start
        match self.granularity:
            case Granularity.DAY:
                return s.isoformat()
            case Granularity.MONTH:
                return f"{s.year}-{s.month:02d}"
            case Granularity.QUARTER:
                return f"{s.year}-T{(s.month - 1) // 3 + 1}"
            case _:
                return str(s.year)

    @classmethod
    def day(cls, day: dt.date) -> Period:
        """The one-day period of `day`."""
        return cls(day, Granularity.DAY)


def _date(raw: str, year: int, month: int, day: int) -> dt.date:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise InvalidInput("error.bad_period", value=raw) from None
    if year < MIN_YEAR:
        raise InvalidInput("error.bad_period", value=raw)
    return value


def parse_period(raw: str, *, today: dt.date) -> Period:
    """Parse `2026-10-31`, `31/10/2026`, `2026-10`, `2026-T3` (or Q3), `2026`; refuse the future."""
    text = raw.strip().lstrip("@")
    if m := _DAY.match(text):
        period = Period(_date(raw, int(m[1]), int(m[2]), int(m[3])), Granularity.DAY)
    elif m := _FR_DAY.match(text):
        period = Period(_date(raw, int(m[3]), int(m[2]), int(m[1])), Granularity.DAY)
    elif m := _MONTH.match(text):
        period = Period(_date(raw, int(m[1]), int(m[2]), 1), Granularity.MONTH)
    elif m := _QUARTER.match(text):
        period = Period(_date(raw, int(m[1]), (int(m[2]) - 1) * 3 + 1, 1), Granularity.QUARTER)
    elif m := _YEAR.match(text):
        period = Period(_date(raw, int(m[1]), 1, 1), Granularity.YEAR)
    else:
        raise InvalidInput("error.bad_period", value=text[:30])
    if period.start > today:
        raise InvalidInput("error.future_period", value=period.label())
    return period
