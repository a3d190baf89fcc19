"""French typography in what Pilote writes: no-break spaces where French puts them, and only there."""

from __future__ import annotations

import re

import pytest

from bot.i18n import CATALOGUES, french_spacing, t

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("typed", "typeset"),
    [
        ("Statut : conforme", f"Statut{NBSP}: conforme"),
        ("{code} : {value}", f"{{code}}{NBSP}: {{value}}"),
        ("Erreur ? Essayez ; puis ! voilà", f"Erreur{NNBSP}? Essayez{NNBSP}; puis{NNBSP}! voilà"),
        ("« {value} » n'est pas", f"«{NNBSP}{{value}}{NNBSP}» n'est pas"),
        # Slack closes *bold*, _italic_, ~struck~ and `code` before an ordinary space only.
        ("*Titre* : x", "*Titre* : x"),
        ("_note_ ; x", "_note_ ; x"),
        ("tapez `/kpi help` : l'aide", "tapez `/kpi help` : l'aide"),
        # What the user copies and types stays as it is; an :emoji: keeps its space.
        ("`/kpi x : y ?`", "`/kpi x : y ?`"),
        ("échéance · :warning: en retard", "échéance · :warning: en retard"),
        ("12 : 30", f"12{NBSP}: 30"),
        ("en dehors de 0 à 100 % : vérifiez", f"en dehors de 0 à 100{NNBSP}%{NBSP}: vérifiez"),
        ("tapez `40 %`", "tapez `40 %`"),
    ],
)
def test_french_spacing(typed: str, typeset: str) -> None:
    assert french_spacing(typed) == typeset


def _outside_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "`…`", text)


def test_the_french_catalogue_as_read_has_no_breakable_space_before_high_punctuation() -> None:
    for key, entry in CATALOGUES["fr"].items():
        for text in [entry] if isinstance(entry, str) else entry:
            bare = _outside_code(text)
            assert not re.search(r"[^\s*_~`] [;!?»]", bare), (key, text)
            assert not re.search(r"[^\s*_~`] :(?![a-z0-9_+-]+:)", bare), (key, text)
            assert not re.search(r"« [^\s*_~`]", bare), (key, text)


def test_english_is_left_alone() -> None:
    assert all(NBSP not in e and NNBSP not in e for e in CATALOGUES["en"].values() if isinstance(e, str))


def test_a_message_says_it_with_no_break_spaces() -> None:
    assert t("fr", "error.dashboard_scope", value="Compta", choices="DSI").startswith(
        f"«{NNBSP}Compta{NNBSP}»"
    )
