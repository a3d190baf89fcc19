"""HomeService on a real database: a user's indicators and actions, the plan, in one read."""

from __future__ import annotations

import datetime as dt

from bot.domain.action_grammar import ActionFields
from bot.domain.actions import ActionStatus
from bot.domain.thresholds import Status
from bot.services import Services
from storage.models import Workspace
from tests.support.data import kpi
from tests.support.databases import FixedClock
from tests.support.fixtures import FIXED_NOW

TEAM, OTHER, ALICE, BOB = "T0PILOTE", "T0OTHER", "U0ALICE", "U0BOB"
TODAY = dt.date(2026, 11, 20)


def action(services: Services, label: str, owner: str = ALICE, **fields: object) -> int:
    given = ActionFields(label=label, owner_id=owner, **fields)  # type: ignore[arg-type]
    made = services.actions.create(team_id=TEAM, user_id=owner, fields=given)
    return made.number


def test_an_empty_workspace(services: Services) -> None:
    data = services.home.home(team_id=TEAM, user_id=ALICE)
    assert data.today == TODAY
    assert data.indicators == () and data.actions == ()
    assert (data.done_actions, data.abandoned_actions, data.workspace_indicators) == (0, 0, 0)
    assert data.plan.total == 0 and data.plan.percent_done == 0.0


def test_the_users_indicators_overdue_first_with_their_next_reading_due(services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio warn_below=70 alert_below=60 every=month')
    kpi(services, "frc 45/60 @2026-09")
    kpi(services, "frc 50/60 @2026-10")
    kpi(services, 'new dechets "Déchets" unit=kg every=month')
    kpi(services, "dechets 120 @2026-08")  # September's was due on 30 September
    kpi(services, 'new co2 "Émissions" every=quarter')  # never read: due now
    kpi(services, 'new papier "Papier"')  # no cadence: never due
    kpi(services, 'new autre "Chez Bob" owner=<@U0BOB|bob>')
    kpi(services, 'new bob "De Bob" every=week', user=BOB)
    kpi(services, 'new vieux "Archivé" every=month')
    services.indicators.archive(team_id=TEAM, user_id=ALICE, code="vieux", is_admin=lambda: False)
    kpi(services, 'new ailleurs "Ailleurs"', team=OTHER)

    data = services.home.home(team_id=TEAM, user_id=ALICE)

    assert [i.summary.indicator.code for i in data.indicators] == ["dechets", "co2", "frc", "papier"]
    dechets, co2, frc, papier = data.indicators
    assert dechets.due_on == dt.date(2026, 9, 30) and dechets.is_overdue(TODAY)
    assert co2.summary.latest is None and co2.due_on == TODAY and not co2.is_overdue(TODAY)
    assert frc.due_on == dt.date(2026, 11, 30) and not frc.is_overdue(TODAY)
    assert frc.summary.latest is not None and frc.summary.latest.numerator == 50
    assert frc.summary.status is Status.OK  # 83 % against warn_below=70
    assert papier.due_on is None and papier.summary.status is Status.NONE
    assert data.workspace_indicators == 6  # Alice's five live ones and Bob's; not archived, not elsewhere
    assert [i.summary.indicator.code for i in services.home.home(team_id=TEAM, user_id=BOB).indicators] == [
        "autre",
        "bob",
    ]


def test_the_users_open_actions_late_first_and_closed_ones_counted(
    services: Services, clock: FixedClock
) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio')
    clock.now = FIXED_NOW - dt.timedelta(days=60)
    late = action(services, "En retard", due_on=dt.date(2026, 10, 31), indicator_codes=("frc",))
    clock.now = FIXED_NOW
    later = action(services, "Plus tard", due_on=dt.date(2027, 3, 31))
    sooner = action(services, "Bientôt", due_on=dt.date(2026, 12, 15))
    undated = action(services, "Sans échéance")
    done = action(services, "Finie")
    dropped = action(services, "Abandonnée")
    action(services, "Celle de Bob", owner=BOB)
    archived = action(services, "Archivée")
    for number, status in ((done, ActionStatus.DONE), (dropped, ActionStatus.ABANDONED)):
        services.actions.update_status(team_id=TEAM, user_id=ALICE, number=number, status=status)
    services.actions.update_status(
        team_id=TEAM, user_id=ALICE, number=sooner, status=ActionStatus.DOING, progress=40
    )
    services.actions.archive(team_id=TEAM, user_id=ALICE, number=archived, is_admin=lambda: False)

    data = services.home.home(team_id=TEAM, user_id=ALICE)

    assert [a.number for a in data.actions] == [late, sooner, later, undated]
    assert data.actions[0].is_late(TODAY) and data.actions[0].indicator_codes == ("frc",)
    assert data.actions[1].status is ActionStatus.DOING and data.actions[1].progress == 40
    assert (data.done_actions, data.abandoned_actions) == (1, 1)
    assert data.plan == services.actions.summary(team_id=TEAM)
    assert data.plan.total == 7 and data.plan.late == 1
    assert data.plan.by_status == {"todo": 4, "doing": 1, "done": 1, "abandoned": 1}


def test_today_is_the_workspaces_own(services: Services) -> None:
    with services.db.write() as s:
        s.add(Workspace(team_id="T0HI", timezone="Pacific/Honolulu", language="en", created_at=FIXED_NOW))
    # 09:00 UTC on 20 November is still 23:00 on the 19th in Honolulu.
    assert services.home.home(team_id="T0HI", user_id=ALICE).today == dt.date(2026, 11, 19)
