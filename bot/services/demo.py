"""A sample responsible-digital plan for `pilote demo`, recorded through the ordinary use cases."""

from __future__ import annotations

import datetime as dt

from bot.domain.action_grammar import NewAction, parse_action
from bot.domain.grammar import NewIndicator, RecordReading, parse_kpi
from bot.services.actions import ActionService
from bot.services.indicators import IndicatorService

DEMO_TEAM = "T0DEMO"
DEMO_USER = "U0DEMO"
DEMO_NAMES = {DEMO_USER: "Camille Demo"}  # who the demo's user is, for a terminal with no Slack

# The plan of a fictional public body: the guide's governance indicators and one ITIL service KPI.
DEFINITIONS = (
    'new budget-nr "Part du budget informatique consacrée au numérique responsable" kind=percent '
    "target=5 warn_below=3 alert_below=1,5 every=quarter level=strategic entity=DSI",
    'new plan-validé "Plan d\'action validé et communiqué" kind=bool target=oui alert_below=oui '
    "every=quarter level=strategic",
    'new copil "Comités de pilotage tenus" kind=number unit=réunion(s) target=4 warn_below=3 '
    "alert_below=2 every=year level=strategic",
    'new frc "Taux de résolution au premier contact" kind=ratio target=75 warn_below=70 '
    'alert_below=60 every=month level=operational entity="Centre de services"',
)


def _periods_back(today: dt.date, n: int, months: int) -> list[tuple[int, int]]:
    """The n whole periods of `months` months before the current one, oldest first, as (year, index)."""
    per_year = 12 // months
    index = (today.year * 12 + today.month - 1) // months
    return [((index - k) // per_year, (index - k) % per_year + 1) for k in range(n, 0, -1)]


def readings(today: dt.date) -> list[str]:
    """The demo's /kpi texts for past periods relative to `today`."""
    months = [f"{y}-{m:02d}" for y, m in _periods_back(today, 12, 1)]
    quarters = [f"{y}-T{q}" for y, q in _periods_back(today, 6, 3)]
    handled = [412, 398, 455, 430, 390, 470, 488, 452, 440, 461, 475, 490]
    first = [262, 259, 301, 292, 270, 335, 351, 330, 326, 345, 360, 333]
    texts = [f"frc {f}/{h} @{m}" for m, f, h in zip(months, first, handled, strict=True)]
    budget = ["0,8", "1,2", "1,6", "1,9", "2,3", "2,6"]
    texts += [f"budget-nr {v} % @{q} bilan trimestriel" for q, v in zip(quarters, budget, strict=True)]
    texts += [f"plan-validé {v} @{q}" for q, v in zip(quarters[-3:], ["non", "non", "oui"], strict=True)]
    texts += [f"copil 3 @{today.year - 1}", f"copil 1 @{today.year} un seul comité cette année"]
    return texts


def actions(today: dt.date) -> list[str]:
    """The demo's /action texts: the guide's three engagement levels, one action late."""
    ago, ahead = (today - dt.timedelta(days=90)).isoformat(), (today + dt.timedelta(days=60)).isoformat()
    late = (today - dt.timedelta(days=15)).isoformat()
    return [
        f'"Sensibiliser les agents aux écogestes" domain=sensibilisation level=realisation status=done '
        f"identified={ago}",
        f'"Allonger la durée de vie des postes à 6 ans" domain=achats level=experimentation status=doing '
        f"progress=60% identified={ago} due={ahead}",
        f'"Clauses de réemploi dans les marchés" domain=achats level=reflexion identified={ago} due={late}',
        f'"Écoconcevoir le portail usagers" domain=conception level=reflexion identified={ago}',
    ]


def seed(
    indicators: IndicatorService, plan: ActionService, *, today: dt.date, team_id: str = DEMO_TEAM
) -> bool:
    """Create the demo plan unless the workspace already has indicators; True when it seeded."""
    if indicators.summaries(team_id=team_id):
        return False
    deadline = f" target_date={today.year + 1}-12-31"
    for text in DEFINITIONS:
        spec = parse_kpi(text + (deadline if text.startswith("new budget-nr") else ""))
        assert isinstance(spec, NewIndicator)
        indicators.define(team_id=team_id, user_id=DEMO_USER, spec=spec)
    for text in readings(today):
        cmd = parse_kpi(text)
        assert isinstance(cmd, RecordReading)
        indicators.record(team_id=team_id, user_id=DEMO_USER, command=cmd, source="demo")
    for text in actions(today):
        action = parse_action(f"new {text}")
        assert isinstance(action, NewAction)
        plan.create(team_id=team_id, user_id=DEMO_USER, fields=action.fields)
    return True
