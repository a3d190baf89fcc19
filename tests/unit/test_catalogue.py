"""The gettext catalogues: complete in both languages, consistent with the code, usable by a translator."""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot import i18n
from bot.domain.actions import ActionStatus, Difficulty, Engagement, Priority
from bot.domain.periods import Granularity
from bot.domain.values import Cadence, Direction, Kind
from bot.i18n.families import FAMILIES
from bot.i18n.sync import english_comment, shows_english

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("fr", "en")


def fields(template: str) -> set[str]:
    return {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(template) if f}


def forms(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def entries(catalogue: Catalog) -> dict[str, Message]:
    return {
        message.id if isinstance(message.id, str) else message.id[0]: message
        for message in catalogue
        if message.id
    }


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict[str, Message]]:
    return {lang: entries(i18n.read_catalogue(lang)) for lang in LANGS}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Message]:
    """What `pybabel extract`, with pyproject.toml's settings, finds in the code today."""
    pot = tmp_path_factory.mktemp("pot") / "pilote.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "pyproject.toml", "-o", str(pot)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        return entries(read_po(f))


def test_both_languages_have_the_same_messages(catalogues: dict[str, dict[str, Message]]) -> None:
    assert catalogues["fr"].keys() == catalogues["en"].keys()
    assert len(catalogues["fr"]) > 400


def test_no_translation_is_fuzzy_or_empty(catalogues: dict[str, dict[str, Message]]) -> None:
    for lang, messages in catalogues.items():
        fuzzy = [key for key, m in messages.items() if m.fuzzy]
        empty = [key for key, m in messages.items() if not all(form.strip() for form in forms(m))]
        assert (fuzzy, empty) == ([], []), lang


def test_both_sides_take_the_same_placeholders(catalogues: dict[str, dict[str, Message]]) -> None:
    for key, fr in catalogues["fr"].items():
        en = catalogues["en"][key]
        # A plural form may leave the count out ("Voir l'autre"); every other field is in every form.
        wanted = set().union(*(fields(f) for f in forms(en))) | set().union(*(fields(f) for f in forms(fr)))
        for message in (fr, en):
            for form in forms(message):
                assert fields(form) | {"count"} >= wanted - {"count"}, (key, form)


def flagged(lang: str) -> dict[str, bool]:
    """Whether each entry of the .po file carries `python-brace-format` (Babel's reader drops that
    flag when the msgid, a key, has no braces: the raw file is what Poedit and Weblate read)."""
    found: dict[str, bool] = {}
    for block in i18n.po_path(lang).read_text(encoding="utf-8").split("\n\n"):
        ids = [line for line in block.splitlines() if line.startswith("msgid ")]
        if ids and ids[0] != 'msgid ""':
            flags = [line for line in block.splitlines() if line.startswith("#,")]
            found[ids[0][7:-1]] = any("python-brace-format" in line for line in flags)
    return found


def test_translators_tools_are_told_which_messages_have_placeholders(
    catalogues: dict[str, dict[str, Message]],
) -> None:
    for lang in LANGS:
        expected = {key: any(fields(f) for f in forms(m)) for key, m in catalogues[lang].items()}
        assert flagged(lang) == expected, f"{lang}: run `python -m bot.i18n.sync`"


def test_messages_with_a_count_have_their_plural_forms(catalogues: dict[str, dict[str, Message]]) -> None:
    plural = {key for key, m in catalogues["en"].items() if m.pluralizable}
    assert {key for key, m in catalogues["fr"].items() if m.pluralizable} == plural
    for lang in LANGS:
        for key in plural:
            assert len(forms(catalogues[lang][key])) == 2, (lang, key)
    assert len(plural) >= 16


def test_the_plural_rules_are_french_and_english() -> None:
    assert i18n.read_catalogue("fr").plural_forms == "nplurals=2; plural=(n > 1);"
    assert i18n.read_catalogue("en").plural_forms == "nplurals=2; plural=(n != 1);"


def test_extraction_finds_exactly_the_catalogue(
    catalogues: dict[str, dict[str, Message]], extracted: dict[str, Message]
) -> None:
    """Every key the code names is in the catalogue, every key of the catalogue is still named by the
    code (`pybabel update` would otherwise drop it), and tn() is used exactly for plural messages."""
    missing = sorted(extracted.keys() - catalogues["en"].keys())
    unused = sorted(catalogues["en"].keys() - extracted.keys())
    assert (missing, unused) == ([], []), "run `python -m bot.i18n.sync`, then translate"
    wrong = [key for key, m in extracted.items() if m.pluralizable != catalogues["en"][key].pluralizable]
    assert wrong == [], "tn() for a message with plural forms, t() for one without"


def test_each_translation_shows_its_english_text_to_the_translator(
    catalogues: dict[str, dict[str, Message]],
) -> None:
    stale = [
        key
        for key, m in catalogues["fr"].items()
        if not shows_english(m.user_comments, english_comment(catalogues["en"][key].string))
    ]
    assert stale == [], "run `python -m bot.i18n.sync`"


@pytest.mark.parametrize(
    ("family", "values"),
    [
        ("action.status", [s.value for s in ActionStatus]),
        ("action.engagement", [e.value for e in Engagement]),
        ("action.priority", [p.value for p in Priority]),
        ("action.difficulty", [d.value for d in Difficulty]),
        ("kind", [k.value for k in Kind]),
        ("templates.better", [d.value for d in Direction]),
        ("error.bad_period_for", [c.value for c in Cadence]),
        ("export.value.period", [g.value for g in Granularity]),
    ],
)
def test_each_family_covers_the_values_it_is_built_from(family: str, values: list[str]) -> None:
    assert sorted(FAMILIES[family]) == sorted(f"{family}.{v}" for v in values)


def test_every_family_key_is_in_the_catalogue(catalogues: dict[str, dict[str, Message]]) -> None:
    named = {key for keys in FAMILIES.values() for key in keys}
    assert named <= catalogues["fr"].keys()
