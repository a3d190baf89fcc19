import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.domain.action_grammar import ActionFields, NewAction, UpdateAction, parse_action
from bot.domain.actions import ActionStatus, Engagement
from bot.domain.errors import InvalidInput, NotAllowed, UnknownAction, UnknownIndicator
from bot.domain.grammar import NewIndicator, parse_kpi
from bot.services import Services
from storage.models import ActionUpdate

TEAM, ALICE, BOB, ADMIN = "T0PILOTE", "U0ALICE", "U0BOB", "U0ADMIN"


def new(services: Services, text: str, user: str = ALICE):  # type: ignore[no-untyped-def]
    cmd = parse_action(f"new {text}")
    assert isinstance(cmd, NewAction)
    return services.actions.create(team_id=TEAM, user_id=user, fields=cmd.fields)


def change(services: Services, number: int, text: str, user: str, admin: bool = False):  # type: ignore[no-untyped-def]
    cmd = parse_action(f"{number} {text}")
    assert isinstance(cmd, UpdateAction)
    return services.actions.update_fields(
        team_id=TEAM, user_id=user, number=number, fields=cmd.fields, note=cmd.note, is_admin=lambda: admin
    )


def journal_count(services: Services) -> int:
    with services.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(ActionUpdate)) or 0)


def test_create_numbers_actions_per_workspace_and_links_indicators(services: Services) -> None:
    spec = parse_kpi('new frc "Résolution" kind=ratio')
    assert isinstance(spec, NewIndicator)
    services.indicators.define(team_id=TEAM, user_id=ALICE, spec=spec)
    first = new(
        services,
        '"Audit du parc" owner=<@U0BOB|bob> level=experimentation due=2026-12-31 kpi=FRC domain=achats',
    )
    second = new(services, "Remplacer les écrans")
    other = services.actions.create(team_id="T0OTHER", user_id=ALICE, fields=ActionFields(label="Ailleurs"))
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.owner_id == BOB and first.engagement is Engagement.EXPERIMENTATION
    assert first.indicator_codes == ("frc",) and first.domain == "achats"
    assert first.identified_on == dt.date(2026, 11, 20) and first.status is ActionStatus.TODO
    assert second.owner_id == ALICE
    with pytest.raises(UnknownIndicator):
        new(services, '"x" kpi=nope')
    with pytest.raises(InvalidInput):
        new(services, '"x" due=2020-01-01')


def test_status_updates_are_journaled_and_set_dates(services: Services) -> None:
    new(services, '"Audit"')
    doing = services.actions.update_status(
        team_id=TEAM,
        user_id=BOB,
        number=1,
        status=ActionStatus.DOING,
        progress=40,
        note="atelier fournisseur",
    )
    assert doing.progress == 40 and doing.started_on == dt.date(2026, 11, 20)
    done = services.actions.update_status(team_id=TEAM, user_id=BOB, number=1, status=ActionStatus.DONE)
    assert done.progress == 100 and done.done_on == dt.date(2026, 11, 20)
    card = services.actions.card(team_id=TEAM, number=1)
    assert [e.changes for e in card.journal][0] == {
        "status": ["doing", "done"],
        "progress": ["40", "100"],
        "done_on": [None, "2026-11-20"],
    }
    assert card.journal[1].note == "atelier fournisseur"
    assert card.journal[-1].changes == {"created": [None, "#1"]}
    with pytest.raises(InvalidInput):
        services.actions.update_status(team_id=TEAM, user_id=BOB, number=1, status=ActionStatus.DONE)
    with pytest.raises(UnknownAction):
        services.actions.update_status(team_id=TEAM, user_id=BOB, number=9, status=ActionStatus.DONE)


def test_only_owner_or_admin_change_the_definition(services: Services) -> None:
    new(services, '"Audit" owner=<@U0BOB|bob>')
    before = journal_count(services)
    with pytest.raises(NotAllowed) as exc:
        change(services, 1, "due=2027-01-31", user=ALICE)
    assert exc.value.params["owner"] == BOB
    assert journal_count(services) == before
    assert change(services, 1, "progress=30", user=ALICE).progress == 30  # recording progress is open
    assert change(services, 1, "due=2027-01-31 report", user=BOB).due_on == dt.date(2027, 1, 31)
    moved = change(services, 1, "owner=<@U0ALICE|alice>", user=ADMIN, admin=True)
    assert moved.owner_id == ALICE


def test_admin_check_is_only_asked_when_needed(services: Services) -> None:
    new(services, '"Audit"')
    asked: list[bool] = []

    def is_admin() -> bool:
        asked.append(True)
        return False

    cmd = parse_action("1 due=2027-01-31")
    assert isinstance(cmd, UpdateAction)
    services.actions.update_fields(
        team_id=TEAM, user_id=ALICE, number=1, fields=cmd.fields, is_admin=is_admin
    )
    assert asked == []


