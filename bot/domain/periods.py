"""The period a reading is for (a day, an ISO week, a month, a quarter or a year) and how users type it.

A period is read exactly as typed or refused with a message that says what to type: a numeric date an
English workspace could read two ways, a date missing from the calendar, a period that has not started
yet are all refused, never shifted or guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice

from bot.domain.errors import InvalidInput
from bot.domain.text import code_key


class Granularity(StrEnum):
    """How long the period a reading stands for is (stored in a String(8) column)."""

    DAY = "day"
    WEEK = "week"  # ISO 8601 week, Monday to Sunday
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


MIN_YEAR = 1990
_LAST_MONTH = {"month": 0, "quarter": 2, "year": 11}  # months after the first one, in the period


def _start_of(day: dt.date, granularity: Granularity) -> dt.date:
    match granularity:
        case Granularity.DAY:
            return day
        case Granularity.WEEK:
            return day - dt.timedelta(days=day.weekday())
        case Granularity.MONTH:
            return day.replace(day=1)
        case Granularity.QUARTER:
            return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        case _:
            return dt.date(day.year, 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A period: its first day (a Monday for a week) and its granularity."""

    start: dt.date
    granularity: Granularity

    def __post_init__(self) -> None:
        object.__setattr__(self, "granularity", Granularity(self.granularity))
        if _start_of(self.start, self.granularity) != self.start:
            raise ValueError(f"{self.start} does not start a {self.granularity} period")

    @property
    def end(self) -> dt.date:
        """Last day of the period."""
        if self.granularity is Granularity.DAY:
            return self.start
        if self.granularity is Granularity.WEEK:
            return self.start + dt.timedelta(days=6)
        month = self.start.month + _LAST_MONTH[self.granularity]
        return dt.date(self.start.year, month, calendar.monthrange(self.start.year, month)[1])

    def label(self) -> str:
        """Language-neutral label: 2026-10-31, 2026-W44, 2026-10, 2026-T3, 2026."""
        s = self.start
        match self.granularity:
            case Granularity.DAY:
                return s.isoformat()
            case Granularity.WEEK:
                year, week, _ = s.isocalendar()
                return f"{year}-W{week:02d}"
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

    @classmethod
    def containing(cls, day: dt.date, granularity: Granularity) -> Period:
        """The period of that granularity that contains `day` (its ISO week, month, quarter, year)."""
        return cls(_start_of(day, granularity), granularity)


def granularity_of(cadence: str | None) -> Granularity:
    """The granularity of an indicator's cadence (`Cadence` or its value); a day without cadence."""
    return Granularity(str(cadence)) if cadence else Granularity.DAY


def default_period(cadence: str | None, today: dt.date) -> Period:
    """The current period of a cadence: the ISO week, month, quarter or year of today; today without one."""
    return Period.containing(today, granularity_of(cadence))


def weeks_in(year: int) -> int:
    """How many ISO weeks `year` has: 52, or 53 when 28 December falls in week 53."""
    return dt.date(year, 12, 28).isocalendar().week


# --- Reading what users type -------------------------------------------------------------------------
# Patterns apply to a normalised text: casefolded, accents removed, one ASCII space between words.

