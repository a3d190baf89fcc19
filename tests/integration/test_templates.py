"""Installing indicator templates: named in the workspace's language, existing codes left alone."""

from __future__ import annotations

import datetime as dt

from bot.domain.grammar import EditIndicator, parse_kpi
from bot.domain.values import Direction, Kind
from bot.services import Defaults, Services
from bot.services.indicators import trend_of
from tests.support.data import kpi
from tests.support.databases import FixedClock

TEAM, ALICE = "T0PILOTE", "U0ALICE"


def test_install_a_set_creates_its_indicators_named_in_french(services: Services) -> None:
    kpi(services, 'new copil "Nos comités" kind=number target=4')  # already there: left alone
    done = services.indicators.install_templates(
        team_id=TEAM, created_by=ALICE, owner_id=ALICE, wanted="gouvernance"
    )
    assert [v.code for v in done.created] == [
        "plan-validé",
        "plan-avancement",
        "budget-nr",
        "indicateurs-suivis",
    ]
    assert done.existing == ("copil",)
    by_code = {s.indicator.code: s.indicator for s in services.indicators.summaries(team_id=TEAM)}
    assert by_code["copil"].name == "Nos comités" and by_code["copil"].thresholds.target == 4
    plan = by_code["plan-validé"]
    assert plan.name == "Plan d'action validé et communiqué" and plan.kind is Kind.BOOL
    assert plan.owner_id == ALICE and plan.direction is Direction.HIGHER and plan.thresholds.target is None
    assert plan.reference.startswith("Gouvernance")
    again = services.indicators.install_templates(
        team_id=TEAM, created_by=ALICE, owner_id=ALICE, wanted="gouvernance"
    )
    assert again.created == () and len(again.existing) == 5
    catalogue = services.indicators.templates(team_id=TEAM)
    assert "plan-valide" in catalogue.present and "sla" not in catalogue.present


def test_an_english_workspace_gets_english_names_and_units(services: Services, clock: FixedClock) -> None:
    english = Services.build(
        services.db, defaults=Defaults(timezone="Europe/London", language="en"), clock=clock
    )
    done = english.indicators.install_templates(
        team_id="T0EN", created_by=ALICE, wanted="copil", owner_id="U0BOB"
    )
    (copil,) = done.created
    assert (copil.name, copil.unit, copil.owner_id) == ("Steering committees held", "meeting(s)", "U0BOB")


def test_a_stated_direction_leads_the_forecast(services: Services) -> None:
    services.indicators.install_templates(team_id=TEAM, created_by=ALICE, owner_id=ALICE, wanted="escalade")
    services.indicators.edit(
        team_id=TEAM,
        user_id=ALICE,
        command=EditIndicator("escalade", (("target", "10"),)),
        is_admin=lambda: False,
    )
    # Escalations below the target (10 %) and rising towards it, no thresholds: guessed from the
    # first reading, higher would be better and the target "on pace"; the template says lower is better,
    # so the target is met already.
    for month, share in ((6, 5), (7, 6), (8, 7), (9, 8), (10, 9), (11, 9)):
        kpi(services, f"escalade {share} % @2026-{month:02d}")
    history = services.indicators.history(team_id=TEAM, code="escalade")
    _, outlook = trend_of(history, today=dt.date(2026, 11, 20))
    assert outlook.kind == "reached", outlook


def test_the_better_way_is_stored_and_edited(services: Services) -> None:
    kpi(services, 'new délai "Délai moyen" unité=jours sens=baisse')
    view = services.indicators.history(team_id=TEAM, code="délai").indicator
    assert view.direction is Direction.LOWER
    edit = parse_kpi("edit délai sens=aucun")
    assert isinstance(edit, EditIndicator)
    edited = services.indicators.edit(team_id=TEAM, user_id=ALICE, command=edit, is_admin=lambda: False)
    assert edited.direction is None
