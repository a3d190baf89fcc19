"""The period parser: every accepted form gives the exact period typed, every other one a message key."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import i18n
from bot.domain.errors import InvalidInput
from bot.domain.periods import (
    MIN_YEAR,
    Granularity,
    Period,
    default_period,
    granularity_of,
    match_period,
    parse_period,
    weeks_in,
)
from bot.domain.values import Cadence

TODAY = dt.date(2026, 11, 20)  # a Friday, in ISO week 2026-W47, in the fourth quarter
LANGS = ("fr", "en")


def D(y: int, m: int, d: int) -> Period:
    return Period.day(dt.date(y, m, d))


def W(y: int, w: int) -> Period:
    return Period(dt.date.fromisocalendar(y, w, 1), Granularity.WEEK)


def M(y: int, m: int) -> Period:
    return Period(dt.date(y, m, 1), Granularity.MONTH)


def Q(y: int, q: int) -> Period:
    return Period(dt.date(y, 3 * q - 2, 1), Granularity.QUARTER)


def Y(y: int) -> Period:
    return Period(dt.date(y, 1, 1), Granularity.YEAR)


# Forms read the same in a French and an English workspace.
BOTH_LANGUAGES = [
    # days
    ("2026-10-31", D(2026, 10, 31)),
    ("@2026-10-31", D(2026, 10, 31)),
    ("  @ 2026-10-31 ", D(2026, 10, 31)),
    ("2026-1-5", D(2026, 1, 5)),
    ("2026/10/31", D(2026, 10, 31)),
    ("31/10/2026", D(2026, 10, 31)),
    ("31.10.2026", D(2026, 10, 31)),
    ("31-10-2026", D(2026, 10, 31)),
    ("20/11/2026", D(2026, 11, 20)),  # today is not the future
    ("05/05/2026", D(2026, 5, 5)),
    ("31 octobre 2026", D(2026, 10, 31)),
    ("1er octobre 2026", D(2026, 10, 1)),
    ("1ER OCTOBRE 2026", D(2026, 10, 1)),
    ("31 oct. 2026", D(2026, 10, 31)),
    ("31 oct 2026", D(2026, 10, 31)),
    ("31 Oct 2026", D(2026, 10, 31)),
    ("31 October 2026", D(2026, 10, 31)),
    ("31st October 2026", D(2026, 10, 31)),
    ("October 31, 2026", D(2026, 10, 31)),
    ("October 31 2026", D(2026, 10, 31)),
    ("Oct. 31, 2026", D(2026, 10, 31)),
    ("1 févr. 2026", D(2026, 2, 1)),
    ("29 févr. 2024", D(2024, 2, 29)),
    ("1\u00a0sept.\u00a02026", D(2026, 9, 1)),
    ("15\u202fmai\u202f2026", D(2026, 5, 15)),
    ("aujourd'hui", Period.day(TODAY)),
    ("Aujourd\u2019hui", Period.day(TODAY)),
    ("today", Period.day(TODAY)),
    ("hier", D(2026, 11, 19)),
    ("Yesterday", D(2026, 11, 19)),
    # ISO weeks (Monday start; week 1 of 2026 starts on 29 December 2025)
    ("2026-W44", W(2026, 44)),
    ("2026-S44", W(2026, 44)),
    ("2026W44", W(2026, 44)),
    ("2026 s44", W(2026, 44)),
    ("S44 2026", W(2026, 44)),
    ("W44 2026", W(2026, 44)),
    ("s44-2026", W(2026, 44)),
    ("2026-W01", Period(dt.date(2025, 12, 29), Granularity.WEEK)),
    ("2026-S02", W(2026, 2)),
    ("W2 2026", W(2026, 2)),
    ("2020-W53", Period(dt.date(2020, 12, 28), Granularity.WEEK)),
    ("2026-W47", Period(dt.date(2026, 11, 16), Granularity.WEEK)),  # this week
    # months
    ("2026-10", M(2026, 10)),
    ("2026/10", M(2026, 10)),
    ("10/2026", M(2026, 10)),
    ("10-2026", M(2026, 10)),
    ("1/2026", M(2026, 1)),
    ("2026-11", M(2026, 11)),  # this month
    ("oct. 2026", M(2026, 10)),
    ("oct 2026", M(2026, 10)),
    ("octobre 2026", M(2026, 10)),
    ("Octobre 2026", M(2026, 10)),
    ("OCTOBRE 2026", M(2026, 10)),
    ("Oct 2026", M(2026, 10)),
    ("October 2026", M(2026, 10)),
    ("janv. 2026", M(2026, 1)),
    ("Jan 2026", M(2026, 1)),
    ("févr. 2026", M(2026, 2)),
    ("fevrier 2026", M(2026, 2)),
    ("Février 2026", M(2026, 2)),
    ("mars 2026", M(2026, 3)),
    ("Mar 2026", M(2026, 3)),
    ("avr. 2026", M(2026, 4)),
    ("April 2026", M(2026, 4)),
    ("mai 2026", M(2026, 5)),
    ("May 2026", M(2026, 5)),
    ("juin 2026", M(2026, 6)),
    ("juil. 2026", M(2026, 7)),
    ("juillet 2026", M(2026, 7)),
    ("août 2026", M(2026, 8)),
    ("aout 2026", M(2026, 8)),
    ("Aug 2026", M(2026, 8)),
    ("sept. 2026", M(2026, 9)),
    ("Sept 2026", M(2026, 9)),
    ("Sep 2026", M(2026, 9)),
    ("nov. 2026", M(2026, 11)),
    ("déc. 2025", M(2025, 12)),
    ("decembre 2025", M(2025, 12)),
    # quarters
    ("2026-T3", Q(2026, 3)),
    ("2026T3", Q(2026, 3)),
    ("2026-t3", Q(2026, 3)),
    ("2026 T3", Q(2026, 3)),
    ("T3 2026", Q(2026, 3)),
    ("t3 2026", Q(2026, 3)),
    ("T3-2026", Q(2026, 3)),
    ("T3/2026", Q(2026, 3)),
    ("2026-Q3", Q(2026, 3)),
    ("2026q3", Q(2026, 3)),
    ("Q3 2026", Q(2026, 3)),
    ("q3-2026", Q(2026, 3)),
    ("3e trimestre 2026", Q(2026, 3)),
    ("3ème trimestre 2026", Q(2026, 3)),
    ("1er trimestre 2026", Q(2026, 1)),
    ("premier trimestre 2026", Q(2026, 1)),  # as an administration writes it out
    ("Deuxième trimestre 2026", Q(2026, 2)),
    ("second trimestre 2026", Q(2026, 2)),
    ("troisième trimestre 2026", Q(2026, 3)),
    ("quatrième trimestre 2025", Q(2025, 4)),
    ("third quarter 2026", Q(2026, 3)),
    ("3rd quarter 2026", Q(2026, 3)),
    ("T4 2026", Q(2026, 4)),  # this quarter
    # years
    ("2026", Y(2026)),
    ("2025", Y(2025)),
    (str(MIN_YEAR), Y(MIN_YEAR)),
]

# Numeric dates whose reading depends on the workspace's language.
BY_LANGUAGE = [
    ("6/1/2021", "fr", D(2021, 1, 6)),
    ("1/2/2026", "fr", D(2026, 2, 1)),
    ("12-11-2026", "fr", D(2026, 11, 12)),
    ("10/31/2026", "en", D(2026, 10, 31)),
    ("31/10/2026", "en", D(2026, 10, 31)),
    ("13/1/2026", "en", D(2026, 1, 13)),
    ("1/13/2026", "en", D(2026, 1, 13)),
    ("5/5/2026", "en", D(2026, 5, 5)),
]

REFUSED = [
    # English numeric dates that read as two dates
    ("6/1/2021", "en", "error.ambiguous_date"),
    ("06/01/2021", "en", "error.ambiguous_date"),
    ("1/2/2026", "en", "error.ambiguous_date"),
    ("12-11-2026", "en", "error.ambiguous_date"),
    ("3.4.2026", "en", "error.ambiguous_date"),
    # not started yet
    ("2027", "fr", "error.future_period"),
    ("2026-12", "en", "error.future_period"),
    ("déc. 2026", "fr", "error.future_period"),
    ("December 2026", "en", "error.future_period"),
    ("21/11/2026", "fr", "error.future_period"),
    ("2026-11-21", "en", "error.future_period"),
    ("1er décembre 2026", "fr", "error.future_period"),
    ("T1 2027", "fr", "error.future_period"),
    ("Q1 2027", "en", "error.future_period"),
    ("2026-W48", "en", "error.future_period"),
    ("S48 2026", "fr", "error.future_period"),
    # not on the calendar
    ("31/02/2026", "fr", "error.no_such_date"),
    ("31/02/2026", "en", "error.no_such_date"),
    ("2026-02-30", "fr", "error.no_such_date"),
    ("2026-13", "fr", "error.no_such_date"),
    ("2026-00", "en", "error.no_such_date"),
    ("13/2026", "fr", "error.no_such_date"),
    ("29 févr. 2026", "fr", "error.no_such_date"),
    ("31 avril 2026", "fr", "error.no_such_date"),
    ("April 31, 2026", "en", "error.no_such_date"),
    ("0/1/2026", "fr", "error.no_such_date"),
    ("32/01/2026", "en", "error.no_such_date"),
    ("10/31/2026", "fr", "error.no_such_date"),  # French dates are day first, never swapped
    ("31/31/2026", "en", "error.no_such_date"),
    # weeks, quarters that do not exist; S1/S2 could be semesters
    ("2025-W53", "fr", "error.no_such_week"),
    ("2026-W54", "en", "error.no_such_week"),
    ("W0 2026", "en", "error.no_such_week"),
    ("2026-S00", "fr", "error.no_such_week"),
    ("S1 2026", "fr", "error.semester_or_week"),
    ("2026-S2", "en", "error.semester_or_week"),
    ("2026-T5", "fr", "error.no_such_quarter"),
    ("T0 2026", "fr", "error.no_such_quarter"),
    ("Q5 2026", "en", "error.no_such_quarter"),
    ("5e trimestre 2026", "fr", "error.no_such_quarter"),
    ("cinquième trimestre 2026", "fr", "error.bad_period"),
    ("bon trimestre 2026", "fr", "error.bad_period"),
    # before MIN_YEAR
    ("1989", "fr", "error.period_too_old"),
    ("1900", "en", "error.period_too_old"),
    ("31/12/1989", "fr", "error.period_too_old"),
    ("1989-W10", "en", "error.period_too_old"),
    ("T3 1989", "fr", "error.period_too_old"),
    ("oct. 1989", "fr", "error.period_too_old"),
    # a year is missing
    ("T3", "fr", "error.period_needs_year"),
    ("oct.", "fr", "error.period_needs_year"),
    ("octobre", "fr", "error.period_needs_year"),
    ("31 oct.", "fr", "error.period_needs_year"),
    ("1er octobre", "fr", "error.period_needs_year"),
    ("October 31", "en", "error.period_needs_year"),
    ("31/10", "fr", "error.period_needs_year"),
    ("S44", "fr", "error.period_needs_year"),
    ("3e trimestre", "fr", "error.period_needs_year"),
    # not a period
    ("", "fr", "error.bad_period"),
    ("@", "en", "error.bad_period"),
    ("demain", "fr", "error.bad_period"),
    ("bonne semaine", "fr", "error.bad_period"),
    ("2026-10-31T10:00", "en", "error.bad_period"),
    ("31/10/26", "fr", "error.bad_period"),  # two-digit years are not read
    ("foo 2026", "en", "error.bad_period"),
    ("2026 octobre", "fr", "error.bad_period"),
    ("\u0662\u0660\u0662\u0666", "fr", "error.bad_period"),  # Arabic-Indic digits
    ("2026-10/31", "fr", "error.bad_period"),
    ("T3 2026 2027", "fr", "error.bad_period"),
    ("H1 2026", "en", "error.bad_period"),
    ("10 2026", "fr", "error.bad_period"),
    ("S1", "fr", "error.bad_period"),  # no year makes S1 a week rather than a semester
    ("1/12", "en", "error.bad_period"),  # ambiguous whatever the year
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("raw", "expected"), BOTH_LANGUAGES)
def test_accepted_forms(raw: str, expected: Period, lang: str) -> None:
    assert parse_period(raw, today=TODAY, lang=lang) == expected


@pytest.mark.parametrize(("raw", "lang", "expected"), BY_LANGUAGE)
def test_numeric_dates_by_language(raw: str, lang: str, expected: Period) -> None:
    assert parse_period(raw, today=TODAY, lang=lang) == expected


@pytest.mark.parametrize(("raw", "lang", "key"), REFUSED)
def test_refused_forms(raw: str, lang: str, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period(raw, today=TODAY, lang=lang)
    assert caught.value.key == key
    for message_lang in LANGS:
        message = i18n.t(message_lang, key, **caught.value.params)
        assert key == "error.future_period" or "`@" in message, message  # says what to type


def test_ambiguous_dates_show_both_iso_forms() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period("6/1/2021", today=TODAY, lang="en")
    assert caught.value.params == {"value": "6/1/2021", "iso_day": "2021-01-06", "iso_month": "2021-06-01"}
    assert i18n.t("en", "error.ambiguous_date", **caught.value.params) == (
        "“6/1/2021” can be read two ways: "
        "type `@2021-01-06` (day/month/year) or `@2021-06-01` (month/day/year)."
    )


_NEEDS_YEAR, _SHORT_YEAR = "error.period_needs_year", "error.period_short_year"


@pytest.mark.parametrize(
    ("raw", "lang", "key", "example"),
    [
        ("T3", "fr", _NEEDS_YEAR, "T3 2026"),
        ("T4", "en", _NEEDS_YEAR, "T4 2026"),
        ("déc.", "fr", _NEEDS_YEAR, "déc. 2025"),  # December 2026 has not started: the example must work
        ("31/10", "fr", _NEEDS_YEAR, "31/10/2026"),
        ("October 31", "en", _NEEDS_YEAR, "October 31, 2026"),
        ("29 févr.", "fr", _NEEDS_YEAR, "29 févr. 2024"),
        ("S44", "fr", _NEEDS_YEAR, "S44 2026"),
        # A two-digit year (a spreadsheet's `mmm-aa`) is a question, never a guess of its century.
        ("janv.-26", "fr", _SHORT_YEAR, "janv. 2026"),
        ("févr.-25", "fr", _SHORT_YEAR, "févr. 2025"),
        ("Oct-26", "en", _SHORT_YEAR, "Oct 2026"),
        ("T3-26", "fr", _SHORT_YEAR, "T3 2026"),
        ("Q2/25", "en", _SHORT_YEAR, "Q2 2025"),
        ("mai 26", "fr", _SHORT_YEAR, "mai 2026"),  # not the 26th of May, as an English text reads it
        ("T1 26", "fr", _SHORT_YEAR, "T1 2026"),
        ("May 26", "en", _NEEDS_YEAR, "May 26, 2026"),
    ],
)
def test_a_missing_or_short_year_is_asked_for_with_an_example_that_works(
    raw: str, lang: str, key: str, example: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period(raw, today=TODAY, lang=lang)
    assert caught.value.key == key
    assert caught.value.params == {"value": raw, "example": example}
    assert parse_period(example, today=TODAY, lang=lang).start <= TODAY


@pytest.mark.parametrize("raw", ["déc.-26", "xyz-26", "26-janv.", "T5-26"])
def test_a_two_digit_year_with_no_period_to_propose_is_a_plain_refusal(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period(raw, today=TODAY, lang="fr")
    assert caught.value.key in ("error.bad_period", "error.no_such_quarter")


def test_error_details() -> None:
    with pytest.raises(InvalidInput) as week:
        parse_period("2025-W53", today=TODAY)
    assert week.value.params == {"value": "2025-W53", "year": 2025, "weeks": 52}
    with pytest.raises(InvalidInput) as future:
        parse_period("déc. 2026", today=TODAY)
    assert future.value.params == {"value": "2026-12"}
    with pytest.raises(InvalidInput) as old:
        parse_period("1989", today=TODAY)
    assert old.value.params == {"value": "1989", "min_year": MIN_YEAR}


@pytest.mark.parametrize(
    ("text", "lang", "expected", "rest"),
    [
        ("T3 2026 bilan du trimestre", "fr", Q(2026, 3), " bilan du trimestre"),
        ("@T3 2026 bilan", "fr", Q(2026, 3), " bilan"),
        ("  T3 2026", "fr", Q(2026, 3), ""),
        ("2026-10 note", "fr", M(2026, 10), " note"),
        ("oct. 2026 ok", "fr", M(2026, 10), " ok"),
        ("2026-10, bilan", "fr", M(2026, 10), ", bilan"),
        ("2026-10: bilan", "en", M(2026, 10), ": bilan"),
        ("T3 2026 ; bilan", "fr", Q(2026, 3), " ; bilan"),
        ("31 octobre 2026 : réunion", "fr", D(2026, 10, 31), " : réunion"),
        ("October 31, 2026 done", "en", D(2026, 10, 31), " done"),
        ("1er octobre 2026; ok", "fr", D(2026, 10, 1), "; ok"),
        ("2026 T3 bilan", "fr", Q(2026, 3), " bilan"),
        ("2026 bilan annuel", "fr", Y(2026), " bilan annuel"),
        ("2026 12 patients", "fr", Y(2026), " 12 patients"),
        ("10/2026 45 dossiers", "fr", M(2026, 10), " 45 dossiers"),
        ("31 oct. 2026 2027", "fr", D(2026, 10, 31), " 2027"),
        ("2026-10-31", "en", D(2026, 10, 31), ""),
        ("hier très calme", "fr", D(2026, 11, 19), " très calme"),
        ("T3\u00a02026\u202fbilan", "fr", Q(2026, 3), "\u202fbilan"),
        ("2026-W44 semaine chargée", "fr", W(2026, 44), " semaine chargée"),
        ("S44 2026 ok", "fr", W(2026, 44), " ok"),
        ("3e trimestre 2026 bilan", "fr", Q(2026, 3), " bilan"),
    ],
)
def test_match_period_takes_the_longest_period_at_the_start(
    text: str, lang: str, expected: Period, rest: str
) -> None:
    period, consumed = match_period(text, today=TODAY, lang=lang)
    assert period == expected
    assert text[consumed:] == rest


@pytest.mark.parametrize(
    ("text", "lang", "key", "value"),
    [
        ("T3 bilan", "fr", "error.period_needs_year", "T3"),
        ("T3, bilan", "fr", "error.period_needs_year", "T3"),
        ("demain matin", "fr", "error.bad_period", "demain"),
        ("", "fr", "error.bad_period", ""),
        ("2025 S53 bilan", "fr", "error.no_such_week", "2025 S53"),  # not the year 2025 with a note "S53"
        ("31 février 2026 bilan", "fr", "error.no_such_date", "31 février 2026"),
        ("T3 2030 bilan", "fr", "error.future_period", "2030-T3"),
        ("6/1/2021 ok", "en", "error.ambiguous_date", "6/1/2021"),
    ],
)
def test_match_period_refusals(text: str, lang: str, key: str, value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        match_period(text, today=TODAY, lang=lang)
    assert (caught.value.key, caught.value.params["value"]) == (key, value)


@pytest.mark.parametrize(
    ("cadence", "today", "expected"),
    [
        (None, TODAY, Period.day(TODAY)),
        ("week", TODAY, Period(dt.date(2026, 11, 16), Granularity.WEEK)),
        (Cadence.WEEK, dt.date(2026, 12, 31), Period(dt.date(2026, 12, 28), Granularity.WEEK)),
        (Cadence.WEEK, dt.date(2027, 1, 1), Period(dt.date(2026, 12, 28), Granularity.WEEK)),
        (Cadence.WEEK, dt.date(2027, 1, 4), Period(dt.date(2027, 1, 4), Granularity.WEEK)),
        (Cadence.WEEK, dt.date(2025, 12, 29), W(2026, 1)),
        (Cadence.MONTH, TODAY, M(2026, 11)),
        ("month", dt.date(2026, 2, 28), M(2026, 2)),
        (Cadence.QUARTER, TODAY, Q(2026, 4)),
        (Cadence.QUARTER, dt.date(2026, 3, 31), Q(2026, 1)),
        (Cadence.YEAR, TODAY, Y(2026)),
        ("year", dt.date(2026, 1, 1), Y(2026)),
    ],
)
def test_default_period(cadence: str | None, today: dt.date, expected: Period) -> None:
    assert default_period(cadence, today) == expected


def test_iso_week_labels_across_the_year_boundary() -> None:
    assert default_period(Cadence.WEEK, dt.date(2026, 12, 31)).label() == "2026-W53"
    assert default_period(Cadence.WEEK, dt.date(2027, 1, 1)).label() == "2026-W53"
    assert default_period(Cadence.WEEK, dt.date(2025, 12, 29)).label() == "2026-W01"
    assert (weeks_in(2026), weeks_in(2025), weeks_in(2020)) == (53, 52, 53)


def test_granularity_of_every_cadence() -> None:
    assert [granularity_of(c) for c in Cadence] == [
        Granularity.WEEK,
        Granularity.MONTH,
        Granularity.QUARTER,
        Granularity.YEAR,
    ]
    assert granularity_of(None) is Granularity.DAY and granularity_of("month") is Granularity.MONTH


@pytest.mark.parametrize(
    ("period", "end", "label"),
    [
        (D(2026, 10, 31), dt.date(2026, 10, 31), "2026-10-31"),
        (W(2026, 44), dt.date(2026, 11, 1), "2026-W44"),
        (W(2026, 53), dt.date(2027, 1, 3), "2026-W53"),
        (M(2024, 2), dt.date(2024, 2, 29), "2024-02"),
        (Q(2026, 4), dt.date(2026, 12, 31), "2026-T4"),
        (Y(2026), dt.date(2026, 12, 31), "2026"),
    ],
)
def test_ends_and_labels(period: Period, end: dt.date, label: str) -> None:
    assert (period.end, period.label()) == (end, label)


def test_a_period_starts_where_its_granularity_does() -> None:
    with pytest.raises(ValueError):
        Period(dt.date(2026, 10, 28), Granularity.WEEK)  # a Wednesday
    with pytest.raises(ValueError):
        Period(dt.date(2026, 8, 1), Granularity.QUARTER)
    assert Period(dt.date(2026, 10, 1), "month").granularity is Granularity.MONTH  # type: ignore[arg-type]


def test_weeks_in_words() -> None:
    assert i18n.period("fr", W(2026, 44)) == "semaine 44 de 2026 (26 oct. – 1 nov.)"
    assert i18n.period("en", W(2026, 44)) == "week 44 of 2026 (26 Oct – 1 Nov)"
    assert i18n.period("fr", W(2026, 53)) == "semaine 53 de 2026 (28 déc. – 3 janv.)"


LATEST = dt.date(2100, 12, 31)
# Any day, and days around a new year, where ISO weeks straddle two years.
new_years = st.builds(
    lambda year, offset: dt.date(year, 1, 1) + dt.timedelta(days=offset),
    st.integers(MIN_YEAR + 1, LATEST.year),
    st.integers(-7, 7),
)
periods = st.builds(
    Period.containing,
    st.one_of(st.dates(min_value=dt.date(MIN_YEAR, 1, 1), max_value=LATEST), new_years),
    st.sampled_from(list(Granularity)),
)


@given(periods, st.sampled_from(LANGS))
def test_labels_parse_back(period: Period, lang: str) -> None:
    assert parse_period(period.label(), today=LATEST, lang=lang) == period
    assert parse_period("@" + period.label(), today=period.start, lang=lang) == period


@given(
    periods.filter(lambda p: p.granularity is not Granularity.WEEK),
    st.sampled_from(LANGS),
    st.sampled_from(LANGS),
)
def test_periods_in_words_parse_back(period: Period, shown_in: str, read_in: str) -> None:
    words = i18n.period(shown_in, period)  # "31 oct. 2026", "1 Sept 2026", "octobre 2026", "T3 2026"
    assert parse_period(words, today=LATEST, lang=read_in) == period
