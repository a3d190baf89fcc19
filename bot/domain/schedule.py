"""Digest schedules: "weekly mon 09:00", "daily 9h", "monthly 1 09:00" or a 5-field cron, and when
they fire. Times are wall-clock times in the workspace's time zone; the standard (Vixie) cron rules
apply: 0 and 7 are Sunday, and when both day of month and day of week are restricted either matches.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.text import code_key

# How far back or ahead a schedule is searched: 29 February comes back within 8 years.
_SEARCH_DAYS = 8 * 366
MAX_CRON_CHARS = 100  # stored as 'cron "<expression>"' in a 120-character column

WEEKDAY_WORDS: dict[str, int] = {}  # cron numbering: 0 Sunday … 6 Saturday
for _n, _words in enumerate(
    (
        ("sun", "sunday", "dim", "dimanche"),
        ("mon", "monday", "lun", "lundi"),
        ("tue", "tuesday", "mar", "mardi"),
        ("wed", "wednesday", "mer", "mercredi"),
        ("thu", "thursday", "jeu", "jeudi"),
        ("fri", "friday", "ven", "vendredi"),
        ("sat", "saturday", "sam", "samedi"),
    )
):
    for _w in _words:
        WEEKDAY_WORDS[_w] = _n
WEEKDAY_CODES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTH_CODES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_KINDS = {
    "weekly": "weekly",
    "hebdo": "weekly",
    "hebdomadaire": "weekly",
    "daily": "daily",
    "quotidien": "daily",
    "quotidienne": "daily",
    "monthly": "monthly",
    "mensuel": "monthly",
    "mensuelle": "monthly",
    "cron": "cron",
}
_TIME = re.compile(r"^(\d{1,2})(?:[:h](\d{2})?)?$")


@dataclass(frozen=True)
class Cron:
    """A parsed 5-field cron expression."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 Sunday … 6 Saturday
    any_day: bool  # the day-of-month field was "*"
    any_weekday: bool  # the day-of-week field was "*"

    def matches_day(self, day: dt.date) -> bool:
        """Whether the schedule fires on this day (at some time)."""
        if day.month not in self.months:
            return False
        in_month = day.day in self.days
        in_week = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week  # both restricted: either one, as cron does

    def _times(self) -> list[dt.time]:
        return sorted(dt.time(h, m) for h in self.hours for m in self.minutes)

    def latest_at_or_before(self, moment: dt.datetime) -> dt.datetime | None:
        """The last firing time at or before `moment` (naive wall-clock times)."""
        times = self._times()
        day = moment.date()
        for back in range(_SEARCH_DAYS):
            current = day - dt.timedelta(days=back)
            if not self.matches_day(current):
                continue
            fitting = [t for t in times if back > 0 or t <= moment.time()]
            if fitting:
                return dt.datetime.combine(current, fitting[-1])
        return None

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first firing time strictly after `moment` (naive wall-clock times)."""
        times = self._times()
        day = moment.date()
        for ahead in range(_SEARCH_DAYS):
            current = day + dt.timedelta(days=ahead)
            if not self.matches_day(current):
                continue
            fitting = [t for t in times if ahead > 0 or t > moment.time().replace(second=0, microsecond=0)]
            if fitting:
                return dt.datetime.combine(current, fitting[0])
        return None


def _field(raw: str, low: int, high: int, names: tuple[str, ...] = (), *, offset: int = 0) -> set[int]:
    """One cron field: *, n, a-b, */s, a-b/s, a/s, and comma lists; names (jan, mon) allowed."""

    def number(text: str) -> int:
        key = text.lower()
        if key in names:
            return names.index(key) + offset
        if not text.isdigit():
            raise ValueError(text)
        return int(text)

    out: set[int] = set()
    for part in raw.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step_text and (not step_text.isdigit() or step < 1):
            raise ValueError(part)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, b = base.split("-", 1)
            start, end = number(a), number(b)
        else:
            start = number(base)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise ValueError(part)
        out.update(range(start, end + 1, step))
    return out


def parse_cron(text: str) -> Cron:
    """A 5-field cron expression (minute hour day-of-month month day-of-week), or InvalidInput."""
    fields = text.split()
    if len(fields) != 5:
        raise InvalidInput("error.cron_fields", value=text[:60])
    if len(" ".join(fields)) > MAX_CRON_CHARS:
        raise InvalidInput("error.cron_too_long", max=MAX_CRON_CHARS)
    try:
        minutes = _field(fields[0], 0, 59)
        hours = _field(fields[1], 0, 23)
        days = _field(fields[2], 1, 31)
        months = _field(fields[3], 1, 12, _MONTH_CODES, offset=1)
        weekdays = {d % 7 for d in _field(fields[4], 0, 7, WEEKDAY_CODES)}
    except ValueError:
        raise InvalidInput("error.cron_invalid", value=text[:60]) from None
    cron = Cron(
        " ".join(fields),
        frozenset(minutes),
        frozenset(hours),
        frozenset(days),
        frozenset(months),
        frozenset(weekdays),
        any_day=fields[2].startswith("*"),
        any_weekday=fields[4].startswith("*"),
    )
    if cron.latest_at_or_before(dt.datetime(2030, 1, 1)) is None:
        raise InvalidInput("error.cron_never", value=text[:60])  # e.g. 31 February
    return cron


@dataclass(frozen=True)
class Schedule:
    """When a digest is posted. `text` is the normalised form stored and shown back."""

    kind: str  # weekly, daily, monthly or cron
    cron: Cron
    hour: int = 0
    minute: int = 0
    weekday: int | None = None  # weekly: 0 Sunday … 6 Saturday
    day: int | None = None  # monthly: 1 … 28

    @property
    def text(self) -> str:
        """The schedule in the form `/dashboard subscribe` accepts, in English keywords."""
        at = f"{self.hour:02d}:{self.minute:02d}"
        if self.kind == "weekly":
            return f"weekly {WEEKDAY_CODES[self.weekday or 0]} {at}"
        if self.kind == "daily":
            return f"daily {at}"
        if self.kind == "monthly":
            return f"monthly {self.day} {at}"
        return f'cron "{self.cron.text}"'

    def latest(self, now: dt.datetime, timezone: str) -> dt.datetime | None:
        """The last scheduled time at or before `now` (aware), as an aware UTC datetime."""
        zone = ZoneInfo(timezone)
        local = now.astimezone(zone).replace(tzinfo=None)
        for _ in range(3):
            fire = self.cron.latest_at_or_before(local)
            if fire is None:
                return None
            at = fire.replace(tzinfo=zone).astimezone(dt.UTC)
            if at <= now:
                return at
            # A wall-clock time skipped by a DST change maps past `now`: the firing before it counts.
            local = fire - dt.timedelta(minutes=1)
        return None

    def next(self, now: dt.datetime, timezone: str) -> dt.datetime | None:
        """The next scheduled time after `now` (aware), as an aware UTC datetime."""
        zone = ZoneInfo(timezone)
        fire = self.cron.next_after(now.astimezone(zone).replace(tzinfo=None))
        return None if fire is None else fire.replace(tzinfo=zone).astimezone(dt.UTC)


def parse_time(raw: str) -> tuple[int, int]:
    """09:00, 9:30, 9h, 9h30, 18 → (hour, minute)."""
    m = _TIME.match(raw.strip().lower())
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise InvalidInput("error.schedule_time", value=raw[:20])
    return int(m.group(1)), int(m.group(2) or 0)


def parse_schedule(words: list[str]) -> Schedule:
    """`weekly mon 09:00`, `daily 09:00`, `monthly 1 09:00`, `cron "0 9 * * 1"` (French words too)."""
    if not words:
        raise InvalidInput("error.schedule_missing")
    kind = _KINDS.get(code_key(words[0]))
    rest = words[1:]
    if kind is None:
        raise InvalidInput("error.schedule_kind", value=words[0][:20])
    if kind == "cron":
        if not rest:
            raise InvalidInput("error.schedule_missing")
        cron = parse_cron(" ".join(rest))
        return Schedule("cron", cron)
    expected = {"daily": 1, "weekly": 2, "monthly": 2}[kind]
    if len(rest) != expected:
        raise InvalidInput("error.schedule_shape", kind=kind)
    hour, minute = parse_time(rest[-1])
    if kind == "daily":
        return Schedule("daily", parse_cron(f"{minute} {hour} * * *"), hour, minute)
    if kind == "weekly":
        weekday = WEEKDAY_WORDS.get(code_key(rest[0]))
        if weekday is None:
            raise InvalidInput("error.schedule_weekday", value=rest[0][:20])
        cron = parse_cron(f"{minute} {hour} * * {weekday}")
        return Schedule("weekly", cron, hour, minute, weekday=weekday)
    day_text = rest[0].removesuffix("er").removesuffix("st").removesuffix("nd").removesuffix("rd")
    if not day_text.isdigit() or not 1 <= int(day_text) <= 28:
        raise InvalidInput("error.schedule_day", value=rest[0][:20])
    day = int(day_text)
    return Schedule("monthly", parse_cron(f"{minute} {hour} {day} * *"), hour, minute, day=day)
