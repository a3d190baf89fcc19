"""Reading CSV files and spreadsheet cells as the text a user typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.files.read import UnreadableFile, decode, number_text, read_csv, sniff_delimiter, xlsx_cell

FRENCH = "Indicateur;Période;Valeur;Note\nénergie;T3 2026;1 234,5 €;l'équipe œuvre\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + FRENCH.encode("utf-8"), "utf-8-sig"),
        (FRENCH.encode("cp1252"), "cp1252"),  # € is 0x80, œ 0x9C: C1 controls in ISO-8859-15
        (FRENCH.encode("iso-8859-15"), "iso-8859-15"),  # € is 0xA4, œ 0xBD: ¤ and ½ in Windows-1252
        ("Période;Valeur\nété;12\n".encode("cp1252"), "cp1252"),  # both read it the same
        ("Période;Note\nT3 2026;½ journée à 12 €\n".encode("cp1252"), "cp1252"),  # ½ is œ in -15, € says no
    ],
)
def test_the_encoding_is_detected_and_the_text_comes_back_whole(data: bytes, encoding: str) -> None:
    text, used, detected = decode(data, None)
    assert used == encoding and detected
    assert text.startswith(("Indicateur", "Période")) and "\ufeff" not in text
    if "œ" in FRENCH and text.startswith("Indicateur"):
        assert text == FRENCH


def test_a_given_encoding_is_used_and_a_wrong_one_said() -> None:
    assert decode(FRENCH.encode("iso-8859-15"), "iso-8859-15")[0] == FRENCH
    with pytest.raises(UnreadableFile) as err:
        decode(FRENCH.encode("cp1252"), "utf-8")
    assert err.value.key == "error.import.not_in_encoding"
    with pytest.raises(UnreadableFile):
        decode(b"x", "klingon")


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("code;période;valeur", ";"), ("code,period,value", ","), ("code\tperiod\tvalue", "\t"),
     ('"code";"période";"valeur, en %"', ";")],
)  # fmt: skip
def test_the_separator_is_the_one_that_splits_the_header(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


def test_csv_rows_keep_their_line_numbers_across_a_note_on_two_lines() -> None:
    data = 'code;période;valeur;note\nfrc;2026-10;45/60;"deux\nlignes"\n\nfrc;2026-09;1,5;\n'.encode()
    table = read_csv(data)
    assert table.delimiter == ";"
    assert [line for line, _ in table.rows] == [1, 2, 4, 5]
    assert table.rows[1][1] == ["frc", "2026-10", "45/60", "deux\nlignes"]


@pytest.mark.parametrize(
    ("value", "fmt", "fr", "en"),
    [
        (0.1, "General", "0,1", "0.1"),  # the double's shortest form: what was typed
        (1234.5, "# ##0,00", "1234,5", "1234.5"),  # the display rounds, the value does not
        (1180.333, "0.00", "1180,333", "1180.333"),
        (0.125, "0.0%", "12,5 %", "12.5 %"),  # a percent cell holds 0,125
        (3, "General", "3", "3"),
        (True, "General", "oui", "yes"),
        (dt.datetime(2026, 10, 1), "mmm\\ yyyy", "2026-10", "2026-10"),
        (dt.datetime(2026, 10, 1), 'mmmm" "yyyy', "2026-10", "2026-10"),
        (dt.datetime(2026, 10, 31), "dd/mm/yyyy", "2026-10-31", "2026-10-31"),
        (dt.datetime(2026, 1, 1), "yyyy", "2026", "2026"),
        ("  T3 2026 ", "@", "T3 2026", "T3 2026"),
        (None, "General", "", ""),
    ],
)
def test_an_xlsx_cell_is_written_as_typed(value: object, fmt: str, fr: str, en: str) -> None:
    assert xlsx_cell(value, fmt, "fr") == fr and xlsx_cell(value, fmt, "en") == en


def test_numbers_are_written_out_in_full() -> None:
    assert number_text(Decimal("1E+3"), "fr") == "1000"
    assert number_text(Decimal("12.500") * 100, "fr") == "1250"
    assert number_text(Decimal("-0.05"), "en") == "-0.05"