_MONTHS = {
    **dict.fromkeys(("janvier", "janv", "jan", "january"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "february", "feb"), 2),
    **dict.fromkeys(("mars", "mar", "march"), 3),
    **dict.fromkeys(("avril", "avr", "april", "apr"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "june", "jun"), 6),
    **dict.fromkeys(("juillet", "juil", "juill", "july", "jul"), 7),
    **dict.fromkeys(("aout", "august", "aug"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}
_RELATIVE = {"aujourd'hui": 0, "aujourdhui": 0, "today": 0, "hier": 1, "yesterday": 1}
_ORD = r"(?:eme|er|re|e|nde|nd|st|rd|th)?"  # 1er, 3e, 3eme (3ème), 2nd, 1st, 3rd, 4th
_MON = r"([a-z]+)\.?"  # a month word, its abbreviation dot optional; looked up in _MONTHS
_NUMERIC_DAY = r"(\d{1,2})([-/.])(\d{1,2})"

_ISO_DAY = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII)
_DMY = re.compile(_NUMERIC_DAY + r"\2(\d{4})", re.ASCII)
_YM = re.compile(r"(\d{4})[-/.](\d{1,2})", re.ASCII)
_MY = re.compile(r"(\d{1,2})[-/.](\d{4})", re.ASCII)
_YEAR = re.compile(r"(\d{4})", re.ASCII)
_Y_QUARTER = re.compile(r"(\d{4})[-/ ]?[tq](\d{1,2})", re.ASCII)
_QUARTER_Y = re.compile(r"[tq](\d{1,2})[-/ ](\d{4})", re.ASCII)
_ORDINAL_QUARTER_Y = re.compile(rf"(\d{{1,2}}){_ORD} (?:trimestre|quarter) (\d{{4}})", re.ASCII)
# "premier trimestre 2026", "deuxième trimestre 2026", "third quarter 2026" (accents folded already).
_QUARTER_WORDS = {
    **dict.fromkeys(("premier", "first"), "1"),
    **dict.fromkeys(("deuxieme", "second", "seconde"), "2"),
    **dict.fromkeys(("troisieme", "third"), "3"),
    **dict.fromkeys(("quatrieme", "fourth"), "4"),
}
_WORD_QUARTER_Y = re.compile(r"([a-z]+) (?:trimestre|quarter) (\d{4})", re.ASCII)
_Y_WEEK = re.compile(r"(\d{4})[-/ ]?([sw])(\d{1,2})", re.ASCII)
_WEEK_Y = re.compile(r"([sw])(\d{1,2})[-/ ](\d{4})", re.ASCII)
_MONTH_Y = re.compile(rf"{_MON} (\d{{4}})", re.ASCII)
_DAY_MONTH_Y = re.compile(rf"(\d{{1,2}}){_ORD} {_MON} (\d{{4}})", re.ASCII)
_MONTH_DAY_Y = re.compile(rf"{_MON} (\d{{1,2}}){_ORD},? (\d{{4}})", re.ASCII)

# What is missing only its year, how to join one to it, and the group that must be a month word:
# `31/10` → `31/10/2026`, `T3`, `S44`, `3e trimestre`, `oct.`, `31 oct.` → `… 2026`, `October 31` → `…, 2026`.
_YEARLESS: tuple[tuple[re.Pattern[str], str | None, int | None], ...] = (
    (re.compile(_NUMERIC_DAY, re.ASCII), None, None),
    (re.compile(r"[tqsw]\d{1,2}", re.ASCII), " ", None),
    (re.compile(rf"\d{{1,2}}{_ORD} (?:trimestre|quarter)", re.ASCII), " ", None),
    (re.compile(_MON, re.ASCII), " ", 1),
    (re.compile(rf"\d{{1,2}}{_ORD} {_MON}", re.ASCII), " ", 1),
    (re.compile(rf"{_MON} \d{{1,2}}{_ORD},?", re.ASCII), ", ", 1),
)
# A month or quarter with a two-digit year, as spreadsheets show them (`janv.-26`, `T4-26`): asked, not
# guessed (a year is written in full).
_SHORT_YEAR = re.compile(rf"(?:{_MON}|([tq][1-4]))[-/ ](\d{{2}})", re.ASCII)
_TRAILING = ",;:"  # punctuation that may follow a period in a command: `@2026-10, bilan`
_FIRST_WORDS = re.compile(r"\S+")  # any Unicode space separates words (U+00A0, U+202F included)


_PERIOD_START = re.compile(r"\d|[tqsw]\d", re.ASCII)


def may_start_period(word: str) -> bool:
    """Whether a period can begin with this word: a cheap test before the full reading of a note."""
    folded = _normalise(word).rstrip(".,;:")
    return bool(_PERIOD_START.match(folded)) or folded in _MONTHS or folded in _RELATIVE


def _normalise(text: str) -> str:
    folded = code_key(text.replace("\u2019", "'"))
    return " ".join(folded.split())


def _shown(raw: str) -> str:
    return " ".join(raw.strip().lstrip("@").split())[:30]


class _Reader:
    """Reads one normalised text: `None` when no period has its shape, InvalidInput when it is wrong."""

    def __init__(self, shown: str, today: dt.date, lang: str) -> None:
        self.shown, self.today, self.lang = shown, today, lang

    def year(self, digits: str) -> int:
        year = int(digits)
        if year < MIN_YEAR:
            raise InvalidInput("error.period_too_old", value=self.shown, min_year=MIN_YEAR)
        return year

    def date(self, year: str, month: str | int, day: str | int, granularity: Granularity) -> Period:
        y = self.year(year)
        try:
            return Period(dt.date(y, int(month), int(day)), granularity)
        except ValueError:
            raise InvalidInput("error.no_such_date", value=self.shown) from None

    def numeric_day(self, first: str, second: str, year: str) -> Period:
        """`a/b/yyyy`: day first; in English either order, refused when both orders are dates."""
        if self.lang != "en":
            return self.date(year, second, first, Granularity.DAY)
        y, a, b = self.year(year), int(first), int(second)
        readings = [d for d in (_calendar_day(y, b, a), _calendar_day(y, a, b)) if d is not None]
        if not readings:
            raise InvalidInput("error.no_such_date", value=self.shown)
        if len(readings) == 2 and a != b:
            day_first, month_first = readings
            raise InvalidInput(
                "error.ambiguous_date",
                value=self.shown,
                iso_day=day_first.isoformat(),
                iso_month=month_first.isoformat(),
            )
        return Period.day(readings[0])

    def named(self, year: str, word: str, day: str | int, granularity: Granularity) -> Period | None:
        month = _MONTHS.get(word)
        return None if month is None else self.date(year, month, day, granularity)

    def quarter(self, year: str, quarter: str) -> Period:
        y, q = self.year(year), int(quarter)
        if not 1 <= q <= 4:
            raise InvalidInput("error.no_such_quarter", value=self.shown)
        return Period(dt.date(y, (q - 1) * 3 + 1, 1), Granularity.QUARTER)

    def week(self, year: str, letter: str, week: str) -> Period:
        y, w = self.year(year), int(week)
        if letter == "s" and week in ("1", "2"):
            # In French administrations S1 and S2 are the two semesters as often as weeks 1 and 2.
            raise InvalidInput("error.semester_or_week", value=self.shown, year=y, week=w)
        if not 1 <= w <= weeks_in(y):
            raise InvalidInput("error.no_such_week", value=self.shown, year=y, weeks=weeks_in(y))
        return Period(dt.date.fromisocalendar(y, w, 1), Granularity.WEEK)

    def read(self, text: str) -> Period | None:
        if text in _RELATIVE:
            return Period.day(self.today - dt.timedelta(days=_RELATIVE[text]))
        day, month = Granularity.DAY, Granularity.MONTH
        shapes: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Period | None]], ...] = (
            (_ISO_DAY, lambda m: self.date(m[1], m[3], m[4], day)),
            (_DMY, lambda m: self.numeric_day(m[1], m[3], m[4])),
            (_YM, lambda m: self.date(m[1], m[2], 1, month)),
            (_MY, lambda m: self.date(m[2], m[1], 1, month)),
            (_YEAR, lambda m: self.date(m[1], 1, 1, Granularity.YEAR)),
            (_Y_QUARTER, lambda m: self.quarter(m[1], m[2])),
            (_QUARTER_Y, lambda m: self.quarter(m[2], m[1])),
            (_ORDINAL_QUARTER_Y, lambda m: self.quarter(m[2], m[1])),
            (
                _WORD_QUARTER_Y,
                lambda m: self.quarter(m[2], _QUARTER_WORDS[m[1]]) if m[1] in _QUARTER_WORDS else None,
            ),
            (_Y_WEEK, lambda m: self.week(m[1], m[2], m[3])),
            (_WEEK_Y, lambda m: self.week(m[3], m[1], m[2])),
            (_MONTH_Y, lambda m: self.named(m[2], m[1], 1, month)),
            (_DAY_MONTH_Y, lambda m: self.named(m[3], m[2], m[1], day)),
            (_MONTH_DAY_Y, lambda m: self.named(m[3], m[1], m[2], day)),
        )
        for pattern, make in shapes:
            if m := pattern.fullmatch(text):
                return make(m)
        return None

    def short_year(self, text: str) -> InvalidInput | None:
        """`janv.-26`, `T4-26`, `mai 26` (a spreadsheet's month or quarter): ask for the whole year."""
        m = _SHORT_YEAR.fullmatch(text)
        if m is None or (m[1] is not None and m[1] not in _MONTHS):
            return None
        if m[1] is not None and " " in text and self.lang == "en":
            return None  # "Oct 26" is a day in English (missing_year asks for its year)
        example = f"{self.shown[:-2].rstrip('-/ ')} 20{m[3]}"
        try:
            parse_period(example, today=self.today, lang=self.lang)
        except InvalidInput:
            return None  # a future period, say: the plain refusal says what may be typed
        return InvalidInput("error.period_short_year", value=self.shown, example=example)

    def missing_year(self, text: str) -> InvalidInput | None:
        """`T3`, `oct.`, `31/10`: ask for a year, shown with the latest one in which it has started."""
        joiner = _year_joiner(text)
        if joiner is None:
            return None
        shown = self.shown.rstrip(",")
        for year in range(self.today.year, self.today.year - 8, -1):  # 8 years: a 29 February comes back
            example = f"{shown}{joiner}{year}"
            try:
                parse_period(example, today=self.today, lang=self.lang)
            except InvalidInput:
                continue
            return InvalidInput("error.period_needs_year", value=self.shown, example=example)
        return None


