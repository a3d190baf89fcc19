"""Team isolation through every surface: a member of workspace B, using A's codes, numbers, alert keys
and forms, sees nothing of A and changes nothing in it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bot.domain.action_grammar import ActionFields
from bot.domain.actions import ActionStatus
from bot.services import Services
from bot.slack import ids
from bot.slack.blocks import modals as m
from bot.slack.delivery import OutboxSender, sender_client
from storage.models import Action, Indicator, OutboxMessage, Reading
from tests.support.data import kpi
from tests.support.events import app_home_opened, event_body, event_headers
from tests.support.fake_slack import FakeSlack
from tests.support.payloads import block_actions_payload, modal_state, view_submission_payload
from tests.support.slackbed import SIGNING_SECRET, SlackBed

A, B, EVE = "T0PILOTE", "T0OTHER", "U0EVE"
SECRETS = ("Résolution au premier contact", "Former les agents", "45/60", "75\u202f%")
HOME_VIEW = {"id": "V0EVEHOME", "type": "home"}


def rows(services: Services) -> dict[str, Any]:
    """Everything of team A that B must not change."""
    with services.db.read() as s:
        return {
            "readings": s.scalar(select(func.count()).select_from(Reading).where(Reading.team_id == A)),
            "indicators": [
                (i.code, i.name, i.archived_at)
                for i in s.scalars(select(Indicator).where(Indicator.team_id == A))
            ],
            "actions": [
                (a.number, a.label, a.status, a.progress)
                for a in s.scalars(select(Action).where(Action.team_id == A))
            ],
            "outbox": s.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.team_id == A)
            ),
        }


def test_team_b_sees_and_changes_nothing_of_team_a(services: Services, fake_slack: FakeSlack) -> None:
    # Team A: an indicator with readings and an alert, an action.
    kpi(services, 'new frc "Résolution au premier contact" kind=ratio alert_below=80 owner=<@U0ALICE|alice>')
    kpi(services, "frc 45/60 @2026-10")
    services.actions.create(team_id=A, user_id="U0ALICE", fields=ActionFields(label="Former les agents"))
    OutboxSender(sender_client(token=fake_slack.token, base_url=fake_slack.api_url), services).drain()
    alert_key = json.loads(json.dumps(fake_slack.calls_to("chat.postMessage")[0].args["metadata"]))[
        "event_payload"
    ]["key"]
    bed = SlackBed(services, fake_slack)
    # The record form as A's members get it (with A's code as an option), to be submitted as B.
    click = block_actions_payload(
        action_id=ids.HOME_RECORD_READING, value="", response_url=None, view=HOME_VIEW
    )
    assert bed.interaction(click).status == 200
    form = dict(fake_slack.wait_for("views.open")[0].response["view"])  # type: ignore[index]
    state = modal_state(form, {m.RECORD_INDICATOR.block_id: "frc", m.RECORD_VALUE.block_id: "50/60"})
    before = rows(services)
    seen_before = len(fake_slack.calls)

    def as_eve(text: str, command: str = "/kpi") -> str:
        reply = bed.command(text, command=command, team_id=B, user_id=EVE, channel_id="C0EVE")
        return reply.text

    answers = [
        as_eve("list"),
        as_eve("show frc"),
        as_eve("frc 50/60"),  # A's code: an unknown indicator in B, not a reading in A
        as_eve("edit frc target=90"),
        as_eve("archive frc"),
        as_eve("history frc"),
        as_eve("list", "/action"),
        as_eve("show 1", "/action"),
        as_eve("1 done", "/action"),
        as_eve("1 progress=80", "/action"),
        as_eve("plan", "/action"),
        as_eve("", "/dashboard"),
    ]
    # Buttons with A's ids: an action number, an alert key, the record button of A's code.
    for action_id, value in [
        (ids.ACTION_MARK_DONE, "1"),
        (ids.ACTION_MARK_DONE, ids.team_scoped(A, "1")),
        (ids.ACTION_OPEN_JOURNAL, "1"),
        (ids.ALERT_ACK, alert_key),
        (f"{ids.ALERT_SNOOZE}:1w", f"{alert_key}|1w"),
        (f"{ids.HOME_RECORD_READING}:frc", "frc"),
    ]:
        payload = block_actions_payload(
            action_id=action_id,
            value=value,
            team_id=B,
            user_id=EVE,
            response_url=fake_slack.new_response_url(),
        )
        assert bed.interaction(payload).status == 200
    submitted = bed.interaction(view_submission_payload(view=form, values=state, team_id=B, user_id=EVE))
    assert submitted.status == 200
    # The dashboard is posted after the ack, in B's channel: wait for it, then look at it too.
    with fake_slack._cond:
        assert fake_slack._cond.wait_for(
            lambda: any(c.args.get("channel") == "C0EVE" for c in fake_slack.calls_to("chat.postMessage")), 10
        ), "the dashboard of team B was never posted"
    # B's Home tab.
    body = event_body(app_home_opened(EVE), team_id=B)
    assert bed.request("POST", "/slack/events", body, event_headers(SIGNING_SECRET, body)).status == 200
    bed.close_all()

    assert rows(services) == before
    with services.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Action).where(Action.team_id == A)) == 1
    shown = "\n".join(answers) + json.dumps(
        [c.args for c in fake_slack.calls[seen_before:]] + fake_slack.responses, ensure_ascii=False
    )
    leaked = [secret for secret in SECRETS if secret in shown]
    assert leaked == [], f"team B was shown {leaked}"
    card = services.actions.card(team_id=A, number=1).action
    assert card.status is ActionStatus.TODO


def test_with_many_workspaces_each_answer_goes_with_its_teams_token(
    services: Services, fake_slack: FakeSlack
) -> None:
    """What the listeners send after the ack (a chart, the Home tab, users.info) uses the bot token of
    the workspace the request came from."""
    from tests.support.fake_slack import TeamClients

    clients = TeamClients(fake_slack, {A: fake_slack.token, B: "xoxb-team-b"})
    bed = SlackBed(services, fake_slack, clients=clients)
    for team, user in ((A, "U0ALICE"), (B, EVE)):
        bed.command('new frc "Résolution" kind=ratio', team_id=team, user_id=user, channel_id=f"C0{team[2:]}")
        for n, month in enumerate(("2026-08", "2026-09", "2026-10")):
            bed.command(f"frc {40 + n}/60 @{month}", team_id=team, user_id=user)
        bed.command("show frc", team_id=team, user_id=user, channel_id=f"C0{team[2:]}")
        body = event_body(app_home_opened(user), team_id=team)
        assert bed.request("POST", "/slack/events", body, event_headers(SIGNING_SECRET, body)).status == 200
    fake_slack.wait_for("files.completeUploadExternal", 2, timeout=20)
    bed.close_all()
    by_token: dict[str, set[str]] = {}
    for call in fake_slack.calls:
        channel = str(
            call.args.get("channel_id") or call.args.get("channel") or call.args.get("user_id") or ""
        )
        by_token.setdefault(fake_slack.token_of(call) or "", set()).add(channel)
    assert "C0OTHER" in by_token["xoxb-team-b"] and "C0OTHER" not in by_token[fake_slack.token]
    assert EVE in by_token["xoxb-team-b"] and EVE not in by_token[fake_slack.token]  # Home tab, users.info