@pytest.mark.parametrize("text", ["due=2027-01-31", "delete"])
def test_slack_is_asked_outside_any_transaction_and_the_owner_checked_again(
    services: Services, text: str
) -> None:
    new(services, '"Audit"')

    def is_admin() -> bool:
        assert services.db.engine.pool.checkedout() == 0, "a transaction is open while Slack is asked"
        change(services, 1, "owner=<@U0CAROL|carol>", user=ALICE)  # meanwhile, its owner hands it over
        return False

    with pytest.raises(NotAllowed) as refused:
        if text == "delete":
            services.actions.archive(team_id=TEAM, user_id=BOB, number=1, is_admin=is_admin)
        else:
            cmd = parse_action(f"1 {text}")
            assert isinstance(cmd, UpdateAction)
            services.actions.update_fields(
                team_id=TEAM, user_id=BOB, number=1, fields=cmd.fields, is_admin=is_admin
            )
    assert refused.value.params["owner"] == "U0CAROL"  # the write transaction read the owner again


def test_list_filters_and_late_first(services: Services) -> None:
    new(services, '"A" due=2026-12-31')
    new(services, '"B" identified=2026-10-01 due=2026-11-01', user=BOB)
    new(services, '"C" domain=achats')
    services.actions.update_status(team_id=TEAM, user_id=ALICE, number=3, status=ActionStatus.DONE)
    views, today = services.actions.list(team_id=TEAM, user_id=ALICE)
    assert [v.number for v in views] == [2, 1, 3] and today == dt.date(2026, 11, 20)
    assert [v.number for v in services.actions.list(team_id=TEAM, user_id=ALICE, filter="late")[0]] == [2]
    assert [v.number for v in services.actions.list(team_id=TEAM, user_id=ALICE, filter="mine")[0]] == [1, 3]
    assert [v.number for v in services.actions.list(team_id=TEAM, user_id=ALICE, filter="fini")[0]] == [3]
    assert [v.number for v in services.actions.list(team_id=TEAM, user_id=ALICE, filter="purchasing")[0]] == [
        3
    ]


def test_plan_summary_and_governance(services: Services) -> None:
    new(services, '"A" identified=2026-10-01 due=2026-11-01')
    new(services, '"B" level=realisation')
    new(services, '"C"')
    services.actions.update_status(team_id=TEAM, user_id=ALICE, number=2, status=ActionStatus.DONE)
    services.actions.update_status(team_id=TEAM, user_id=ALICE, number=3, status=ActionStatus.ABANDONED)
    services.actions.record_milestone(team_id=TEAM, user_id=ALICE, kind="validated", on_raw="2026-10-01")
    services.actions.record_meeting(
        team_id=TEAM, user_id=ALICE, held_on_raw="2025-11-20", attendees=[], decisions=""
    )
    held_on, summary = services.actions.record_meeting(
        team_id=TEAM, user_id=ALICE, held_on_raw=None, attendees=[ALICE, BOB], decisions="Budget 2027"
    )
    assert held_on == dt.date(2026, 11, 20)
    assert summary.total == 3 and summary.by_status["done"] == 1 and summary.late == 1
    assert summary.percent_done == 50.0  # abandoned actions do not count
    assert summary.by_engagement == {"reflexion": 1, "experimentation": 0, "realisation": 1}
    assert summary.validated_on == dt.date(2026, 10, 1) and summary.communicated_on is None
    assert summary.meetings_last_12_months == 1 and summary.last_meeting_on == dt.date(2026, 11, 20)
    with pytest.raises(InvalidInput):
        services.actions.record_meeting(
            team_id=TEAM, user_id=ALICE, held_on_raw="2030-01-01", attendees=[], decisions=""
        )


def test_delete_archives_and_keeps_numbers(services: Services) -> None:
    new(services, '"A" owner=<@U0BOB|bob>')
    with pytest.raises(NotAllowed):
        services.actions.archive(team_id=TEAM, user_id=ALICE, number=1, is_admin=lambda: False)
    services.actions.archive(team_id=TEAM, user_id=BOB, number=1, is_admin=lambda: False)
    assert services.actions.list(team_id=TEAM, user_id=ALICE)[0] == []
    with pytest.raises(UnknownAction):
        services.actions.card(team_id=TEAM, number=1)
    assert new(services, '"B"').number == 2
    assert services.actions.summary(team_id=TEAM).total == 1


def test_a_teams_own_domain_keeps_its_accents_and_is_matched_without_them(services: Services) -> None:
    assert new(services, '"A" domain=numérique-responsable').domain == "numérique-responsable"
    # Another spelling of the same domain files the action under the workspace's spelling.
    assert new(services, '"B" domain=Numerique-Responsable').domain == "numérique-responsable"
    with pytest.raises(InvalidInput) as same:  # the same domain, whatever its spelling
        change(services, 2, "domain=NUMÉRIQUE-responsable", ALICE)
    assert same.value.key == "error.nothing_changed"
    change(services, 2, "domain=achats", ALICE)
    assert change(services, 2, "domain=NUMERIQUE-RESPONSABLE", ALICE).domain == "numérique-responsable"
    assert new(services, '"C" domain=Stratégie').domain == "strategie"  # a guide domain: its slug
    for typed in ("numerique-responsable", "numérique-responsable"):
        listed = services.actions.list(team_id=TEAM, user_id=ALICE, filter=typed)[0]
        assert [v.number for v in listed] == [1, 2]


def test_rows_stored_folded_stay_readable_and_keep_their_spelling(services: Services) -> None:
    # Before, a typed domain was stored without accents: later spellings join that one.
    first = new(services, '"A" domain=numerique-responsable')
    assert first.domain == "numerique-responsable"
    assert new(services, '"B" domain=numérique-responsable').domain == "numerique-responsable"
