"""Alert state of an indicator: ok → warning → alert and back, with hysteresis so values that hover
around a threshold do not flap, and the notices each change calls for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.thresholds import Status, Thresholds, evaluate

_RANK = {Status.NONE: 0, Status.OK: 0, Status.WARNING: 1, Status.ALERT: 2}


class Notice(StrEnum):
    """What the owner is told."""

    ALERT = "alert"  # crossed an alert threshold: a DM
    WARNING = "warning"  # crossed a warning threshold: a DM when the indicator asks for it
    RESOLVED = "resolved"  # back inside: a "back to normal" DM, and the alert DM updated in place
    CHANGE = "change"  # moved by more than the indicator's relative threshold since the previous reading


def relative_change(previous: float | None, value: float, limit_pct: float | None) -> float | None:
    """The change in % from the previous reading when it exceeds the limit; None otherwise."""
    if limit_pct is None or previous is None or previous == 0:
        return None
    pct = (value - previous) / abs(previous) * 100
    return pct if abs(pct) > limit_pct else None


def _improves_to(level: Status, value: float, t: Thresholds, margin: float) -> bool:
    """Whether the value is inside `level`'s bounds by at least the margin (leaving a worse level)."""
    shifted = Thresholds(
        target=t.target,
        warn_below=None if t.warn_below is None else t.warn_below + margin,
        alert_below=None if t.alert_below is None else t.alert_below + margin,
        warn_above=None if t.warn_above is None else t.warn_above - margin,
        alert_above=None if t.alert_above is None else t.alert_above - margin,
    )
    return _RANK[evaluate(value, shifted)] <= _RANK[level]


def next_level(current: Status, value: float, thresholds: Thresholds, *, margin: float = 0.0) -> Status:
    """The level after a reading: worse at once, better only once inside by the hysteresis margin."""
    raw = evaluate(value, thresholds)
    if raw is Status.NONE:
        return Status.NONE
    if _RANK[raw] >= _RANK[current]:
        return raw
    # Getting better: step down only as far as the margin allows (alert may stop at warning).
    for candidate in (Status.OK, Status.WARNING):
        if _RANK[candidate] < _RANK[current] and _improves_to(candidate, value, thresholds, margin):
            return candidate
    return current


@dataclass(frozen=True)
class Change:
    """A level change and the notices it calls for."""

    before: Status
    after: Status
    notices: tuple[Notice, ...]


def change(before: Status, after: Status, *, warn_by_dm: bool = False) -> Change:
    """The notices for going from one level to another."""
    notices: list[Notice] = []
    if after is Status.ALERT and before is not Status.ALERT:
        notices.append(Notice.ALERT)
    elif after is Status.WARNING and before in (Status.OK, Status.NONE) and warn_by_dm:
        notices.append(Notice.WARNING)
    elif before is Status.ALERT and after in (Status.OK, Status.NONE, Status.WARNING):
        notices.append(Notice.RESOLVED)
    elif before is Status.WARNING and after in (Status.OK, Status.NONE) and warn_by_dm:
        notices.append(Notice.RESOLVED)
    return Change(before, after, tuple(notices))
