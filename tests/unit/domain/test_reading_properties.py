"""Properties of reading what people type: what Pilote writes reads back the same, what it accepts it
echoes, and it answers anything else with a domain error, never a crash."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from bot import i18n
from bot.domain import periods
from bot.domain.errors import DomainError
from bot.domain.readings import PERIOD_ERRORS, read_reading
from bot.domain.values import Cadence, Kind

TODAY = dt.date(2026, 11, 20)
LANGS = st.sampled_from(["fr", "en"])
# What users type: up to twelve digits before the mark and six after.
AMOUNTS = st.decimals(min_value=Decimal(-(10**12)), max_value=Decimal(10**12), places=6, allow_nan=False)
UNITS = st.sampled_from(["", "€", "kg", "kWh", "appels", "Go"])


@given(AMOUNTS, LANGS, UNITS)
def test_a_value_written_by_pilote_reads_back_the_same(amount: Decimal, lang: str, unit: str) -> None:
    value = float(amount)
    shown = i18n.value(lang, Kind.NUMBER, value, unit)
    got = read_reading(shown, kind=Kind.NUMBER, unit=unit, cadence=None, lang=lang, today=TODAY)
    assert got.value.value == value and got.note == ""


@given(AMOUNTS, LANGS)
def test_a_percentage_written_by_pilote_reads_back_the_same(amount: Decimal, lang: str) -> None:
    value = float(amount)
    shown = i18n.value(lang, Kind.PERCENT, value, "%")
    got = read_reading(shown, kind=Kind.PERCENT, unit="%", cadence=None, lang=lang, today=TODAY)
    assert got.value.value == value


@given(st.integers(0, 10**6), st.integers(1, 10**6), LANGS)
def test_a_ratio_written_by_pilote_reads_back_the_same_figures(num: int, den: int, lang: str) -> None:
    shown = i18n.value(lang, Kind.RATIO, num / den * 100, "%", float(num), float(den))
    figures = shown.split("(")[1].rstrip(")")
    got = read_reading(figures, kind=Kind.RATIO, unit="%", cadence=None, lang=lang, today=TODAY)
    assert (got.value.numerator, got.value.denominator) == (num, den)


@given(st.text(max_size=80), st.sampled_from(list(Kind)), UNITS, st.sampled_from([None, *Cadence]), LANGS)
def test_the_reader_only_raises_domain_errors(
    text: str, kind: Kind, unit: str, cadence: Cadence | None, lang: str
) -> None:
    try:
        read_reading(text, kind=kind, unit=unit, cadence=cadence, lang=lang, today=TODAY)
    except DomainError:
        pass


def test_every_period_error_is_shown_under_the_forms_period_field() -> None:
    raised = set(re.findall(r'"(error\.[a-z_.]+)"', Path(periods.__file__).read_text()))
    assert raised and raised <= PERIOD_ERRORS


# Plain digits and ratios, as machines send them, and the shapes next to them that the fast reading
# must leave to the full one: leading zeros, a zero denominator, 16 digits, a sign, a mark, a space.
PLAIN_SHAPES = st.one_of(
    st.from_regex(r"\A[0-9]{1,17}(/[0-9]{1,17})?\Z"),
    st.from_regex(r"\A[-+]?[0-9]{1,4}([.,/ ][0-9]{1,4})?( ?%)?\Z"),
    st.integers(min_value=0, max_value=10**16).map(str),
    st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(lambda p: f"{p[0]}/{p[1]}"),
    st.text(alphabet="0123456789/²٣० ", max_size=8),  # digits of other scripts, a superscript
)


@given(PLAIN_SHAPES, st.sampled_from(list(Kind)), LANGS)
@example("5/0", Kind.RATIO, "fr")
@example("0/0", Kind.RATIO, "fr")
@example("9999999999999999", Kind.NUMBER, "fr")
@example("999999999999999", Kind.NUMBER, "fr")
@example("1000000000000000", Kind.RATIO, "fr")
@example("007", Kind.PERCENT, "fr")
@example("45/060", Kind.RATIO, "fr")
@example("0/412", Kind.RATIO, "fr")
@example("412/262", Kind.RATIO, "fr")
@example("120", Kind.PERCENT, "fr")
@example("0", Kind.RATIO, "fr")
@example("45/60", Kind.NUMBER, "fr")
@example("1", Kind.BOOL, "fr")
@example("1.234", Kind.NUMBER, "fr")
@example("1/2/3", Kind.RATIO, "fr")
@example("\u0663", Kind.NUMBER, "fr")  # Arabic-Indic 3: isdigit() and int() take it
@example("12\u00b2", Kind.NUMBER, "fr")
def test_the_fast_reading_of_plain_figures_is_the_full_reading(raw: str, kind: Kind, lang: str) -> None:
    """`plain_value` (a whole number, a ratio of whole numbers) gives exactly what `read_value` gives
    for the same text, whatever the kind and language, or leaves it to read_value."""
    from bot.domain.values import plain_value, read_value

    fast = plain_value(kind, raw)
    try:
        full, end = read_value(raw, kind=kind, unit="", lang=lang)
    except DomainError:
        assert fast is None, f"{raw!r} is refused by the full reading, read {fast} by the fast one"
        return
    if fast is not None:
        assert end == len(raw) and fast == full, (raw, fast, full)
