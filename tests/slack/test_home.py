"""The App Home tab through the real Bolt app, signed like Slack, against the fake Slack Web API."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain.action_grammar import ActionFields
from bot.domain.actions import ActionStatus, ActionView, Engagement, PlanSummary
from bot.domain.grammar import NewIndicator
from bot.domain.home import HomeData, HomeIndicator
from bot.domain.indicators import IndicatorSummary, IndicatorView, ReadingView
from bot.domain.periods import Granularity, Period
from bot.domain.thresholds import Status, Thresholds
from bot.domain.values import Cadence, Kind, Level
from bot.services import Services
from bot.slack import ids
from bot.slack.blocks.home import (
    ACTIONS,
    EXPANDED_ROWS,
    HOME_BLOCKS_MAX,
    INDICATORS,
    ROWS,
    home_view,
    row_action_id,
)
from bot.slack.listeners.home import SHOW_MORE
from storage.models import Workspace
from tests.support.data import kpi
from tests.support.databases import FixedClock
from tests.support.events import (
    action_ids,
    app_home_opened,
    click_in_view,
    event_body,
    event_headers,
    find_button,
)
from tests.support.fake_slack import FakeSlack
from tests.support.fixtures import FIXED_NOW
from tests.support.slackbed import SIGNING_SECRET, Reply, SlackBed
from tests.support.specs import validate_view

TEAM, ALICE, BOB = "T0PILOTE", "U0ALICE", "U0BOB"
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> Iterator[SlackBed]:
    bed = SlackBed(services, fake_slack)
    yield bed
    assert bed.deps.home.wait_idle()  # Home tabs published while the fake Slack still answers


def new_action(services: Services, label: str, owner: str = ALICE, team: str = TEAM, **fields: Any) -> int:
    given = ActionFields(label=label, owner_id=owner, **fields)
    return services.actions.create(team_id=team, user_id=owner, fields=given).number


def open_home(bed: SlackBed, user_id: str = ALICE, *, team_id: str = TEAM, tab: str = "home") -> Reply:
    """Send app_home_opened as Slack does; Pilote must answer 200 at once."""
    body = event_body(app_home_opened(user_id, tab=tab), team_id=team_id)
    started = time.monotonic()
    reply = bed.request("POST", "/slack/events", body, event_headers(SIGNING_SECRET, body))
    assert reply.status == 200, reply.body[:300]
    assert time.monotonic() - started < 3.0
    return reply


def published(bed: SlackBed, count: int = 1, user_id: str = ALICE) -> dict[str, Any]:
    """The view of the `count`-th views.publish call, as Slack stored it (with its id)."""
    assert bed.deps.home.wait_idle()
    call = bed.fake.wait_for("views.publish", count, timeout=10)[count - 1]
    assert call.outcome == "ok", call.response
    assert call.args["user_id"] == user_id
    assert call.response is not None
    view = dict(call.response["view"])
    validate_view(call.args["view"])
    assert_unique_ids(call.args["view"])
    return view


def assert_unique_ids(view: dict[str, Any]) -> None:
    """Slack wants block_ids and action_ids unique within a view."""
    block_ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), block_ids
    actions = action_ids(view)
    assert len(actions) == len(set(actions)), actions


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def click(bed: SlackBed, view: dict[str, Any], action_id: str, user_id: str = ALICE) -> None:
    reply = bed.interaction(click_in_view(view, action_id, user_id=user_id))
    assert reply.status == 200 and reply.body == b"", reply.body[:300]


def modal_opened(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    call = fake.wait_for("views.open", count, timeout=10)[count - 1]
    assert call.outcome == "ok", call.response
    return dict(call.args["view"])


def alice_and_her_plan(services: Services) -> None:
    kpi(services, 'new frc "Taux de résolution" kind=ratio warn_below=70 alert_below=60 every=month')
    kpi(services, "frc 45/60 @2026-09")
    kpi(services, "frc 50/60 @2026-10")
    kpi(services, 'new dechets "Déchets <!channel> & co" unit=kg every=month')
    kpi(services, "dechets 1234,5 @2026-08")
    kpi(services, 'new bob "Chez Bob" every=week', user=BOB)
    new_action(services, "Audit du parc", identified_on=dt.date(2026, 9, 1), due_on=dt.date(2026, 10, 31))
    new_action(services, "Remplacer les écrans", due_on=dt.date(2027, 3, 31))
    done = new_action(services, "Déjà faite")
    services.actions.update_status(team_id=TEAM, user_id=ALICE, number=done, status=ActionStatus.DONE)
    new_action(services, "Celle de Bob", owner=BOB)


# --------------------------------------------------------------------------------------------------
# Through the app


def test_opening_the_home_tab_publishes_the_users_indicators_and_actions(
    bed: SlackBed, services: Services
) -> None:
    alice_and_her_plan(services)
    open_home(bed)
    view = published(bed)
    text = text_of(view)
    assert "Mes indicateurs (2)" in text and "Mes actions en cours (2)" in text
    # Her overdue indicator first, with French numbers and its due date; Bob's is not hers.
    assert text.index("*dechets*") < text.index("*frc*") and "*bob*" not in text
    assert "1\u202f234,5\u202fkg (août 2026)" in text
    assert "en retard (valeur attendue le 30 sept. 2026)" in text
    assert "83,33\u202f% (50/60) (octobre 2026)" in text and "prochaine saisie le 30 nov. 2026" in text
    # The late action first; the done one counted, not shown.
    assert text.index("Audit du parc") < text.index("Remplacer les écrans") and "Déjà faite" not in text
    assert "en retard" in text and "1 finie, 0 abandonnée" in text
    assert "Celle de Bob" not in text
    # The plan at a glance and the workspace's count.
    assert "4 actions\u00a0: 3 à faire" in text and "25\u202f%" in text and "Plan pas encore validé" in text
    assert "3 indicateurs dans l'espace de travail" in text
    # User text is escaped: no channel ping, no raw ampersand.
    assert "<!channel>" not in text and "&amp; co" in text
    assert find_button(view, row_action_id(ids.HOME_RECORD_READING, "frc"))[1]["value"] == "frc"
    assert find_button(view, row_action_id(ids.ACTION_UPDATE_PROGRESS, "1"))[1]["value"] == "1"
    assert "value" not in find_button(view, ids.HOME_RECORD_READING)[1]  # the top one: no indicator


def test_the_messages_tab_publishes_nothing(bed: SlackBed, fake_slack: FakeSlack) -> None:
    open_home(bed, tab="messages")
    assert bed.deps.home.wait_idle()
    assert fake_slack.calls_to("views.publish") == []


def test_an_empty_home_tab_says_how_to_start(bed: SlackBed) -> None:
    open_home(bed)
    text = text_of(published(bed))
    assert "Vous n'êtes responsable d'aucun indicateur" in text and "Aucune action ouverte" in text
    assert "Le plan ne compte encore aucune action" in text


def test_english_workspace(bed: SlackBed, services: Services) -> None:
    with services.db.write() as s:
        s.add(Workspace(team_id="T0EN", timezone="Europe/London", language="en", created_at=FIXED_NOW))
    bed.fake.locale = "en-GB"  # its people use Slack in English
    kpi(services, 'new frc "Resolution" kind=percent every=month', team="T0EN")
    kpi(services, "frc 1234.5 @2026-10", team="T0EN")
    new_action(services, "Audit", team="T0EN")
    open_home(bed, team_id="T0EN")
    text = text_of(published(bed))
    assert "My indicators (1)" in text and "My open actions (1)" in text and "Show" not in text
    assert "1,234.5% (October 2026)" in text and "next reading due 30 Nov 2026" in text
    assert "Record a value" in text and "New action" in text and "Mes indicateurs" not in text


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        # 25 October 2026, Paris goes back from UTC+2 to UTC+1 at 01:00 UTC: one wall-clock hour twice.
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), "Au 25 oct. 2026, 02:30."),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), "Au 25 oct. 2026, 02:30."),
        # Late on 24 October in UTC, already the 25th in Paris.
        (dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC), "Au 25 oct. 2026, 01:30."),
    ],
)
def test_the_tab_says_when_it_was_read_in_the_workspaces_time(
    bed: SlackBed, clock: FixedClock, now: dt.datetime, shown: str
) -> None:
    clock.now = now
    open_home(bed)
    assert shown in text_of(published(bed))


def test_past_midnight_in_paris_the_tab_reads_the_next_day(
    bed: SlackBed, services: Services, clock: FixedClock
) -> None:
    new_action(services, "Audit du parc", identified_on=dt.date(2026, 11, 2), due_on=dt.date(2026, 12, 1))
    clock.now = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 on 2 December in Paris
    open_home(bed)
    text = text_of(published(bed))
    assert "Au 2 déc. 2026, 00:30." in text and "1 déc. 2026, 23:30" not in text
    assert "échéance 1er déc. 2026 · :warning: en retard" in text  # due yesterday, Paris time


def test_the_tab_is_republished_after_the_users_own_reading(bed: SlackBed, services: Services) -> None:
    kpi(services, 'new frc "Résolution" kind=ratio every=month')
    open_home(bed)
    assert ":pencil2: à saisir" in text_of(published(bed))
    bed.command("frc 45/60 @2026-10")
    text = text_of(published(bed, 2))
    assert "75\u202f% (45/60) (octobre 2026)" in text and "à saisir" not in text


def test_opening_the_tab_brings_forward_a_refresh_waiting_for_a_quiet_moment(
    services: Services, fake_slack: FakeSlack
) -> None:
    bed = SlackBed(services, fake_slack, home_quiet=3600.0)  # a change alone would wait an hour
    kpi(services, 'new frc "Résolution" kind=ratio every=month')
    bed.command("frc 45/60 @2026-10")
    open_home(bed)
    assert "75\u202f% (45/60) (octobre 2026)" in text_of(published(bed))
    assert len(fake_slack.calls_to("views.publish")) == 1  # the reading's refresh and the opening: one


def test_300_indicators_and_300_actions_stay_within_the_limit_and_show_more(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    for n in range(300):
        services.indicators.define(
            team_id=TEAM,
            user_id=ALICE,
            spec=NewIndicator(code=f"k{n:03d}", name=f"Indicateur {n}", kind=Kind.NUMBER),
        )
        new_action(services, f"Action {n}")
    open_home(bed)
    first = published(bed)
    assert len(first["blocks"]) <= HOME_BLOCKS_MAX
    text = text_of(first)
    assert "*k014*" in text and "*k015*" not in text and "*#15*" in text and "*#16*" not in text
    assert f"Voir les {300 - ROWS} autres" in text
    more_kpis = row_action_id(ids.HOME_SHOW_MORE, INDICATORS)
    more_actions = row_action_id(ids.HOME_SHOW_MORE, ACTIONS)
    assert SHOW_MORE.match(more_kpis) and SHOW_MORE.match(more_actions)

    click(bed, first, more_kpis)
    second = published(bed, 2)
    text = text_of(second)
    assert len(second["blocks"]) <= HOME_BLOCKS_MAX and second["private_metadata"] == INDICATORS
    assert f"*k{EXPANDED_ROWS - 1:03d}*" in text and f"*k{EXPANDED_ROWS:03d}*" not in text
    assert f"Et {300 - EXPANDED_ROWS} autres\u00a0: `/kpi list`" in text
    assert "*#16*" not in text and f"Voir les {300 - ROWS} autres" in text  # actions still folded

    click(bed, second, more_actions)  # the indicators stay expanded
    third = published(bed, 3)
    text = text_of(third)
    assert len(third["blocks"]) <= HOME_BLOCKS_MAX
    assert f"*k{EXPANDED_ROWS - 1:03d}*" in text and f"*#{EXPANDED_ROWS}*" in text
    assert f"*#{EXPANDED_ROWS + 1}*" not in text and "`/action list mine`" in text
    assert "Voir les" not in text
    assert fake_slack.calls_to("views.open") == []


def test_row_buttons_open_their_modals(bed: SlackBed, services: Services, fake_slack: FakeSlack) -> None:
    """Suffixed action_ids reach the listeners registered by prefix."""
    alice_and_her_plan(services)
    open_home(bed)
    view = published(bed)
    click(bed, view, row_action_id(ids.HOME_RECORD_READING, "frc"))
    record = modal_opened(fake_slack)
    assert record["callback_id"] == ids.RECORD_MODAL and "frc" in json.dumps(record, ensure_ascii=False)
    click(bed, view, row_action_id(ids.ACTION_UPDATE_PROGRESS, "1"))
    assert modal_opened(fake_slack, 2)["callback_id"] == ids.PROGRESS_MODAL
    click(bed, view, ids.HOME_NEW_ACTION)
    assert modal_opened(fake_slack, 3)["callback_id"] == ids.NEW_ACTION_MODAL
    click(bed, view, ids.HOME_RECORD_READING)
    assert modal_opened(fake_slack, 4)["callback_id"] == ids.RECORD_MODAL
    assert len(fake_slack.calls_to("views.publish")) == 1  # none of them republishes the tab


# --------------------------------------------------------------------------------------------------
# The builder alone: the block limit whatever the data


def _indicator(n: int) -> HomeIndicator:
    view = IndicatorView(
        id=n,
        code=f"k{n}",
        name="Indicateur " + "x" * 150,
        kind=Kind.RATIO,
        unit="",
        thresholds=Thresholds(target=75, warn_below=70),
        owner_id=ALICE,
        entity="",
        level=Level.OPERATIONAL,
        cadence=Cadence.MONTH,
    )
    reading = ReadingView(
        id=n,
        value=50.0,
        numerator=30,
        denominator=60,
        period=Period(dt.date(2026, 8, 1), Granularity.MONTH),
        recorded_by=ALICE,
        recorded_at=FIXED_NOW,
        source="slack",
        note="",
        state="active",
    )
    summary = IndicatorSummary(indicator=view, latest=reading, status=Status.WARNING)
    return HomeIndicator(summary=summary, due_on=dt.date(2026, 9, 30))


def _action(n: int) -> ActionView:
    return ActionView(
        number=n,
        label="Action " + "y" * 190,
        description="",
        domain="achats",
        owner_id=ALICE,
        engagement=Engagement.REFLEXION,
        status=ActionStatus.DOING,
        priority=None,
        difficulty=None,
        progress=40,
        objective="",
        identified_on=dt.date(2026, 1, 1),
        started_on=None,
        due_on=dt.date(2026, 10, 1),
        done_on=None,
    )


def _data(indicators: int, actions: int) -> HomeData:
    plan = PlanSummary(
        total=actions,
        by_status={s.value: 0 for s in ActionStatus},
        by_engagement={e.value: 0 for e in Engagement},
        late=actions,
        percent_done=33.3,
        validated_on=dt.date(2026, 3, 1),
        communicated_on=None,
        meetings_last_12_months=4,
        last_meeting_on=dt.date(2026, 10, 2),
    )
    return HomeData(
        today=TODAY,
        indicators=tuple(_indicator(n) for n in range(indicators)),
        actions=tuple(_action(n + 1) for n in range(actions)),
        done_actions=7,
        abandoned_actions=2,
        plan=plan,
        workspace_indicators=indicators + 5,
    )


@pytest.mark.usefixtures("slack_specs")
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    "expanded", [frozenset(), frozenset({INDICATORS}), frozenset({ACTIONS}), frozenset({INDICATORS, ACTIONS})]
)
@pytest.mark.parametrize(("indicators", "actions"), [(1000, 1000), (0, 1000), (1000, 0), (16, 16), (0, 0)])
def test_the_view_is_valid_and_within_100_blocks_whatever_the_data(
    lang: str, expanded: frozenset[str], indicators: int, actions: int
) -> None:
    view = home_view(lang, _data(indicators, actions), today=TODAY, expanded=expanded)
    validate_view(view)
    assert_unique_ids(view)
    assert len(view["blocks"]) <= HOME_BLOCKS_MAX
    for section, count, prefix in ((INDICATORS, indicators, "kpi"), (ACTIONS, actions, "action")):
        limit = EXPANDED_ROWS if section in expanded else ROWS
        rows = [b for b in view["blocks"] if b.get("block_id", "").startswith(f"pilote.home.{prefix}.")]
        assert len(rows) == min(count, limit)
        more = row_action_id(ids.HOME_SHOW_MORE, section)
        assert (more in action_ids(view)) == (count > limit and section not in expanded)
    assert view["blocks"][-1]["type"] == "context"  # the footer survived
