"""Modal builders validate as Slack modals; modal_values reads and checks what users typed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from bot.domain.actions import ActionStatus, ActionView, Engagement
from bot.domain.errors import InvalidInput, UnknownIndicator
from bot.slack import ids
from bot.slack.blocks import modal_values as mv
from bot.slack.blocks import modals as m
from tests.support.payloads import modal_state
from tests.support.specs import validate_view

TODAY = dt.date(2026, 11, 20)
LANGS = ("fr", "en")
INDICATORS = [("frc", "Taux de résolution au premier contact"), ("budget-nr", "Budget numérique responsable")]


@pytest.fixture(autouse=True)
def _needs_specs(slack_specs: Path) -> None:
    """validate_view reads Slack's Block Kit schema: skipped (or failed on CI) without it."""


def action(**over: Any) -> ActionView:
    values: dict[str, Any] = dict(
        number=12, label="Réemployer les postes", description="", domain="achats", owner_id="U0ALICE",
        engagement=Engagement.REFLEXION, status=ActionStatus.DOING, priority=None, difficulty=None,
        progress=40, objective="", identified_on=TODAY, started_on=TODAY, due_on=None, done_on=None,
    )  # fmt: skip
    values.update(over)
    return ActionView(**values)


def blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def all_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if "block_id" in b]


# --------------------------------------------------------------------------------------------------
# Builders


@pytest.mark.parametrize("lang", LANGS)
def test_new_action_modal_validates_with_every_field(lang: str) -> None:
    view = m.new_action_modal(lang, indicators=INDICATORS, channel_id="C0PLAN", today=TODAY)
    validate_view(view)
    assert view["callback_id"] == ids.NEW_ACTION_MODAL
    assert json.loads(view["private_metadata"]) == {"channel_id": "C0PLAN"}
    ids_ = all_ids(view)
    assert len(ids_) == len(set(ids_))
    blocks = blocks_by_id(view)
    assert blocks[m.NEW_LABEL.block_id]["optional"] is False
    assert blocks[m.NEW_LABEL.block_id]["element"]["max_length"] == 200
    assert blocks[m.NEW_OWNER.block_id]["element"]["type"] == "users_select"
    assert blocks[m.NEW_LEVEL.block_id]["element"]["initial_option"]["value"] == "reflexion"
    assert blocks[m.NEW_STATUS.block_id]["element"]["initial_option"]["value"] == "todo"
    assert len(blocks[m.NEW_DOMAIN.block_id]["element"]["options"]) == 7
    assert blocks[m.NEW_IDENTIFIED.block_id]["element"]["initial_date"] == "2026-11-20"
    assert blocks[m.NEW_PROGRESS.block_id]["element"]["max_value"] == "100"
    assert [o["value"] for o in blocks[m.NEW_INDICATORS.block_id]["element"]["options"]] == [
        "frc",
        "budget-nr",
    ]


def test_new_action_modal_speaks_the_workspace_language() -> None:
    fr = m.new_action_modal("fr", indicators=[], channel_id="C0PLAN", today=TODAY)
    en = m.new_action_modal("en", indicators=[], channel_id="C0PLAN", today=TODAY)
    assert fr["title"]["text"] == "Nouvelle action" and en["title"]["text"] == "New action"
    fr_domains = [o["text"]["text"] for o in blocks_by_id(fr)[m.NEW_DOMAIN.block_id]["element"]["options"]]
    en_domains = [o["text"]["text"] for o in blocks_by_id(en)[m.NEW_DOMAIN.block_id]["element"]["options"]]
    assert "Achats" in fr_domains and "Purchasing" in en_domains


def test_no_indicator_block_without_indicators() -> None:
    view = m.new_action_modal("fr", indicators=[], channel_id="U0ALICE", today=TODAY)
    validate_view(view)
    assert m.NEW_INDICATORS.block_id not in blocks_by_id(view)


@pytest.mark.parametrize("lang", LANGS)
def test_150_indicators_offer_slacks_100_at_most(lang: str) -> None:
    many = [(f"kpi{i:03d}", "Un nom d'indicateur assez long pour dépasser la limite des options " * 2)
            for i in range(150)]  # fmt: skip
    view = m.new_action_modal(lang, indicators=many, channel_id="C0PLAN", today=TODAY)
    validate_view(view)
    block = blocks_by_id(view)[m.NEW_INDICATORS.block_id]
    assert len(block["element"]["options"]) == 100 and "150" in block["hint"]["text"]
    record = m.record_reading_modal(lang, indicators=many, selected_code="kpi140")
    validate_view(record)
    element = blocks_by_id(record)[m.RECORD_INDICATOR.block_id]["element"]
    assert len(element["options"]) == 100
    assert element["initial_option"]["value"] == "kpi140"  # the button's indicator is kept


