import pytest

from bot.domain.alerts import Notice, change, next_level
from bot.domain.thresholds import Status, Thresholds

LOW = Thresholds(target=75, warn_below=70, alert_below=60)


def walk(values: list[float], margin: float = 0.0, start: Status = Status.OK) -> list[str]:
    level, out = start, []
    for v in values:
        level = next_level(level, v, LOW, margin=margin)
        out.append(level.value)
    return out


def test_worse_at_once_better_with_the_margin() -> None:
    assert walk([80, 65, 59, 61, 63, 72], margin=2) == ["ok", "warning", "alert", "alert", "warning", "ok"]
    assert walk([80, 65, 59, 61, 63, 72]) == ["ok", "warning", "alert", "warning", "warning", "ok"]


def test_a_value_hovering_around_a_threshold_does_not_flap() -> None:
    levels = walk([59.5, 60.5, 59.8, 60.9, 59.9, 61.0], margin=2)
    assert levels == ["alert"] * 6


def test_above_thresholds_mirror() -> None:
    t = Thresholds(warn_above=90, alert_above=95)
    assert next_level(Status.OK, 96, t) is Status.ALERT
    assert next_level(Status.ALERT, 94, t, margin=2) is Status.ALERT
    assert next_level(Status.ALERT, 92, t, margin=2) is Status.WARNING
    assert next_level(Status.ALERT, 80, t, margin=2) is Status.OK


@pytest.mark.parametrize(
    ("before", "after", "notices"),
    [
        (Status.OK, Status.ALERT, (Notice.ALERT,)),
        (Status.WARNING, Status.ALERT, (Notice.ALERT,)),
        (Status.ALERT, Status.ALERT, ()),
        (Status.ALERT, Status.OK, (Notice.RESOLVED,)),
        (Status.ALERT, Status.WARNING, (Notice.RESOLVED,)),
        (Status.OK, Status.WARNING, ()),
        (Status.WARNING, Status.OK, ()),
    ],
)
def test_notices(before: Status, after: Status, notices: tuple[Notice, ...]) -> None:
    assert change(before, after).notices == notices


def test_warnings_by_dm_when_asked() -> None:
    assert change(Status.OK, Status.WARNING, warn_by_dm=True).notices == (Notice.WARNING,)
    assert change(Status.WARNING, Status.OK, warn_by_dm=True).notices == (Notice.RESOLVED,)
