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
