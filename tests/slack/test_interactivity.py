"""Buttons and modals through the real Bolt app, signed like Slack, against the fake Slack Web API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.domain.action_grammar import ActionFields
from bot.domain.actions import ActionStatus
from bot.domain.grammar import NewIndicator
from bot.domain.values import Kind
from bot.services import Defaults, Services
from bot.slack import ids
from bot.slack.blocks import modals as m
from storage.db import Database
from storage.models import Action, Reading
from tests.support.databases import FixedClock
from tests.support.fake_slack import Call, FakeSlack
from tests.support.metrics import scrape
from tests.support.payloads import block_actions_payload, modal_state, view_submission_payload
from tests.support.slackbed import Reply, SlackBed

TEAM, ALICE, BOB = "T0PILOTE", "U0ALICE", "U0BOB"
HOME_VIEW = {"id": "V0PILOTEHOME", "type": "home"}


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> Iterator[SlackBed]:
    bed = SlackBed(services, fake_slack)
    yield bed
    assert bed.deps.home.wait_idle()  # Home tabs refreshed while the fake Slack still answers


def count(services: Services, model: type) -> int:
    with services.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def define_frc(services: Services) -> None:
    spec = NewIndicator(code="frc", name="Taux de résolution au premier contact", kind=Kind.RATIO)
    services.indicators.define(team_id=TEAM, user_id=ALICE, spec=spec)


def new_action(services: Services, label: str = "Audit du parc", owner: str = BOB) -> int:
    fields = ActionFields(label=label, owner_id=owner)
    return services.actions.create(team_id=TEAM, user_id=owner, fields=fields).number


def click(bed: SlackBed, action_id: str, value: str = "", *, home: bool = False, **over: Any) -> str | None:
    """Click a button on a message (returns its response_url) or in the Home tab (returns None)."""
    url = None if home else bed.fake.new_response_url()
    payload = block_actions_payload(
        action_id=action_id, value=value, response_url=url, view=HOME_VIEW if home else None, **over
    )
    reply = bed.interaction(payload)
    assert reply.status == 200 and reply.body == b"", reply.body[:300]
    return url


def opened(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    """The view of the last views.open call, as Slack stored it (with its id)."""
    call = fake.wait_for("views.open", count)[count - 1]
    assert call.outcome == "ok", call.response
    assert call.response is not None
    return dict(call.response["view"])


def submit(bed: SlackBed, view: dict[str, Any], answers: dict[m.Field, Any], user_id: str = ALICE) -> Reply:
    values = modal_state(view, {f.block_id: v for f, v in answers.items()})
    reply = bed.interaction(view_submission_payload(view=view, values=values, user_id=user_id))
    assert reply.status == 200, reply.body[:300]
    return reply


def texts(calls: list[Call]) -> str:
    return "\n".join(str(c.args.get("text", "")) + str(c.args.get("blocks", "")) for c in calls)


# --------------------------------------------------------------------------------------------------
# New action


def test_home_button_opens_the_form_and_a_valid_submission_creates_the_action(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    define_frc(services)
    click(bed, ids.HOME_NEW_ACTION + ":top", home=True)
    view = opened(fake_slack)
    assert view["callback_id"] == ids.NEW_ACTION_MODAL and "frc" in str(view["blocks"])
    reply = submit(
        bed,
        view,
        {
            m.NEW_LABEL: "Réemployer les postes de travail",
            m.NEW_DESCRIPTION: "Avec le fournisseur",
            m.NEW_OWNER: BOB,
            m.NEW_LEVEL: "experimentation",
            m.NEW_STATUS: "doing",
            m.NEW_DOMAIN: "achats",
            m.NEW_PRIORITY: "prioritaire",
            m.NEW_DIFFICULTY: "medium",
            m.NEW_PROGRESS: "30",
            m.NEW_DUE: "2026-12-31",
            m.NEW_OBJECTIVE: "80 % des postes",
            m.NEW_INDICATORS: ["frc"],
        },
    )
    assert reply.body == b""  # the modal closes
    (created,), _ = services.actions.list(team_id=TEAM, user_id=ALICE)
    assert created.label == "Réemployer les postes de travail" and created.owner_id == BOB
    assert created.status is ActionStatus.DOING and created.progress == 30 and created.domain == "achats"
    assert created.due_on == dt.date(2026, 12, 31) and created.identified_on == dt.date(2026, 11, 20)
    assert created.indicator_codes == ("frc",) and created.priority and created.difficulty
    # Opened from the Home tab: confirmed in the user's DM, with the action's buttons.
    (dm,) = fake_slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == ALICE and "#1" in dm.args["text"]
    assert ids.ACTION_MARK_DONE in texts([dm])
    assert bed.deps.home.wait_idle()
    assert any(c.args.get("user_id") == ALICE for c in fake_slack.calls_to("views.publish"))


def test_from_a_channel_the_confirmation_is_ephemeral_there_or_a_dm_when_refused(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    today = dt.date(2026, 11, 20)
    view = m.new_action_modal("fr", indicators=[], channel_id="C0PLAN", today=today)
    submit(bed, view, {m.NEW_LABEL: "Sensibiliser les équipes"})
    (ephemeral,) = fake_slack.wait_for("chat.postEphemeral")
    assert ephemeral.args["channel"] == "C0PLAN" and ephemeral.args["user"] == ALICE
    assert "Sensibiliser" in ephemeral.args["text"]
    fake_slack.fail_next("chat.postEphemeral", status=200, body={"ok": False, "error": "not_in_channel"})
    submit(bed, view, {m.NEW_LABEL: "Allonger la durée de vie"})
    (dm,) = fake_slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == ALICE and "#2" in dm.args["text"]
    assert count(services, Action) == 2


@pytest.mark.parametrize(
    ("answers", "block", "expected"),
    [
        ({m.NEW_LABEL: "   "}, m.NEW_LABEL, "obligatoire"),
        ({m.NEW_LABEL: "x" * 201}, m.NEW_LABEL, "200"),
        ({m.NEW_LABEL: "Audit", m.NEW_PROGRESS: "140"}, m.NEW_PROGRESS, "de 0 à 100"),
        ({m.NEW_LABEL: "Audit", m.NEW_DUE: "2026-11-01"}, m.NEW_DUE, "ne peut pas précéder"),
        ({m.NEW_LABEL: "Audit", m.NEW_IDENTIFIED: None, m.NEW_DUE: "2026-11-01"}, m.NEW_DUE, "précéder"),
        ({m.NEW_LABEL: "Audit", m.NEW_OTHER_DOMAIN: "deux mots"}, m.NEW_OTHER_DOMAIN, "n'est pas un domaine"),
        ({m.NEW_LABEL: "Audit", m.NEW_DOMAIN: "achats", m.NEW_OTHER_DOMAIN: "mobilite"}, m.NEW_OTHER_DOMAIN,
         "pas les deux"),
    ],
)  # fmt: skip
def test_invalid_new_action_is_refused_inside_the_modal(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, answers: dict[m.Field, Any], block: m.Field,
    expected: str,
) -> None:  # fmt: skip
    view = m.new_action_modal("fr", indicators=[], channel_id="C0PLAN", today=dt.date(2026, 11, 20))
    reply = submit(bed, view, answers)
    assert reply.json["response_action"] == "errors"
    assert list(reply.json["errors"]) == [block.block_id]
    assert expected in reply.json["errors"][block.block_id]
    assert count(services, Action) == 0
    assert not fake_slack.calls_to("chat.postEphemeral") and not fake_slack.calls_to("chat.postMessage")


def test_indicator_deleted_while_the_form_was_open(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    define_frc(services)
    click(bed, ids.HOME_NEW_ACTION, home=True)
    view = opened(fake_slack)
    services.indicators.archive(team_id=TEAM, user_id=ALICE, code="frc", is_admin=lambda: True)
    reply = submit(bed, view, {m.NEW_LABEL: "Audit", m.NEW_INDICATORS: ["frc"]})
    assert list(reply.json["errors"]) == [m.NEW_INDICATORS.block_id]
    assert "frc" in reply.json["errors"][m.NEW_INDICATORS.block_id]
    assert count(services, Action) == 0


def test_the_form_in_english(db: Database, clock: FixedClock, fake_slack: FakeSlack) -> None:
    services = Services.build(db, defaults=Defaults(timezone="Europe/Paris", language="en"), clock=clock)
    fake_slack.locale = "en-US"
    bed = SlackBed(services, fake_slack)
    click(bed, ids.HOME_NEW_ACTION, home=True)
    view = opened(fake_slack)
    assert view["title"]["text"] == "New action" and "Purchasing" in str(view["blocks"])
    reply = submit(bed, view, {m.NEW_LABEL: "Audit", m.NEW_PROGRESS: "140"})
    assert "from 0 to 100" in reply.json["errors"][m.NEW_PROGRESS.block_id]
    submit(bed, view, {m.NEW_LABEL: "Audit"})
    (dm,) = fake_slack.wait_for("chat.postMessage")
    assert "created" in dm.args["text"]
    assert bed.deps.home.wait_idle()


# --------------------------------------------------------------------------------------------------
# Buttons on action messages


def test_mark_done_button(bed: SlackBed, services: Services, fake_slack: FakeSlack) -> None:
    number = new_action(services)
    url = click(bed, ids.ACTION_MARK_DONE, str(number))
    (answer,) = fake_slack.wait_for_responses(1)
    assert answer["url"] == url and answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False and "#1" in answer["text"]
    card = services.actions.card(team_id=TEAM, number=number)
    assert card.action.status is ActionStatus.DONE and card.action.progress == 100
    assert card.action.done_on == dt.date(2026, 11, 20)
    assert card.journal[0].user_id == ALICE and card.journal[0].changes["status"] == ["todo", "done"]
    assert bed.deps.home.wait_idle()
    # Clicking again changes nothing, and says so.
    click(bed, ids.ACTION_MARK_DONE, str(number))
    assert "déjà" in fake_slack.wait_for_responses(2)[1]["text"]
    assert len(services.actions.card(team_id=TEAM, number=number).journal) == 2


@pytest.mark.parametrize(
    "action_id", [ids.ACTION_MARK_DONE, ids.ACTION_UPDATE_PROGRESS, ids.ACTION_OPEN_JOURNAL]
)
def test_a_button_of_another_workspaces_message_acts_on_nothing_in_the_clickers(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, action_id: str
) -> None:
    """In a channel two organisations share, team B's member clicks team A's "#1" button: B has a #1
    of its own, and it must not be the one changed."""
    new_action(services)  # team A's #1
    services.actions.create(team_id="T0OTHER", user_id="U0BOB", fields=ActionFields(label="Inventaire"))
    reply = bed.command("show 1", command="/action")  # team A's card, with its buttons
    buttons = next(b for b in reply.json["blocks"] if b["type"] == "actions")["elements"]
    value = next(e["value"] for e in buttons if e["action_id"] == action_id)
    assert value.startswith("T0PILOTE~")
    click(bed, action_id, value, team_id="T0OTHER", user_id="U0BOB")
    (answer,) = fake_slack.wait_for_responses(1)
    assert "un autre espace de travail" in answer["text"] and answer["response_type"] == "ephemeral"
    assert services.actions.card(team_id="T0OTHER", number=1).action.status is ActionStatus.TODO
    assert fake_slack.calls_to("views.open") == []
    click(bed, action_id, value)  # in team A, the same button works
    if action_id == ids.ACTION_UPDATE_PROGRESS:
        fake_slack.wait_for("views.open")
    else:
        assert "un autre espace" not in fake_slack.wait_for_responses(2)[1]["text"]


@pytest.mark.parametrize(
    "action_id", [ids.ACTION_MARK_DONE, ids.ACTION_UPDATE_PROGRESS, ids.ACTION_OPEN_JOURNAL]
)
def test_unknown_action_numbers_get_a_clear_answer(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, action_id: str
) -> None:
    new_action(services)
    click(bed, action_id, "1", team_id="T0OTHER")  # same number, another workspace
    click(bed, action_id, "42")
    answers = "\n".join(r["text"] for r in fake_slack.wait_for_responses(2))  # lazy: in any order
    assert "Aucune action #1 " in answers and "Aucune action #42 " in answers
    assert not fake_slack.calls_to("views.open")
    assert services.actions.card(team_id=TEAM, number=1).action.status is ActionStatus.TODO


def test_progress_button_opens_the_modal_and_its_submission_updates_the_action(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    number = new_action(services)
    click(bed, ids.ACTION_UPDATE_PROGRESS, str(number))
    view = opened(fake_slack)
    assert view["callback_id"] == ids.PROGRESS_MODAL
    refused = submit(bed, view, {m.PROGRESS_PROGRESS: "140"})
    assert list(refused.json["errors"]) == [m.PROGRESS_PROGRESS.block_id]
    nothing = submit(bed, view, {})  # same status, same progress, no note
    assert "déjà" in nothing.json["errors"][m.PROGRESS_STATUS.block_id]
    assert len(services.actions.card(team_id=TEAM, number=number).journal) == 1
    done = submit(
        bed, view, {m.PROGRESS_STATUS: "doing", m.PROGRESS_PROGRESS: "60", m.PROGRESS_NOTE: "livré"}
    )
    assert done.body == b""
    card = services.actions.card(team_id=TEAM, number=number)
    assert card.action.status is ActionStatus.DOING and card.action.progress == 60
    assert card.action.started_on == dt.date(2026, 11, 20) and card.journal[0].note == "livré"
    (ephemeral,) = fake_slack.wait_for("chat.postEphemeral")
    assert ephemeral.args["channel"] == "C0PLAN" and "mise à jour" in ephemeral.args["text"]


def test_anyone_may_record_progress(bed: SlackBed, services: Services, fake_slack: FakeSlack) -> None:
    number = new_action(services, owner=BOB)
    click(bed, ids.ACTION_UPDATE_PROGRESS, str(number), user_id=ALICE)
    submit(bed, opened(fake_slack), {m.PROGRESS_PROGRESS: "10"}, user_id=ALICE)
    assert services.actions.card(team_id=TEAM, number=number).action.progress == 10


def test_progress_from_the_home_tab_is_confirmed_by_dm(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    number = new_action(services)
    click(bed, f"{ids.ACTION_UPDATE_PROGRESS}:{number}", str(number), home=True)
    view = opened(fake_slack)
    submit(bed, view, {m.PROGRESS_STATUS: "done"})
    (dm,) = fake_slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == ALICE and "#1" in dm.args["text"]
    assert services.actions.card(team_id=TEAM, number=number).action.progress == 100
    assert not fake_slack.calls_to("chat.postEphemeral")


def test_journal_button(bed: SlackBed, services: Services, fake_slack: FakeSlack) -> None:
    number = new_action(services)
    services.actions.update_status(team_id=TEAM, user_id=BOB, number=number, status=ActionStatus.DOING,
                                   note="atelier fournisseur")  # fmt: skip
    click(bed, ids.ACTION_OPEN_JOURNAL, str(number))
    (answer,) = fake_slack.wait_for_responses(1)
    assert answer["response_type"] == "ephemeral" and "Journal de l'action #1" in str(answer["blocks"])
    assert "atelier fournisseur" in str(answer["blocks"])
    # From the Home tab there is no response_url: the card opens in a modal.
    click(bed, ids.ACTION_OPEN_JOURNAL + ":1", str(number), home=True)
    view = opened(fake_slack)
    assert view["callback_id"] == m.CARD_MODAL and "atelier fournisseur" in str(view["blocks"])


def test_an_expired_trigger_is_explained(bed: SlackBed, services: Services, fake_slack: FakeSlack) -> None:
    number = new_action(services)
    fake_slack.fail_next("views.open", status=200, body={"ok": False, "error": "expired_trigger_id"})
    click(bed, ids.ACTION_UPDATE_PROGRESS, str(number))
    (answer,) = fake_slack.wait_for_responses(1)
    assert "expired_trigger_id" in answer["text"] and "Réessayez" in answer["text"]


# --------------------------------------------------------------------------------------------------
# Readings


def open_record(bed: SlackBed, fake: FakeSlack, code: str = "frc") -> dict[str, Any]:
    click(bed, f"{ids.HOME_RECORD_READING}:{code}", code, home=True)
    view = opened(fake)
    assert view["callback_id"] == ids.RECORD_MODAL
    return view


def test_record_reading_modal(bed: SlackBed, services: Services, fake_slack: FakeSlack) -> None:
    define_frc(services)
    view = open_record(bed, fake_slack)
    selected = next(b for b in view["blocks"] if b.get("block_id") == m.RECORD_INDICATOR.block_id)
    assert selected["element"]["initial_option"]["value"] == "frc"
    before = scrape(bed).value("pilote_readings_stored_total", source="slack")
    reply = submit(bed, view, {m.RECORD_VALUE: "45/60", m.RECORD_PERIOD: "2026-10", m.RECORD_NOTE: "atelier"})
    assert reply.body == b""
    assert scrape(bed).value("pilote_readings_stored_total", source="slack") - before == 1
    (reading,) = services.indicators.history(team_id=TEAM, code="frc").readings
    assert reading.value == 75 and reading.period.label() == "2026-10" and reading.note == "atelier"
    (dm,) = fake_slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == ALICE and "75\u202f% (45/60)" in dm.args["text"]
    assert bed.deps.home.wait_idle()


@pytest.mark.parametrize(
    ("answers", "block", "expected"),
    [
        ({m.RECORD_VALUE: "1/0"}, m.RECORD_VALUE, "dénominateur"),
        ({m.RECORD_VALUE: "abc"}, m.RECORD_VALUE, "n'est pas un nombre"),
        ({m.RECORD_VALUE: " "}, m.RECORD_VALUE, "obligatoire"),
        ({m.RECORD_VALUE: "12", m.RECORD_PERIOD: "2031-01"}, m.RECORD_PERIOD, "pas encore commencé"),
        ({m.RECORD_VALUE: "12", m.RECORD_PERIOD: "bientôt"}, m.RECORD_PERIOD, "n'est pas une période"),
    ],
)
def test_invalid_reading_is_refused_inside_the_modal(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, answers: dict[m.Field, Any], block: m.Field,
    expected: str,
) -> None:  # fmt: skip
    define_frc(services)
    reply = submit(bed, open_record(bed, fake_slack), answers)
    assert reply.json["response_action"] == "errors"
    assert list(reply.json["errors"]) == [block.block_id] and expected in reply.json["errors"][block.block_id]
    assert count(services, Reading) == 0
    assert not fake_slack.calls_to("chat.postMessage")


def test_record_button_without_any_indicator(bed: SlackBed, fake_slack: FakeSlack) -> None:
    click(bed, ids.HOME_RECORD_READING, "", home=True)
    view = opened(fake_slack)
    assert "submit" not in view and "/kpi new" in str(view["blocks"])


def test_an_internal_failure_on_submit_keeps_the_form(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from tests.support.specs import validate_view

    def broken(**_: object) -> None:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    click(bed, ids.HOME_NEW_ACTION, home=True)
    view = opened(fake_slack)
    monkeypatch.setattr(services.actions, "create", broken)
    reply = submit(bed, view, {m.NEW_LABEL: "Audit du parc"})
    assert reply.json["response_action"] == "push"
    validate_view(reply.json["view"])
    assert "rien n'a été enregistré" in str(reply.json["view"])
    assert count(services, Action) == 0


def test_a_form_submitted_twice_acts_once_but_a_corrected_one_is_new(
    bed: SlackBed, services: Services, fake_slack: FakeSlack
) -> None:
    click(bed, ids.HOME_NEW_ACTION, home=True)  # the new-action form, from the Home tab
    view = opened(fake_slack)
    refused = submit(bed, view, {m.NEW_LABEL: "Former", m.NEW_PROGRESS: "cent"})  # refused: errors
    assert b"errors" in refused.body
    answers = {m.NEW_LABEL: "Former les agents", m.NEW_PROGRESS: "30"}
    assert submit(bed, view, answers).body == b""  # corrected, same view and hash: a new submission
    assert submit(bed, view, answers).body in (b"", b"{}")  # the same one again (a double click)
    actions, _ = services.actions.list(team_id=TEAM, user_id=ALICE)
    assert [a.label for a in actions] == ["Former les agents"]
