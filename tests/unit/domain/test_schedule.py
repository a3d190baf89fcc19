"""Digest schedules: the words users type, and when a cron fires (checked minute by minute)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dashboard_grammar import (
    DashboardHelp,
    ShowDashboard,
    ShowSubscription,
    Subscribe,
    Unsubscribe,
    parse_dashboard,
)
from bot.domain.errors import InvalidInput
from bot.domain.schedule import parse_cron, parse_schedule

UTC = dt.UTC


@pytest.mark.parametrize(
    ("words", "text", "cron"),
    [
        ("weekly mon 09:00", "weekly mon 09:00", "0 9 * * 1"),
        ("hebdo lundi 9h", "weekly mon 09:00", "0 9 * * 1"),
        ("Hebdomadaire Vendredi 17h30", "weekly fri 17:30", "30 17 * * 5"),
        ("daily 9", "daily 09:00", "0 9 * * *"),
        ("quotidien 08:15", "daily 08:15", "15 8 * * *"),
        ("monthly 1 09:00", "monthly 1 09:00", "0 9 1 * *"),
        ("mensuel 1er 9h", "monthly 1 09:00", "0 9 1 * *"),
        ("cron */15 9-17 * * mon-fri", 'cron "*/15 9-17 * * mon-fri"', "*/15 9-17 * * mon-fri"),
    ],
)
def test_schedule_words(words: str, text: str, cron: str) -> None:
    schedule = parse_schedule(words.split())
    assert schedule.text == text and schedule.cron.text == cron
    assert parse_schedule(_split(schedule.text)).cron == schedule.cron  # stored text parses back


def _split(text: str) -> list[str]:
    from bot.domain.grammar import tokenize

    return [t.text for t in tokenize(text)]


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ("", "error.schedule_missing"),
        ("fortnightly mon 9h", "error.schedule_kind"),
        ("weekly 9h", "error.schedule_shape"),
        ("weekly funday 9h", "error.schedule_weekday"),
        ("daily 24:00", "error.schedule_time"),
        ("daily 9h75", "error.schedule_time"),
        ("monthly 31 9h", "error.schedule_day"),
        ("cron 0 9 * *", "error.cron_fields"),
        ("cron 0 25 * * *", "error.cron_invalid"),
        ("cron 0 9 * * 1/0", "error.cron_invalid"),
        ("cron 0 9 31 2 *", "error.cron_never"),
        ("cron " + ",".join(str(m) for m in range(60)) + " 9 * * *", "error.cron_too_long"),
    ],
)
def test_schedule_errors(words: str, key: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_schedule(words.split())
    assert err.value.key == key


def test_cron_follows_vixie_rules() -> None:
    either = parse_cron("0 9 13 * 5")  # the 13th, or any Friday
    assert either.matches_day(dt.date(2026, 11, 13)) and either.matches_day(dt.date(2026, 11, 20))
    assert not either.matches_day(dt.date(2026, 11, 19))
    assert parse_cron("0 9 * * 7").matches_day(dt.date(2026, 11, 22))  # 7 is Sunday too
    only_fridays = parse_cron("0 9 * * 5")
    assert not only_fridays.matches_day(dt.date(2026, 11, 13 - 1))


def test_latest_and_next_in_the_workspace_time_zone() -> None:
    weekly = parse_schedule("weekly mon 09:00".split())
    now = dt.datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # Tuesday night
    assert weekly.latest(now, "Europe/Paris") == dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert weekly.next(now, "Europe/Paris") == dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert weekly.latest(now, "America/Montreal") == dt.datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    # Summer time: 09:00 in Paris is 07:00 UTC.
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert weekly.latest(summer, "Europe/Paris") == dt.datetime(2026, 6, 29, 7, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_clock_change_fires_once_the_hour_has_passed() -> None:
    daily = parse_schedule("daily 02:30".split())  # 29 March 2026: 02:00 → 03:00 in Paris
    at_3h10 = dt.datetime(2026, 3, 29, 1, 10, tzinfo=UTC)
    latest = daily.latest(at_3h10, "Europe/Paris")
    assert latest is not None and latest <= at_3h10


@settings(max_examples=60, deadline=None)
@given(
    minute=st.sampled_from(["0", "*/20", "5,35", "10-12"]),
    hour=st.sampled_from(["*", "9", "8-10", "*/6"]),
    dom=st.sampled_from(["*", "1", "13", "1-7"]),
    month=st.sampled_from(["*", "1-12", "*/2"]),
    dow=st.sampled_from(["*", "1", "mon-fri", "0,6"]),
    moment=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)),
)
def test_latest_and_next_match_a_minute_by_minute_search(
    minute: str, hour: str, dom: str, month: str, dow: str, moment: dt.datetime
) -> None:
    cron = parse_cron(f"{minute} {hour} {dom} {month} {dow}")
    moment = moment.replace(second=0, microsecond=0)

    def fires(at: dt.datetime) -> bool:
        return cron.matches_day(at.date()) and at.hour in cron.hours and at.minute in cron.minutes

    latest, following = cron.latest_at_or_before(moment), cron.next_after(moment)
    assert latest is not None and latest <= moment and fires(latest)
    assert following is not None and following > moment and fires(following)
    window = dt.timedelta(days=3)
    probe = max(latest + dt.timedelta(minutes=1), moment - window)
    while probe <= moment:  # nothing fires between the latest firing and the moment
        assert not fires(probe), probe
        probe += dt.timedelta(minutes=1)
    probe = moment + dt.timedelta(minutes=1)
    while probe < min(following, moment + window):
        assert not fires(probe), probe
        probe += dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ShowDashboard()),
        ("DSI", ShowDashboard("DSI")),
        ("« Numérique responsable »", ShowDashboard("Numérique responsable")),
        ("aide", DashboardHelp()),
        ("unsubscribe", Unsubscribe()),
        ("désabonner", Unsubscribe()),
        ("status", ShowSubscription()),
    ],
)
def test_dashboard_commands(text: str, expected: object) -> None:
    assert parse_dashboard(text) == expected


def test_subscribe_with_options() -> None:
    cmd = parse_dashboard('abonner cron "0 9 * * 1-5" scope=DSI si-nouveau')
    assert isinstance(cmd, Subscribe)
    assert cmd.schedule.cron.text == "0 9 * * 1-5" and cmd.scope == "DSI" and cmd.skip_empty
    with pytest.raises(InvalidInput) as err:
        parse_dashboard("status now")
    assert err.value.key == "error.dashboard_extra"