def _year_joiner(text: str) -> str | None:
    """What joins a year to a text that lacks only its year (`/` for `31/10`), or None."""
    for pattern, joiner, month_group in _YEARLESS:
        if (m := pattern.fullmatch(text)) and (month_group is None or m[month_group] in _MONTHS):
            return joiner or m[2]
    return None


def _calendar_day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_period(raw: str, *, today: dt.date, lang: str = "fr") -> Period:
    """The period typed after `@` (the `@` and spaces around tolerated), exactly as typed.

    Days `2026-10-31`, `31/10/2026` (also `.` or `-`), `31 oct. 2026`, `1er octobre 2026`,
    `October 31, 2026`; ISO weeks `2026-W44`, `2026-S44`, `S44 2026`; months `2026-10`, `10/2026`,
    `oct. 2026`, `octobre 2026`, `October 2026`; quarters `2026-T3`, `2026T3`, `T3 2026`, `Q3 2026`,
    `3e trimestre 2026`, `troisième trimestre 2026`; years `2026`; `aujourd'hui`/`today`,
    `hier`/`yesterday`. Month names of
    both languages are read in either, any case, accents and abbreviation dots optional. Numeric dates
    are day first, except in English (`lang="en"`) where one that reads as two dates (`6/1/2021`) is
    refused as ambiguous. Raises InvalidInput: error.bad_period, error.period_needs_year (`T3`),
    error.period_short_year (`janv.-26`: a year is written in full),
    error.ambiguous_date, error.no_such_date, error.no_such_week, error.semester_or_week (`S1 2026`,
    `S2 2026`: type `2026-S01`), error.no_such_quarter, error.period_too_old, error.future_period
    (a period that starts after `today`).
    """
    reader = _Reader(_shown(raw), today, lang)
    text = _normalise(raw.strip().lstrip("@"))
    period = reader.read(text)
    if period is None:
        raise (
            reader.short_year(text)  # first: in French, `mai 26` is May 2026 written short, not a day
            or reader.missing_year(text)
            or InvalidInput("error.bad_period", value=reader.shown)
        )
    if period.start > today:
        raise InvalidInput("error.future_period", value=period.label())
    return period


