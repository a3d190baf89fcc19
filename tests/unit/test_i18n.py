import datetime as dt
from pathlib import Path

from bot import i18n
from bot.domain.periods import Granularity, Period
from bot.domain.values import Kind

ROOT = Path(__file__).resolve().parents[2]


def test_french_and_english_formats() -> None:
    assert i18n.value("fr", Kind.PERCENT, 12.5) == "12,5\u202f%"
    assert i18n.value("en", Kind.PERCENT, 12.5) == "12.5%"
    assert i18n.value("fr", Kind.RATIO, 75, numerator=45, denominator=60) == "75\u202f% (45/60)"
    assert i18n.value("fr", Kind.NUMBER, 1234.5, "€") == "1\u202f234,5\u202f€"
    assert i18n.value("en", Kind.NUMBER, 1234.5) == "1,234.5"
    assert i18n.value("fr", Kind.BOOL, 1) == "oui" and i18n.value("en", Kind.BOOL, 0) == "no"


def test_periods_in_words() -> None:
    import datetime as dt

    assert i18n.period("fr", Period(dt.date(2026, 7, 1), Granularity.QUARTER)) == "T3 2026"
    assert i18n.period("en", Period(dt.date(2026, 7, 1), Granularity.QUARTER)) == "Q3 2026"
    assert i18n.period("fr", Period(dt.date(2026, 10, 1), Granularity.MONTH)) == "octobre 2026"


def test_language_of_slack_locales() -> None:
    assert i18n.language_of("en-US") == "en"
    assert i18n.language_of("fr-FR") == "fr"
    assert i18n.language_of("de-DE") == "fr"


def test_the_first_of_the_month_is_le_1er() -> None:
    from bot.domain.schedule import parse_schedule
    from bot.slack.blocks.dashboard import describe_schedule

    assert describe_schedule("fr", parse_schedule("monthly 1 09:30".split())) == "mensuel (le 1er à 09:30)"
    assert describe_schedule("fr", parse_schedule("monthly 2 09:30".split())) == "mensuel (le 2 à 09:30)"
    assert (
        describe_schedule("en", parse_schedule("monthly 1 09:30".split())) == "monthly (on the 1st at 09:30)"
    )


def test_a_moment_is_read_in_the_workspaces_time_zone() -> None:
    paris = "Europe/Paris"
    # Past midnight in Paris while still 1 December in UTC.
    late = dt.datetime(2026, 12, 1, 23, 49, tzinfo=dt.UTC)
    assert i18n.moment("fr", late, paris) == "2 déc. 2026, 00:49"
    assert i18n.moment("en", late, paris) == "2 Dec 2026, 00:49"
    # 25 October 2026, clocks go back at 01:00 UTC: an hour apart, the same wall-clock time.
    assert i18n.moment("fr", dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), paris) == "25 oct. 2026, 02:30"
    assert i18n.moment("fr", dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), paris) == "25 oct. 2026, 02:30"
    assert i18n.moment("fr", late, "UTC") == "1er déc. 2026, 23:49"
