"""What French and English users really type after `/kpi <code>`, and exactly what each must store.

Each line: the workspace's language, the indicator (kind, unit, cadence), the text typed after the
code, then the reading it must give (value, period label, note, numerator, denominator) or the
error it must raise. Today is Friday 20 November 2026 (ISO week 47) in the workspace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.readings import read_form, read_reading
from bot.domain.values import Cadence, Kind

TODAY = dt.date(2026, 11, 20)
NBSP, NNBSP = "\u00a0", "\u202f"


@dataclass(frozen=True)
class Ind:
    """The indicator a line is typed for."""

    kind: Kind = Kind.NUMBER
    unit: str = ""
    cadence: Cadence | None = None


@dataclass(frozen=True)
class Got:
    """The reading a line must give."""

    value: float
    period: str = "2026-11-20"
    note: str = ""
    num: float | None = None
    den: float | None = None
    typed: str = ""
    warn: bool = False


NUM = Ind()
EUR = Ind(unit="€")
KEUR = Ind(unit="k€")
KG = Ind(unit="kg")
KWH = Ind(unit="kWh")
GO = Ind(unit="Go")
HOURS = Ind(unit="h")
CALLS = Ind(unit="appels")
CO2 = Ind(unit="kg CO2e")
PCT = Ind(Kind.PERCENT, "%")
RATIO = Ind(Kind.RATIO, "%")
YESNO = Ind(Kind.BOOL)
MONTHLY = Ind(cadence=Cadence.MONTH)
WEEKLY = Ind(cadence=Cadence.WEEK)
QUARTERLY = Ind(cadence=Cadence.QUARTER)
YEARLY = Ind(cadence=Cadence.YEAR)
RATIO_M = Ind(Kind.RATIO, "%", Cadence.MONTH)
PCT_Y = Ind(Kind.PERCENT, "%", Cadence.YEAR)
COPIL = Ind(unit="réunions", cadence=Cadence.QUARTER)

CORPUS: list[tuple[str, Ind, str, Got | str]] = [
    # --- French numbers: groups of three with every space a keyboard, a phone or a spreadsheet types
    ("fr", NUM, "12,5", Got(12.5)),
    ("fr", NUM, "12.5", Got(12.5)),
    ("fr", NUM, "1 234,5", Got(1234.5)),
    ("fr", NUM, f"1{NBSP}234,5", Got(1234.5)),
    ("fr", NUM, f"1{NNBSP}234,5", Got(1234.5)),
    ("fr", NUM, f"1{NNBSP}234{NNBSP}567", Got(1234567)),
    ("fr", NUM, "1 234 567,89", Got(1234567.89)),
    ("fr", NUM, "1'234", Got(1234)),
    ("fr", NUM, "1’234,5", Got(1234.5)),
    ("fr", NUM, "1.234,5", Got(1234.5)),
    ("fr", NUM, "1.234.567", Got(1234567)),
    ("fr", NUM, "1,234", Got(1.234)),
    ("fr", NUM, "0,75", Got(0.75)),
    ("fr", NUM, "0.234", Got(0.234)),
    ("fr", NUM, "1234,5", Got(1234.5)),
    ("fr", NUM, "1234.567", Got(1234.567)),
    ("fr", NUM, "-3", Got(-3)),
    ("fr", NUM, "−5", Got(-5)),
    ("fr", NUM, "−1 234,5", Got(-1234.5)),
    ("fr", NUM, "+4", Got(4)),
    ("fr", NUM, "0", Got(0)),
    ("fr", NUM, "007", Got(7)),
    ("fr", NUM, "3 200", Got(3200)),
    ("fr", NUM, "1 234 bonne semaine", Got(1234, note="bonne semaine")),
    ("fr", NUM, "1 234,5 atelier de l'équipe", Got(1234.5, note="atelier de l'équipe")),
    ("fr", NUM, "12, bonne semaine", Got(12, note="bonne semaine")),
    ("fr", NUM, "12 — relevé du compteur", Got(12, note="relevé du compteur")),
    ("fr", NUM, "12 : relevé", Got(12, note="relevé")),
    ("fr", NUM, '12 "3 postes en panne"', Got(12, note="3 postes en panne")),
    ("fr", NUM, "12 « 3 postes en panne »", Got(12, note="3 postes en panne")),
    ("fr", NUM, "12 l’équipe a relevé", Got(12, note="l’équipe a relevé")),
    ("fr", NUM, '12 il a dit "bof', Got(12, note='il a dit "bof')),
    ("fr", NUM, "12 voir <@U0BOB|bob>", Got(12, note="voir <@U0BOB|bob>")),
    ("fr", NUM, "12 écrire à jean@mairie.fr", Got(12, note="écrire à jean@mairie.fr")),
    # refused French numbers: each with the question to answer
    ("fr", NUM, "1.234", "error.ambiguous_number"),
    ("fr", NUM, "−1.500", "error.ambiguous_number"),
    ("fr", NUM, "12,5,3", "error.not_a_number"),
    ("fr", NUM, "1.2.3", "error.not_a_number"),
    ("fr", NUM, "1,23.4", "error.not_a_number"),
    ("fr", NUM, "1 234.567", Got(1234.567)),
    ("fr", NUM, "12 5", "error.value_then_number"),
    # A mark that changes the value, which Pilote does not read: stored without it, another figure.
    ("fr", PCT, "12,5 ‰", "error.value_mark"),  # 1,25 %, not 12,5 %
    ("fr", PCT, "12,5 ‰ bilan", "error.value_mark"),
    ("fr", NUM, "12 ½", "error.value_mark"),  # 12,5, not 12
    ("fr", NUM, "3 ² m", "error.value_mark"),
    ("fr", NUM, "1e3", "error.exponent"),  # a spreadsheet's scientific notation: asked in full
    ("fr", NUM, "2,5E-2", "error.exponent"),
    ("fr", NUM, '12 "½ journée de panne"', Got(12, note="½ journée de panne")),  # quoted: a note
    ("fr", NUM, "12 34 appels", "error.value_then_number"),
    ("fr", NUM, "5 2026", "error.value_then_number"),
    ("fr", NUM, "12345 678", "error.value_then_number"),
    ("fr", NUM, "abc", "error.not_a_number"),
    ("fr", NUM, "douze", "error.not_a_number"),
    ("fr", NUM, "nan", "error.not_a_number"),
    ("fr", NUM, "inf", "error.not_a_number"),
    ("fr", NUM, "1e5", "error.exponent"),
    ("fr", NUM, "1e309", "error.exponent"),
    ("fr", NUM, "0x10", "error.unknown_unit"),
    ("fr", NUM, ",5", "error.not_a_number"),
    ("fr", NUM, "١٢", "error.not_a_number"),
    ("fr", NUM, "9" * 41, "error.number_too_large"),
    ("fr", NUM, "2 000 000 000 000 000", "error.number_too_large"),
    ("fr", NUM, "", "error.missing_value_here"),
    ("fr", NUM, "@2026-10", "error.missing_value_here"),
    # --- English numbers
    ("en", NUM, "12.5", Got(12.5)),
    ("en", NUM, "1,234.5", Got(1234.5)),
    ("en", NUM, "7,981", Got(7981)),
    ("en", NUM, "1,234,567", Got(1234567)),
    ("en", NUM, "1 234.5", Got(1234.5)),
    ("en", NUM, "1.234,5", Got(1234.5)),
    ("en", NUM, "−2.5", Got(-2.5)),
    ("en", NUM, "0.5 good week", Got(0.5, note="good week")),
    ("en", NUM, "12,5", "error.decimal_comma"),
    ("en", NUM, "0,5", "error.decimal_comma"),
    ("en", NUM, "1 234,5", "error.decimal_comma"),
    ("en", NUM, "1,23,4", "error.not_a_number"),
    ("en", NUM, "1.2.3", "error.not_a_number"),
    # --- units: the indicator's own, or one that converts to it exactly
    ("fr", EUR, "1 234 €", Got(1234)),
    ("fr", EUR, "12,5 €", Got(12.5)),
    ("fr", EUR, "12,5€", Got(12.5)),
    ("fr", EUR, "12,5 euros achat de licences", Got(12.5, note="achat de licences")),
    ("fr", EUR, "3 k€", Got(3000, typed="3 k€")),
    ("fr", EUR, "1,5 k€ devis signé", Got(1500, note="devis signé", typed="1,5 k€")),
    ("fr", EUR, "2 M€", Got(2_000_000, typed="2 M€")),
    ("fr", KEUR, "1 234 €", Got(1.234, typed="1 234 €")),
    ("fr", EUR, "12 $", "error.unit_mismatch"),
    ("fr", EUR, "12 kg", "error.unit_mismatch"),
    ("fr", KG, "1,2 t", Got(1200, typed="1,2 t")),
    ("fr", KG, "1,2t bilan carbone", Got(1200, note="bilan carbone", typed="1,2t")),
    ("fr", KG, "350 g", Got(0.35, typed="350 g")),
    ("fr", KG, "12 kg", Got(12)),
    ("fr", KG, "12 KG", Got(12)),
    ("fr", KG, "12 kilos", Got(12)),
    ("fr", KG, "12 €", "error.unit_mismatch"),
    ("fr", KWH, "1,5 MWh", Got(1500, typed="1,5 MWh")),
    ("fr", KWH, "1 200 kWh relevé EDF", Got(1200, note="relevé EDF")),
    ("fr", GO, "1,5 To", Got(1500, typed="1,5 To")),
    ("fr", GO, "500 Mo", Got(0.5, typed="500 Mo")),
    ("fr", HOURS, "90 min", Got(1.5, typed="90 min")),
    ("fr", HOURS, "10 min", "error.unit_inexact"),
    ("fr", CALLS, "120 appels", Got(120)),
    ("fr", CALLS, "1 appel", Got(1)),
    ("fr", CALLS, "120 appels traités", Got(120, note="traités")),
    ("fr", CO2, "12 kg CO2e scope 2", Got(12, note="scope 2")),
    ("fr", CO2, "12 bilan", Got(12, note="bilan")),
    ("fr", NUM, "12 €", "error.unit_not_expected"),
    ("fr", NUM, "12 %", "error.unit_not_expected"),
    ("fr", NUM, "12abc", "error.unknown_unit"),
    ("fr", NUM, "12h30", "error.unknown_unit"),
    ("fr", NUM, "12 appels", Got(12, note="appels")),
    ("fr", COPIL, "3 réunions", Got(3, period="2026-T4")),
    ("fr", COPIL, "1 réunion", Got(1, period="2026-T4")),
    # --- percentages
    ("fr", PCT, "12,5 %", Got(12.5)),
    ("fr", PCT, "12,5%", Got(12.5)),
    ("fr", PCT, f"12,5{NNBSP}%", Got(12.5)),
    ("fr", PCT, "12,5", Got(12.5)),
    ("fr", PCT, "12.5 % objectif tenu", Got(12.5, note="objectif tenu")),
    ("fr", PCT, "0 %", Got(0)),
    ("fr", PCT, "100 %", Got(100)),
    ("fr", PCT, "120 %", Got(120, warn=True)),
    ("fr", PCT, "−5 %", Got(-5, warn=True)),
    ("fr", PCT, "12,5 €", "error.unit_not_percent"),
    ("fr", PCT, "45/60", "error.not_a_ratio"),
    ("en", PCT, "12.5%", Got(12.5)),
    ("en", PCT, "12,5%", "error.decimal_comma"),
    # --- ratios: 45/60, 45 / 60, 45 sur 60, 45 of 60, or the percentage itself
    ("fr", RATIO, "45/60", Got(75, num=45, den=60)),
    ("fr", RATIO, "45 / 60", Got(75, num=45, den=60)),
    ("fr", RATIO, "45/ 60", Got(75, num=45, den=60)),
    ("fr", RATIO, "45 sur 60", Got(75, num=45, den=60)),
    ("fr", RATIO, "45 Sur 60 bonne semaine", Got(75, note="bonne semaine", num=45, den=60)),
    (
        "fr",
        RATIO,
        "45/60 bonne semaine pour l'équipe",
        Got(75, note="bonne semaine pour l'équipe", num=45, den=60),
    ),
    ("fr", RATIO, "45/60, bonne semaine", Got(75, note="bonne semaine", num=45, den=60)),
    ("fr", RATIO, "1 234/2 000", Got(61.7, num=1234, den=2000)),
    ("fr", RATIO, "22,5/30", Got(75, num=22.5, den=30)),
    ("fr", RATIO, "80 %", Got(80)),
    ("fr", RATIO, "80", Got(80)),
    ("fr", RATIO, "70/60", Got(70 / 60 * 100, num=70, den=60, warn=True)),
    ("fr", RATIO, "45 sur le site", "error.missing_denominator"),
    ("fr", RATIO, "45 sur @2026-02", "error.missing_denominator"),
    ("fr", RATIO, "45 de 60", Got(75, num=45, den=60)),
    ("fr", RATIO, "45/60 %", Got(75, num=45, den=60)),
    ("fr", RATIO, "45 sur 60 % bilan", Got(75, note="bilan", num=45, den=60)),
    ("fr", RATIO, "45/60 2e passage", Got(75, note="2e passage", num=45, den=60)),
    ("fr", RATIO, "0,75", "error.fraction_or_percent"),
    ("fr", RATIO, "0,75 %", Got(0.75)),
    ("fr", PCT, "0,5", "error.fraction_or_percent"),
    ("fr", PCT, "12,5 pourcent", Got(12.5)),
    ("fr", PCT, "12,5 pour cent de l'effectif", Got(12.5, note="de l'effectif")),
    ("en", RATIO, "45 out of 60", Got(75, num=45, den=60)),
    ("fr", NUM, "1,5 k", "error.scale_word"),
    ("fr", NUM, "3 millions", "error.scale_word"),
    ("fr", NUM, "1 200 oct. 2026", "error.period_without_at"),
    ("fr", EUR, "1 200 € pour octobre 2026", "error.period_without_at"),
    ("fr", NUM, "1 200 2026-08", "error.period_without_at"),
    ("fr", NUM, "3 hier soir", "error.period_without_at"),
    ("fr", NUM, "3 en cours de validation", Got(3, note="en cours de validation")),
    ("fr", NUM, "12 de", Got(12, note="de")),
    ("fr", NUM, "12 pour le", Got(12, note="pour le")),
    # the period is a boundary: the figures on each side are never joined
    ("fr", NUM, "12 @2026-11-19 345", Got(12, "2026-11-19", "345")),
    ("fr", NUM, "2 @T1 2026 100 participants", Got(2, "2026-T1", "100 participants")),
    ("fr", EUR, "1 @oct. 2026 200 €", Got(1, "2026-10", "200 €")),
    ("fr", NUM, "5 @hier 000", Got(5, "2026-11-19", "000")),
    ("fr", RATIO, "45 @2026-10 sur 60", "error.period_inside_value"),
    ("fr", RATIO, "45 @2026-10 /60", "error.period_inside_value"),
    ("fr", PCT, "99,5% @2026-S41 3 coupures", Got(99.5, "2026-W41", "3 coupures")),
    ("fr", EUR, "12 200 € 3 devis", Got(12200, note="3 devis")),
    ("fr", NUM, "12 @2026-11-17 3e relance", Got(12, "2026-11-17", "3e relance")),
    ("fr", YESNO, "oui 12 élus présents", Got(1, note="12 élus présents")),
    ("fr", Ind(unit="kg"), "850 kg CO2e scope 3", Got(850, note="scope 3")),
    ("fr", Ind(unit="kg CO2e"), "1,2 t", Got(1200, typed="1,2 t")),
    ("fr", Ind(unit="t CO2e"), "12,5 t", Got(12.5)),
    ("fr", RATIO, "45/0", "error.ratio_zero"),
    ("fr", RATIO, "45 sur 0", "error.ratio_zero"),
    ("fr", RATIO, "-1/3", "error.ratio_negative"),
    ("fr", RATIO, "45/60abc", "error.not_a_number"),
    ("fr", RATIO, "45/", "error.not_a_number"),
    ("en", RATIO, "45 of 60", Got(75, num=45, den=60)),
    ("en", RATIO, "1,234/2,000", Got(61.7, num=1234, den=2000)),
    ("fr", NUM, "12 sur 15 sites", "error.not_a_ratio"),
    ("fr", NUM, "12 sur le site de Lyon", Got(12, note="sur le site de Lyon")),
    # --- yes/no
    ("fr", YESNO, "oui", Got(1)),
    ("fr", YESNO, "Oui", Got(1)),
    ("fr", YESNO, "OUI", Got(1)),
    ("fr", YESNO, "non", Got(0)),
    ("fr", YESNO, "oui, validé en comité", Got(1, note="validé en comité")),
    ("fr", YESNO, "oui. Plan communiqué à l'équipe", Got(1, note="Plan communiqué à l'équipe")),
    ("fr", YESNO, "vrai", Got(1)),
    ("en", YESNO, "yes", Got(1)),
    ("en", YESNO, "No not yet", Got(0, note="not yet")),
    ("fr", YESNO, "1", "error.bool_not_number"),
    ("fr", YESNO, "0", "error.bool_not_number"),
    ("fr", YESNO, "peut-être", "error.not_a_bool"),
    ("fr", YESNO, "ouais", "error.not_a_bool"),
    # --- periods, wherever they stand
    ("fr", NUM, "3 @2026-10-31", Got(3, "2026-10-31")),
    ("fr", NUM, "3 @31/10/2026", Got(3, "2026-10-31")),
    ("fr", NUM, "3 @2026-10", Got(3, "2026-10")),
    ("fr", NUM, "3 @10/2026", Got(3, "2026-10")),
    ("fr", NUM, "3 @oct. 2026", Got(3, "2026-10")),
    ("fr", NUM, "3 @octobre 2026", Got(3, "2026-10")),
    ("fr", NUM, "3 @Octobre 2026 bilan", Got(3, "2026-10", "bilan")),
    ("fr", NUM, "3 @2026-T3", Got(3, "2026-T3")),
    ("fr", NUM, "3 @T3 2026", Got(3, "2026-T3")),
    ("fr", NUM, "3 @t3 2026 bilan du trimestre", Got(3, "2026-T3", "bilan du trimestre")),
    ("fr", NUM, "3 @2026-S44", Got(3, "2026-W44")),
    ("fr", NUM, "3 @2026-W44", Got(3, "2026-W44")),
    ("fr", NUM, "3 @2026", Got(3, "2026")),
    ("fr", NUM, "3 @ 2026-10", Got(3, "2026-10")),
    ("fr", NUM, "3 bilan @2026-T2", Got(3, "2026-T2", "bilan")),
    ("fr", NUM, "3 bilan du trimestre @T2 2026", Got(3, "2026-T2", "bilan du trimestre")),
    ("fr", NUM, "3 bilan @2026-10 fin", Got(3, "2026-10", "bilan fin")),
    ("fr", NUM, "@2026-10 3 bilan", Got(3, "2026-10", "bilan")),
    ("fr", NUM, "1 234,5 @2026-10 note", Got(1234.5, "2026-10", "note")),
    ("fr", NUM, '3 "réunion @ 14h"', Got(3, note="réunion @ 14h")),
    ("fr", NUM, "3 @2026-10 @2026-11", "error.two_periods"),
    ("fr", NUM, "3 @", "error.missing_period"),
    ("fr", NUM, "3 @demain", "error.bad_period"),
    ("fr", NUM, "3 contact @jean", "error.bad_period"),
    ("fr", NUM, "3 @2027-01", "error.future_period"),
    ("fr", NUM, "3 @2026-12", "error.future_period"),
    ("fr", NUM, "3 @31/02/2026", "error.no_such_date"),
    ("en", NUM, "3 @Oct 2026", Got(3, "2026-10")),
    ("en", NUM, "3 @October 2026", Got(3, "2026-10")),
    ("en", NUM, "3 @Q3 2026", Got(3, "2026-T3")),
    ("en", NUM, "3 @2026-Q3", Got(3, "2026-T3")),
    ("en", NUM, "3 @31/10/2026", Got(3, "2026-10-31")),
    ("en", NUM, "3 @10/31/2026", Got(3, "2026-10-31")),
    ("en", NUM, "3 @6/1/2021", "error.ambiguous_date"),
    # --- the default period follows the cadence
    ("fr", MONTHLY, "3", Got(3, "2026-11")),
    ("fr", WEEKLY, "3", Got(3, "2026-W47")),
    ("fr", QUARTERLY, "3", Got(3, "2026-T4")),
    ("fr", YEARLY, "3", Got(3, "2026")),
    (
        "fr",
        RATIO_M,
        "45/60 bonne semaine pour l'équipe",
        Got(75, "2026-11", "bonne semaine pour l'équipe", 45, 60),
    ),
    ("fr", PCT_Y, "4,2 %", Got(4.2, "2026")),
    ("fr", MONTHLY, "3 @2026-10", Got(3, "2026-10")),
    ("fr", WEEKLY, "3 @2026-S44", Got(3, "2026-W44")),
    ("fr", QUARTERLY, "3 @T3 2026", Got(3, "2026-T3")),
    ("fr", YEARLY, "3 @2025", Got(3, "2025")),
    # ... and a period of another length is a question, not a guess
    ("fr", MONTHLY, "3 @2026-10-31", "error.period_not_cadence.month"),
    ("fr", MONTHLY, "3 @2026", "error.period_not_cadence.month"),
    ("fr", QUARTERLY, "3 @2026-10", "error.period_not_cadence.quarter"),
    ("fr", YEARLY, "3 @T3 2026", "error.period_not_cadence.year"),
    ("fr", WEEKLY, "3 @2026-11-16", "error.period_not_cadence.week"),
    # --- notes: kept verbatim, and bounded
    ("fr", NUM, "3 " + "x" * 1000, Got(3, note="x" * 1000)),
    ("fr", NUM, "3 " + "x" * 1001, "error.too_long"),
]


def _read(lang: str, ind: Ind, text: str):  # noqa: ANN202
    return read_reading(text, kind=ind.kind, unit=ind.unit, cadence=ind.cadence, lang=lang, today=TODAY)


@pytest.mark.parametrize(("lang", "ind", "text", "expected"), CORPUS)
def test_corpus(lang: str, ind: Ind, text: str, expected: Got | str) -> None:
    if isinstance(expected, str):
        with pytest.raises(InvalidInput) as exc:
            _read(lang, ind, text)
        assert exc.value.key == expected, exc.value.params
        return
    got = _read(lang, ind, text)
    assert got.value.value == pytest.approx(expected.value, abs=1e-9)
    if expected.value == round(expected.value, 6):
        assert got.value.value == expected.value  # exactly what was typed, not merely close to it
    assert (got.value.numerator, got.value.denominator) == (expected.num, expected.den)
    assert got.period.label() == expected.period
    assert got.note == expected.note
    assert got.value.typed == expected.typed
    assert bool(got.value.warnings) == expected.warn


def test_the_corpus_is_large_and_covers_both_languages() -> None:
    assert len(CORPUS) >= 150
    assert {lang for lang, *_ in CORPUS} == {"fr", "en"}
    assert sum(isinstance(e, str) for *_, e in CORPUS) >= 50  # refusals are half the contract


@pytest.mark.parametrize(
    ("value", "period", "note", "ind", "expected"),
    [
        ("1 234,5", None, "", NUM, Got(1234.5)),
        (
            "1 234,5 €",
            "2026-10",
            "relevé",
            Ind(unit="€", cadence=Cadence.MONTH),
            Got(1234.5, "2026-10", "relevé"),
        ),
        ("45 sur 60", "T3 2026", "", RATIO, Got(75, "2026-T3", num=45, den=60)),
        ("oui", None, "l'équipe a validé", YESNO, Got(1, note="l'équipe a validé")),
    ],
)
def test_the_form_reads_the_same_values(
    value: str, period: str | None, note: str, ind: Ind, expected: Got
) -> None:
    got = read_form(
        value, period, note, kind=ind.kind, unit=ind.unit, cadence=ind.cadence, lang="fr", today=TODAY
    )
    assert got.value.value == pytest.approx(expected.value)
    assert (got.value.numerator, got.value.denominator) == (expected.num, expected.den)
    assert got.period.label() == expected.period and got.note == expected.note


@pytest.mark.parametrize(
    ("cadence", "key", "example"),
    [
        (Cadence.QUARTER, "error.bad_period_for.quarter", "2026-T4"),
        (Cadence.MONTH, "error.bad_period_for.month", "2026-11"),
        (None, "error.bad_period", None),  # no cadence: every shape is an example
    ],
)
def test_a_period_field_that_holds_no_period_gives_the_cadences_example(
    cadence: Cadence | None, key: str, example: str | None
) -> None:
    with pytest.raises(InvalidInput) as exc:
        read_form(
            "12",
            "octobre-2026",
            "",
            kind=Kind.NUMBER,
            unit="",
            cadence=cadence,
            lang="fr",
            today=TODAY,
        )
    assert exc.value.key == key and exc.value.params.get("example") == example


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("12 bonne semaine", "error.value_then_text"),
        ("12,5 ‰", "error.value_mark"),
        ("12 ¼", "error.value_mark"),
        ("1.234", "error.ambiguous_number"),
        ("", "error.missing_value_here"),
    ],
)
def test_the_form_value_field_holds_only_a_value(value: str, key: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        read_form(value, None, "", kind=Kind.NUMBER, unit="", cadence=None, lang="fr", today=TODAY)
    assert exc.value.key == key


def test_whether_the_period_was_typed_is_told() -> None:
    assert _read("fr", MONTHLY, "3 bilan").period_given is False
    assert _read("fr", MONTHLY, "3 @2026-11 bilan").period_given is True
    assert _read("fr", NUM, '3 "rdv @ 14h"').period_given is False