def match_period(text: str, *, today: dt.date, lang: str = "fr") -> tuple[Period, int]:
    """The period at the start of `text` (the words after an `@`) and how many characters it takes.

    Leading spaces and one `@` are skipped and counted; then the longest run of up to 3 words (split
    on any Unicode space) that parse_period reads wins, so `text[n:]` is what follows the period:
    `T3 2026 bilan` takes `T3 2026`. A `,`, `;` or `:` right after the period is NOT consumed
    (`2026-10, bilan` takes `2026-10`; the rest starts with the comma). A longer run that has the
    shape of a period but is wrong (`2025 S53`, `31 février 2026`, `T3 2030`) raises its own error
    rather than falling back to a shorter run (`2025`). When no run is a period, raises the error
    parse_period raises for the first word.
    """
    begin = len(text) - len(text.lstrip())
    begin += text.startswith("@", begin)
    words = list(islice(_FIRST_WORDS.finditer(text, begin), 3))
    if not words:
        raise InvalidInput("error.bad_period", value="")
    error: InvalidInput | None = None
    for word in reversed(words):
        end = len(text[: word.end()].rstrip(_TRAILING).rstrip())
        try:
            return parse_period(text[begin:end], today=today, lang=lang), end
        except InvalidInput as err:
            if err.key != "error.bad_period":
                raise
            error = err
    assert error is not None
    raise error
