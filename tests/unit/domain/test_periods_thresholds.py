import datetime as dt

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.periods import Granularity, Period, parse_period
from bot.domain.text import code_key, plain
from bot.domain.thresholds import Status, Thresholds, evaluate

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("raw", "start", "gran", "end"),
    [
        ("2026-10-31", dt.date(2026, 10, 31), Granularity.DAY, dt.date(2026, 10, 31)),
        ("31/10/2026", dt.date(2026, 10, 31), Granularity.DAY, dt.date(2026, 10, 31)),
        ("2026-10", dt.date(2026, 10, 1), Granularity.MONTH, dt.date(2026, 10, 31)),
        ("2026-02", dt.date(2026, 2, 1), Granularity.MONTH, dt.date(2026, 2, 28)),
        ("2026-T3", dt.date(2026, 7, 1), Granularity.QUARTER, dt.date(2026, 9, 30)),
        ("2025-Q4", dt.date(2025, 10, 1), Granularity.QUARTER, dt.date(2025, 12, 31)),
        ("2025", dt.date(2025, 1, 1), Granularity.YEAR, dt.date(2025, 12, 31)),
        ("@2026-11", dt.date(2026, 11, 1), Granularity.MONTH, dt.date(2026, 11, 30)),
    ],
)
def test_periods(raw: str, start: dt.date, gran: Granularity, end: dt.date) -> None:
    p = parse_period(raw, today=TODAY)
    assert (p.start, p.granularity, p.end) == (start, gran, end)


@pytest.mark.parametrize("raw", ["2026-13", "2026-02-30", "2026-T5", "demain", "1900", "2026-11-21", "2027"])
def test_bad_or_future_periods(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_period(raw, today=TODAY)


def test_period_labels() -> None:
    assert Period(dt.date(2026, 7, 1), Granularity.QUARTER).label() == "2026-T3"
    assert Period.day(TODAY).label() == "2026-11-20"


def test_evaluate() -> None:
    t = Thresholds(target=75, warn_below=70, alert_below=60, warn_above=95, alert_above=99)
    assert evaluate(80, t) is Status.OK
    assert evaluate(65, t) is Status.WARNING
    assert evaluate(59.9, t) is Status.ALERT
    assert evaluate(60, t) is Status.WARNING
    assert evaluate(97, t) is Status.WARNING
    assert evaluate(100, t) is Status.ALERT
    assert evaluate(None, t) is Status.NONE
    assert evaluate(1, Thresholds(target=5)) is Status.NONE


def test_threshold_consistency() -> None:
    with pytest.raises(InvalidInput):
        Thresholds(warn_below=50, warn_above=40).validate()
    with pytest.raises(InvalidInput):
        Thresholds(warn_above=90, alert_above=80).validate()
    assert Thresholds(warn_below=70, alert_below=60).validate()


def test_code_keys_ignore_case_and_accents() -> None:
    assert code_key("Énergie") == code_key("energie") == "energie"


def test_plain_neutralises_mentions() -> None:
    assert plain("hi <!channel> <@U1|bob> <#C1|plan> <!subteam^S1|@devs>") == "hi @channel @bob #plan @@devs"
