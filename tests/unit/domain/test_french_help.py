"""The French forms the French help and errors document are forms the grammar reads."""

from __future__ import annotations

import pytest

from bot.domain.action_grammar import ListActions, NewAction, UpdateAction, UpdateStatus, parse_action
from bot.domain.actions import STATUS_WORDS
from bot.domain.dashboard_grammar import ShowSubscription, Subscribe, Unsubscribe, parse_dashboard
from bot.domain.grammar import NewIndicator, parse_kpi, word
from bot.domain.values import Cadence, Kind, Level

ALICE = "<@U0ALICE|alice>"


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("type=nombre", ("kind", Kind.NUMBER)),
        ("type=pourcentage", ("kind", Kind.PERCENT)),
        ("type=ratio", ("kind", Kind.RATIO)),
        ("type=oui-non", ("kind", Kind.BOOL)),
        ("cadence=hebdomadaire", ("cadence", Cadence.WEEK)),
        ("cadence=mensuelle", ("cadence", Cadence.MONTH)),
        ("cadence=trimestrielle", ("cadence", Cadence.QUARTER)),
        ("cadence=annuelle", ("cadence", Cadence.YEAR)),
        ("niveau=opérationnel", ("level", Level.OPERATIONAL)),
        ("niveau=stratégique", ("level", Level.STRATEGIC)),
        ("marge=2", ("hysteresis", 2.0)),
        ("variation=20", ("change_alert_pct", 20.0)),
        ("dm_vigilance=oui", ("warn_dm", True)),
    ],
)
def test_the_kpi_help_options(option: str, expected: tuple[str, object]) -> None:
    cmd = parse_kpi(f'new x "X" {option}', "fr")
    assert isinstance(cmd, NewIndicator) and getattr(cmd, expected[0]) == expected[1]


def test_the_action_help_options() -> None:
    cmd = parse_action(
        f'new "L" responsable={ALICE} niveau=réflexion échéance=2026-12-31 indicateurs=a,b domaine=achats '
        "priorité=recommandée difficulté=moyenne objectif=x",
        "fr",
    )
    assert isinstance(cmd, NewAction)
    f = cmd.fields
    assert (f.engagement, f.priority, f.difficulty) == ("reflexion", "recommande", "medium")
    assert (f.domain, f.owner_id, f.indicator_codes) == ("achats", "U0ALICE", ("a", "b"))
    assert isinstance(parse_action("1 échéance=2026-12-31 niveau=réalisation note", "fr"), UpdateAction)


@pytest.mark.parametrize("status", ["à faire", "en cours", "finie", "abandonnée", "en-cours"])
def test_the_action_statuses(status: str) -> None:
    assert isinstance(parse_action(f"1 {status}", "fr"), UpdateStatus)


@pytest.mark.parametrize("shown", ["mes", "retard", "à-faire", "en-cours", "finie", "abandonnée", "achats"])
def test_the_list_filters(shown: str) -> None:
    cmd = parse_action(f"list {shown}", "fr")
    assert isinstance(cmd, ListActions)
    assert cmd.filter in {"mes", "retard", "achats"} or cmd.filter in STATUS_WORDS, word(shown)


@pytest.mark.parametrize(
    "text",
    [
        "subscribe hebdo lun 09:00",
        "subscribe hebdomadaire lundi 9h",
        "subscribe quotidien 09:00",
        "subscribe mensuel 1er 09:00",
        'subscribe cron "0 9 * * 1-5"',
        "subscribe hebdo lun 09:00 périmètre=DSI si-nouveau",
    ],
)
def test_the_dashboard_schedules(text: str) -> None:
    assert isinstance(parse_dashboard(text), Subscribe)


def test_the_dashboard_options_and_french_subcommands() -> None:
    cmd = parse_dashboard("subscribe hebdo lun 09:00 périmètre=DSI si-nouveau")
    assert isinstance(cmd, Subscribe) and (cmd.scope, cmd.skip_empty) == ("DSI", True)
    assert isinstance(parse_dashboard("désabonner"), Unsubscribe)
    assert isinstance(parse_dashboard("statut"), ShowSubscription)
