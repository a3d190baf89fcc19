import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.values import Kind, parse_number, parse_threshold, parse_value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("-3", -3.0),
        ("+4", 4.0),
        ("0", 0.0),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234\u202f567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1,234", 1.234),
        (" 7 ", 7.0),
        ("−5", -5.0),
    ],
)
def test_numbers_as_people_type_them(raw: str, expected: float) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("1,234", 1234.0), ("7,981", 7981.0), ("1,234.5", 1234.5), ("12.5", 12.5)]
)
def test_english_numbers_group_with_commas(raw: str, expected: float) -> None:
    assert parse_number(raw, "en") == expected


@pytest.mark.parametrize("raw", ["0,125", "0,5", "12,5", "0,125,000"])
def test_english_refuses_a_comma_that_cannot_group_thousands(raw: str) -> None:
    # "0,125" is someone's decimal comma, never 125.
    with pytest.raises(InvalidInput):
        parse_number(raw, "en")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e309",
        "1e5",
        "12,5,3",
        "1.2.3",
        "12 5",
        "1,23.4",
        "1 234.5.6",
        "0x10",
        "١٢",
        "12,",
        ",5",
        "9" * 41,
    ],
)
def test_not_numbers(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_number(raw)
    assert exc.value.key in {"error.not_a_number", "error.number_too_large", "error.ambiguous_number"}


def test_too_large_is_refused_not_infinite() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_number("9" * 40)
    assert exc.value.key == "error.number_too_large"


@pytest.mark.parametrize(
    ("kind", "raw", "value", "num", "den"),
    [
        (Kind.PERCENT, "12,5 %", 12.5, None, None),
        (Kind.PERCENT, "12,5%", 12.5, None, None),
        (Kind.PERCENT, "12.5", 12.5, None, None),
        (Kind.RATIO, "45/60", 75.0, 45.0, 60.0),
        (Kind.RATIO, "80 %", 80.0, None, None),
        (Kind.BOOL, "oui", 1.0, None, None),
        (Kind.BOOL, "Non", 0.0, None, None),
        (Kind.BOOL, "yes", 1.0, None, None),
        (Kind.BOOL, "no", 0.0, None, None),
        (Kind.NUMBER, "3 200", 3200.0, None, None),
    ],
)
def test_values_by_kind(kind: Kind, raw: str, value: float, num: float | None, den: float | None) -> None:
    parsed = parse_value(kind, raw)
    assert parsed.value == pytest.approx(value)
    assert (parsed.numerator, parsed.denominator) == (num, den)


@pytest.mark.parametrize(
    ("kind", "raw", "key"),
    [
        (Kind.RATIO, "45/0", "error.ratio_zero"),
        (Kind.RATIO, "-1/3", "error.ratio_negative"),
        (Kind.BOOL, "peut-être", "error.not_a_bool"),
        (Kind.NUMBER, "12 %", "error.unit_not_expected"),
        (Kind.NUMBER, "1/2", "error.not_a_ratio"),
        (Kind.RATIO, "1/1e-300", "error.not_a_number"),
        (Kind.BOOL, "1", "error.bool_not_number"),
    ],
)
def test_bad_values_by_kind(kind: Kind, raw: str, key: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_value(kind, raw)
    assert exc.value.key == key


def test_tiny_denominator_cannot_overflow() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_value(Kind.RATIO, "999999999999/0,0000000001")
    assert exc.value.key == "error.number_too_large"


def test_threshold_for_bool_takes_oui() -> None:
    assert parse_threshold(Kind.BOOL, "oui") == 1.0
    assert parse_threshold(Kind.PERCENT, "5 %") == 5.0


@given(st.text(max_size=60), st.sampled_from(list(Kind)))
def test_parser_only_raises_its_own_error_and_never_returns_nan(raw: str, kind: Kind) -> None:
    try:
        parsed = parse_value(kind, raw)
    except InvalidInput:
        return
    for v in (parsed.value, parsed.numerator, parsed.denominator):
        assert v is None or math.isfinite(v)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_french_formatted_floats_round_trip(x: float) -> None:
    text = f"{x:.4f}".replace(".", ",")
    assert parse_number(text) == float(f"{x:.4f}")