@pytest.mark.parametrize("lang", LANGS)
def test_progress_modal_starts_from_the_current_state(lang: str) -> None:
    view = m.progress_modal(lang, action(), channel_id="C0PLAN")
    validate_view(view)
    assert view["callback_id"] == ids.PROGRESS_MODAL
    assert json.loads(view["private_metadata"]) == {"number": 12, "channel_id": "C0PLAN"}
    blocks = blocks_by_id(view)
    assert blocks[m.PROGRESS_STATUS.block_id]["element"]["initial_option"]["value"] == "doing"
    assert blocks[m.PROGRESS_PROGRESS.block_id]["element"]["initial_value"] == "40"
    assert "#12" in view["title"]["text"]
    validate_view(m.progress_modal(lang, action(label="x" * 200, number=999999)))


@pytest.mark.parametrize("lang", LANGS)
def test_record_reading_modal(lang: str) -> None:
    view = m.record_reading_modal(lang, indicators=INDICATORS, selected_code="budget-nr")
    validate_view(view)
    assert view["callback_id"] == ids.RECORD_MODAL
    blocks = blocks_by_id(view)
    assert blocks[m.RECORD_INDICATOR.block_id]["element"]["initial_option"]["value"] == "budget-nr"
    assert "45/60" in blocks[m.RECORD_VALUE.block_id]["hint"]["text"]
    assert "2026-10" in blocks[m.RECORD_PERIOD.block_id]["hint"]["text"]
    assert blocks[m.RECORD_PERIOD.block_id]["optional"] and blocks[m.RECORD_NOTE.block_id]["optional"]
    unselected = m.record_reading_modal(lang, indicators=INDICATORS, selected_code=None)
    validate_view(unselected)
    assert "initial_option" not in blocks_by_id(unselected)[m.RECORD_INDICATOR.block_id]["element"]
    unknown = m.record_reading_modal(lang, indicators=INDICATORS, selected_code="gone")
    assert "initial_option" not in blocks_by_id(unknown)[m.RECORD_INDICATOR.block_id]["element"]


@pytest.mark.parametrize("lang", LANGS)
def test_record_reading_modal_without_indicators_says_how_to_create_one(lang: str) -> None:
    view = m.record_reading_modal(lang, indicators=[], selected_code=None)
    validate_view(view)
    assert "submit" not in view and "/kpi new" in json.dumps(view)


def test_card_modal_wraps_a_message() -> None:
    card = {"text": "#12", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "#12"}}] * 120}
    view = m.card_modal("fr", card, number=12)
    validate_view(view)
    assert len(view["blocks"]) == 100


# --------------------------------------------------------------------------------------------------
# modal_values


def new_state(**answers: Any) -> dict[str, Any]:
    view = m.new_action_modal("fr", indicators=INDICATORS, channel_id="C0PLAN", today=TODAY)
    return modal_state(view, {getattr(m, f"NEW_{k.upper()}").block_id: v for k, v in answers.items()})


def test_new_action_fields_with_everything() -> None:
    fields = mv.new_action_fields(
        new_state(
            label="  Réemployer les postes  ", description="Avec le fournisseur", owner="U0BOB",
            level="experimentation", status="doing", domain="achats", priority="prioritaire",
            difficulty="hard", progress="40", due="2026-12-31", objective="80 %", indicators=["frc"],
        )
    )  # fmt: skip
    assert fields.label == "Réemployer les postes" and fields.owner_id == "U0BOB"
    assert fields.engagement == "experimentation" and fields.status == "doing"
    assert fields.domain == "achats" and fields.priority == "prioritaire" and fields.difficulty == "hard"
    assert fields.progress == 40 and fields.identified_on == TODAY and fields.due_on == dt.date(2026, 12, 31)
    assert fields.indicator_codes == ("frc",) and fields.objective == "80 %"


def test_new_action_fields_defaults_leave_choices_to_the_service() -> None:
    fields = mv.new_action_fields(new_state(label="Sensibiliser"))
    assert fields.owner_id is None and fields.domain is None and fields.progress is None
    assert fields.indicator_codes is None and fields.due_on is None
    assert fields.engagement == "reflexion" and fields.status == "todo"  # the modal's initial options


def test_free_domain() -> None:
    # A team's own domain is kept as typed (it is shown so); a guide domain becomes its slug.
    assert mv.new_action_fields(new_state(label="x", other_domain="Mobilité")).domain == "Mobilité"
    assert mv.new_action_fields(new_state(label="x", other_domain="purchasing")).domain == "achats"


def errors_of(state: dict[str, Any], parse: Any = mv.new_action_fields) -> dict[str, str]:
    with pytest.raises(mv.ModalErrors) as caught:
        parse(state)
    return {block: err.key for block, err in caught.value.errors.items()}


