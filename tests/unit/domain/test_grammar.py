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


def test_record_keeps_what_follows_the_code_for_the_indicator_to_read() -> None:
    # Value, unit, period and note are read once the indicator's kind, unit and cadence are known
    # (tests/unit/domain/test_reading_corpus.py); the grammar only undoes Slack's escaping.
    cmd = parse_kpi("budget-nr 12,5 % @2026-T3 atelier fournisseur &amp; achats")
    assert cmd == RecordReading("budget-nr", "12,5 % @2026-T3 atelier fournisseur & achats")


@pytest.mark.parametrize(
    "text",
    [
        "frc 45/60 bonne semaine pour l'équipe",
        "frc 45/60 bonne semaine pour l’équipe",
        'frc 45/60 il a dit "bof',
        "frc 45/60 « réunion",
    ],
)
def test_apostrophes_and_stray_quotes_in_a_note_are_text(text: str) -> None:
    cmd = parse_kpi(text)
    assert isinstance(cmd, RecordReading) and cmd.text == text.split(" ", 1)[1]


def test_an_unquoted_name_with_apostrophes() -> None:
    cmd = parse_kpi("new x Taux d'appels résolus au premier contact type=ratio")
    assert isinstance(cmd, NewIndicator)
    assert cmd.name == "Taux d'appels résolus au premier contact" and cmd.kind is Kind.RATIO
    quoted = parse_kpi("new x « Part de l’équipe formée » type=pourcentage")
    assert isinstance(quoted, NewIndicator) and quoted.name == "Part de l’équipe formée"


def test_french_keywords_are_first_class() -> None:
    cmd = parse_kpi(
        "new frc Taux de résolution type=ratio cible=75 vigilance_sous=70 alerte_sous=60 "
        "cadence=mensuelle niveau=stratégique entité=DSI unité=% date_cible=31/12/2027"
    )
    assert isinstance(cmd, NewIndicator)
    assert cmd.kind is Kind.RATIO and cmd.cadence is Cadence.MONTH and cmd.level is Level.STRATEGIC
    assert (cmd.thresholds.target, cmd.thresholds.warn_below, cmd.thresholds.alert_below) == (75, 70, 60)
    assert cmd.entity == "DSI" and str(cmd.target_date) == "2027-12-31"
    for word, kind in [("nombre", Kind.NUMBER), ("pourcentage", Kind.PERCENT), ("oui-non", Kind.BOOL)]:
        made = parse_kpi(f"new x Nom type={word}")
        assert isinstance(made, NewIndicator) and made.kind is kind
    for word, cadence in [
        ("hebdomadaire", Cadence.WEEK),
        ("trimestrielle", Cadence.QUARTER),
        ("Annuelle", Cadence.YEAR),
    ]:
        made = parse_kpi(f"new x Nom cadence={word}")
        assert isinstance(made, NewIndicator) and made.cadence is cadence


def test_option_numbers_are_read_like_readings() -> None:
    cmd = parse_kpi("new budget Budget unité=€ cible=1 234,5 vigilance_sur=2 000 alerte_sur=3 k€")
    assert isinstance(cmd, NewIndicator)
    th = cmd.thresholds
    assert (th.target, th.warn_above, th.alert_above) == (1234.5, 2000, 3000)
    spaced = parse_kpi("new taux Taux type=pourcentage cible=75 % vigilance_sous=70")
    assert isinstance(spaced, NewIndicator) and spaced.thresholds.target == 75
    english = parse_kpi("new budget Budget unit=€ target=1,234.5", "en")
    assert isinstance(english, NewIndicator) and english.thresholds.target == 1234.5
    with pytest.raises(InvalidInput) as exc:
        parse_kpi("new budget Budget cible=1.234")
    assert exc.value.key == "error.ambiguous_number"


def test_choices_and_keys_are_listed_in_the_users_language() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_kpi("new x Nom type=banane")
    assert exc.value.params["key"] == "type" and "pourcentage" in exc.value.params["allowed"]
    with pytest.raises(InvalidInput) as exc:
        parse_kpi("new x Name kind=banana", "en")
    assert exc.value.params["key"] == "kind" and "percent" in exc.value.params["allowed"]
    with pytest.raises(InvalidInput) as exc:
        parse_kpi("new x Nom couleur=rouge")
    assert "cible" in exc.value.params["allowed"] and "target" not in exc.value.params["allowed"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("new", "error.missing_code.new"),
        ("show", "error.missing_code.show"),
        ("edit", "error.missing_code.edit"),
        ("delete", "error.missing_code.delete"),
    ],
)
def test_a_missing_code_names_the_command_typed(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_kpi(text)
    assert exc.value.key == key


def test_note_keeps_its_text_verbatim() -> None:
    cmd = parse_kpi("frc 45/60 voir   <@U1|bob> et <!channel>")
    assert isinstance(cmd, RecordReading)
    assert cmd.text == "45/60 voir   <@U1|bob> et <!channel>"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("new", "error.missing_code.new"),
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
        ("budget   ", "error.missing_value"),
        ("12,5", "error.unknown_subcommand"),
        ("show", "error.missing_code.show"),
        ("frc 1 " + "x" * 5000, "error.command_too_long"),
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


def test_margins_and_changes_take_small_numbers() -> None:
    cmd = parse_kpi("new x Nom marge=0,5 variation=20 %")
    assert isinstance(cmd, NewIndicator) and cmd.hysteresis == 0.5 and cmd.change_alert_pct == 20
    with pytest.raises(InvalidInput) as exc:
        parse_kpi("new x Nom type=pourcentage cible=0,5")
    assert exc.value.key == "error.fraction_or_percent"
