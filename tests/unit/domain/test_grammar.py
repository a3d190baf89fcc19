import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.grammar import (
    RESERVED_WORDS,
    Help,
    ListIndicators,
    NewIndicator,
    RecordReading,
    ShowIndicator,
    Undo,
    parse_kpi,
)
from bot.domain.values import Cadence, Kind, Level


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("aide", Help()),
        ("AIDE", Help()),
        ("list", ListIndicators()),
        ("liste", ListIndicators()),
        ("undo", Undo()),
        ("annuler", Undo()),
        ("show frc", ShowIndicator("frc")),
        ("voir budget-nr", ShowIndicator("budget-nr")),
    ],
)
def test_subcommands(text: str, expected: object) -> None:
    assert parse_kpi(text) == expected


def test_new_with_every_option() -> None:
    cmd = parse_kpi(
        'new frc "Taux de résolution au premier contact" kind=ratio unit=% target=75 warn_below=70 '
        'alert_below=60 owner=<@U0BOB|bob> every=mois entity="Centre de services" level=operationnel'
    )
    assert isinstance(cmd, NewIndicator)
    assert cmd.code == "frc" and cmd.name == "Taux de résolution au premier contact"
    assert cmd.kind is Kind.RATIO and cmd.unit == "%"
    assert (cmd.thresholds.target, cmd.thresholds.warn_below, cmd.thresholds.alert_below) == (75, 70, 60)
    assert cmd.owner_id == "U0BOB" and cmd.cadence is Cadence.MONTH
    assert cmd.entity == "Centre de services" and cmd.level is Level.OPERATIONAL


def test_new_accepts_curly_and_french_quotes_and_unquoted_names() -> None:
    a = parse_kpi("new énergie “Énergie des salles” unit=kWh")
    b = parse_kpi("new énergie « Énergie des salles » unit=kWh")
    c = parse_kpi("new énergie Énergie des salles unit=kWh")
    assert a == b == c
    assert isinstance(a, NewIndicator) and a.code == "énergie" and a.unit == "kWh"


def test_new_percent_defaults_unit() -> None:
    cmd = parse_kpi('new budget-nr "Budget" kind=pourcentage target=5%')
    assert isinstance(cmd, NewIndicator) and cmd.unit == "%" and cmd.thresholds.target == 5


def test_record_with_french_value_period_and_note() -> None:
    cmd = parse_kpi("budget-nr 12,5 % @2026-T3 atelier fournisseur &amp; achats")
    assert cmd == RecordReading("budget-nr", "12,5%", "2026-T3", "atelier fournisseur & achats")


def test_record_ratio_with_spaces() -> None:
    assert parse_kpi("frc 45 / 60") == RecordReading("frc", "45/60")
    assert parse_kpi("frc 45/ 60") == RecordReading("frc", "45/60")


def test_note_keeps_its_text_verbatim() -> None:
    cmd = parse_kpi("frc 45/60 voir   <@U1|bob> et <!channel>")
    assert isinstance(cmd, RecordReading)
    assert cmd.note == "voir   <@U1|bob> et <!channel>"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("new", "error.missing_code"),
        ("new budget", "error.missing_name"),
        ('new 1abc "x"', "error.bad_code"),
        ('new list "x"', "error.reserved_code"),
        ('new x "y" colour=red', "error.unknown_key"),
        ('new x "y" kind=banana', "error.bad_choice"),
        ('new x "y" target=1 target=2', "error.duplicate_key"),
        ('new x "y" owner=bob', "error.bad_owner"),
        ('new x "y" warn_below=3 alert_below=5', "error.threshold_order"),
        ('new x "y', "error.unclosed_quote"),
        ('new x "y" kind=percent "z"', "error.name_after_options"),
        ("budget", "error.missing_value"),
        ("12,5", "error.unknown_subcommand"),
        ("show", "error.missing_code"),
        ("frc 1 " + "x" * 5000, "error.command_too_long"),
        ("frc 1 " + "x" * 1200, "error.too_long"),
    ],
)
def test_bad_input_says_what(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_kpi(text)
    assert exc.value.key == key


def test_reserved_words_cannot_be_codes() -> None:
    for word in RESERVED_WORDS:
        if word.isalpha():
            with pytest.raises(InvalidInput):
                parse_kpi(f'new {word} "x"')


@given(st.text(max_size=300))
def test_grammar_only_raises_domain_errors(text: str) -> None:
    try:
        parse_kpi(text)
    except DomainError:
        pass
