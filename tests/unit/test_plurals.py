"""Every message that takes a count agrees with it: 0, 1, 2 and 1 000 000, in French and English."""

from __future__ import annotations

import string

import pytest

from bot import i18n
from bot.domain.values import Kind, agreeing_unit

COUNTS = (0, 1, 2, 1_000_000)
PLURAL_KEYS = sorted(key for key, entry in i18n.CATALOGUES["fr"].items() if isinstance(entry, tuple))


def params_of(lang: str, key: str) -> dict[str, str]:
    forms = i18n.CATALOGUES[lang][key]
    names = {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}
    return {name: f"<{name}>" for name in names - {"count"}}


@pytest.mark.parametrize("key", PLURAL_KEYS)
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("count", COUNTS)
def test_each_count_gets_the_form_of_its_language(key: str, lang: str, count: int) -> None:
    singular, plural = i18n.CATALOGUES[lang][key]
    text = i18n.tn(lang, key, count, **params_of(lang, key))
    one = count in (0, 1) if lang == "fr" else count == 1  # French: 0 and 1 are singular
    expected = (singular if one else plural).format(count=i18n.number(lang, count), **params_of(lang, key))
    assert text == expected
    assert "(s)" not in text
    if count == 1_000_000 and "{count}" in plural:
        assert ("1\u202f000\u202f000" if lang == "fr" else "1,000,000") in text


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("fr", 0, "0 action"),
        ("fr", 1, "1 action"),
        ("fr", 2, "2 actions"),
        ("fr", 1_000_000, "1\u202f000\u202f000 actions"),
        ("en", 0, "0 actions"),
        ("en", 1, "1 action"),
        ("en", 2, "2 actions"),
        ("en", 1_000_000, "1,000,000 actions"),
    ],
)
def test_a_count_of_actions(lang: str, count: int, expected: str) -> None:
    assert i18n.tn(lang, "count.actions", count) == expected


def test_french_feminine_agreement_for_actions() -> None:
    assert i18n.tn("fr", "count.actions.done", 1) == "1 finie"
    assert i18n.tn("fr", "count.actions.abandoned", 3) == "3 abandonnées"
    assert i18n.tn("fr", "plan.meeting.recorded", 1, date="20 nov. 2026").endswith("(1 participant).")


def test_a_message_without_plural_forms_is_not_counted_and_the_reverse() -> None:
    with pytest.raises(TypeError):
        i18n.t("fr", "count.actions", count=2)
    with pytest.raises(TypeError):
        i18n.tn("fr", "home.title", 2)


@pytest.mark.parametrize(
    ("lang", "amount", "shown"),
    [
        ("fr", 0, "0\u202fréunion"),
        ("fr", 1, "1\u202fréunion"),
        ("fr", 1.5, "1,5\u202fréunion"),
        ("fr", 2, "2\u202fréunions"),
        ("fr", 1_000_000, "1\u202f000\u202f000\u202fréunions"),
        ("en", 1, "1 réunion"),
        ("en", 0, "0 réunions"),
    ],
)
def test_a_unit_written_with_its_plural_mark_agrees(lang: str, amount: float, shown: str) -> None:
    assert i18n.value(lang, Kind.NUMBER, amount, "réunion(s)") == shown


def test_other_units_are_shown_as_typed() -> None:
    assert agreeing_unit("kWh", 3, "fr") == "kWh"
    assert i18n.value("fr", Kind.NUMBER, 3, "t CO2e") == "3\u202ft CO2e"
