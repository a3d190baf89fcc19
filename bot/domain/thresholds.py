"""Targets and thresholds, and where a value stands against them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput


class Status(StrEnum):
    """Where a value stands: no thresholds, inside, warning, or alert."""

    NONE = "none"
    OK = "ok"
    WARNING = "warning"
    ALERT = "alert"


@dataclass(frozen=True)
class Thresholds:
    """A target and up to four thresholds; any may be absent."""

    target: float | None = None
    warn_below: float | None = None
    alert_below: float | None = None
    warn_above: float | None = None
    alert_above: float | None = None

    def validate(self) -> Thresholds:
        """Refuse thresholds that contradict each other; return self."""
        wb, ab, wa, aa = self.warn_below, self.alert_below, self.warn_above, self.alert_above
        if wb is not None and ab is not None and ab > wb:
            raise InvalidInput("error.threshold_order", low="alert_below", high="warn_below")
        if wa is not None and aa is not None and aa < wa:
            raise InvalidInput("error.threshold_order", low="warn_above", high="alert_above")
        lows = [v for v in (wb, ab) if v is not None]
        highs = [v for v in (wa, aa) if v is not None]
        if lows and highs and max(lows) >= min(highs):
            raise InvalidInput(
                "error.threshold_order", low="warn_below|alert_below", high="warn_above|alert_above"
            )
        return self

    @property
    def any(self) -> bool:
        """Whether at least one threshold is set."""
        return any(
            v is not None for v in (self.warn_below, self.alert_below, self.warn_above, self.alert_above)
        )


def evaluate(value: float | None, thresholds: Thresholds) -> Status:
    """Where a value stands against the thresholds (alert beats warning)."""
    if value is None or not thresholds.any:
        return Status.NONE
    t = thresholds
    if (t.alert_below is not None and value < t.alert_below) or (
        t.alert_above is not None and value > t.alert_above
    ):
        return Status.ALERT
    if (t.warn_below is not None and value < t.warn_below) or (
        t.warn_above is not None and value > t.warn_above
    ):
        return Status.WARNING
    return Status.OK