@pytest.mark.parametrize(
    ("answers", "block", "key"),
    [
        ({"label": "   "}, m.NEW_LABEL, "modal.error.label_required"),
        ({"label": None}, m.NEW_LABEL, "modal.error.label_required"),
        ({"label": "x" * 201}, m.NEW_LABEL, "error.too_long"),
        ({"label": "x", "progress": "140"}, m.NEW_PROGRESS, "error.bad_progress"),
        ({"label": "x", "progress": "-1"}, m.NEW_PROGRESS, "error.bad_progress"),
        ({"label": "x", "due": "2026-11-01"}, m.NEW_DUE, "error.due_before_identified"),
        ({"label": "x", "other_domain": "mon domaine"}, m.NEW_OTHER_DOMAIN, "error.bad_domain"),
        ({"label": "x", "domain": "achats", "other_domain": "mobilite"}, m.NEW_OTHER_DOMAIN,
         "modal.error.two_domains"),
        ({"label": "x", "description": "d" * 1001}, m.NEW_DESCRIPTION, "error.too_long"),
    ],
)  # fmt: skip
def test_new_action_field_errors_name_their_block(answers: dict[str, Any], block: m.Field, key: str) -> None:
    assert errors_of(new_state(**answers)) == {block.block_id: key}


def test_every_wrong_field_is_reported_at_once() -> None:
    errors = errors_of(new_state(label=" ", progress="140", other_domain="a b"))
    assert set(errors) == {m.NEW_LABEL.block_id, m.NEW_PROGRESS.block_id, m.NEW_OTHER_DOMAIN.block_id}


def test_tampered_option_values_are_refused() -> None:
    state = new_state(label="x")
    state[m.NEW_LEVEL.block_id][m.NEW_LEVEL.action_id]["selected_option"] = {"value": "galaxy"}
    assert errors_of(state) == {m.NEW_LEVEL.block_id: "error.bad_choice"}


def test_progress_update() -> None:
    view = m.progress_modal("fr", action())
    update = mv.progress_update(
        modal_state(view, {m.PROGRESS_STATUS.block_id: "done", m.PROGRESS_NOTE.block_id: " livré "})
    )
    assert update == mv.ProgressUpdate(ActionStatus.DONE, 40, "livré")
    cleared = mv.progress_update(modal_state(view, {m.PROGRESS_PROGRESS.block_id: None}))
    assert cleared.progress is None and cleared.status is ActionStatus.DOING
    bad = modal_state(view, {m.PROGRESS_PROGRESS.block_id: "140"})
    assert errors_of(bad, mv.progress_update) == {m.PROGRESS_PROGRESS.block_id: "error.bad_progress"}


def test_reading_command() -> None:
    view = m.record_reading_modal("fr", indicators=INDICATORS, selected_code="frc")
    state = modal_state(view, {m.RECORD_VALUE.block_id: " 45/60 ", m.RECORD_PERIOD.block_id: "2026-T3"})
    command = mv.reading_command(state)
    assert (command.code, command.text, command.period_text, command.note) == (
        "frc",
        "45/60",
        "2026-T3",
        "",
    )
    assert mv.reading_command(modal_state(view, {m.RECORD_VALUE.block_id: "oui"})).period_text is None
    empty = modal_state(view, {m.RECORD_VALUE.block_id: "  "})
    assert errors_of(empty, mv.reading_command) == {m.RECORD_VALUE.block_id: "modal.error.value_required"}


def test_metadata_is_only_a_hint() -> None:
    assert mv.metadata({"private_metadata": '{"channel_id": "C1"}'}) == {"channel_id": "C1"}
    assert mv.metadata({"private_metadata": "not json"}) == {} and mv.metadata({}) == {}
    assert mv.metadata({"private_metadata": "[1]"}) == {}


def test_service_errors_go_to_the_right_block() -> None:
    due = InvalidInput("error.due_before_identified", due="2026-01-01", identified="2026-02-01")
    assert mv.service_error_block(ids.NEW_ACTION_MODAL, due) == m.NEW_DUE.block_id
    unknown = UnknownIndicator(code="frc", suggestions=[])
    assert mv.service_error_block(ids.NEW_ACTION_MODAL, unknown) == m.NEW_INDICATORS.block_id
    assert mv.service_error_block(ids.RECORD_MODAL, unknown) == m.RECORD_INDICATOR.block_id
    future = InvalidInput("error.future_period", value="2031-01")
    assert mv.service_error_block(ids.RECORD_MODAL, future) == m.RECORD_PERIOD.block_id
    ratio = InvalidInput("error.ratio_zero", value="1/0")
    assert mv.service_error_block(ids.RECORD_MODAL, ratio) == m.RECORD_VALUE.block_id


@pytest.mark.parametrize("lang", LANGS)
def test_error_texts_are_plain_and_translated(lang: str) -> None:
    too_long = InvalidInput("error.too_long", key="label", max=200)
    text = mv.error_text(lang, too_long)
    assert ("libellé" if lang == "fr" else "label") in text and "200" in text and "`" not in text
    assert mv.error_text(lang, InvalidInput("error.not_a_number", value="abc")).count("abc") == 1
    assert "`" not in mv.error_text(lang, InvalidInput("error.bad_period", value="x"))
    unknown = mv.error_text(lang, InvalidInput("error.unclosed_quote"))  # no modal wording: the command's
    assert unknown
